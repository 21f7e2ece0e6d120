import Foundation
import Stocktaking
import Testing

/// Problems say what a spreadsheet user needs to find and fix the row: its id, the real cause
/// (a comma-separated list, a day-first date), every problem of the row, and whether the list is
/// complete.
@Suite struct ImportDiagnosticsTests {
    private func rejection(_ text: String, options: ImportOptions = ImportOptions()) throws -> ImportRejected {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("P-1"), Sample.row("P-2")))
        return try #require(throws: ImportRejected.self) { try fixture.importText(text, options: options) }
    }

    @Test func aProblemNamesItsRowsExternalID() throws {
        let error = try rejection(Sample.file(Sample.row("ID-7", actionLines: "C99")))
        let problem = try #require(error.problems.first)
        #expect(problem.externalID == "ID-7")
        #expect(problem.description.hasPrefix("2 (ID-7): column action_lines: value \"C99\""), "\(problem.description)")
    }

    @Test func aCommaSeparatedListIsNamedAsSuch() throws {
        let error = try rejection(Sample.file(
            Sample.row("L-1", actionLines: "\"E-Health, C7 e-business\""),
            Sample.row("L-2", countries: "\"Korea, Republic of\""),  // one name with a comma: fine
            Sample.row("L-3", actionLines: "\"C5, C99\"")))  // not every part resolves: the plain error
        #expect(error.problems.count == 2, "\(error.problems.map(\.description))")
        #expect(error.problems[0].line == 2)
        #expect(error.problems[0].problem == "not one value: it looks like a comma-separated list")
        #expect(error.problems[0].suggestion?.contains("--list-separator") == true)
        #expect(error.problems[1].line == 4)
        #expect(error.problems[1].problem != error.problems[0].problem)
    }

    @Test(arguments: [("31/12/2023", "use --date-format DD/MM/YYYY (31 cannot be a month)"),
                      ("12/31/2023", "use --date-format MM/DD/YYYY (31 cannot be a month)"),
                      ("03/04/2023", "pass --date-format DD/MM/YYYY or MM/DD/YYYY")])
    func aNonISODateSaysWhichFormatItMustBe(_ date: String, _ hint: String) throws {
        let row = Sample.row("D-1").replacingOccurrences(of: "2020-01-01", with: date)
        let error = try rejection(Sample.file(row))
        #expect(error.problems.first?.suggestion?.contains(hint) == true, "\(error.problems.map(\.description))")
    }

    @Test func aBrokenQuoteSaysTheListStopsThere() throws {
        let error = try rejection(Sample.file(Sample.row("Q-1", actionLines: "C99"), "Q-2,\"never closed"))
        #expect(error.stoppedAtLine == 3)
        #expect(error.description.contains("stopped at line 3: the rest of the file cannot be read reliably"))
        #expect(error.totalProblems == 2)
    }

    @Test func aPrizeRowReportsEveryProblemIncludingTheUnknownProject() throws {
        var options = ImportOptions()
        options.kind = .prizes
        let error = try rejection("year,category,external_id,result\r\n2024,C7,NOPE,gold\r\n", options: options)
        let columns = Set(error.problems.map { $0.column ?? "" })
        #expect(columns == ["category", "external_id", "result"], "\(error.problems.map(\.description))")
        #expect(error.problems.contains { $0.problem == "no project with this external_id" })
    }
}
