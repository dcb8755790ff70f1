internal import CSQLite

extension Statement {
    /// Binds `value` to the parameter at `index` (1-based), copying it (`SQLITE_TRANSIENT`).
    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        let handle = try requireHandle()
        let resultCode: Int32
        switch value {
        case .integer(let integer):
            resultCode = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            resultCode = sqlite3_bind_double(handle, index, real)
        case .text(var text):
            resultCode = text.withUTF8 { bytes in
                // A NULL pointer would bind SQL NULL, and an empty buffer may have no base
                // address, so bind the empty string from a literal.
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                    sqlite3_bind_text64(
                        handle, index, characters, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8)
                    )
                }
            }
        case .blob(let blob):
            resultCode = blob.withUnsafeBytes { bytes in
                // Same trap as text: a NULL pointer binds NULL, so an empty blob is a zeroblob(0).
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_zeroblob(handle, index, 0)
                }
                return sqlite3_bind_blob64(handle, index, base, UInt64(bytes.count), csqlite_transient())
            }
        case .null:
            resultCode = sqlite3_bind_null(handle, index)
        }
        guard resultCode == SQLITE_OK else {
            throw SQLiteError(resultCode: resultCode, database: sqlite3_db_handle(handle), sql: sql)
        }
    }

    /// Binds `value` to a named parameter: `name` is either spelled with its prefix
    /// (":id", "@id", "$id") or bare ("id"), which tries ":", "@" and "$" in turn.
    ///
    /// Throws `SQLITE_RANGE` when the statement has no such parameter.
    public func bind(_ value: SQLiteValue, named name: String) throws {
        let handle = try requireHandle()
        let candidates = name.first.map { ":@$".contains($0) } == true ? [name] : [":" + name, "@" + name, "$" + name]
        for candidate in candidates {
            let index = sqlite3_bind_parameter_index(handle, candidate)
            if index > 0 {
                try bind(value, at: index)
                return
            }
        }
        throw SQLiteError(extendedCode: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
    }

    /// Binds `values` to parameters 1, 2, 3, …; throws `SQLITE_RANGE` unless there is one value
    /// per parameter.
    public func bind(_ values: [SQLiteValue]) throws {
        let expected = parameterCount
        guard values.count == Int(expected) else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE,
                message: "\(values.count) values for \(expected) parameters",
                sql: sql
            )
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds an integer to the parameter at `index` (1-based).
    public func bind(_ value: Int64, at index: Int32) throws {
        try bind(.integer(value), at: index)
    }

    /// Binds an integer to the parameter at `index` (1-based).
    public func bind(_ value: Int, at index: Int32) throws {
        try bind(.integer(Int64(value)), at: index)
    }

    /// Binds a double to the parameter at `index` (1-based).
    public func bind(_ value: Double, at index: Int32) throws {
        try bind(.real(value), at: index)
    }

    /// Binds text to the parameter at `index` (1-based).
    public func bind(_ value: String, at index: Int32) throws {
        try bind(.text(value), at: index)
    }

    /// Binds bytes to the parameter at `index` (1-based).
    public func bind(_ value: [UInt8], at index: Int32) throws {
        try bind(.blob(value), at: index)
    }

    /// Binds NULL to the parameter at `index` (1-based).
    public func bindNull(at index: Int32) throws {
        try bind(.null, at: index)
    }
}
