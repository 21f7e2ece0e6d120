import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import Testing
import TestSupport
import Workbook

/// `--format xlsx` through the library: the export's workbook read back with the project's own
/// reader, the round trip through the import, Excel's limits, and atomic failure.
@Suite struct XLSXEncoderTests {
    /// Exports into `path` as a workbook; the file is committed only when everything succeeded.
    @discardableResult
    static func exportWorkbook(
        _ catalog: Catalog, to path: String, truncate: Bool = false, _ configure: (inout ExportOptions) -> Void = { _ in }
    ) throws -> (ExportSummary, WorkbookSheetLog) {
        var options = ExportOptions()
        options.format = .xlsx
        configure(&options)
        let file = try AtomicFile(targetPath: path)
        let workbook = try WorkbookOutput(descriptor: file.descriptor, path: path, truncateLongCells: truncate)
        let summary = try ProjectExporter(catalog: catalog).export(options, to: workbook.sink)
        try workbook.finish()
        try file.commit()
        return (summary, workbook.sheet)
    }

    static func rows(_ path: String, sheet: String) throws -> [[String]] {
        let workbook = try Workbook(path: path)
        let info = try #require(workbook.sheets.first { $0.name == sheet })
        let rows = try workbook.rows(of: info)
        var result: [[String]] = []
        while let row = try rows.next() {
            var cells = Array(repeating: "", count: row.cells.last?.column ?? 0)
            for cell in row.cells {
                switch cell.value {
                case .text(let text), .number(let text): cells[cell.column - 1] = text
                default: cells[cell.column - 1] = "?"
                }
            }
            result.append(cells)
        }
        return result
    }

    @Test func theHostileFixtureRoundTripsThroughTheWorkbookImport() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let path = temporary.directory.path("projects.xlsx")
        let (summary, sheet) = try Self.exportWorkbook(catalog, to: path)
        #expect(summary.rows == 4 && sheet.dataRows == 4)
        #expect(summary.bytes > 1000)  // the sheet's XML, before deflating

