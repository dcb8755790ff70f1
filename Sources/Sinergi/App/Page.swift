public import HTTPServer

/// Cursor pagination as API.md sets it: `limit` 1-500 (default 50) and an opaque `cursor`
/// from the previous page's `next_cursor`. The cursor is the last row id, so pages stay
/// stable while rows are added.
public struct Page: Sendable {
    public let limit: Int
    /// Rows after this id (or before it, for newest-first lists).
    public let after: Int64?

    /// A page of at most `limit` rows after `after`; read from a query with `QueryInput.page()`.
    public init(limit: Int, after: Int64?) {
        self.limit = limit
        self.after = after
    }

    /// `{"data": [...], "next_cursor": …}` for a page of `items`, each written by `write`;
    /// `id` gives an item's cursor position.
    public func response<Item>(
        _ items: [Item], id: (Item) -> Int64?, write: (Item, inout JSONWriter) -> Void
    ) -> Response {
        var json = JSONWriter()
        json.beginObject()
        json.key("data")
        json.beginArray()
        for item in items { write(item, &json) }
        json.endArray()
        json.field("next_cursor", nextCursor(count: items.count, lastID: items.last.flatMap(id)))
        json.endObject()
        return .json(json.bytes)
    }

    /// The `next_cursor` for a page that returned `count` rows, the last with id `lastID`.
    public func nextCursor(count: Int, lastID: Int64?) -> String? {
        guard count == limit, let lastID else { return nil }
        return Self.encode(lastID)
    }

    // "c" plus the id in base 36: opaque enough, and checked on the way back.
    static func encode(_ id: Int64) -> String { "c" + String(id, radix: 36) }

    static func decode(_ cursor: String) -> Int64? {
        guard cursor.hasPrefix("c"), let id = Int64(cursor.dropFirst(), radix: 36), id >= 0 else { return nil }
        return id
    }
}
