import Foundation
import Stocktaking
import Testing
import TestSupport

/// `inspect`: the import's verdicts grouped, the header explained, the first rows as stored.
struct FileInspectionTests {
    @Test func theSameProblemInManyRowsIsOneFindingWithItsCountAndFirstRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = LoadedFileTests.header + "\n"
        for index in 1...12 { text += "A-\(index),Project \(index),C5,4,\(index % 3 == 0 ? "Narnia" : "KE"),government\n" }
        text += "B-1,Other,e-helth,4,KE,government\n"
        let file = try LoadedFileTests.write(text, in: directory)
        let inspection = try FileInspection.inspect(file, options: ImportOptions(), sampleRows: 2)
        #expect(inspection.summary.rows == 13)
        #expect(inspection.summary.counts.rejected == 5)
        #expect(inspection.findings.count == 2)
        let narnia = try #require(inspection.findings.first)
        #expect(narnia.column == "countries")
        #expect(narnia.value == "Narnia")
        #expect(narnia.count == 4)
        #expect(narnia.firstLocations == ["4", "7", "10", "13"])
        let actionLine = inspection.findings[1]
        #expect(actionLine.count == 1)
        #expect(actionLine.suggestion == "did you mean C7.e-health?")
        // The first valid rows as stored, by external_id, one value per file column.
        #expect(inspection.firstRows.count == 2)
        let idIndex = try #require(ProjectColumn.fileColumns.firstIndex(of: .externalID))
        #expect(inspection.firstRows.map { $0[idIndex] } == [.text("A-1"), .text("A-10")])
        #expect(inspection.absentFields.contains("description"))
        #expect(!inspection.absentFields.contains("title"))
    }

    @Test func locationsAreCapped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = LoadedFileTests.header + "\n"
        for index in 1...20 { text += "A-\(index),Project \(index),C5,19,KE,government\n" }
        let inspection = try FileInspection.inspect(try LoadedFileTests.write(text, in: directory), options: ImportOptions())
        #expect(inspection.findings.count == 1)
        #expect(inspection.findings[0].count == 20)
        #expect(inspection.findings[0].firstLocations.count == FileInspection.locationsPerFinding)
        #expect(inspection.firstRows.isEmpty)
    }

    @Test func distinctFindingsAreBoundedSoMemoryDoesNotGrowWithTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows = FileInspection.maximumFindings + 50
        var text = LoadedFileTests.header + "\n"
        // A different impossible SDG in every row: each is its own finding.
        for index in 1...rows { text += "A-\(index),Project \(index),C5,\(100 + index),KE,government\n" }
        let inspection = try FileInspection.inspect(try LoadedFileTests.write(text, in: directory), options: ImportOptions())
        #expect(inspection.findings.count == FileInspection.maximumFindings)
        #expect(inspection.unlistedProblems == 50)
        #expect(inspection.summary.counts.rejected == rows)
    }

    @Test func unknownColumnsAreListedNotRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try LoadedFileTests.write(LoadedFileTests.header + ",Budget\nA-1,First,C5,4,KE,government,10\n", in: directory)
        let inspection = try FileInspection.inspect(file, options: ImportOptions())
        #expect(inspection.summary.sourceColumns.last?.match == .unknown)
        #expect(inspection.summary.counts.rejected == 0)
        #expect(inspection.findings.isEmpty)
    }

    @Test func aWorkbooksFindingsAreLocatedByCell() throws {
        let inspection = try FileInspection.inspect(Fixtures.url("workbooks/errors.xlsx").path, options: ImportOptions())
        #expect(inspection.summary.sheet == "Data")
        #expect(Set(inspection.findings.flatMap(\.firstLocations)) == ["Data!B3", "Data!D4", "Data!C5"])
        let json = inspection.json.compact
        #expect(json.contains("\"format\":\"xlsx\""))
        #expect(json.contains("\"first\":[\"Data!B3\"]"))
    }
}
