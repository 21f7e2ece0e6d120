import CSV
import Foundation
import SQLite
import Stocktaking
import Testing
import TestSupport

/// Every error class of the importer: the problem names the line and the column, the import is
/// rejected as a whole, and the database stays byte-for-byte as it was.
@Suite struct ImportRejectionTests {
    struct Case: Sendable, CustomStringConvertible {
        let file: String
        var encoding: String?
        /// (line, column, text the problem must contain)
        let expected: [(Int, String?, String)]
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "errors/unterminated-quote.csv", expected: [(4, "title", "opened on line 4 is never closed")]),
        Case(file: "errors/text-after-quote.csv", expected: [(3, "title", "text follows the closing quote")]),
        Case(file: "errors/stray-quote.csv", expected: [(3, "title", "a quote inside a field that is not quoted")]),
        Case(file: "errors/too-many-fields.csv", expected: [(3, nil, "the row has 19 fields but the header has 18")]),
        Case(file: "errors/too-few-fields.csv", expected: [(3, nil, "the row has 4 fields but the header has 18")]),
        Case(file: "errors/nul-byte.csv", expected: [(3, "title", "NUL byte")]),
        Case(file: "errors/invalid-utf8.csv", expected: [(3, "title", "invalid UTF-8")]),
        Case(file: "errors/utf16-bom.csv", expected: [(1, nil, "UTF-16 LE byte order mark")]),
        Case(file: "errors/duplicate-column.csv", expected: [(1, nil, "column \"Title\" (column 3) duplicates \"title\" (column 2)")]),
        Case(file: "errors/missing-required-column.csv", expected: [(1, nil, "missing required column action_lines")]),
        Case(file: "errors/unknown-column.csv", expected: [(1, nil, "unknown column(s) \"budget_usd\"")]),
        Case(file: "errors/duplicate-id.csv", expected: [(4, "external_id", "appears twice in the file (first on line 2)")]),
        Case(file: "errors/bad-values.csv", expected: [
            (3, "action_lines", "did you mean C7.e-health?"),
            (4, "action_lines", "C7 (ICT applications) is not a leaf category"),
            (5, "action_lines", "no such Action Line C12"),
            (6, "start_date", "impossible date"),
            (7, "end_date", "the end date is before the start date"),
            (8, "website", "did you mean https://www.example.org?"),
            (9, "contact_email", "not an e-mail address"),
            (10, "title", "a title is required"),
            (11, "sdgs", "no such SDG 18"),
            (11, "countries", "no such country"),
            (12, "action_lines", "at least one leaf Action Line is required"),
            (13, "start_date", "ambiguous date"),
            (14, "stakeholder_type", "did you mean government?"),
            (14, "status", "no such status"),
        ]),
    ]

    @Test(arguments: cases)
    func rejectsTheFileAndLeavesTheDatabaseUnchanged(_ testCase: Case) throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("KEEP-1")))
        let before = fixture.snapshot()

        var options = ImportOptions()
        options.reader.encoding = testCase.encoding.flatMap { TextEncoding(name: $0) }
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importFile(Fixtures.url(testCase.file).path, options: options)
        }
        #expect(error.totalProblems == testCase.expected.count)
        for (line, column, text) in testCase.expected {
            let match = error.problems.contains { $0.line == line && $0.column == column && $0.description.contains(text) }
            #expect(match, "expected line \(line) column \(column ?? "-") containing \"\(text)\" in \(error.problems.map(\.description))")
        }
        #expect(fixture.snapshot() == before)
        #expect(try fixture.count("project") == 1)
        #expect(try fixture.count("import_batch") == 1)
    }

    @Test func problemMessagesQuoteOnlyAShortExcerpt() throws {
        let fixture = try ImportFixture()
        let long = String(repeating: "x", count: 5_000)
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText(Sample.file(Sample.row("A-1", actionLines: "C99" + long)))
        }
        let problem = try #require(error.problems.first)
        #expect(problem.description.count < 400)
        #expect(problem.value?.hasSuffix("…") == true)
    }

    @Test func aHeaderOfTensOfThousandsOfColumnsIsRejectedQuickly() throws {
        let fixture = try ImportFixture()
        let columns = (0..<100_000).map { "column\($0)" }.joined(separator: ",")
        let started = ContinuousClock.now
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText("external_id,title,action_lines," + columns + "\r\n")
        }
        // 0.67 s on a quiet machine; a header check quadratic in the columns would take hours.
        #expect(ContinuousClock.now - started < TimeAllowance.bound(expected: .seconds(1)))
        #expect(error.problems.first?.problem.contains("and 99990 more") == true)
        #expect(error.description.count < 2_000)
    }

    @Test func anEmptyFileNeedsAHeader() throws {
        let fixture = try ImportFixture()
        let error = try #require(throws: ImportRejected.self) { try fixture.importText("") }
        #expect(error.problems.first?.problem.contains("header row is required") == true)
    }

    @Test func aFileThatIsOnlyABOMHasNoHeader() throws {
        let fixture = try ImportFixture()
        let error = try #require(throws: ImportRejected.self) { try fixture.importText("\u{FEFF}") }
        #expect(error.problems.first?.problem.contains("header row is required") == true)
    }

    @Test func aKnownIDIsAnErrorWithInsertOnly() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1")))
        var options = ImportOptions()
        options.insertOnly = true
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText(Sample.file(Sample.row("A-1", title: "Changed"), Sample.row("A-2")), options: options)
        }
        #expect(error.problems.map(\.line) == [2])
        #expect(error.problems.first?.problem.contains("--insert-only") == true)
        #expect(try fixture.count("project") == 1)
    }

    @Test func aFieldLargerThanTheLimitIsRejectedWithItsLine() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.reader.maxFieldBytes = 1 << 20
        let big = String(repeating: "d", count: (1 << 20) + 10)
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText(Sample.file(Sample.row("A-1"), Sample.row("A-2", description: big)), options: options)
        }
        #expect(error.problems.first?.line == 3)
        #expect(error.problems.first?.column == "description")
        #expect(error.problems.first?.problem.contains("larger than 1 MiB") == true)
    }
}
