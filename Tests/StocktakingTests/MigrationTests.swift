import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct MigrationTests {
    static func migrationFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Fixtures.migrationsDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func embeddedMigrationsEqualTheMigrationFiles() throws {
        let files = try Self.migrationFiles()
        #expect(files.count >= 2)
        #expect(Schema.migrations.count == files.count)
        for file in files {
            let identifier = file.deletingPathExtension().lastPathComponent
            let contents = try #require(fileContents(file.path))
            let embedded = try #require(Schema.migrations.first { $0.identifier == identifier }, "\(identifier) is not embedded")
            #expect(Array(embedded.sql.utf8) == Array(contents), "\(identifier): embedded SQL differs from the file")
            // The checksum was computed at build time; it must be the embedded SQL's.
            #expect(embedded.checksum == Migration(identifier: identifier, sql: embedded.sql).checksum, "\(identifier): stale checksum")
        }
        #expect(Schema.migrations.map(\.identifier) == files.map { $0.deletingPathExtension().lastPathComponent })
        #expect(Schema.version == files.last?.deletingPathExtension().lastPathComponent)
    }

    @Test func identifiersAreNumberedAndUnique() {
        let identifiers = Schema.migrations.map(\.identifier)
        #expect(Set(identifiers).count == identifiers.count)
        for identifier in identifiers {
            #expect(identifier.range(of: #"^[0-9]{4}_[a-z0-9_]+$"#, options: .regularExpression) != nil, "\(identifier)")
        }
        #expect(identifiers.starts(with: ["0001_schema", "0002_reference_data"]))
    }

    @Test func aMigratedDatabaseIsConsistent() throws {
        let temporary = try TemporaryDatabase()
        let catalog = try temporary.makeCatalog()
        let database = catalog.database
        #expect(try database.column("PRAGMA integrity_check") == ["ok"])
        #expect(try database.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try database.column("SELECT identifier FROM schema_migration ORDER BY identifier")
            == Schema.migrations.map(\.identifier))
        for migration in Schema.migrations {
            #expect(try database.scalarText("SELECT checksum FROM schema_migration WHERE identifier = ?", [.text(migration.identifier)])
                == migration.checksum)
        }
        try Schema.migrator.verifyUpToDate(database)
        #expect(filePermissions(temporary.path) == 0o600)
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("PRAGMA foreign_keys") == 1)
    }

    @Test func referenceDataCounts() throws {
        let temporary = try TemporaryDatabase()
        let catalog = try temporary.makeCatalog()
        let database = catalog.database
        #expect(try database.count("action_line") == 19)
        #expect(try database.count("action_line", where: "is_prize_category = 1") == 18)
        #expect(try database.count("action_line", where: "parent_id = (SELECT id FROM action_line WHERE code = 'C7')") == 8)
        #expect(try database.count("sdg") == 17)
        #expect(try database.column("SELECT id FROM sdg ORDER BY id") == (1...17).map { String($0) })
        #expect(try database.count("gdc_objective") == 5)
        #expect(try database.count("stakeholder_type") == 6)
        #expect(try database.count("region") == 7)
        #expect(try database.count("country") == 250)
        let international = try database.rows("SELECT iso2, iso3, region_id FROM country WHERE iso2 = 'XW'")
        #expect(international == [[.text("XW"), .text("XWW"), .integer(7)]])
        #expect(try database.scalarText("SELECT code FROM region WHERE id = 7") == "INT")

        let reference = catalog.reference
        #expect(reference.actionLines.count == 19)
        #expect(reference.leafActionLines.count == 18)
        #expect(reference.leafActionLines.allSatisfy { $0.isPrizeCategory })
        #expect(reference.c7Applications.map(\.code) == [
            "C7.e-government", "C7.e-business", "C7.e-learning", "C7.e-health",
            "C7.e-employment", "C7.e-environment", "C7.e-agriculture", "C7.e-science",
        ])
        #expect(reference.sdgs.count == 17)
        #expect(reference.gdcObjectives.count == 5)
        #expect(reference.stakeholderTypes.count == 6)
        #expect(reference.regions.count == 7)
        #expect(reference.countries.count == 250)
        #expect(reference.countries.filter { $0.isInternational }.map { $0.canonicalToken } == ["INTERNATIONAL"])
        // ISO codes are unique and well-formed.
        #expect(Set(reference.countries.map(\.iso2)).count == 250)
        #expect(reference.countries.allSatisfy { $0.iso2.count == 2 && $0.iso3.count == 3 })
    }

    @Test func everyTableIsStrict() throws {
        let temporary = try TemporaryDatabase()
        let catalog = try temporary.makeCatalog()
        // PRAGMA table_list: schema, name, type, ncol, wr, strict. FTS5 shadow tables have type
        // 'shadow' and the FTS table itself 'virtual'; sqlite_* are SQLite's own.
        let tables = try catalog.database.rows("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        let names = Set(tables.compactMap { $0[0].textValue })
        #expect(names.isSuperset(of: ["project", "country", "action_line", "organization", "project_action_line", "schema_migration", "prize", "import_batch"]))
        #expect(!names.contains { $0.hasPrefix("project_fts") })
        let notStrict = tables.filter { $0[1] != .integer(1) }.compactMap { $0[0].textValue }
        #expect(notStrict.isEmpty, "tables that are not STRICT: \(notStrict)")
        // The FTS index exists as a virtual table.
        #expect(try catalog.database.count("pragma_table_list", where: "name = 'project_fts' AND type = 'virtual'") == 1)
    }

    @Test func migratingAgainChangesNothing() throws {
        let temporary = try TemporaryDatabase()
        try temporary.makeCatalog().close()
        let appliedAt = try temporary.makeCatalog(access: .read).database.column("SELECT applied_at FROM schema_migration ORDER BY identifier")
        let again = try temporary.makeCatalog()
        #expect(try again.database.column("SELECT applied_at FROM schema_migration ORDER BY identifier") == appliedAt)
        #expect(try again.database.count("country") == 250)
        #expect(try again.database.count("action_line") == 19)
    }

    @Test(arguments: [Catalog.Access.read, .write])
    func readOrWriteOnAMissingDatabaseThrowsAndCreatesNothing(_ access: Catalog.Access) throws {
        let temporary = try TemporaryDatabase()
        #expect {
            _ = try temporary.makeCatalog(access: access)
        } throws: { error in
            guard let error = error as? CatalogError, case .missingDatabase(let path) = error else { return false }
            // How to create one is the front end's to say (the CLI names `stocktake init`).
            let spelling = FrontEndSpelling(option: { $0.rawValue }, guidance: { $0 == .createDatabase ? "how to create one" : nil })
            return path == temporary.path && error.message(spelledBy: spelling).hasSuffix("; how to create one")
        }
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        #expect(!FileManager.default.fileExists(atPath: temporary.path + "-wal"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.directory.path).isEmpty)
    }

    @Test(arguments: [Catalog.Access.read, .write])
    func aPendingMigrationIsRefusedByReadAndWrite(_ access: Catalog.Access) throws {
        let temporary = try TemporaryDatabase()
        try temporary.makeCatalog().close()
        do {
            let database = try temporary.open(.readWrite)
            try database.execute("DELETE FROM schema_migration WHERE identifier = '0002_reference_data'")
            database.close()
        }
        let before = snapshot(ofDatabaseAt: temporary.path)
        #expect {
            _ = try temporary.makeCatalog(access: access)
        } throws: { error in
            guard case MigrationError.pending(let identifiers) = error else { return false }
            return identifiers == ["0002_reference_data"]
        }
        if access == .read {
            #expect(snapshot(ofDatabaseAt: temporary.path) == before)
        }
    }

    @Test func readAccessLeavesTheFileByteForByteUnchanged() throws {
        let temporary = try TemporaryDatabase()
        try temporary.makeCatalog().close()
        let before = snapshot(ofDatabaseAt: temporary.path)
        #expect(before.main != nil)
        let catalog = try temporary.makeCatalog(access: .read)
        #expect(catalog.reference.sdgs.count == 17)
        #expect(throws: (any Error).self) {
            try catalog.database.execute("DELETE FROM sdg")
        }
        catalog.close()
        #expect(snapshot(ofDatabaseAt: temporary.path) == before)
    }

    @Test func aDatabaseFromANewerBinaryIsRefused() throws {
        let temporary = try TemporaryDatabase()
        try temporary.makeCatalog().close()
        do {
            let database = try temporary.open(.readWrite)
            try database.execute("INSERT INTO schema_migration (identifier, checksum, applied_at) VALUES ('9999_future', 'x', 'now')")
        }
        for access in [Catalog.Access.read, .write, .migrate] {
            #expect {
                _ = try temporary.makeCatalog(access: access)
            } throws: { error in
                guard case MigrationError.unknown(let identifiers) = error else { return false }
                return identifiers == ["9999_future"]
            }
        }
    }
}

extension Catalog.Access: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .migrate: "migrate"
        case .temporary: "temporary"
        }
    }
}
