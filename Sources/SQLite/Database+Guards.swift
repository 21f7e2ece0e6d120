internal import CSQLite
import Glibc

/// State shared with the authorizer callback, which SQLite calls with a raw context pointer.
final class AuthorizerBox {
    let pragmasReadableWithArgument: Set<String>
    let pragmasReadableWithoutArgument: Set<String>
    var lastDenial: String?

    static let schemaChangeDenial =
        "statements that change the schema or the file (CREATE, DROP, ALTER, VACUUM, REINDEX, ANALYZE) are not allowed in read-only SQL"

    init(pragmasReadableWithArgument: Set<String>, pragmasReadableWithoutArgument: Set<String>) {
        self.pragmasReadableWithArgument = pragmasReadableWithArgument
        self.pragmasReadableWithoutArgument = pragmasReadableWithoutArgument
    }
}

final class DeadlineBox {
    var deadline: timespec?

    /// True once the monotonic clock has reached `deadline`; false when there is none.
    var hasExpired: Bool {
        guard let deadline else { return false }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)
    }
}

extension Database {
    /// PRAGMAs that only read, whatever their argument (`table_info(project)`, `integrity_check(10)`).
    public static let pragmasReadableWithArgument: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
    ]

    /// PRAGMAs that only read when they are given no argument (`PRAGMA user_version` but not
    /// `PRAGMA user_version = 3`, `PRAGMA journal_mode` but not `PRAGMA journal_mode = DELETE`).
    public static let pragmasReadableWithoutArgument: Set<String> = [
        "user_version", "schema_version", "application_id", "page_count", "page_size", "freelist_count",
        "encoding", "journal_mode", "foreign_keys", "data_version", "compile_options", "database_list",
        "collation_list", "function_list", "module_list", "pragma_list", "max_page_count", "auto_vacuum",
    ]

    /// Installs an authorizer that lets statements read and nothing else.
    ///
    /// A read-only connection alone still runs `VACUUM INTO 'file'`, `ATTACH` (which creates files)
    /// and journal-mode PRAGMAs; the authorizer denies those (most at prepare time, VACUUM when it
    /// runs), together with every write, DDL, transaction control and `load_extension` — the last
    /// reported by SQLite as SQLITE_ERROR "not authorized" (https://sqlite.org/c3ref/set_authorizer.html).
    public func restrictToReadingStatements() {
        // Load the schema first: otherwise the first denied statement on a fresh connection fails
        // while SQLite reads the schema, as SQLITE_SCHEMA rather than SQLITE_AUTH.
        _ = try? scalarInt("SELECT count(*) FROM sqlite_schema")
        let box = Unmanaged.passRetained(
            AuthorizerBox(
                pragmasReadableWithArgument: Self.pragmasReadableWithArgument,
                pragmasReadableWithoutArgument: Self.pragmasReadableWithoutArgument))
        authorizerBoxStorage = box
        sqlite3_set_authorizer(handle, { context, action, argument1, argument2, _, _ in
            let box = Unmanaged<AuthorizerBox>.fromOpaque(context!).takeUnretainedValue()
            let first = argument1.map { String(cString: $0) }
            let second = argument2.map { String(cString: $0) }
            switch action {
            case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
                return SQLITE_OK
            case SQLITE_FUNCTION:
                // argument2 is the function name.
                // fts3_tokenizer is off on every connection, but still answers with a C pointer when its
                // argument is a bound parameter (https://sqlite.org/fts3.html#custom_application_defined_tokenizers).
                if let name = second?.lowercased(),
                    name == "load_extension" || name == "readfile" || name == "writefile" || name == "fts3_tokenizer"
                {
                    box.lastDenial = "the function \(name)() is not allowed in read-only SQL"
                    return SQLITE_DENY
                }
                return SQLITE_OK
            case SQLITE_PRAGMA:
                let name = (first ?? "").lowercased()
                if box.pragmasReadableWithArgument.contains(name) { return SQLITE_OK }
                if second == nil, box.pragmasReadableWithoutArgument.contains(name) { return SQLITE_OK }
                box.lastDenial = second == nil
                    ? "PRAGMA \(name) is not on the read-only allow-list"
                    : "PRAGMA \(name) with an argument can change the database and is not allowed"
                return SQLITE_DENY
            case SQLITE_ATTACH, SQLITE_DETACH:
                // VACUUM INTO is carried out through ATTACH, so this also refuses it.
                box.lastDenial = "ATTACH, DETACH and VACUUM INTO are not allowed in read-only SQL"
                return SQLITE_DENY
            case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
                // DDL also writes sqlite_schema after its own (denied) action: report it as DDL.
                box.lastDenial = first?.lowercased().hasPrefix("sqlite_") == true
                    ? AuthorizerBox.schemaChangeDenial
                    : "INSERT, UPDATE and DELETE are not allowed in read-only SQL"
                return SQLITE_DENY
            case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
                box.lastDenial = "transaction control is not allowed in read-only SQL"
                return SQLITE_DENY
            default:
                box.lastDenial = AuthorizerBox.schemaChangeDenial
                return SQLITE_DENY
            }
        }, box.toOpaque())
    }

    /// Why the authorizer refused the last statement it refused, in words for the user.
    public var lastAuthorizerDenial: String? {
        authorizerBoxStorage?.takeUnretainedValue().lastDenial
    }

    /// True inside `withTimeLimit(seconds:_:)` once its time is up. SQLite only checks the limit
    /// while a statement runs; callers that spend time between steps (printing rows) check this.
    public var timeLimitHasExpired: Bool {
        deadlineBoxStorage?.takeUnretainedValue().hasExpired ?? false
    }

    /// Runs `body`; statements still running after `seconds` are interrupted with `SQLITE_INTERRUPT`.
    ///
    /// Implemented with a progress handler that checks a monotonic deadline every 1,000 virtual
    /// machine instructions (https://sqlite.org/c3ref/progress_handler.html), so it stops runaway
    /// recursive queries without a second thread.
    public func withTimeLimit<Result>(seconds: Double, _ body: () throws -> Result) rethrows -> Result {
        let box = deadlineBoxStorage ?? {
            let created = Unmanaged.passRetained(DeadlineBox())
            deadlineBoxStorage = created
            return created
        }()
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        // Converting a huge Double to Int traps: cap at about 30 years, which is "no limit" here.
        let capped = seconds.isNaN ? 0 : min(max(seconds, 0), 1e9)
        let whole = Int(capped)
        let nanoseconds = Int((capped - Double(whole)) * 1e9)
        var deadline = timespec(tv_sec: now.tv_sec + whole, tv_nsec: now.tv_nsec + nanoseconds)
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        box.takeUnretainedValue().deadline = deadline
        sqlite3_progress_handler(handle, 1000, { context in
            Unmanaged<DeadlineBox>.fromOpaque(context!).takeUnretainedValue().hasExpired ? 1 : 0
        }, box.toOpaque())
        defer {
            sqlite3_progress_handler(handle, 0, nil, nil)
            box.takeUnretainedValue().deadline = nil
        }
        return try body()
    }
}
