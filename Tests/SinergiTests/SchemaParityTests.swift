import Foundation
import HTTPTestSupport
import PostgreSQL
import SQLite
@testable import Sinergi
import Testing

/// `migrations/NNNN_name.sql` (SQLite) and `migrations/postgresql/NNNN_name.sql` must build the
/// same schema: the same tables, columns (SQLite's INTEGER, TEXT and BLOB are PostgreSQL's
/// bigint, text and bytea), keys, foreign keys, indexes, number of CHECK constraints and
/// triggers. Each is read back from the engine's own catalogue, not from the files.
@Suite struct SchemaParityTests {
    static let folder = repositoryRoot.appendingPathComponent("migrations")

    static func names(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
    }

    @Test("every migration has a PostgreSQL form of the same number and name, and no other is there")
    func sameMigrations() throws {
        let sqlite = try Self.names(in: Self.folder)
        let postgresql = try Self.names(in: Self.folder.appendingPathComponent("postgresql"))
        #expect(sqlite == postgresql)
    }

    @Test("the SQLite and PostgreSQL migrations build the same schema", PostgreSQLTestSettings.isConfigured)
    func sameSchema() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pool = try DatabasePool(path: directory.url.appendingPathComponent("schema.db").path, readers: 1)
        defer { pool.close() }
        _ = try Migrator(directory: Self.folder).migrate(pool)
        let sqlite = try pool.readSync { try SQLiteSchema.read($0) }

        let schema = try FreshPostgreSQLSchema()
        defer { schema.drop() }
        let connection = try PGConnection(url: schema.url)
        for name in try Self.names(in: Self.folder.appendingPathComponent("postgresql")) {
            let file = Self.folder.appendingPathComponent("postgresql").appendingPathComponent(name)
            try connection.execute(String(contentsOf: file, encoding: .utf8))
        }
        let postgresql = try PostgreSQLSchema.read(connection, schema: schema.name)

        #expect(Set(sqlite.keys) == Set(postgresql.keys))
        for table in Set(sqlite.keys).intersection(postgresql.keys).sorted() {
            let (lite, pg) = (sqlite[table]!, postgresql[table]!)
            #expect(lite.columns == pg.columns, "\(table): columns")
            #expect(lite.primaryKey == pg.primaryKey, "\(table): primary key")
            #expect(lite.unique == pg.unique, "\(table): unique constraints")
            #expect(lite.foreignKeys == pg.foreignKeys, "\(table): foreign keys")
            #expect(lite.indexes == pg.indexes, "\(table): indexes")
            #expect(lite.checks == pg.checks, "\(table): CHECK constraints")
            #expect(lite.triggers == pg.triggers, "\(table): triggers")
        }
    }
}

/// One table as both engines' catalogues can describe it.
struct TableShape: Equatable {
    struct Column: Hashable { let name: String; let type: String; let notNull: Bool }
    struct ForeignKey: Hashable { let column: String; let table: String; let referenced: String }
    struct Index: Hashable { let name: String; let columns: [String]; let unique: Bool; let partial: Bool }
    var columns: Set<Column> = []
    var primaryKey: [String] = []
    var unique: Set<[String]> = []
    var foreignKeys: Set<ForeignKey> = []
    var indexes: Set<Index> = []
    var checks = 0
    var triggers: Set<String> = []
}

