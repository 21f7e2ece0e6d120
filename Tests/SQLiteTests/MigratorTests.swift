import SQLite
import TestSupport
import Testing

@Suite struct MigratorTests {
    let directory: TemporaryDirectory
    let database: Database

    static let first = Migration(identifier: "0001_first", sql: """
        CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
        """)
    // Depends on 0001: applying out of order would fail.
    static let second = Migration(identifier: "0002_second", sql: """
        INSERT INTO a (id, name) VALUES (1, 'from 0002');
        CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a(id)) STRICT;
        INSERT INTO b (id, a_id) VALUES (1, 1);
        """)
    static let third = Migration(identifier: "0003_third", sql: "CREATE TABLE c (id INTEGER PRIMARY KEY) STRICT;")

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("migrations.db"), mode: .readWriteCreate(permissions: 0o600))
    }

    static func timestamp() -> String { "2026-01-02T03:04:05Z" }

    func ledger() throws -> [[SQLiteValue]] {
        try database.rows("SELECT identifier, checksum, applied_at FROM schema_migration ORDER BY identifier")
    }

    func tableExists(_ name: String) throws -> Bool {
        try database.count("sqlite_schema", where: "type = 'table' AND name = ?", [.text(name)]) == 1
    }

    @Test func appliesInIdentifierOrderAndRecordsChecksums() throws {
        // Given out of order: the migrator sorts by identifier.
        let migrator = Migrator(migrations: [Self.third, Self.second, Self.first])
        #expect(migrator.migrations.map(\.identifier) == ["0001_first", "0002_second", "0003_third"])
        let applied = try migrator.migrate(database, now: Self.timestamp)
        #expect(applied == ["0001_first", "0002_second", "0003_third"])
        #expect(try tableExists("a") && tableExists("b") && tableExists("c"))
        #expect(try database.scalarText("SELECT name FROM a") == "from 0002")
        #expect(try ledger() == [
            [.text("0001_first"), .text(Self.first.checksum), .text(Self.timestamp())],
            [.text("0002_second"), .text(Self.second.checksum), .text(Self.timestamp())],
            [.text("0003_third"), .text(Self.third.checksum), .text(Self.timestamp())],
        ])
        // Applying again does nothing.
        #expect(try migrator.migrate(database, now: { "later" }).isEmpty)
        #expect(try database.count("schema_migration") == 3)
        #expect(try database.count("a") == 1)
        try migrator.verifyUpToDate(database)
    }

    @Test func checksumIsTheSHA256OfTheSQL() {
        // SHA-256("abc"), FIPS 180-2 test vector.
        #expect(Migration(identifier: "x", sql: "abc").checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.first.checksum != Self.second.checksum)
        #expect(Self.first.checksum.count == 64)
    }

    @Test func statusListsPendingAndAppliedWithoutChangingTheDatabase() throws {
        let migrator = Migrator(migrations: [Self.first, Self.second])
        #expect(try migrator.status(of: database) == [
            MigrationStatus(identifier: "0001_first", state: .pending, appliedAt: nil),
            MigrationStatus(identifier: "0002_second", state: .pending, appliedAt: nil),
        ])
        // status never creates the ledger.
        #expect(try !tableExists("schema_migration"))

        try Migrator(migrations: [Self.first]).migrate(database, now: Self.timestamp)
        #expect(try migrator.status(of: database) == [
            MigrationStatus(identifier: "0001_first", state: .applied, appliedAt: Self.timestamp()),
            MigrationStatus(identifier: "0002_second", state: .pending, appliedAt: nil),
        ])
        #expect(try !tableExists("b"))
    }

    @Test func verifyUpToDateThrowsPending() throws {
        let migrator = Migrator(migrations: [Self.first, Self.second, Self.third])
        #expect {
            try migrator.verifyUpToDate(database)
        } throws: { error in
            guard case MigrationError.pending(let identifiers) = error else { return false }
            return identifiers == ["0001_first", "0002_second", "0003_third"]
        }
        try Migrator(migrations: [Self.first]).migrate(database, now: Self.timestamp)
        #expect {
            try migrator.verifyUpToDate(database)
        } throws: { error in
            guard case MigrationError.pending(let identifiers) = error else { return false }
            return identifiers == ["0002_second", "0003_third"]
        }
        try migrator.migrate(database, now: Self.timestamp)
        try migrator.verifyUpToDate(database)
    }

    @Test func changedSQLOfAnAppliedMigrationIsRefused() throws {
        try Migrator(migrations: [Self.first]).migrate(database, now: Self.timestamp)
        let edited = Migration(identifier: "0001_first", sql: Self.first.sql + "\n-- edited")
        let migrator = Migrator(migrations: [edited, Self.second])
        #expect(try migrator.status(of: database).first?.state == .changed)
        for attempt in ["migrate", "verify"] {
            #expect {
                if attempt == "migrate" {
                    try migrator.migrate(database, now: Self.timestamp)
                } else {
                    try migrator.verifyUpToDate(database)
                }
            } throws: { error in
                guard case MigrationError.changed(let identifier) = error else { return false }
                return identifier == "0001_first"
            }
        }
        // Nothing after the changed migration was applied.
        #expect(try !tableExists("b"))
        #expect(try database.count("schema_migration") == 1)
    }

    @Test func unknownAppliedMigrationMeansANewerBinary() throws {
        try Migrator(migrations: [Self.first, Self.second]).migrate(database, now: Self.timestamp)
        let older = Migrator(migrations: [Self.first])
        #expect(try older.status(of: database) == [
            MigrationStatus(identifier: "0001_first", state: .applied, appliedAt: Self.timestamp()),
            MigrationStatus(identifier: "0002_second", state: .unknown, appliedAt: Self.timestamp()),
        ])
        for attempt in ["migrate", "verify"] {
            #expect {
                if attempt == "migrate" {
                    try older.migrate(database, now: Self.timestamp)
                } else {
                    try older.verifyUpToDate(database)
                }
            } throws: { error in
                guard case MigrationError.unknown(let identifiers) = error else { return false }
                return identifiers == ["0002_second"]
            }
        }
        #expect(try database.count("schema_migration") == 2)
    }

    @Test func aMigrationLeavingForeignKeyViolationsIsRolledBack() throws {
        let bad = Migration(identifier: "0002_bad", sql: """
            PRAGMA defer_foreign_keys = ON;
            CREATE TABLE orphan (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id)) STRICT;
            INSERT INTO orphan (id, a_id) VALUES (1, 999);
            """)
        let migrator = Migrator(migrations: [Self.first, bad, Self.third])
        #expect {
            try migrator.migrate(database, now: Self.timestamp)
        } throws: { error in
            guard case MigrationError.foreignKeyViolations(let identifier, let count) = error else { return false }
            return identifier == "0002_bad" && count == 1
        }
        #expect(try !tableExists("orphan"))
        #expect(try !tableExists("c"))  // later migrations not applied
        #expect(try tableExists("a"))  // earlier ones stay applied
        #expect(try database.column("SELECT identifier FROM schema_migration") == ["0001_first"])
        #expect(!database.isInTransaction)
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let broken = Migration(identifier: "0002_broken", sql: """
            CREATE TABLE half (id INTEGER PRIMARY KEY);
            INSERT INTO no_such_table VALUES (1);
            """)
        #expect(throws: SQLiteError.self) {
            try Migrator(migrations: [Self.first, broken]).migrate(database, now: Self.timestamp)
        }
        #expect(try !tableExists("half"))
        #expect(try database.column("SELECT identifier FROM schema_migration") == ["0001_first"])
        #expect(!database.isInTransaction)
    }

    @Test func errorDescriptionsNameTheMigrations() {
        #expect("\(MigrationError.changed(identifier: "0001_x"))".contains("0001_x"))
        #expect("\(MigrationError.unknown(identifiers: ["0009_y"]))".contains("0009_y"))
        #expect("\(MigrationError.pending(identifiers: ["0002_z"]))".contains("stocktake migrate"))
        #expect("\(MigrationError.foreignKeyViolations(identifier: "0003_w", count: 2))".contains("0003_w"))
    }
}
