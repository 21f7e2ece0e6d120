import Foundation
import Stocktaking
import Testing

/// The writer truncates the write-ahead log when it is done, even while other connections have
/// the database open (read-only connections cannot checkpoint it themselves).
@Suite struct WriteAheadLogTests {
    private func walSize(_ fixture: ImportFixture) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: fixture.path + "-wal"))?[.size] as? Int) ?? 0
    }

    @Test func importDeleteAndRevertLeaveAnEmptyLogWhileAReaderIsConnected() throws {
        let fixture = try ImportFixture()
        let reader = try fixture.database.makeCatalog(access: .read)  // open, not inside a transaction
        defer { reader.close() }
        #expect(try reader.database.count("project") == 0)
        let rows = (1...300).map { Sample.row("W-\($0)", title: "Project \($0)") }
        try fixture.importText(([Sample.header] + rows).joined(separator: "\r\n"))
        #expect(walSize(fixture) == 0)
        #expect(try reader.database.count("project") == 300)

        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        let deleted = try BatchOperations(catalog: catalog).delete(externalIDs: ["W-1", "W-2"])
        #expect(walSize(fixture) == 0)
        _ = try BatchOperations(catalog: catalog).revert(batchID: try #require(deleted.batchID))
        #expect(walSize(fixture) == 0)
    }
}
