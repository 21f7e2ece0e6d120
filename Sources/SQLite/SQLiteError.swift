internal import CSQLite
import Glibc

/// An SQLite result code, primary (`SQLITE_CONSTRAINT`) or extended (`SQLITE_CONSTRAINT_UNIQUE`).
///
/// Matching with `~=` treats a primary code as a family, so `case ResultCode.constraint` matches every
/// extended constraint code, while `case ResultCode.constraintUnique` matches only itself.
/// See https://sqlite.org/rescode.html.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The primary code: the low 8 bits of an extended code.
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xff) }

    public var isPrimary: Bool { rawValue == rawValue & 0xff }

    public var description: String {
        String(cString: sqlite3_errstr(rawValue)) + " (\(rawValue))"
    }

    public static let ok = ResultCode(rawValue: SQLITE_OK)
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let `internal` = ResultCode(rawValue: SQLITE_INTERNAL)
    public static let permission = ResultCode(rawValue: SQLITE_PERM)
    public static let abort = ResultCode(rawValue: SQLITE_ABORT)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let noMemory = ResultCode(rawValue: SQLITE_NOMEM)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let cannotOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    public static let authorization = ResultCode(rawValue: SQLITE_AUTH)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    public static let row = ResultCode(rawValue: SQLITE_ROW)
    public static let done = ResultCode(rawValue: SQLITE_DONE)

    // Extended codes that callers match on.
    public static let constraintUnique = ResultCode(rawValue: 2067)  // SQLITE_CONSTRAINT_UNIQUE
    public static let constraintPrimaryKey = ResultCode(rawValue: 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
    public static let constraintForeignKey = ResultCode(rawValue: 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
    public static let constraintNotNull = ResultCode(rawValue: 1299)  // SQLITE_CONSTRAINT_NOTNULL
    public static let constraintCheck = ResultCode(rawValue: 275)  // SQLITE_CONSTRAINT_CHECK
    public static let constraintDataType = ResultCode(rawValue: 3091)  // SQLITE_CONSTRAINT_DATATYPE (STRICT tables)
    public static let constraintTrigger = ResultCode(rawValue: 1811)  // SQLITE_CONSTRAINT_TRIGGER
    public static let busySnapshot = ResultCode(rawValue: 517)  // SQLITE_BUSY_SNAPSHOT
    public static let readOnlyDatabaseMoved = ResultCode(rawValue: 1032)  // SQLITE_READONLY_DBMOVED
    public static let ioErrorRead = ResultCode(rawValue: 266)  // SQLITE_IOERR_READ
    public static let ioErrorShortRead = ResultCode(rawValue: 522)  // SQLITE_IOERR_SHORT_READ
    public static let ioErrorWrite = ResultCode(rawValue: 778)  // SQLITE_IOERR_WRITE

    /// A primary pattern matches its whole family; an extended pattern matches exactly.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isPrimary ? pattern == code.primary : pattern == code
    }
}

/// The one error type of the SQLite layer.
///
/// Carries the extended result code, SQLite's message and the SQL text. Bound values are never
/// recorded: they may hold personal data (contact e-mails) and must not reach logs. For I/O
/// failures it also carries the OS error and the database file, so the description can say what
/// an operator can act on ("cannot write backup.db: the disk is full (SQLite error 13)") instead
/// of SQLite's generic "disk I/O error".
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let code: ResultCode
    public let message: String
    public let sql: String?
    /// The database file the connection had open, when known.
    public let path: String?
    /// `sqlite3_system_errno` for I/O failures (0 when none was recorded).
    public let systemErrno: Int32

    public init(code: ResultCode, message: String, sql: String? = nil, path: String? = nil, systemErrno: Int32 = 0) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
        self.systemErrno = systemErrno
    }

    /// The same error, naming `path` as the file: a backup is written to a temporary file and
    /// renamed, and its errors should name the file the user asked for.
    public func naming(_ path: String) -> SQLiteError {
        SQLiteError(code: code, message: message, sql: sql, path: path, systemErrno: systemErrno)
    }

    /// The families whose failures come from the file system; SQLite's messages for them are generic.
    var isFileSystemFailure: Bool {
        ResultCode.ioError ~= code || ResultCode.full ~= code || ResultCode.cannotOpen ~= code
    }

    public var description: String {
        if let plain = plainDescription { return plain }
        var text = "SQLite error \(code.rawValue): \(message)"
        if isFileSystemFailure && systemErrno != 0 { text += " (" + String(cString: strerror(systemErrno)) + ")" }
        if let sql {
            let oneLine = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
            text += " — while executing: \(oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine)"
        }
        return text
    }

    /// `cannot write PATH: the disk is full (SQLite error 13)` for the common I/O failures, else nil.
    /// The SQL is left out: a full disk is not about the statement that found it.
    var plainDescription: String? {
        let reason: String
        if ResultCode.full ~= code {
            reason = SystemFailure.diskFullReason
        } else if isFileSystemFailure, let plain = SystemFailure.plainReason(errno: systemErrno) {
            reason = plain
        } else if ResultCode.ioError ~= code, systemErrno == 0, let guess = SystemFailure.unknownIOErrorReason {
            reason = guess
        } else {
            return nil
        }
        let verb: String
        if ResultCode.cannotOpen ~= code {
            verb = "open"
        } else if code == .ioErrorRead || code == .ioErrorShortRead {
            verb = "read"
        } else {
            verb = "write"
        }
        let subject = path.map { "cannot \(verb) \($0): " } ?? ""
        return "\(subject)\(reason) (SQLite error \(code.rawValue))"
    }

    // So that `catch SQLiteError.busy` reads naturally.
    public static let busy = ResultCode.busy
    public static let constraint = ResultCode.constraint
    public static let constraintUnique = ResultCode.constraintUnique
    public static let constraintForeignKey = ResultCode.constraintForeignKey
    public static let constraintNotNull = ResultCode.constraintNotNull
    public static let constraintCheck = ResultCode.constraintCheck
    public static let interrupt = ResultCode.interrupt
    public static let readOnly = ResultCode.readOnly
    public static let authorization = ResultCode.authorization
    public static let cannotOpen = ResultCode.cannotOpen
    public static let full = ResultCode.full
    public static let ioError = ResultCode.ioError
}

/// Lets `catch ResultCode.x` / `catch SQLiteError.x` match an `SQLiteError` by code.
public func ~= (pattern: ResultCode, error: any Error) -> Bool {
    guard let error = error as? SQLiteError else { return false }
    return pattern ~= error.code
}
