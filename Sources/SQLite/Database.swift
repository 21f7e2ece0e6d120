internal import CSQLite
import Glibc

/// One SQLite connection.
///
/// Opened with explicit flags, extended result codes on, `foreign_keys = ON` and a busy timeout;
/// read-write connections switch the file to WAL so readers keep working beside a writer. Not
/// `Sendable`: a connection is used from one thread at a time.
public final class Database {
    public enum Mode: Sendable {
        /// Open an existing database read-only (`SQLITE_OPEN_READONLY`).
        case readOnly
        /// Open an existing database for reading and writing; a missing file is an error.
        case readWrite
        /// Open for reading and writing, creating the file with `permissions` when it is missing.
        case readWriteCreate(permissions: mode_t)
        /// A private database of this connection only: kept in memory while it fits SQLite's page
        /// cache, then in a temporary file that SQLite unlinks as soon as it creates it, so nothing
        /// is left behind on close, on a crash or on Ctrl-C (https://sqlite.org/inmemorydb.html,
        /// "Temporary Databases"). `path` is ignored.
        case temporary
    }

    let handle: OpaquePointer
    public let path: String
    public let mode: Mode
    private var statementCache: [String: Statement] = [:]
    var authorizerBoxStorage: Unmanaged<AuthorizerBox>?
    var deadlineBoxStorage: Unmanaged<DeadlineBox>?

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - busyTimeout: seconds to wait for another process's lock before failing with `SQLITE_BUSY`.
    public init(path: String, mode: Mode, busyTimeout: Double = 5) throws(SQLiteError) {
        _ = Self.libraryConfigured
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        // SQLite's name for a temporary database is the empty file name.
        let path = if case .temporary = mode { "" } else { path }
        switch mode {
        case .temporary:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
        case .readWrite:
            flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate(let permissions):
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            // SQLite creates files with 0644 (less the umask). Databases hold personal data, so we
            // create the file ourselves with tighter permissions; SQLite gives its -wal and -shm
            // files the permissions of the database file (https://sqlite.org/tempfiles.html).
            let descriptor = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, permissions)
            if descriptor >= 0 { Glibc.close(descriptor) }
        }
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            let systemError = connection.map { sqlite3_system_errno($0) } ?? 0
            // sqlite3_open_v2 allocates a handle even on failure; it must be closed.
            sqlite3_close_v2(connection)
            throw SQLiteError(code: ResultCode(rawValue: code), message: "cannot open \(path): \(message)", path: path, systemErrno: systemError)
        }
        self.handle = connection
        self.path = path
        self.mode = mode
        sqlite3_extended_result_codes(connection, 1)
        stocktake_disable_extension_loading(connection)
        stocktake_disable_fts3_tokenizer(connection)
        setBusyTimeout(seconds: busyTimeout)
        do throws(SQLiteError) {
            try execute("PRAGMA foreign_keys = ON")
            switch mode {
            case .readOnly:
                // Belt and braces beside SQLITE_OPEN_READONLY.
                try execute("PRAGMA query_only = ON")
            case .temporary:
                // No other connection can see it (so no WAL), and nothing in it outlives the process.
                stocktake_enable_defensive(connection)
                try execute("PRAGMA synchronous = OFF")
            case .readWrite, .readWriteCreate:
                // DEFENSIVE stops SQL from corrupting the file through writable_schema and friends.
                stocktake_enable_defensive(connection)
                let journalMode = try scalarText("PRAGMA journal_mode = WAL")
                if journalMode?.lowercased() != "wal" {
                    throw SQLiteError(code: .error, message: "cannot switch \(path) to WAL journal mode (got \(journalMode ?? "nothing"))")
                }
                // In WAL mode NORMAL is durable against application crashes and keeps the file
                // consistent on power loss; the last commits may roll back then (https://sqlite.org/pragma.html#pragma_synchronous).
                try execute("PRAGMA synchronous = NORMAL")
            }
        } catch {
            statementCache.removeAll()
            sqlite3_close_v2(connection)
            throw error
        }
    }

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let libraryConfigured: Void = {
        _ = stocktake_configure_library()
    }()

    deinit {
        close()
    }

    private var isClosed = false

    /// Finalizes every cached statement and closes the connection. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        statementCache.removeAll()
        sqlite3_progress_handler(handle, 0, nil, nil)
        sqlite3_set_authorizer(handle, nil, nil)
        // close_v2 defers the close until statements still held elsewhere are finalized.
        sqlite3_close_v2(handle)
        authorizerBoxStorage?.release()
        deadlineBoxStorage?.release()
    }

    /// Waits up to `seconds` for locks held by other connections (https://sqlite.org/c3ref/busy_timeout.html).
    /// Negative and NaN mean no wait; anything past `Int32.max` milliseconds (24 days) is capped
    /// there, because converting a huge Double to an integer traps.
    public func setBusyTimeout(seconds: Double) {
        let milliseconds = seconds.isNaN ? 0 : min(max(seconds * 1000, 0), Double(Int32.max))
        sqlite3_busy_timeout(handle, Int32(milliseconds.rounded()))
    }

    /// Caps the size of any one string or BLOB this connection creates or reads (SQLITE_LIMIT_LENGTH,
    /// https://sqlite.org/c3ref/limit.html); a larger value fails with `SQLITE_TOOBIG`.
    public func limitValueLength(bytes: Int) {
        sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, Int32(clamping: bytes))
    }

    /// Caps the memory SQLite may allocate in this process; an allocation past it fails with
    /// `SQLITE_NOMEM` (https://sqlite.org/c3ref/hard_heap_limit64.html).
    ///
    /// The limit needs memory statistics, which are turned off for every other command (they cost
    /// a global mutex per allocation), so it takes effect only when called before the first
    /// connection of the process opens; then it turns statistics on and returns true.
    @discardableResult
    public static func limitHeap(bytes: Int64) -> Bool {
        // sqlite3_config succeeds only before sqlite3_initialize; the connection's own
        // configuration (statistics off) then gets SQLITE_MISUSE and leaves this one in place.
        guard stocktake_enable_memory_statistics() == SQLITE_OK, sqlite3_initialize() == SQLITE_OK else { return false }
        sqlite3_hard_heap_limit64(bytes)
        return true
    }

    /// - Parameter message: sqlite3_exec's message when there is one; else the connection's.
    func error(code: Int32, sql: String?, message: String? = nil) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        let message = message ?? String(cString: sqlite3_errmsg(handle))
        // For I/O failures SQLite's message is generic ("disk I/O error"); the OS error says why
        // (a full disk, a file-size limit, a read-only directory). SQLiteError words it.
        let primary = code & 0xff
        let systemError = primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ? sqlite3_system_errno(handle) : 0
        // Prefer the extended code when it belongs to the same family as the returned one.
        let resultCode = (extended & 0xff) == (code & 0xff) ? extended : code
        return SQLiteError(code: ResultCode(rawValue: resultCode), message: message, sql: sql, path: path, systemErrno: systemError)
    }

    // MARK: Running SQL

    /// Prepares one statement. Prefer `cachedStatement(_:)` on hot paths.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement kept for the life of the connection, reset and with bindings cleared.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs one or more statements that take no parameters and return no rows we need.
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw error(code: code, sql: sql, message: text)
        }
    }

    /// Runs one statement with `arguments` bound to `?1…?n`.
    public func execute(_ sql: String, _ arguments: [SQLiteValue]) throws(SQLiteError) {
        try cachedStatement(sql).execute(arguments)
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    public func scalar(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteValue? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        let value = statement.value(at: 0)
        return value.isNull ? nil : value
    }

    public func scalarText(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> String? {
        try scalar(sql, arguments)?.textValue
    }

    public func scalarInt(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> Int? {
        try scalar(sql, arguments)?.integerValue.map(Int.init)
    }

    /// Every row of one query, for small result sets (reference data, PRAGMA output).
    public func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var result: [[SQLiteValue]] = []
        while try statement.step() {
            result.append(statement.row())
        }
        return result
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// `PRAGMA query_only` is on: every statement that would write fails with SQLITE_READONLY.
    public var isQueryOnly: Bool { (try? scalarInt("PRAGMA query_only")) == 1 }

    /// Opens `path` read-only, copies it into `destination` with the online backup API, and returns.
    /// The copy is consistent even while other connections write (https://sqlite.org/backup.html).
    public func backup(to destination: Database) throws(SQLiteError) {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw destination.error(code: sqlite3_errcode(destination.handle), sql: nil)
        }
        var code: Int32
        repeat {
            code = sqlite3_backup_step(backup, -1)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        if code != SQLITE_DONE { throw destination.error(code: code, sql: nil) }
        if finish != SQLITE_OK { throw destination.error(code: finish, sql: nil) }
    }
}

@available(*, unavailable)
extension Database: Sendable {}
