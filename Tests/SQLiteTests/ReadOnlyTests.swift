import Foundation
import SQLite
import TestSupport
import Testing

/// A statement `restrictToReadingStatements()` must refuse; `createdFile` is a file it would create.
///
/// `code` is the result code SQLite reports: `SQLITE_AUTH`, except for denied functions, which
/// SQLite reports as `SQLITE_ERROR` "not authorized to use function". VACUUM runs its ATTACH when
/// stepped, so it is refused then rather than at prepare time.
struct DeniedStatement: Sendable, CustomTestStringConvertible {
    let sql: String
    let createdFile: String?
    let code: ResultCode
    let refusedAtPrepare: Bool

    init(_ sql: String, createdFile: String? = nil, code: ResultCode = .authorization, refusedAtPrepare: Bool = true) {
        self.sql = sql
        self.createdFile = createdFile
        self.code = code
        self.refusedAtPrepare = refusedAtPrepare
    }

    var testDescription: String { sql }
}

let deniedStatements: [DeniedStatement] = [
    DeniedStatement("INSERT INTO t (name) VALUES ('x')"),
    DeniedStatement("UPDATE t SET name = 'y'"),
    DeniedStatement("DELETE FROM t"),
    DeniedStatement("CREATE TABLE u (id INTEGER)"),
    DeniedStatement("CREATE INDEX t_name ON t(name)"),
    DeniedStatement("DROP TABLE t"),
    DeniedStatement("ALTER TABLE t ADD COLUMN extra TEXT"),
    DeniedStatement("ATTACH DATABASE '{dir}/attached.db' AS other", createdFile: "attached.db"),
    DeniedStatement("VACUUM INTO '{dir}/copy.db'", createdFile: "copy.db", refusedAtPrepare: false),
    DeniedStatement("VACUUM", refusedAtPrepare: false),
    DeniedStatement("PRAGMA journal_mode = DELETE"),
    DeniedStatement("PRAGMA user_version = 5"),
    DeniedStatement("PRAGMA writable_schema = ON"),
    DeniedStatement("PRAGMA wal_checkpoint"),
    DeniedStatement("BEGIN"),
    DeniedStatement("SELECT load_extension('x')", code: .error),
    // Off on every connection, but it still answers a bound argument with a C pointer.
    DeniedStatement("SELECT fts3_tokenizer('simple')", code: .error),
    DeniedStatement("SELECT name, load_extension('x') FROM t", code: .error),
]

enum OpenMode: String, Sendable, CaseIterable {
    case readOnly, readWrite

    var mode: Database.Mode { self == .readOnly ? .readOnly : .readWrite }
}

