import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import Testing
import TestSupport

/// Undo goes back as many levels as there are batches: a reverted batch never blocks reverting an
/// earlier one, and a batch that was reverted and then re-applied (revert of the revert) does.
@Suite struct RevertChainTests {
    private let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
    }

    private func revert(_ batchID: Int64) throws -> ImportSummary {
        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        return try BatchOperations(catalog: catalog).revert(batchID: batchID)
    }

    private func delete(_ ids: String...) throws -> ImportSummary {
        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        return try BatchOperations(catalog: catalog).delete(externalIDs: ids)
    }

    private func projects() throws -> [[SQLiteValue]] {
        try fixture.rows("SELECT external_id, title, countries, action_lines, sdgs FROM project_flat ORDER BY external_id")
    }

    private func expectSearchIndexMatchesTable() throws {
        #expect(try fixture.count("project_fts") == fixture.count("project"))
        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        try catalog.database.checkSearchIndexMatchesProjects()
    }

    @Test func revertingTheNewestThenTheOlderBatchGoesBackTwoLevels() throws {
        try fixture.importText(Sample.file(Sample.row("A-1", title: "First")))  // batch 1
        try fixture.importText(Sample.file(Sample.row("A-1", title: "Second")))  // batch 2
        #expect(try revert(2).counts.updated == 1)  // batch 3
        #expect(try revert(1).counts.deleted == 1)  // batch 4: batch 2 is undone, it no longer blocks
        #expect(try fixture.count("project") == 0)
    }

    @Test func aChainOfThreeImportsWithInterleavedDeletesUnwindsToTheStart() throws {
        try fixture.importText(Sample.file(Sample.row("A-1", title: "One"), Sample.row("B-1")))  // 1
        let afterOne = try projects()
        _ = try delete("A-1")  // 2
        try fixture.importText(Sample.file(Sample.row("A-1", title: "Back"), Sample.row("B-1", title: "B changed")))  // 3
        let afterThree = try projects()
        _ = try delete("B-1")  // 4
        try fixture.importText(Sample.file(Sample.row("A-1", title: "Three"), Sample.row("C-1")))  // 5

        // Each older batch is blocked until the newer ones touching its projects are undone.
        #expect(throws: BatchOperationRefused.self) { try revert(3) }
        _ = try revert(5)  // 6
        _ = try revert(4)  // 7
        #expect(try projects() == afterThree)
        _ = try revert(3)  // 8
        _ = try revert(2)  // 9
        #expect(try projects() == afterOne)
        _ = try revert(1)  // 10
        #expect(try projects().isEmpty)
        #expect(try fixture.count("project_action_line") == 0)
        try expectSearchIndexMatchesTable()
    }

    @Test func aRevertedRevertReappliesTheBatchAndBlocksOlderReverts() throws {
        try fixture.importText(Sample.file(Sample.row("A-1", title: "First")))  // 1
        try fixture.importText(Sample.file(Sample.row("A-1", title: "Second")))  // 2
        _ = try revert(2)  // 3: A-1 is "First" again
        _ = try revert(3)  // 4: batch 2 re-applied, A-1 is "Second"
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'A-1'") == "Second")
        let refused = try #require(throws: BatchOperationRefused.self) { try revert(1) }
        #expect(refused.description.contains("A-1"))
        _ = try revert(4)  // 5: undo the redo
        #expect(try revert(1).counts.deleted == 1)  // 2, 3, 4, 5 cancel out
        #expect(try fixture.count("project") == 0)
        try expectSearchIndexMatchesTable()
    }

    @Test func aDeleteAndItsRevertCancelButALaterImportBlocks() throws {
        try fixture.importText(Sample.file(Sample.row("A-1", title: "First")))  // 1
        _ = try delete("A-1")  // 2
        _ = try revert(2)  // 3: A-1 restored; 2 and 3 cancel out
        try fixture.importText(Sample.file(Sample.row("A-1", title: "Later")))  // 4
        let refused = try #require(throws: BatchOperationRefused.self) { try revert(1) }
        #expect(refused.description.contains("A-1 (batch 4)"), "\(refused.description)")
        _ = try revert(4)  // 5
        #expect(try revert(1).counts.deleted == 1)
        #expect(try fixture.count("project") == 0)
    }
}
