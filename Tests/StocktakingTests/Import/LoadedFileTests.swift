import Foundation
import SQLite
import Stocktaking
import Testing
import TestSupport

/// A file loaded into a temporary catalog (`--from FILE`, `inspect`): the import's own rows, on a
/// private database that is query-only once loaded and leaves no file behind.
struct LoadedFileTests {
    static let header = "external_id,title,action_lines,sdgs,countries,stakeholder_type"

    static func write(_ text: String, in directory: TemporaryDirectory, name: String = "input.csv") throws -> String {
        let path = directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theSampleLoadsAsTheImportStoresItIntoNoFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let loaded = try LoadedFile.load(Fixtures.url("projects-sample.csv").path, options: ImportOptions())
        defer { loaded.catalog.close() }
        #expect(loaded.summary.rows == 1200)
        #expect(loaded.summary.counts.inserted == 1200)
        #expect(try ProjectQuery().count(in: loaded.catalog) == 1200)
        #expect(loaded.catalog.path == "")
        // SQLite's temporary database has no file name: nothing to leave behind.
        let files = try loaded.catalog.database.rows("SELECT file FROM pragma_database_list WHERE name = 'main'")
        #expect(files == [[.text("")]])
    }

    @Test func theLoadedCatalogIsQueryOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.write(Self.header + "\nA-1,First,C5,4,KE,government\n", in: directory)
        let loaded = try LoadedFile.load(file, options: ImportOptions())
        defer { loaded.catalog.close() }
        #expect(loaded.catalog.database.isQueryOnly)
        #expect(throws: SQLiteError.self) { try loaded.catalog.database.execute("DELETE FROM project") }
        #expect(try ProjectQuery().externalIDs(in: loaded.catalog) == ["A-1"])
        // `sql` on it installs the read-only guard as on a database file.
        let sql = ReadOnlySQL(catalog: loaded.catalog)
        #expect(throws: ReadOnlySQLError.self) { try sql.run("PRAGMA query_only = 0", header: { _ in }, row: { _ in }) }
    }

    @Test func invalidRowsAreSkippedAndCountedValidOnesLoaded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.write(
            Self.header + "\nA-1,First,C5,4,KE,government\nA-2,Second,C99,4,KE,government\nA-3,Third,C1,3,Narnia,government\n", in: directory)
        final class Problems: ImportObserver {
            var found: [ImportProblem] = []
            func importFound(_ problem: ImportProblem) { found.append(problem) }
            func importProgressed(_ progress: ImportProgress) {}
        }
        let problems = Problems()
        var options = ImportOptions()
        options.skipInvalid = false  // the loader's policy wins: valid rows in, the others skipped
        options.dryRun = true
        let loaded = try LoadedFile.load(file, options: options, observer: problems)
        defer { loaded.catalog.close() }
        #expect(loaded.summary.rows == 3)
        #expect(loaded.summary.counts.rejected == 2)
        #expect(try ProjectQuery().externalIDs(in: loaded.catalog) == ["A-1"])
        #expect(problems.found.map(\.line) == [3, 4])
        #expect(problems.found.map(\.column) == ["action_lines", "countries"])
    }

    @Test func aFileThatIsNoProjectsFileIsRejectedAsAWhole() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.write("name,amount\nx,1\n", in: directory)
        #expect(throws: ImportRejected.self) { try LoadedFile.load(file, options: ImportOptions()) }
    }

    @Test func theHeaderIsReportedColumnByColumnWithHowEachMatched() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.write(
            "Project ID,Title,Lines,sdgs,countries,stakeholder_type,Budget\nA-1,First,C5,4,KE,government,100\nA-2,,C1,,KE,government,\n",
            in: directory)
        var options = ImportOptions()
        options.columnMappings = ["Lines": "action_lines"]
        options.ignoreUnknownColumns = true
        options.countsEmptyCells = true
        let loaded = try LoadedFile.load(file, options: options)
        defer { loaded.catalog.close() }
        let columns = loaded.summary.sourceColumns
        #expect(columns.map(\.name) == ["Project ID", "Title", "Lines", "sdgs", "countries", "stakeholder_type", "Budget"])
        #expect(columns.map(\.field) == ["external_id", "title", "action_lines", "sdgs", "countries", "stakeholder_type", nil])
        #expect(columns.map(\.match) == [.alias, .name, .map, .name, .name, .name, .unknown])
        #expect(columns.map(\.emptyCells) == [0, 1, 0, 1, 0, 0, 1])
    }
}
