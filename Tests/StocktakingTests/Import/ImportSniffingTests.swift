import Foundation
import SQLite
import Stocktaking
import Testing

/// What an import recognises from a file's first bytes: the delimiter from the header line, and a
/// workbook or other container that is not CSV at all.
@Suite struct ImportSniffingTests {
    private func detecting() -> ImportOptions {
        var options = ImportOptions()
        options.detectsDelimiter = true
        return options
    }

    private func file(_ delimiter: String, _ lineEnding: String = "\r\n") -> String {
        [
            ["Project ID", "Project title", "Action lines", "SDGs", "countries"],
            ["S-1", "\"Météo, with a comma\"", "C5", "4", "KE"],
            ["S-2", "Second", "C7.e-health", "3", "\"Korea, Republic of\""],
        ].map { $0.joined(separator: delimiter) }.joined(separator: lineEnding) + lineEnding
    }

    @Test(arguments: [";", "\t", "|", ","])
    func theDelimiterIsRecognisedFromTheHeader(_ delimiter: String) throws {
        let fixture = try ImportFixture()
        let summary = try fixture.importText(file(delimiter), options: detecting())
        #expect(summary.counts.inserted == 2)
        #expect(summary.delimiter == UInt8(ascii: Unicode.Scalar(delimiter)!))
        #expect(summary.delimiterDetected)
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'S-1'") == "Météo, with a comma")
        // The batch records the delimiter it was read with.
        let options = try #require(try fixture.scalarText("SELECT options FROM import_batch"))
        #expect(options.contains("\"delimiter_detected\":\"true\""))
        #expect(options.contains("\"delimiter\":"))
    }

    @Test func anExplicitDelimiterAlwaysWins() throws {
        let fixture = try ImportFixture()
        // A comma given explicitly (detection off) reads the semicolon file as one unknown column.
        let error = try #require(throws: ImportRejected.self) { try fixture.importText(file(";")) }
        #expect(error.problems.first?.description.contains("unknown column(s)") == true)
        #expect(error.problems.first?.suggestion?.contains("pass --delimiter ';'") == true, "\(error.problems)")
        #expect(try fixture.count("project") == 0)
    }

    @Test func whenNothingIsRecognisedTheHeaderErrorSuggestsADelimiter() throws {
        let fixture = try ImportFixture()
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText("Nom;Titre;Ligne\r\nA;B;C\r\n", options: detecting())
        }
        #expect(error.problems.first?.suggestion?.contains("--delimiter ';'") == true, "\(error.problems)")
    }

    @Test(arguments: [
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00] + Array("[Content_Types].xml xl/workbook.xml".utf8), "an Excel workbook (.xlsx"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0], "an old-style Excel workbook (.xls"),
    ] as [([UInt8], String)])
    func aWorkbookIsNamedAsSuchWithWhatToDo(_ bytes: [UInt8], _ expected: String) throws {
        let fixture = try ImportFixture()
        let path = fixture.database.directory.path("submission.csv")  // the extension does not matter
        try Data(bytes + Array(repeating: 0, count: 100)).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ImportRejected.self) { try fixture.importFile(path, options: detecting()) }
        #expect(error.problems.count == 1)
        #expect(error.problems.first?.problem.hasPrefix("the file is " + expected) == true, "\(error.problems)")
        #expect(error.problems.first?.suggestion?.contains("CSV UTF-8") == true)
        #expect(!error.description.contains("NUL"))
    }
}
