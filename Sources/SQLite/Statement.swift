internal import CSQLite

/// A prepared statement. Finalized when released.
///
/// Bind parameters by 1-based index or by name, `step()` through rows, read columns with the typed
/// readers, and `reset()` to run it again. A statement belongs to one `Database` and, like it, to one
/// thread at a time.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws(SQLiteError) {
        // The tail pointer points into the C string, so it must be inspected while that string lives.
        let (code, statement, trailingSQL) = sql.withCString { cString -> (Int32, OpaquePointer?, String?) in
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(database.handle, cString, -1, 0, &statement, &tail)
            let trailing = tail.flatMap { $0.pointee == 0 ? nil : String(cString: $0) }
            return (code, statement, trailing)
        }
        guard code == SQLITE_OK, let statement else {
            throw database.error(code: code, sql: sql)
        }
        // One statement per Statement: trailing SQL (other than space and comments) is a caller error
        // that would otherwise be silently ignored.
        if let trailingSQL, !Self.isOnlyWhitespaceOrComments(trailingSQL) {
            sqlite3_finalize(statement)
            throw SQLiteError(code: .misuse, message: "only one SQL statement is allowed, found more after the first", sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The number of `?` / `:name` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The names of the named parameters (with their `:`/`@`/`$` prefix), indexed from 1.
    public func parameterName(at index: Int) -> String? {
        sqlite3_bind_parameter_name(handle, Int32(index)).map { String(cString: $0) }
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(at index: Int) -> String {
        String(cString: sqlite3_column_name(handle, Int32(index)))
    }

    public var columnNames: [String] { (0..<columnCount).map(columnName(at:)) }

    /// True when the statement cannot change the database file (https://sqlite.org/c3ref/stmt_readonly.html).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    // MARK: Binding

    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        let position = Int32(index)
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(handle, position)
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, position, integer)
        case .real(let real):
            code = sqlite3_bind_double(handle, position, real)
        case .text(var text):
            code = text.withUTF8 { utf8 in
                guard let base = utf8.baseAddress, utf8.count > 0 else {
                    return stocktake_bind_empty_text(handle, position)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                    stocktake_bind_text(handle, position, chars, Int32(utf8.count))
                }
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return sqlite3_bind_zeroblob(handle, position, 0) }
                return stocktake_bind_blob(handle, position, base, Int32(raw.count))
            }
        }
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }

    public func bind(_ value: some SQLiteBindable, at index: Int) throws(SQLiteError) {
        try bind(value.sqliteValue, at: index)
    }

    /// Binds a named parameter; `name` includes its prefix (`:id`). An unknown name is an error.
    public func bind(_ value: some SQLiteBindable, named name: String) throws(SQLiteError) {
        let index = Int(sqlite3_bind_parameter_index(handle, name))
        guard index > 0 else {
            throw SQLiteError(code: .range, message: "no parameter named \(name)", sql: sql)
        }
        try bind(value.sqliteValue, at: index)
    }

    /// Binds `values` to parameters 1...n.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    // MARK: Stepping

    /// Advances to the next row. Returns false when the statement is done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(code: code, sql: sql)
        }
    }

    /// Runs the statement to completion, ignoring rows, then resets it.
    public func execute(_ values: [SQLiteValue] = []) throws(SQLiteError) {
        defer { reset() }
        if !values.isEmpty { try bind(values) }
        while try step() {}
    }

    /// Makes the statement ready to run again; keeps the bindings.
    public func reset() {
        // The error of the last step was already reported by step(); sqlite3_reset repeats it.
        sqlite3_reset(handle)
    }

    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: Reading columns

    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    public func int(at index: Int) -> Int {
        Int(sqlite3_column_int64(handle, Int32(index)))
    }

    public func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// The column as text, or nil when it is NULL.
    public func text(at index: Int) -> String? {
        let position = Int32(index)
        guard let pointer = sqlite3_column_text(handle, position) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, position))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Calls `body` with the column's UTF-8 bytes without copying them (nil for NULL).
    /// The bytes are valid only inside `body`. Export hot paths write them straight to the output.
    public func withUTF8<R>(at index: Int, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        let position = Int32(index)
        guard let pointer = sqlite3_column_text(handle, position) else { return try body(nil) }
        let count = Int(sqlite3_column_bytes(handle, position))
        return try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func blob(at index: Int) -> [UInt8]? {
        let position = Int32(index)
        guard sqlite3_column_type(handle, position) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(handle, position))
        guard count > 0, let pointer = sqlite3_column_blob(handle, position) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func value(at index: Int) -> SQLiteValue {
        let position = Int32(index)
        switch sqlite3_column_type(handle, position) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, position))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, position))
        case SQLITE_TEXT: return .text(text(at: index) ?? "")
        case SQLITE_BLOB: return .blob(blob(at: index) ?? [])
        default: return .null
        }
    }

    public func row() -> [SQLiteValue] {
        (0..<columnCount).map(value(at:))
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

extension Statement {
    /// True when `text` holds nothing but white space, `-- line` and `/* block */` comments.
    static func isOnlyWhitespaceOrComments(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        while let first = bytes.first {
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\n") || first == UInt8(ascii: "\t")
                || first == UInt8(ascii: "\r") || first == UInt8(ascii: ";")
            {
                bytes = bytes.dropFirst()
            } else if bytes.starts(with: "--".utf8) {
                bytes = bytes.drop { $0 != UInt8(ascii: "\n") }
            } else if bytes.starts(with: "/*".utf8) {
                let rest = bytes.dropFirst(2)
                guard let end = rest.indices.first(where: { rest[$0...].starts(with: "*/".utf8) }) else { return true }
                bytes = rest[rest.index(end, offsetBy: 2)...]
            } else {
                return false
            }
        }
        return true
    }
}
