import Foundation
import Testing
import TestSupport
@testable import Workbook

/// The reader on the committed fixtures (Fixtures/generate_workbooks.py made them with xlsxwriter
/// and openpyxl) and on the hostile ones.
struct WorkbookReaderTests {
    static func fixture(_ name: String) -> String { Fixtures.url("workbooks/" + name).path }

    static func allRows(_ name: String, sheet: Int = 0) throws -> [SheetRow] {
        let workbook = try Workbook(path: fixture(name))
        let rows = try workbook.rows(of: workbook.sheets[sheet])
        var result: [SheetRow] = []
        while let row = try rows.next() { result.append(row) }
        return result
    }

    @Test func sheetsInTabOrderWithVisibility() throws {
        let workbook = try Workbook(path: Self.fixture("cells.xlsx"))
        #expect(workbook.sheets.map(\.name) == ["Projects", "Notes", "Hidden"])
        #expect(workbook.sheets.map(\.hidden) == [false, false, true])
        #expect(!workbook.uses1904DateSystem)
        #expect(try workbook.hasValues(workbook.sheets[1]))
    }

    @Test func cellsOfAnXlsxwriterWorkbook() throws {
        let rows = try Self.allRows("cells.xlsx")
        // The title row, the header on row 3, two data rows; formatted empty rows are not rows.
        #expect(rows.map(\.number) == [1, 3, 4, 5])
        let first = rows[2].cells.map(\.value)
        #expect(first[0] == .number("12345"))
        #expect(first[1] == .text("Rich text title"))  // rich-text runs joined
        #expect(first[2] == .text("  spaces at both edges  "))
        #expect(first[6] == .text("2019-06-01"))
        #expect(first[7] == .text("2024-02-29"))
        let second = rows[3].cells
        #expect(second[0].value == .number("123456789012"))
        #expect(second[1].value == .text("Line one\r\nline two"))  // _x000D_ decoded
        #expect(second[6].value == .text("2019"))  // a partial date typed as text stays text
        #expect(second.first { $0.column == 9 }?.value == .text("C6"))  // formula: its saved result
        #expect(second.first { $0.column == 10 }?.value == .number("5"))
    }

    @Test func errorCellsAndFormulasWithoutResults() throws {
        let rows = try Self.allRows("errors.xlsx")
        #expect(rows[2].cells[1].value == .error("#N/A"))
        #expect(rows[3].cells[3].value == .formulaWithoutValue)
        #expect(rows[4].cells[2].value == .error("#REF!"))
    }

    @Test func the1904DateSystem() throws {
        let workbook = try Workbook(path: Self.fixture("dates-1904.xlsx"))
        #expect(workbook.uses1904DateSystem)
        let rows = try Self.allRows("dates-1904.xlsx")
        #expect(rows[1].cells.map(\.value).suffix(2) == [.text("1904-01-01"), .text("2001-01-02")])
    }

    @Test(arguments: [
        ("truncated.xlsx", WorkbookError.Kind.damaged), ("xxe.xlsx", .invalidXML), ("billion-laughs.xlsx", .invalidXML),
        ("zip-bomb.xlsx", .tooLarge), ("too-many-rows.xlsx", .outOfBounds), ("too-many-columns.xlsx", .outOfBounds),
        ("spreadsheet.ods", .notAWorkbook), ("legacy.xls", .damaged),
    ] as [(String, WorkbookError.Kind)])
    func hostileWorkbooksAreRefused(_ name: String, _ kind: WorkbookError.Kind) throws {
        let error = try #require(throws: WorkbookError.self) { _ = try Self.allRows(name) }
        #expect(error.kind == kind, "\(error)")
    }

    @Test func theTotalInflatedSizeIsCapped() throws {
        var limits = ZipLimits()
        limits.maximumTotalBytes = 100_000
        let error = try #require(throws: WorkbookError.self) {
            let workbook = try Workbook(path: Self.fixture("projects-sample.xlsx"), limits: limits)
            let rows = try workbook.rows(of: workbook.sheets[0])
            while try rows.next() != nil {}
        }
        #expect(error.kind == .tooLarge)
        #expect(error.message == "the workbook inflates to more than 100000 bytes (a zip bomb?)")
    }
}