@Suite struct ReadOnlyTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("readonly.db")
        let setup = try Database(path: path, mode: .readWriteCreate(permissions: 0o600))
        try setup.execute("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT) STRICT;
            INSERT INTO t (name) VALUES ('one'), ('two');
            PRAGMA user_version = 3;
            """)
        setup.close()
    }

    @Test func writesOnAReadOnlyConnectionFail() throws {
        let database = try Database(path: path, mode: .readOnly)
        for sql in ["INSERT INTO t (name) VALUES ('x')", "UPDATE t SET name = 'y'", "DELETE FROM t", "CREATE TABLE u (id INTEGER)"] {
            #expect {
                try database.execute(sql)
            } throws: { error in
                ResultCode.readOnly ~= error
            }
        }
        #expect {
            try database.execute("INSERT INTO t (name) VALUES (?)", [.text("x")])
        } throws: { error in
            SQLiteError.readOnly ~= error
        }
        #expect(try database.count("t") == 2)
        #expect(try database.scalarInt("PRAGMA query_only") == 1)
    }

    @Test func readOnlyOpenOfAMissingFileFailsAndCreatesNothing() throws {
        let missing = directory.path("missing.db")
        for mode in [Database.Mode.readOnly, .readWrite] {
            #expect {
                _ = try Database(path: missing, mode: mode)
            } throws: { error in
                ResultCode.cannotOpen ~= error
            }
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test(arguments: deniedStatements, OpenMode.allCases)
    func restrictedConnectionRefuses(_ statement: DeniedStatement, _ openMode: OpenMode) throws {
        let database = try Database(path: path, mode: openMode.mode)
        database.restrictToReadingStatements()
        // A read first, so the schema is loaded (see freshReadOnlyConnectionReportsADeniedStatementAsAuthorization).
        #expect(try database.count("t") == 2)
        #expect(database.lastAuthorizerDenial == nil)
        let before = snapshot(ofDatabaseAt: path)
        let sql = statement.sql.replacingOccurrences(of: "{dir}", with: directory.path)
        #expect {
            try database.execute(sql)
        } throws: { error in
            (error as? SQLiteError)?.code == statement.code
        }
        #expect(database.lastAuthorizerDenial != nil)
        if statement.refusedAtPrepare {
            #expect {
                _ = try database.prepare(sql)
            } throws: { error in
                (error as? SQLiteError)?.code == statement.code
            }
        } else {
            let prepared = try database.prepare(sql)
            #expect {
                try prepared.step()
            } throws: { error in
                (error as? SQLiteError)?.code == statement.code
            }
        }
        if let createdFile = statement.createdFile {
            #expect(!directory.fileExists(createdFile))
        }
        #expect(try database.count("t") == 2)
        #expect(try database.scalarInt("PRAGMA user_version") == 3)
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        database.close()
        #expect(snapshot(ofDatabaseAt: path).main == before.main)
    }

    @Test(.disabled("bug: on a fresh read-only connection the first statement loads the schema, and a denied CREATE then fails with SQLITE_SCHEMA (17) instead of SQLITE_AUTH; see report"),
          arguments: ["CREATE TABLE u (id INTEGER)", "CREATE TABLE IF NOT EXISTS u (id INTEGER)"])
    func freshReadOnlyConnectionReportsADeniedStatementAsAuthorization(_ sql: String) throws {
        let database = try Database(path: path, mode: .readOnly)
        database.restrictToReadingStatements()
        #expect {
            try database.execute(sql)
        } throws: { error in
            ResultCode.authorization ~= error
        }
        #expect(database.lastAuthorizerDenial != nil)
    }

    @Test(arguments: OpenMode.allCases)
    func restrictedConnectionStillReads(_ openMode: OpenMode) throws {
        let database = try Database(path: path, mode: openMode.mode)
        database.restrictToReadingStatements()
        #expect(try database.column("SELECT name FROM t ORDER BY id") == ["one", "two"])
        #expect(try database.rows("PRAGMA table_info(t)").count == 2)
        #expect(try database.scalarInt("PRAGMA user_version") == 3)
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try database.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try database.scalarInt("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT sum(x) FROM c") == 55)
        #expect(try database.scalarText("SELECT upper(name) FROM t WHERE id = 1") == "ONE")
        #expect(database.lastAuthorizerDenial == nil)
    }

    @Test func vacuumIntoWorksWithoutTheRestriction() throws {
        // Control for the test above: on an unrestricted connection VACUUM INTO does create
        // a file, so the authorizer is what stops it.
        let database = try Database(path: path, mode: .readWrite)
        let copy = directory.path("control-copy.db")
        try database.execute("VACUUM INTO '\(copy)'")
        #expect(FileManager.default.fileExists(atPath: copy))
    }

    @Test func timeLimitInterruptsARunawayQuery() throws {
        let database = try Database(path: path, mode: .readOnly)
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            try database.withTimeLimit(seconds: 0.2) {
                try database.scalarInt("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
            }
        } throws: { error in
            SQLiteError.interrupt ~= error
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(150))
        #expect(elapsed < TimeAllowance.bound(expected: .milliseconds(200)))  // a hang, not a speed check
        // The limit is lifted afterwards: a query longer than the old deadline is not interrupted.
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try database.scalarInt("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c") == 200_000)
    }

    @Test func timeLimitLetsAQuickQueryFinish() throws {
        let database = try Database(path: path, mode: .readOnly)
        let count = try database.withTimeLimit(seconds: 5) { try database.count("t") }
        #expect(count == 2)
        // Reusable: a second limit on the same connection works too.
        let again = try database.withTimeLimit(seconds: 5) { try database.scalarInt("SELECT 7") }
        #expect(again == 7)
    }
}
