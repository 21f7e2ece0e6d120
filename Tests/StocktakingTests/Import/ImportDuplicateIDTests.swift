import Foundation
import SQLite
import Stocktaking
import Testing

/// A repeated external_id in one file is always an error, whatever its first copy turned out to be
/// (new, changed, unchanged, invalid), and it is reported in the same pass as the other problems.
@Suite struct ImportDuplicateIDTests {
    private func seeded() throws -> ImportFixture {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("D-1", title: "Original"), Sample.row("D-2", title: "Other")))
        return fixture
    }

    private func rejection(_ fixture: ImportFixture, _ rows: String..., options: ImportOptions = ImportOptions()) throws -> ImportRejected {
        let before = fixture.snapshot()
        let text = ([Sample.header] + rows).joined(separator: "\r\n") + "\r\n"
        let error = try #require(throws: ImportRejected.self) { try fixture.importText(text, options: options) }
        #expect(fixture.snapshot() == before, "the database changed")
        return error
    }

    private func hasDuplicate(_ error: ImportRejected, line: Int, firstLine: Int) -> Bool {
        error.problems.contains {
            $0.line == line && $0.column == "external_id" && $0.problem == "external_id appears twice in the file (first on line \(firstLine))"
        }
    }

    @Test func aChangedCopyAfterAnUnchangedOneIsRejected() throws {
        // The reported case: the first copy equals the database row, the second changes the title.
        let fixture = try seeded()
        let error = try rejection(fixture, Sample.row("D-1", title: "Original"), Sample.row("D-1", title: "Second"))
        #expect(hasDuplicate(error, line: 3, firstLine: 2), "\(error.problems.map(\.description))")
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'D-1'") == "Original")
    }

    @Test(arguments: [
        ("new", Sample.row("N-1", title: "First"), Sample.row("N-1", title: "Second")),
        ("changed", Sample.row("D-1", title: "Changed"), Sample.row("D-1", title: "Changed again")),
        ("unchanged", Sample.row("D-1", title: "Original"), Sample.row("D-1", title: "Original")),
        ("changed then unchanged", Sample.row("D-1", title: "Changed"), Sample.row("D-1", title: "Original")),
        ("invalid then valid", Sample.row("D-1", actionLines: "C99"), Sample.row("D-1", title: "Valid")),
        ("valid then invalid", Sample.row("N-1", title: "Valid"), Sample.row("N-1", actionLines: "C99")),
        ("invalid then invalid", Sample.row("N-1", actionLines: "C98"), Sample.row("N-1", actionLines: "C99")),
        ("case and spaces", Sample.row("n-1", title: "First"), Sample.row(" N-1 ", title: "Second")),
        ("typographic dash", Sample.row("N-1", title: "First"), Sample.row("N\u{2010}1", title: "Second")),
    ])
    func aRepeatedIDIsAnErrorWhateverTheFirstCopyIs(_ label: String, _ first: String, _ second: String) throws {
        let fixture = try seeded()
        let error = try rejection(fixture, first, second)
        #expect(hasDuplicate(error, line: 3, firstLine: 2), "\(label): \(error.problems.map(\.description))")
    }

    @Test func theDuplicateIsReportedWithTheRowsOtherProblemsInOnePass() throws {
        let fixture = try seeded()
        let error = try rejection(
            fixture, Sample.row("D-1", actionLines: "C99"), Sample.row("X-1", actionLines: "C97"), Sample.row("D-1", title: "Again", countries: "Atlantis"))
        #expect(hasDuplicate(error, line: 4, firstLine: 2))
        #expect(error.problems.contains { $0.line == 2 && $0.column == "action_lines" })
        #expect(error.problems.contains { $0.line == 3 && $0.column == "action_lines" })
        #expect(error.problems.contains { $0.line == 4 && $0.column == "countries" })
        #expect(error.totalProblems == 4)
    }

    @Test func withSkipInvalidTheFirstCopyIsImportedAndTheRepeatRejected() throws {
        let fixture = try seeded()
        var options = ImportOptions()
        options.skipInvalid = true
        let text = Sample.file(Sample.row("D-1", title: "Original"), Sample.row("D-1", title: "Second"), Sample.row("N-9", title: "New"))
        let summary = try fixture.importText(text, options: options)
        #expect(summary.counts.unchanged == 1)
        #expect(summary.counts.rejected == 1)
        #expect(summary.counts.inserted == 1)
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'D-1'") == "Original")
    }

    @Test func insertOnlyReportsTheRepeatToo() throws {
        let fixture = try seeded()
        var options = ImportOptions()
        options.insertOnly = true
        let error = try rejection(fixture, Sample.row("D-1"), Sample.row("D-1", title: "Again"), options: options)
        #expect(hasDuplicate(error, line: 3, firstLine: 2), "\(error.problems.map(\.description))")
    }
}

/// Ids that look the same are the same id: typographic dashes fold to `-`, invisible and bidi
/// characters are refused.
@Suite struct ExternalIDTests {
    @Test(arguments: [
        ("HX\u{2010}16", "HX-16"), ("HX\u{2011}16", "HX-16"), ("HX\u{2013}16", "HX-16"), ("HX\u{2014}16", "HX-16"),
        ("HX\u{2212}16", "HX-16"), ("HX\u{FF0D}16", "HX-16"), ("  HX-16\u{00A0}", "HX-16"), ("Cafe\u{0301}-1", "Caf\u{E9}-1"),
    ])
    func lookalikeSpellingsFoldToOneID(_ raw: String, _ expected: String) throws {
        #expect(try ExternalID.normalize(raw) == expected)
    }

    @Test(arguments: [
        "\u{FEFF}HX-16", "HX\u{200B}-16", "HX-\u{200D}16", "HX-16\u{202E}", "\u{2066}HX-16", "HX\u{00AD}-16", "HX\u{1B}-16", "HX-\u{200F}16",
        "HX-1\u{E0041}6",
    ])
    func invisibleCharactersAreRefused(_ raw: String) {
        #expect(throws: ResolutionError.self) { try ExternalID.normalize(raw) }
    }

    @Test func theRefusalNamesTheCharacterAndItsPosition() {
        let error = #expect(throws: ResolutionError.self) { try ExternalID.normalize("HX\u{200B}-16") }
        #expect(error?.problem == "external_id contains an invisible character (U+200B ZERO WIDTH SPACE) at position 3")
    }

    @Test func anImportRefusesABOMInsideAnID() throws {
        let fixture = try ImportFixture()
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText(Sample.file(Sample.row("\u{200B}HX-16"), Sample.row("HX-17")))
        }
        #expect(error.problems.count == 1)
        #expect(error.problems.first?.line == 2)
        #expect(error.problems.first?.problem.contains("U+200B ZERO WIDTH SPACE") == true)
    }

    @Test func showAndDeleteFindAnIDWrittenWithATypographicDash() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("HX\u{2010}16")))
        #expect(try fixture.scalarText("SELECT external_id FROM project") == "HX-16")
        let details = try fixture.read { try ProjectDetails.load(externalID: "HX\u{2013}16", from: $0) }
        #expect(details?.record.externalID == "HX-16")
        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        #expect(try BatchOperations(catalog: catalog).delete(externalIDs: ["HX\u{2014}16"]).counts.deleted == 1)
    }
}
