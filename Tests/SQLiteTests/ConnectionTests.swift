import Foundation
import SQLite
import TestSupport
import Testing

@Suite struct ConnectionTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func readWriteDatabasesUseWAL() throws {
        let path = directory.path("wal.db")
        let database = try Database(path: path, mode: .readWriteCreate(permissions: 0o600))
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
        try database.execute("CREATE TABLE t (x INTEGER)")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        database.close()
        // WAL mode is persistent: a read-only connection sees it too.
        let reader = try Database(path: path, mode: .readOnly)
        #expect(try reader.scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test(arguments: [0o600, 0o640])
    func createdFilesGetTheRequestedPermissions(_ permissions: Int) throws {
        let path = directory.path("perm-\(String(permissions, radix: 8)).db")
        let database = try Database(path: path, mode: .readWriteCreate(permissions: mode_t(permissions)))
        try database.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        #expect(filePermissions(path) == permissions)
        // SQLite gives the WAL the database file's permissions.
        #expect(filePermissions(path + "-wal") == permissions)
    }

    @Test func readWriteCreateKeepsAnExistingFile() throws {
        let path = directory.path("existing.db")
        do {
            let first = try Database(path: path, mode: .readWriteCreate(permissions: 0o600))
            try first.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42);")
        }
        let second = try Database(path: path, mode: .readWriteCreate(permissions: 0o644))
        #expect(try second.scalarInt("SELECT x FROM t") == 42)
        #expect(filePermissions(path) == 0o600)
    }

    @Test func aLockedDatabaseFailsWithBusyAfterTheTimeout() throws {
        let path = directory.path("busy.db")
        let holder = try Database(path: path, mode: .readWriteCreate(permissions: 0o600))
        try holder.execute("CREATE TABLE t (x INTEGER)")
        try holder.execute("BEGIN IMMEDIATE")
        try holder.execute("INSERT INTO t VALUES (1)")

        let waiter = try Database(path: path, mode: .readWrite, busyTimeout: 0.2)
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            try waiter.execute("BEGIN IMMEDIATE")
        } throws: { error in
            SQLiteError.busy ~= error
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(180))
        #expect(elapsed < TimeAllowance.bound(expected: .milliseconds(200)))  // a hang, not a speed check
        #expect(!waiter.isInTransaction)
        // Readers are not blocked by the writer in WAL mode, and see only committed data.
        #expect(try waiter.count("t") == 0)

        try holder.execute("COMMIT")
        try waiter.inTransaction {
            try waiter.execute("INSERT INTO t VALUES (2)")
        }
        #expect(try holder.count("t") == 2)
    }

    @Test func zeroBusyTimeoutFailsAtOnce() throws {
        let path = directory.path("busy0.db")
        let holder = try Database(path: path, mode: .readWriteCreate(permissions: 0o600))
        try holder.execute("BEGIN IMMEDIATE")
        let waiter = try Database(path: path, mode: .readWrite, busyTimeout: 0)
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            try waiter.inTransaction { try waiter.execute("CREATE TABLE t (x INTEGER)") }
        } throws: { error in
            ResultCode.busy ~= error
        }
        // No wait at all; the default (seconds) would exceed this bound, a busy machine would not.
        #expect(clock.now - start < TimeAllowance.bound(expected: .milliseconds(20)))
        try holder.execute("ROLLBACK")
    }

    @Test func cachedStatementIsReusedResetAndCleared() throws {
        let database = try Database(path: directory.path("cache.db"), mode: .readWriteCreate(permissions: 0o600))
        try database.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);")

        let sql = "SELECT x, ?1 FROM t ORDER BY x"
        let first = try database.cachedStatement(sql)
        try first.bind("bound", at: 1)
        #expect(try first.step())
        #expect(first.row() == [.integer(1), .text("bound")])
        #expect(try first.step())
        #expect(first.int(at: 0) == 2)
        // Left mid-way with a binding: the next user gets it from the start, unbound.
        let second = try database.cachedStatement(sql)
        #expect(second === first)
        #expect(try second.step())
        #expect(second.row() == [.integer(1), .null])

        let other = try database.cachedStatement("SELECT x FROM t ORDER BY x DESC")
        #expect(other !== first)
    }

    @Test func statementsCanBeRerunAfterReset() throws {
        let database = try Database(path: directory.path("reset.db"), mode: .readWriteCreate(permissions: 0o600))
        let statement = try database.prepare("SELECT ?1 * 2")
        try statement.bind(4, at: 1)
        #expect(try statement.step())
        #expect(statement.int(at: 0) == 8)
        statement.reset()
        // reset() keeps bindings; clearBindings() drops them.
        #expect(try statement.step())
        #expect(statement.int(at: 0) == 8)
        statement.reset()
        statement.clearBindings()
        #expect(try statement.step())
        #expect(statement.isNull(at: 0))
    }

    @Test func executeWithArgumentsReusesTheCachedStatement() throws {
        let database = try Database(path: directory.path("exec.db"), mode: .readWriteCreate(permissions: 0o600))
        try database.execute("CREATE TABLE t (x INTEGER, y TEXT)")
        for index in 1...3 {
            try database.execute("INSERT INTO t (x, y) VALUES (?, ?)", [.integer(Int64(index)), .text("row \(index)")])
            #expect(database.changes == 1)
            #expect(database.lastInsertRowID == Int64(index))
        }
        #expect(try database.column("SELECT y FROM t ORDER BY x") == ["row 1", "row 2", "row 3"])
    }

    @Test(arguments: ["SELECT 1; SELECT 2", "SELECT 1; DROP TABLE t", "SELECT 1;\nSELECT 2;"])
    func preparingMoreThanOneStatementThrows(_ sql: String) throws {
        let database = try Database(path: directory.path("multi.db"), mode: .readWriteCreate(permissions: 0o600))
        try database.execute("CREATE TABLE t (x INTEGER)")
        #expect {
            _ = try database.prepare(sql)
        } throws: { error in
            (error as? SQLiteError)?.code == .misuse
        }
        #expect {
            _ = try database.cachedStatement(sql)
        } throws: { error in
            (error as? SQLiteError)?.code == .misuse
        }
        // The second statement never ran.
        #expect(try database.count("sqlite_schema", where: "name = 't'") == 1)
    }

    @Test(arguments: ["SELECT 1;", "SELECT 1; -- trailing comment", "SELECT 1 /* block */ ;  \n\t", "SELECT 1; /* a */ -- b\n ;"])
    func trailingWhiteSpaceAndCommentsAreAllowed(_ sql: String) throws {
        let database = try Database(path: directory.path("trailing.db"), mode: .readWriteCreate(permissions: 0o600))
        let statement = try database.prepare(sql)
        #expect(try statement.step())
        #expect(statement.int(at: 0) == 1)
    }

    @Test func closeIsIdempotent() throws {
        let database = try Database(path: directory.path("close.db"), mode: .readWriteCreate(permissions: 0o600))
        try database.execute("CREATE TABLE t (x INTEGER)")
        database.restrictToReadingStatements()
        _ = try database.withTimeLimit(seconds: 1) { try database.count("t") }
        database.close()
        database.close()
    }

    @Test func backupCopiesTheDatabase() throws {
        let source = try Database(path: directory.path("source.db"), mode: .readWriteCreate(permissions: 0o600))
        try source.execute("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a'), ('b');")
        let destination = try Database(path: directory.path("copy.db"), mode: .readWriteCreate(permissions: 0o600))
        try source.backup(to: destination)
        #expect(try destination.column("SELECT x FROM t ORDER BY x") == ["a", "b"])
    }
}
