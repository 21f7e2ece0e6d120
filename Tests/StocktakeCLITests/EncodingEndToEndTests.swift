import Foundation
import SQLite
import Testing
import TestSupport

/// `--encoding auto`, `--encoding windows-1251` and the invalid-UTF-8 hint through the real binary:
/// the summary line names the encoding chosen, the batch records it, and every refusal exits 65
/// with the database byte-identical. The files are written by the tests, bytes in code (the
/// windows-125x bytes come from Python's codecs).
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct EncodingEndToEndTests {
    static let header = Array("external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on\r\n".utf8)

    static func row(_ id: String, _ title: [UInt8]) -> [UInt8] {
        Array("\(id),".utf8) + title + Array(",d,Org,Government,KE,national,ongoing,2020-01-01,,,,,Project,C5,4,,2024-01-01\r\n".utf8)
    }

    /// "Café numérique" in windows-1252; "Москва" in windows-1251.
    static let cafe1252: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x75, 0x6D, 0xE9, 0x72, 0x69, 0x71, 0x75, 0x65]
    static let moscow1251: [UInt8] = [0xCC, 0xEE, 0xF1, 0xEA, 0xE2, 0xE0]

    static func utf16LE(_ bytes: [UInt8]) -> [UInt8] {
        [0xFF, 0xFE] + String(decoding: bytes, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// Writes `bytes` as `name` in a new directory with an initialised database.
    static func setUp(_ bytes: [UInt8], name: String = "input.csv") throws -> (TemporaryDirectory, db: String, file: String) {
        let directory = try TemporaryDirectory()
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        let file = directory.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return (directory, db, file)
    }

    @Test(arguments: [
        (header + row("E-1", cafe1252), "[encoding windows-1252, recognised from the content]", "windows-1252", "Café numérique"),
        (header + row("E-1", Array("Café numérique".utf8)), "[encoding utf-8, recognised from the content]", "utf-8", "Café numérique"),
        ([0xEF, 0xBB, 0xBF] + header + row("E-1", Array("Plain".utf8)), "[encoding utf-8 (byte order mark), recognised from the content]", "utf-8", "Plain"),
        (utf16LE(header + row("E-1", Array("Café numérique".utf8))), "[encoding utf-16le (byte order mark), recognised from the content]", "utf-16le", "Café numérique"),
        (header + row("E-1", Array("Plain".utf8)), "[encoding utf-8 (ASCII only), recognised from the content]", "utf-8", "Plain"),
    ] as [([UInt8], String, String, String)])
    func autoSaysWhichEncodingItChose(bytes: [UInt8], note: String, recorded: String, title: String) throws {
        let (directory, db, file) = try Self.setUp(bytes)
        defer { directory.remove() }
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, "--encoding", "auto", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("1 rows — 1 inserted"), "\(result.stderr)")
        #expect(result.stderr.contains(note), "\(result.stderr)")
        let database = try Database(path: db, mode: .readOnly)
        #expect(try database.scalarText("SELECT title FROM project WHERE external_id = 'E-1'") == title)
        let options = try #require(try database.scalarText("SELECT options FROM import_batch"))
        #expect(options.contains("\"encoding\":\"\(recorded)\",\"encoding_detected\":\"true\""), "\(options)")
        // `imports show` prints the batch's options as recorded.
        let shown = try StocktakeBinary.run(arguments: ["imports", "show", "1", "--db", db])
        #expect(shown.stdout.contains("\"\"encoding\"\":\"\"\(recorded)\"\",\"\"encoding_detected\"\":\"\"true\"\""), "\(shown.stdout)")
    }

    @Test(arguments: [
        // Cyrillic windows-1251: plausible windows-1252 byte by byte, but not as words.
        (header + row("E-1", Array("Plain".utf8)) + row("E-2", moscow1251),
         ":3: column title: value \"Москва\": the bytes look like Cyrillic text in windows-1251", "use --encoding windows-1251"),
        // Valid UTF-8 and a stray byte (the ITU files).
        (header + row("E-1", Array("Société".utf8)) + row("E-2", cafe1252),
         ":3: column title: value \"Caf\u{FFFD} num\u{FFFD}rique\": the file mixes valid UTF-8 with bytes that are not UTF-8",
         "--encoding utf-8 --replace-invalid"),
    ] as [([UInt8], String, String)])
    func autoRefusesWithExit65AndWritesNothing(bytes: [UInt8], problem: String, suggestion: String) throws {
        let (directory, db, file) = try Self.setUp(bytes)
        defer { directory.remove() }
        let before = snapshot(ofDatabaseAt: db)
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, "--encoding", "auto", file])
        #expect(result.status == 65)
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(result.stderr.contains(suggestion), "\(result.stderr)")
        #expect(result.stderr.contains("rejected, nothing was written"), "\(result.stderr)")
        #expect(snapshot(ofDatabaseAt: db) == before)
    }

    @Test func theCyrillicFileImportsWithWindows1251() throws {
        let (directory, db, file) = try Self.setUp(Self.header + Self.row("E-1", Self.moscow1251))
        defer { directory.remove() }
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, "--encoding", "windows-1251", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("recognised from the content"))
        let database = try Database(path: db, mode: .readOnly)
        #expect(try database.scalarText("SELECT title FROM project WHERE external_id = 'E-1'") == "Москва")
    }

    @Test(arguments: [
        (cafe1252, "looks like windows-1252: add --encoding windows-1252"),
        (moscow1251, "looks like Cyrillic windows-1251: add --encoding windows-1251"),
    ])
    func withoutAnEncodingInvalidUTF8SaysWhatItLooksLike(title: [UInt8], hint: String) throws {
        let (directory, db, file) = try Self.setUp(Self.header + Self.row("E-1", title))
        defer { directory.remove() }
        let before = snapshot(ofDatabaseAt: db)
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, file])
        #expect(result.status == 65)
        // The file's structure stops at the byte, before the row (and its id) is read.
        #expect(result.stderr.contains(":2: column title: "), "\(result.stderr)")
        #expect(result.stderr.contains("of the field; " + hint), "\(result.stderr)")
        #expect(snapshot(ofDatabaseAt: db) == before)
    }

    @Test func anUnknownEncodingListsAutoAndWindows1251() throws {
        let result = try StocktakeBinary.run(arguments: ["import", "--encoding", "koi8-r", "file.csv"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("windows-1251"), "\(result.stderr)")
        #expect(result.stderr.contains("auto"), "\(result.stderr)")
    }
}
