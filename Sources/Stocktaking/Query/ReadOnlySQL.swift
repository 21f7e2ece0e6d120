import SQLite

/// Why `ReadOnlySQL` did not run a statement, or stopped it.
public enum ReadOnlySQLError: WordedError, Sendable, Equatable {
    /// The authorizer or the read-only connection refused the statement; `reason` names what.
    case refused(reason: String)
    case timedOut(seconds: Double)
    /// A string or BLOB longer than `ReadOnlySQL.maximumValueBytes`.
    case valueTooLarge
    /// SQLite needed more than `ReadOnlySQL.maximumHeapBytes`.
    case outOfMemory
    case noStatement
    /// The statement names `:name` and no value was given for it (`parameter`).
    case missingParameter(name: String)
    /// A value was given for `name` (`parameter`) and the statement has no `:name`.
    case unknownParameter(name: String)
    /// `?` or `?1`: only named parameters can be bound.
    case positionalParameter


    /// What went wrong, naming the options that help (`timeout`, `parameter`).
    public var wording: Wording {
        switch self {
        case .refused(let reason):
            "statement refused: \(reason)\(guidance: .readOnlySQL)"
        case .timedOut(let seconds):
            "the query was interrupted after \(Self.format(seconds)) s; narrow it, or allow more time with \(option: .timeout) SECONDS"
        case .valueTooLarge:
            "a value is larger than read-only SQL allows (\(ReadOnlySQL.maximumValueBytes >> 20) MiB); select a part of it with substr()"
        case .outOfMemory:
            "the query needs more memory than read-only SQL allows (\(ReadOnlySQL.maximumHeapBytes >> 20) MiB); narrow it or add a LIMIT"
        case .noStatement:
            "no SQL statement given"
        case .missingParameter(let name):
            "the statement uses \(name) but no value was given; pass \(option: .parameter) \(String(name.dropFirst()))=VALUE"
        case .unknownParameter(let name):
            "\(option: .parameter) \(name)=… names no parameter of the statement (write :\(name) in the SQL to use it)"
        case .positionalParameter:
            "positional parameters (? and ?N) cannot be bound; name them (:name) and pass \(option: .parameter) name=VALUE"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// Runs one analyst's statement on a connection that can only read.
///
/// Four guards, because each alone leaves a gap: the connection is opened read-only (with
/// `query_only`), an authorizer refuses writes, DDL, ATTACH (which `VACUUM INTO` uses to create its
/// file), PRAGMAs outside a read-only allow-list and extension loading, a time limit interrupts
/// runaway queries (and stops printing their rows), and memory limits stop `randomblob(300000000)`
/// before it is built rather than after it has been printed.
///
/// ```swift
/// let sql = try ReadOnlySQL(catalog: catalog)
/// try sql.run("SELECT title FROM project WHERE external_id = :id", parameters: ["id": "WSIS-1"],
///             header: { print($0) }, row: { print($0) })
/// ```
public struct ReadOnlySQL {
    public static let defaultTimeout: Double = 5

    /// The longest string or BLOB a statement may build or read: 64 MiB, four times the largest
    /// field the importer accepts by default.
    public static let maximumValueBytes = 64 << 20

    /// SQLite's memory for the whole process when `limitProcessMemory()` was called first.
    public static let maximumHeapBytes = 256 << 20

    /// Caps SQLite's memory for the rest of the process (`sqlite3_hard_heap_limit64`). Call it
    /// before opening any database: it only takes effect then (see `Database.limitHeap(bytes:)`).
    @discardableResult
    public static func limitProcessMemory() -> Bool {
        Database.limitHeap(bytes: Int64(maximumHeapBytes))
    }

    let database: Database

    /// Installs the authorizer on `catalog`'s connection, which must be read-only
    /// (`Catalog(path:access: .read)`), or a loaded file's temporary catalog, which `LoadedFile`
    /// makes query-only once the file is in. Create one per connection.
    public init(catalog: Catalog) {
        switch catalog.database.mode {
        case .readOnly: break
        case .temporary where catalog.database.isQueryOnly: break
        default: preconditionFailure("ReadOnlySQL needs a catalog opened with access .read, or a query-only temporary one")
        }
        database = catalog.database
        database.restrictToReadingStatements()
        database.limitValueLength(bytes: Self.maximumValueBytes)
    }

    /// Prepares and runs `sql`, calling `header` with the column names, then `row` for each row.
    ///
    /// - Parameters:
    ///   - parameters: values for named parameters (`:name`, `@name`, `$name`), keyed by bare name;
    ///     bound as text, which SQLite converts where a number is compared or computed.
    ///   - timeout: seconds after which the statement is interrupted, counted from the call and
    ///     including the time `header` and `row` take (printing a huge result counts too).
    /// - Throws: `ReadOnlySQLError` for refused, interrupted or unbindable statements; `SQLiteError`
    ///   for SQL errors (syntax, unknown table); whatever `header` or `row` throw.
    public func run(
        _ sql: String, parameters: [String: String] = [:], timeout: Double = defaultTimeout,
        header: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void
    ) throws {
        guard sql.contains(where: { !$0.isWhitespace && $0 != ";" }) else { throw ReadOnlySQLError.noStatement }
        try database.withTimeLimit(seconds: timeout) {
            do {
                let statement = try prepared(sql, parameters: parameters)
                try header(statement.columnNames)
                var values: [QueryValue] = []
                while try statement.step() {
                    values.removeAll(keepingCapacity: true)
                    for index in 0..<statement.columnCount { values.append(QueryValue(statement.value(at: index))) }
                    try row(values)
                    // SQLite checks the deadline only while stepping; printing counts too.
                    if database.timeLimitHasExpired { throw ReadOnlySQLError.timedOut(seconds: timeout) }
                }
            } catch let error as SQLiteError {
                if ResultCode.interrupt ~= error.code { throw ReadOnlySQLError.timedOut(seconds: timeout) }
                throw translated(error)
            }
        }
    }

    /// `sql` prepared with `parameters` bound to its named parameters.
    private func prepared(_ sql: String, parameters: [String: String]) throws -> Statement {
        let statement: Statement
        do {
            statement = try database.prepare(sql)
        } catch {
            throw translated(error)
        }
        var unused = Set(parameters.keys)
        if statement.parameterCount > 0 {
            for index in 1...statement.parameterCount {
                guard let name = statement.parameterName(at: index), !name.hasPrefix("?") else {
                    throw ReadOnlySQLError.positionalParameter
                }
                let bare = String(name.dropFirst())
                guard let value = parameters[bare] else { throw ReadOnlySQLError.missingParameter(name: name) }
                unused.remove(bare)
                try statement.bind(.text(value), at: index)
            }
        }
        if let name = unused.sorted().first { throw ReadOnlySQLError.unknownParameter(name: name) }
        return statement
    }

    /// SQLite's refusals in words that name what was refused.
    private func translated(_ error: any Error) -> any Error {
        guard let error = error as? SQLiteError else { return error }
        if ResultCode.authorization ~= error.code || error.message.hasPrefix("not authorized") {
            return ReadOnlySQLError.refused(reason: database.lastAuthorizerDenial ?? error.message)
        }
        if ResultCode.tooBig ~= error.code { return ReadOnlySQLError.valueTooLarge }
        if ResultCode.noMemory ~= error.code { return ReadOnlySQLError.outOfMemory }
        if ResultCode.readOnly ~= error.code {
            return ReadOnlySQLError.refused(reason: "the statement would write to the database (\(error.message))")
        }
        if error.code.rawValue == 0 {
            // A text holding only comments prepares to no statement at all.
            return ReadOnlySQLError.noStatement
        }
        return error
    }
}

extension Catalog {
    /// Runs `body` under the same time limit as `ReadOnlySQL`: statements still running after
    /// `seconds` are interrupted, and `body` stops at its next row once the time is up.
    /// `find --fts-syntax` runs under it, because a raw FTS5 query can be as costly as any SQL.
    ///
    /// - Parameter body: is given a check to call between rows; it throws once the time is up.
    /// - Throws: `ReadOnlySQLError.timedOut` when the time ran out; whatever `body` throws.
    public func withTimeLimit<Result>(seconds: Double, _ body: (_ checkTime: () throws -> Void) throws -> Result) throws -> Result {
        let database = self.database
        return try database.withTimeLimit(seconds: seconds) {
            do {
                return try body {
                    if database.timeLimitHasExpired { throw ReadOnlySQLError.timedOut(seconds: seconds) }
                }
            } catch let error as SQLiteError where ResultCode.interrupt ~= error.code {
                throw ReadOnlySQLError.timedOut(seconds: seconds)
            }
        }
    }
}