        let empty = try TemporaryDatabase()
        defer { empty.remove() }
        let second = try empty.makeCatalog()
        defer { second.close() }
        let imported = try Importer(catalog: second, options: ImportOptions()).importFile(at: path)
        #expect(imported.counts.inserted == 4)
        #expect(try ExportFixtures.exportText(second) == ExportFixtures.hostileCSV)
    }

    @Test func sheetsAboutAndReference() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let path = temporary.directory.path("projects.xlsx")
        try Self.exportWorkbook(catalog, to: path)
        #expect(try Workbook(path: path).sheets.map(\.name) == ["Projects", "About", "Reference"])
        let about = try Self.rows(path, sheet: "About")
        #expect(about.contains(["Rows", "4"]))
        #expect(about.contains(["Contents", "projects"]))
        #expect(about.contains(["Database schema", Schema.version]))
        #expect(about.contains { $0.first == "Data as of" && $0[1].hasPrefix("import batch 1, ") })
        let reference = try Self.rows(path, sheet: "Reference")
        #expect(reference[0] == ["action_line", "action_line_title", "", "sdg", "sdg_title"])
        #expect(reference.contains { $0.count >= 2 && $0[0] == "C7.e-health" && !$0[1].isEmpty })
        #expect(reference.contains { $0.count == 5 && $0[3] == "17" && !$0[4].isEmpty })
        // Dates are real dates: serial numbers in the date style.
        let projects = try Self.rows(path, sheet: "Projects")
        #expect(projects[1][8] == "2024-01-15")
        let prizes = temporary.directory.path("prizes.xlsx")
        try Self.exportWorkbook(catalog, to: prizes) { $0.kind = .prizes }
        #expect(try Workbook(path: prizes).sheets.map(\.name) == ["Prizes", "About"])
    }

    @Test func theSameDataGivesTheSameBytes() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let first = temporary.directory.path("a.xlsx"), second = temporary.directory.path("b.xlsx")
        try Self.exportWorkbook(catalog, to: first)
        try Self.exportWorkbook(catalog, to: second)
        let bytes = try #require(fileContents(first))
        #expect(bytes == fileContents(second))
    }

    static func longRow(_ length: Int) -> String {
        "L-001,Long,\(String(repeating: "x", count: length)),Org,government,DE,national,ongoing,,,,,,,C1,,,"
    }

    @Test func aCellLongerThanExcelHoldsFailsNamingTheProjectAndFieldAndLeavesTheFile() throws {
        let csv = ExportFixtures.header + "\r\n" + Self.longRow(32_768) + "\r\n"
        let (temporary, catalog) = try ExportFixtures.database(importing: csv)
        defer { catalog.close(); temporary.remove() }
        let path = temporary.directory.path("projects.xlsx")
        try Data("previous".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try Self.exportWorkbook(catalog, to: path)
        } throws: { error in
            let message = "\(error)"
            return error is WorkbookLimitError && message.contains("project L-001: description has 32768 characters")
                && message.contains("32767") && message.contains("truncate_long_cells")
        }
        #expect(fileContents(path) == Data("previous".utf8))
        #expect(ExportFixtures.strayFiles(in: temporary.directory.path, expected: ["projects.xlsx", "stocktaking.db", "stocktaking.db-wal", "stocktaking.db-shm"]).allSatisfy { $0.hasPrefix("import-") })

        // Exactly at the limit is fine.
        let (fits, fitsCatalog) = try ExportFixtures.database(importing: ExportFixtures.header + "\r\n" + Self.longRow(32_767) + "\r\n")
        defer { fitsCatalog.close(); fits.remove() }
        try Self.exportWorkbook(fitsCatalog, to: fits.directory.path("fits.xlsx"))
        #expect(try Self.rows(fits.directory.path("fits.xlsx"), sheet: "Projects")[1][2].count == 32_767)
    }

    @Test func truncatingListsTheCellsInTheAboutSheet() throws {
        let csv = ExportFixtures.header + "\r\n" + Self.longRow(40_000) + "\r\n"
        let (temporary, catalog) = try ExportFixtures.database(importing: csv)
        defer { catalog.close(); temporary.remove() }
        let path = temporary.directory.path("projects.xlsx")
        let (_, sheet) = try Self.exportWorkbook(catalog, to: path, truncate: true)
        #expect(sheet.truncatedCount == 1)
        #expect(sheet.truncated == [.init(record: "project L-001", column: "description", characters: 40_000)])
        #expect(try Self.rows(path, sheet: "Projects")[1][2] == String(repeating: "x", count: 32_767))
        let about = try Self.rows(path, sheet: "About")
        #expect(about.contains(["Cells truncated", "1"]))
        #expect(about.contains(["", "project L-001: description had 40000 characters, cut to 32767"]))
    }

    @Test func moreRowsThanASheetHoldsFail() throws {
        // The encoder alone, as the export drives it: one small cell per row, buffer emptied.
        let log = WorkbookSheetLog()
        var settings = EncoderSettings(columns: ["n"])
        settings.sheet = log
        var encoder = RecordEncoder(format: .xlsx, settings: settings)
        var buffer: [UInt8] = []
        encoder.start(byteOrderMark: false, header: true, into: &buffer)
        for row in 0..<1_048_575 {
            encoder.integer(Int64(row), &buffer)
            encoder.endRecord(&buffer)
            if buffer.count > 1 << 20 { buffer.removeAll(keepingCapacity: true) }
        }
        #expect(log.failure == nil)
        #expect(log.dataRows == 1_048_575)
        encoder.integer(1, &buffer)
        encoder.endRecord(&buffer)
        let failure = try #require(log.failure)
        #expect("\(failure)".contains("more than 1048575 rows"))
        #expect(log.dataRows == 1_048_575)
    }

    @Test func aWorkbookNeedsAFileOfItsOwn() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        var options = ExportOptions()
        options.format = .xlsx
        let file = try AtomicFile(targetPath: temporary.directory.path("x"))
        #expect(throws: ExportError.self) { try ProjectExporter(catalog: catalog).export(options, to: file.sink) }
        #expect(throws: OutputRefused.self) { try OutputFile(OutputTarget(path: "-", option: .out), format: .xlsx) }
    }
}
