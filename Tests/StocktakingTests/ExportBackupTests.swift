import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct ExportBackupTests {
    @Test func backupIsAConsistentPrivateCopy() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-backup")
        defer { directory.remove() }
        let target = directory.path("copy.db")
        let bytes = try DatabaseBackup(catalog: catalog).write(to: target)
        #expect(bytes > 0)
        #expect(filePermissions(target) == 0o600)
        #expect(ExportFixtures.strayFiles(in: directory.path, expected: ["copy.db"]).isEmpty)
        let copy = try Catalog(path: target, access: .read)
        defer { copy.close() }
        #expect(try copy.database.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try ExportFixtures.exportText(copy) == ExportFixtures.exportText(catalog))
    }

    @Test func backupReplacesAnOlderCopyAtomically() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-backup")
        defer { directory.remove() }
        let target = directory.path("copy.db")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        try DatabaseBackup(catalog: catalog).write(to: target)
        let copy = try Database(path: target, mode: .readOnly)
        defer { copy.close() }
        #expect(try copy.count("project") == 4)
    }

    @Test func backupIntoAMissingDirectoryFails() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        #expect(throws: SystemError.self) { try DatabaseBackup(catalog: catalog).write(to: temporary.directory.path("missing/copy.db")) }
    }

    @Test func backupWhileAnotherConnectionWrites() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let reader = try Catalog(path: temporary.path, access: .read)
        defer { reader.close() }
        // A writer holds an open transaction with uncommitted rows: the copy has the committed state only.
        try catalog.database.execute("BEGIN IMMEDIATE")
        try catalog.database.execute("DELETE FROM project WHERE external_id = ?", [.text("H-001")])
        let target = temporary.directory.path("copy.db")
        try DatabaseBackup(catalog: reader).write(to: target)
        try catalog.database.execute("ROLLBACK")
        let copy = try Database(path: target, mode: .readOnly)
        defer { copy.close() }
        #expect(try copy.count("project") == 4)
    }
}
