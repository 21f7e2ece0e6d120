import CSV
import Foundation
import SQLite
import Stocktaking
import Testing

/// `--encoding auto` and `windows-1251` through the importer: what is stored, what the summary and
/// the batch record say, the rejects file, and refusals that leave the database untouched.
@Suite struct ImportEncodingTests {
    static let header = Array("external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on\r\n".utf8)

    /// One project row whose title is `title` (bytes in the file's encoding), and `sdgs`.
    static func row(_ id: String, _ title: [UInt8], sdgs: String = "4") -> [UInt8] {
        Array("\(id),".utf8) + title + Array(",d,Org,Government,KE,national,ongoing,2020-01-01,,,,,Project,C5,\(sdgs),,2024-01-01\r\n".utf8)
    }

    /// "Café numérique" in windows-1252; "Москва" in windows-1251 (Python's codecs).
    static let cafe1252: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x75, 0x6D, 0xE9, 0x72, 0x69, 0x71, 0x75, 0x65]
    static let moscow1251: [UInt8] = [0xCC, 0xEE, 0xF1, 0xEA, 0xE2, 0xE0]

    static func auto() -> ImportOptions {
        var options = ImportOptions()
        options.reader.detectsEncoding = true
        return options
    }

    @discardableResult
    static func importBytes(_ fixture: ImportFixture, _ bytes: [UInt8], options: ImportOptions) throws -> ImportSummary {
        let file = fixture.database.directory.path("input.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return try fixture.importFile(file, options: options)
    }

    @Test func autoNamesTheEncodingInTheSummaryAndTheBatchRecord() throws {
        let cases: [([UInt8], DetectedEncoding, String)] = [
            (Self.header + Self.row("E-1", Self.cafe1252), DetectedEncoding(encoding: .windows1252, byteOrderMark: false, asciiOnly: false), "Café numérique"),
            (Self.header + Self.row("E-1", Array("Café numérique".utf8)), DetectedEncoding(encoding: .utf8, byteOrderMark: false, asciiOnly: false), "Café numérique"),
            ([0xEF, 0xBB, 0xBF] + Self.header + Self.row("E-1", Array("Plain".utf8)), DetectedEncoding(encoding: .utf8, byteOrderMark: true, asciiOnly: false), "Plain"),
            (Self.header + Self.row("E-1", Array("Plain".utf8)), DetectedEncoding(encoding: .utf8, byteOrderMark: false, asciiOnly: true), "Plain"),
        ]
        for (bytes, detected, title) in cases {
            let fixture = try ImportFixture()
            let summary = try Self.importBytes(fixture, bytes, options: Self.auto())
            #expect(summary.detectedEncoding == detected)
            #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'E-1'") == title)
            let options = try #require(try fixture.scalarText("SELECT options FROM import_batch"))
            #expect(options.contains("\"encoding\":\"\(detected.encoding.rawValue)\",\"encoding_detected\":\"true\""), "\(options)")
        }
    }

    @Test func anEncodingNamedIsRecordedAsBefore() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.reader.encoding = .windows1251
        let summary = try Self.importBytes(fixture, Self.header + Self.row("E-1", Self.moscow1251), options: options)
        #expect(summary.detectedEncoding == nil)
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'E-1'") == "Москва")
        let recorded = try #require(try fixture.scalarText("SELECT options FROM import_batch"))
        #expect(recorded.contains("\"encoding\":\"windows-1251\""))
        #expect(!recorded.contains("encoding_detected"))
    }

    @Test(arguments: [
        (Self.header + Self.row("E-1", Array("Plain".utf8)) + Self.row("E-2", Self.moscow1251), EncodingRefusal.cyrillic, 3, "use --encoding windows-1251"),
        (Self.header + Self.row("E-1", Array("Société".utf8)) + Self.row("E-2", Self.cafe1252), .mixedUTF8, 3, "--encoding utf-8 --replace-invalid"),
        // Both within the first window: UTF-8 is chosen, and the stray bytes of line 2 are named.
        (Self.header + Self.row("E-1", Self.cafe1252) + Self.row("E-2", Array("Société".utf8)), .mixedUTF8, 2, "--encoding utf-8 --replace-invalid"),
    ] as [([UInt8], EncodingRefusal, Int, String)])
    func autoRefusesWhatItCannotReadAndWritesNothing(bytes: [UInt8], refusal: EncodingRefusal, line: Int, suggestion: String) throws {
        let fixture = try ImportFixture()
        let before = fixture.snapshot()
        let error = try #require(throws: ImportRejected.self) { try Self.importBytes(fixture, bytes, options: Self.auto()) }
        let problem = try #require(error.problems.first)
        #expect(problem.line == line)
        #expect(problem.column == "title")
        #expect(problem.problem.contains(refusal == .cyrillic ? "look like Cyrillic" : "mixes valid UTF-8"), "\(problem)")
        #expect(problem.suggestion?.contains(suggestion) == true, "\(problem)")
        #expect(fixture.snapshot() == before)
    }

    @Test func withoutAnEncodingTheErrorSaysWhatTheBytesLookLike() throws {
        for (title, hint) in [(Self.cafe1252, "looks like windows-1252: add --encoding windows-1252"),
                              (Self.moscow1251, "looks like Cyrillic windows-1251: add --encoding windows-1251")] {
            let fixture = try ImportFixture()
            let error = try #require(throws: ImportRejected.self) {
                try Self.importBytes(fixture, Self.header + Self.row("E-1", title), options: ImportOptions())
            }
            #expect(error.problems.first?.suggestion == hint)
            #expect(try fixture.count("project") == 0)
        }
    }

    /// A rejected row before `auto` has chosen is written in ASCII; after, in the chosen encoding:
    /// the rejects file reads back with the same command.
    @Test func rejectsAreWrittenInTheEncodingAutoChose() throws {
        let fixture = try ImportFixture()
        var options = Self.auto()
        options.skipInvalid = true
        let rejects = fixture.database.directory.path("rejects.csv")
        options.rejectsPath = rejects
        let bytes = Self.header + Self.row("E-1", Array("Plain".utf8), sdgs: "99") + Self.row("E-2", Self.cafe1252)
            + Self.row("E-3", Self.cafe1252, sdgs: "99")
        let summary = try Self.importBytes(fixture, bytes, options: options)
        #expect(summary.counts.inserted == 1)
        #expect(summary.counts.rejected == 2)
        #expect(summary.detectedEncoding?.encoding == .windows1252)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: rejects)))
        // "Café numérique" as windows-1252, and nothing that reads as UTF-8 beyond ASCII.
        #expect(written.firstRange(of: Self.cafe1252) != nil)
        #expect(EncodingGuess(of: written) == .windows1252)

        var again = Self.auto()
        again.skipInvalid = true
        let reread = try fixture.importFile(rejects, options: again)
        #expect(reread.detectedEncoding?.encoding == .windows1252)
        #expect(reread.counts.rejected == 2)
    }
}
