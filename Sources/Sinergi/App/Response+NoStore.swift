public import HTTPServer

extension Response {
    /// This answer with `Cache-Control: no-store`: personal data and secrets must stay in no
    /// cache, shared or the browser's.
    public var notStored: Response {
        var response = self
        response.headers.add("Cache-Control", "no-store")
        return response
    }
}
