import Foundation
import Testing
import TestSupport
import Workbook
import WorkbookFuzzChecks

/// Replays the inputs the workbook fuzzer (`Tests/Fuzz/run.sh`, target `workbook`) kept in
/// `Fixtures/fuzz-regressions/workbook/`, and checks the harness's wrapping on known sheets.
@Suite struct WorkbookFuzzRegressionTests {
    @Test func everyKeptInputKeepsEveryInvariantOfTheFuzzer() throws {
        let inputs = Fixtures.fuzzRegressionInputs("workbook")
        #expect(!inputs.isEmpty, "no kept inputs found in \(Fixtures.url("fuzz-regressions/workbook").path)")
        for url in inputs {
            #expect(WorkbookFuzzChecks.violations(of: Array(try Data(contentsOf: url))) == [], "\(url.lastPathComponent)")
        }
    }

    /// The wrapped sheet is read with the harness's shared strings and date style, so mutations of
    /// the XML reach the cell parsing.
    @Test func aWrappedSheetIsReadWithTheHarnessParts() throws {
        let sheet = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="2"><c r="A2" t="s"><v>1</v></c><c r="C2" s="1"><v>43617</v></c><c r="D2"><v>1e21</v></c></row>\
            </sheetData></worksheet>
            """
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("wrapped.xlsx")
        try Data(WorkbookFuzzChecks.wrap(sheetXML: Array(sheet.utf8))).write(to: URL(fileURLWithPath: path))
        let workbook = try Workbook(path: path)
        let rows = try workbook.rows(of: workbook.sheets[0])
        let row = try #require(try rows.next())
        #expect(row.number == 2)
        #expect(row.cells.map(\.value) == [.text("b c\r"), .text("2019-06-01"), .number("1000000000000000000000")])
        #expect(try rows.next() == nil)
        #expect(WorkbookFuzzChecks.violations(of: [1] + Array(sheet.utf8)) == [])
        #expect(WorkbookFuzzChecks.violations(of: [0] + Array(sheet.utf8)) == [])  // not a zip: refused, no violation
    }
}
