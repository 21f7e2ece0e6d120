import Foundation
import Stocktaking
import Testing
import TestSupport

/// Workbooks through the library's importer: the same rules, batches and reports as CSV, with
/// problems located by cell.
struct WorkbookImportTests {
    static func workbook(_ name: String) -> String { Fixtures.url("workbooks/" + name).path }

    @Test func prizesFromAWorkbookAreThePrizesFromTheCSV() throws {
        var results: [[String]] = []
        for prizes in [Fixtures.url("prizes-sample.csv").path, Self.workbook("prizes-sample.xlsx")] {
            let fixture = try ImportFixture()
            try fixture.importFile(Fixtures.url("projects-sample.csv").path)
            var options = ImportOptions()
            options.kind = .prizes
            let summary = try fixture.importFile(prizes, options: options)
            #expect(summary.counts.inserted == 150)
            results.append(try fixture.rows("SELECT year, action_line_id, project_id, result FROM prize ORDER BY 1, 2, 3").map { "\($0)" })
        }
        #expect(results[0].count == 150)
        #expect(results[0] == results[1])
    }

    @Test func aDryRunWritesNothingAndTheBatchRecordsTheSheetOptions() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.headerRow = 3
        options.sheetName = "projects"  // a sheet name matches case-insensitively when no sheet matches exactly
        options.dryRun = true
        let before = fixture.snapshot()
        let summary = try fixture.importFile(Self.workbook("cells.xlsx"), options: options)
        #expect(summary.dryRun && summary.counts.inserted == 2)
        #expect(summary.sheet == "Projects" && summary.sheetChosen)
        #expect(fixture.snapshot() == before)
        options.dryRun = false
        try fixture.importFile(Self.workbook("cells.xlsx"), options: options)
        let recorded = try fixture.scalarText("SELECT options FROM import_batch ORDER BY id DESC LIMIT 1")
        #expect(recorded?.contains("\"sheet\":\"projects\",\"header_row\":\"3\"") == true, "\(recorded ?? "nil")")
        let digest = try fixture.scalarText("SELECT sha256 FROM import_batch ORDER BY id DESC LIMIT 1")
        #expect(digest?.count == 64)
    }

    @Test func problemsAreLocatedByCellAndQuoteSheetNamesAsExcelDoes() throws {
        let fixture = try ImportFixture()
        let file = Self.workbook("stray-value.xlsx")
        let error = try #require(throws: ImportRejected.self) { try fixture.importFile(file) }
        #expect(error.problems.map(\.cell) == ["'Project list'!E3", "'Project list'!C4"])
        #expect(error.problems[0].description == "'Project list'!E3 (V-2): value \"note\": a value in column E, which has no header; add a header for it in row 1, or clear the cell")
        #expect(try fixture.count("project") == 0)
    }

    @Test func anIdStoredAsANumberOfFifteenDigitsOrMoreIsWarnedAbout() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.reportPath = fixture.database.directory.path("report.json")
        let summary = try fixture.importFile(Self.workbook("long-numeric-ids.xlsx"), options: options)
        #expect(summary.counts.inserted == 2)
        #expect(summary.warnings == 1)
        #expect(try fixture.rows("SELECT external_id FROM project ORDER BY 1").map { "\($0)" }.count == 2)
        let report = try String(contentsOfFile: options.reportPath!, encoding: .utf8)
        #expect(report.contains("\"severity\":\"warning\",\"cell\":\"Sheet1!A2\""), "\(report)")
        #expect(report.contains("stored as a number of 16 digits; Excel keeps only 15 significant digits"))
    }

    @Test func aHeaderRowThatIsEmptyIsNamed() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.headerRow = 2
        let error = try #require(throws: ImportRejected.self) { try fixture.importFile(Self.workbook("cells.xlsx"), options: options) }
        #expect(error.problems.first?.cell == "Projects!2:2")
        #expect(error.problems.first?.problem == "row 2 of the sheet \"Projects\" is empty, so it cannot be the header")
    }
}