enum SQLiteSchema {
    static func read(_ connection: Connection) throws -> [String: TableShape] {
        let tables = try connection.fetchAll(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'", []
        ) { (try $0.string("name"), try $0.string("sql")) }
        var shapes: [String: TableShape] = [:]
        for (table, sql) in tables {
            var shape = TableShape()
            let columns = try connection.fetchAll("SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info(?)", [.text(table)]) {
                (name: try $0.string("name"), type: try $0.string("type").lowercased(), notNull: try $0.bool("not_null"), pk: try $0.int("pk"))
            }
            // A primary key column is NOT NULL in PostgreSQL; SQLite's INTEGER PRIMARY KEY says 0.
            shape.columns = Set(columns.map { .init(name: $0.name, type: $0.type, notNull: $0.notNull || $0.pk > 0) })
            shape.primaryKey = columns.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map(\.name)
            shape.foreignKeys = Set(try connection.fetchAll("SELECT \"from\" AS source, \"table\" AS target, \"to\" AS referenced FROM pragma_foreign_key_list(?)", [.text(table)]) {
                TableShape.ForeignKey(column: try $0.string("source"), table: try $0.string("target"), referenced: try $0.string("referenced"))
            })
            let indexes = try connection.fetchAll("SELECT name, \"unique\" AS is_unique, origin, partial FROM pragma_index_list(?)", [.text(table)]) {
                (name: try $0.string("name"), unique: try $0.bool("is_unique"), origin: try $0.string("origin"), partial: try $0.bool("partial"))
            }
            for index in indexes where index.origin != "pk" {
                let columns = try connection.fetchAll("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(index.name)]) { try $0.string("name") }
                if index.origin == "u" {
                    shape.unique.insert(columns)
                } else {
                    shape.indexes.insert(.init(name: index.name, columns: columns, unique: index.unique, partial: index.partial))
                }
            }
            shape.checks = sql.components(separatedBy: "CHECK (").count - 1
            shape.triggers = Set(try connection.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?", [.text(table)]) {
                try $0.string("name")
            })
            shapes[table] = shape
        }
        return shapes
    }
}

enum PostgreSQLSchema {
    /// PostgreSQL's names of SQLite's three storage classes used here.
    static let types = ["bigint": "integer", "text": "text", "bytea": "blob"]

    static func read(_ connection: PGConnection, schema: String) throws -> [String: TableShape] {
        var shapes: [String: TableShape] = [:]
        let columns = try connection.fetchAll("""
            SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
            WHERE table_schema = $1 AND table_name <> 'schema_migrations'
            """, [.text(schema)]) { (table: $0.string(at: 0), name: $0.string(at: 1), type: $0.string(at: 2), nullable: $0.string(at: 3)) }
        for column in columns {
            shapes[column.table, default: TableShape()].columns.insert(
                .init(name: column.name, type: types[column.type] ?? column.type, notNull: column.nullable == "NO"))
        }
        // Constraints: their kind, table, columns in key order, and for foreign keys the target.
        let constraints = try connection.fetchAll("""
            SELECT c.contype::text, t.relname,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
                       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), ','),
                   coalesce(r.relname, ''),
                   coalesce(array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(n, i)
                       JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), ','), '')
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace
            LEFT JOIN pg_class r ON r.oid = c.confrelid
            WHERE s.nspname = $1
            """, [.text(schema)]) { ($0.string(at: 0), $0.string(at: 1), $0.string(at: 2).split(separator: ",").map(String.init), $0.string(at: 3), $0.string(at: 4)) }
        for (kind, table, keys, target, referenced) in constraints {
            switch kind {
            case "p": shapes[table, default: TableShape()].primaryKey = keys
            case "u": shapes[table, default: TableShape()].unique.insert(keys)
            case "f": shapes[table, default: TableShape()].foreignKeys.insert(.init(column: keys[0], table: target, referenced: referenced))
            case "c": shapes[table, default: TableShape()].checks += 1
            default: break
            }
        }
        // Indexes that no constraint made.
        let indexes = try connection.fetchAll("""
            SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(n, o)
                       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o), ',')
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace
            WHERE s.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """, [.text(schema)]) { ($0.string(at: 0), $0.string(at: 1), $0.bool(at: 2), $0.bool(at: 3), $0.string(at: 4)) }
        for (table, name, unique, partial, keys) in indexes where table != "schema_migrations" {
            shapes[table, default: TableShape()].indexes.insert(
                .init(name: name, columns: keys.split(separator: ",").map(String.init), unique: unique, partial: partial))
        }
        let triggers = try connection.fetchAll("""
            SELECT t.relname, g.tgname FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = $1 AND NOT g.tgisinternal
            """, [.text(schema)]) { ($0.string(at: 0), $0.string(at: 1)) }
        for (table, name) in triggers {
            shapes[table, default: TableShape()].triggers.insert(name)
        }
        return shapes
    }
}
