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

@Suite struct OutputPermissionsTests {
    @Test(arguments: [("0640", 0o640, 0o750), ("644", 0o644, 0o755), ("0600", 0o600, 0o700), ("0620", 0o620, 0o720), ("0777", 0o777, 0o777), ("00660", 0o660, 0o770)])
    func parsesOctalAndGivesDirectoriesSearchWhereFilesAreReadable(_ text: String, _ file: Int, _ directory: Int) throws {
        let mode = try OutputPermissions(octal: text)
        #expect(Int(mode.file) == file)
        #expect(Int(mode.directory) == directory)
    }

    @Test(arguments: ["", "abc", "0999", "8", "64O", "+640", "1640", "2640", "4640", "07777", "10000", "0400", "0200", "0000", "123456789"])
    func refusesAnythingElse(_ text: String) {
        #expect(throws: OutputPermissions.Invalid.self) { try OutputPermissions(octal: text) }
    }

    @Test func aBackupWithAModeHasItWhateverTheReplacedFileHad() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-backup")
        defer { directory.remove() }
        let target = directory.path("copy.db")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: target)
        try DatabaseBackup(catalog: catalog, mode: try OutputPermissions(octal: "0640")).write(to: target)
        #expect(filePermissions(target) == 0o640)
    }

    @Test func aRecordedBackupEditedSinceIsNotPruned() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-backup")
        defer { directory.remove() }
        let backup = DatabaseBackup(catalog: catalog)
        _ = try backup.write(to: OutputTarget(path: directory.path("a.db"), option: .backupPath), keep: 1)
        // Same size, other bytes: only the checksum tells it is no longer the backup recorded.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path("a.db")))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0xFF]))
        try handle.close()
        let result = try backup.write(to: OutputTarget(path: directory.path("b.db"), option: .backupPath), keep: 1)
        #expect(result.removed.isEmpty)
        #expect(directory.fileExists("a.db") && directory.fileExists("a.db.stocktake-backup.json"))
        let third = try backup.write(to: OutputTarget(path: directory.path("c.db"), option: .backupPath), keep: 1)
        #expect(third.removed == [FileLocationForTests.resolve(directory.path("b.db"))])
    }
}

/// The resolved form the library reports paths in (the temporary directory may be a symlink).
enum FileLocationForTests {
    static func resolve(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
