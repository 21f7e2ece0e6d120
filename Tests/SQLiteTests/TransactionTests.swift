import SQLite
import TestSupport
import Testing

struct Boom: Error, Equatable {
    let tag: String
}

@Suite struct TransactionTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("transactions.db"), mode: .readWriteCreate(permissions: 0o600))
        try database.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;
            CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, parent_id INTEGER REFERENCES parent(id)) STRICT;
            """)
    }

    func names() throws -> [String] {
        try database.column("SELECT name FROM item ORDER BY id").compactMap { $0 }
    }

    @Test func commitsWhenTheBodyReturns() throws {
        let result = try database.inTransaction {
            #expect(database.isInTransaction)
            try database.execute("INSERT INTO item (name) VALUES (?)", [.text("kept")])
            return 42
        }
        #expect(result == 42)
        #expect(!database.isInTransaction)
        #expect(try names() == ["kept"])
        // Visible from another connection: really committed.
        let other = try Database(path: database.path, mode: .readOnly)
        #expect(try other.count("item") == 1)
    }

    @Test(arguments: [Database.TransactionKind.deferred, .immediate, .exclusive])
    func rollsBackWhenTheBodyThrows(_ kind: Database.TransactionKind) throws {
        #expect(throws: Boom(tag: "body")) {
            try database.inTransaction(kind) {
                try database.execute("INSERT INTO item (name) VALUES (?)", [.text("gone")])
                try database.execute("INSERT INTO item (name) VALUES (?)", [.text("gone too")])
                throw Boom(tag: "body")
            }
        }
        #expect(!database.isInTransaction)
        #expect(try database.count("item") == 0)
    }

    @Test func rethrowsTheFirstSQLiteError() throws {
        try database.execute("INSERT INTO item (name) VALUES ('existing')")
        #expect {
            try database.inTransaction {
                try database.execute("INSERT INTO item (name) VALUES (?)", [.text("new")])
                try database.execute("INSERT INTO item (name) VALUES (?)", [.text("existing")])
            }
        } throws: { error in
            (error as? SQLiteError)?.code == .constraintUnique
        }
        #expect(!database.isInTransaction)
        #expect(try names() == ["existing"])
    }

    @Test func aFailingRollbackDoesNotHideTheFirstError() throws {
        // The body ends the transaction itself, so the rollback after its error has nothing to
        // roll back; the caller must still see the body's error.
        #expect(throws: Boom(tag: "first")) {
            try database.inTransaction {
                try database.execute("INSERT INTO item (name) VALUES ('x')")
                try database.execute("ROLLBACK")
                throw Boom(tag: "first")
            }
        }
        #expect(!database.isInTransaction)
        #expect(try database.count("item") == 0)
    }

    @Test func aFailingCommitRollsBackAndThrows() throws {
        // A deferred foreign key violation surfaces only at COMMIT.
        #expect {
            try database.inTransaction {
                try database.execute("PRAGMA defer_foreign_keys = ON")
                try database.execute("INSERT INTO item (name, parent_id) VALUES ('orphan', 99)")
            }
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return ResultCode.constraint ~= error
        }
        #expect(!database.isInTransaction)
        #expect(try database.count("item") == 0)
    }

    @Test func savepointInsideATransactionRollsBackOnlyItsPart() throws {
        try database.inTransaction {
            try database.execute("INSERT INTO item (name) VALUES ('before')")
            #expect(throws: Boom(tag: "inner")) {
                try database.inSavepoint {
                    try database.execute("INSERT INTO item (name) VALUES ('inside')")
                    #expect(try database.count("item") == 2)
                    throw Boom(tag: "inner")
                }
            }
            #expect(database.isInTransaction)
            let value = try database.inSavepoint("kept_part") {
                try database.execute("INSERT INTO item (name) VALUES ('kept inside')")
                return "ok"
            }
            #expect(value == "ok")
            try database.execute("INSERT INTO item (name) VALUES ('after')")
        }
        #expect(try names() == ["before", "kept inside", "after"])
    }

    @Test func savepointOutsideATransactionCommitsOrRollsBack() throws {
        try database.inSavepoint {
            try database.execute("INSERT INTO item (name) VALUES ('committed')")
        }
        #expect(!database.isInTransaction)
        #expect(throws: Boom(tag: "x")) {
            try database.inSavepoint {
                try database.execute("INSERT INTO item (name) VALUES ('rolled back')")
                throw Boom(tag: "x")
            }
        }
        #expect(!database.isInTransaction)
        #expect(try names() == ["committed"])
    }

    @Test func aFailingSavepointDoesNotAbortTheOuterTransaction() throws {
        #expect(throws: Boom(tag: "outer")) {
            try database.inTransaction {
                try database.execute("INSERT INTO item (name) VALUES ('a')")
                try? database.inSavepoint {
                    try database.execute("INSERT INTO item (name) VALUES ('a')")  // UNIQUE violation
                }
                #expect(try database.count("item") == 1)
                throw Boom(tag: "outer")
            }
        }
        #expect(try database.count("item") == 0)
    }
}
