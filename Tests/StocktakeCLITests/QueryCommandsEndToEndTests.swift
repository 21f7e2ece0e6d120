import CSV
import Foundation
import SQLite
import StocktakeCLI
import TestSupport
import Testing

/// A database made by the real binary from a small CSV written here; shared by the tests below,
/// which only read it (each run is its own process).
final class QueryCommandsDatabase: Sendable {
    static let shared = Result { try QueryCommandsDatabase() }

    static let trickyTitle = "Value with, comma \"quote\"\nnewline ünïcödé 日本"

    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-query-e2e")
        path = directory.path("query.db")
        let projects = """
            external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on
            E01,Télémédecine rurale,Clinics use telemedicine to reach rural villages.,Ministère de la Santé,government,SN,national,ongoing,2019,,,,,,C7.e-health,3,1,2023-05-01
            E02,"Value with, comma ""quote""
            newline ünïcödé 日本",,"ACME, Inc.",,INTERNATIONAL,,,,,,,,,C11,17,,
            E03,Broadband for rural schools,Fibre links.,Connect Africa Ltd,private sector,KE;UG,regional,ongoing,2020,2025,,,,,C2;C4,4;9,1,2023-09-09
            E04,智慧农业平台,利用物联网技术帮助农民,中国农业大学,academia,CN,national,planned,,,,,,,C7.e-agriculture,2,1;2,2024-06-30

            """
        let prizes = "year,category,external_id,result\n2024,C2,E03,winner\n"
        try Data(projects.utf8).write(to: directory.url.appendingPathComponent("projects.csv"))
        try Data(prizes.utf8).write(to: directory.url.appendingPathComponent("prizes.csv"))
        for arguments in [["import", "--db", path, directory.path("projects.csv")], ["import", "--db", path, "--kind", "prizes", directory.path("prizes.csv")]] {
            let result = try StocktakeBinary.run(arguments: arguments)
            guard result.status == 0 else { throw ImportFailed(stderr: result.stderr) }
        }
    }

    struct ImportFailed: Error {
        let stderr: String
    }
}

@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct QueryCommandsEndToEndTests {
    let database: QueryCommandsDatabase

    init() throws {
        database = try QueryCommandsDatabase.shared.get()
    }

    func stocktake(_ arguments: String..., stdin: String? = nil) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: Array(arguments) + ["--db", database.path], stdin: stdin.map { Data($0.utf8) })
    }

    func records(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [[String]] {
        let reader = CSVReader(source: MemoryByteSource(text), options: CSVReaderOptions(dialect: CSVDialect(delimiter: delimiter)))
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record.fields) }
        return records
    }

    func jsonObjects(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    @Test(arguments: ["csv", "tsv"])
    func delimitedOutputRoundTrips(_ format: String) throws {
        let result = try stocktake("find", "--format", format, "--columns", "external_id,title,organization,countries,sdgs")
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try records(result.stdout, delimiter: format == "tsv" ? UInt8(ascii: "\t") : UInt8(ascii: ","))
        #expect(rows.first == ["external_id", "title", "organization", "countries", "sdgs"])
        #expect(rows.dropFirst().map { $0[0] } == ["E01", "E02", "E03", "E04"])
        #expect(rows[2] == ["E02", QueryCommandsDatabase.trickyTitle, "ACME, Inc.", "INTERNATIONAL", "17"])
        #expect(rows[3][3] == "KE;UG" && rows[3][4] == "4;9")
        #expect(rows[4][1] == "智慧农业平台")
    }

    @Test func jsonAndNDJSONParseBackWithArrays() throws {
        let json = try stocktake("find", "--format", "json", "--columns", "external_id,title,sdgs,regions,prizes,batch")
        #expect(json.status == 0, "\(json.stderr)")
        let objects = try jsonObjects(json.stdout)
        #expect(objects.count == 4)
        #expect(objects[1]["title"] as? String == QueryCommandsDatabase.trickyTitle)
        // SDG numbers are JSON numbers, as in export (docs/schema.md, "The JSON shape of a project").
        #expect(objects[2]["sdgs"] as? [Int] == [4, 9])
        #expect(objects[2]["regions"] as? [String] == ["AFR"])
        #expect(objects[2]["prizes"] as? [String] == ["2024 C2 winner"])
        #expect(objects[0]["prizes"] as? [String] == [])
        #expect(objects[0]["batch"] as? Int == 1)
        let ndjson = try stocktake("find", "--format", "ndjson", "--columns", "external_id,title,sdgs", "--sdg", "17,2")
        let lines = ndjson.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["title"] as? String == QueryCommandsDatabase.trickyTitle && first["sdgs"] as? [Int] == [17])
        let markdown = try stocktake("find", "--format", "markdown", "--columns", "external_id,title", "--country", "INTERNATIONAL")
        #expect(markdown.stdoutLines == ["| external_id | title |", "| --- | --- |", "| E02 | Value with, comma \"quote\"<br>newline ünïcödé 日本 |"])
    }

    @Test func filtersSearchAndCountAgreeWithStats() throws {
        #expect(try stocktake("find", "--action-line", "C7", "--count").stdout == "2\n")
        #expect(try stocktake("find", "--region", "AFR", "--status", "ongoing", "--count").stdout == "2\n")
        #expect(try stocktake("find", "--prize", "winner", "--format", "csv", "--columns", "external_id").stdoutLines == ["external_id", "E03"])
        #expect(try stocktake("find", "--search", "telemedecine", "--format", "csv", "--columns", "external_id").stdoutLines == ["external_id", "E01"])
        #expect(try stocktake("find", "--search", "农业", "--format", "csv", "--columns", "external_id").stdoutLines == ["external_id", "E04"])
        // Ranked: E03 has "rural" in its title, E01 only in its description ("rurale" is another word).
        let ranked = try records(try stocktake("find", "--search", "rural", "--snippet", "--format", "csv", "--columns", "external_id").stdout)
        #expect(ranked.map { $0[0] } == ["external_id", "E03", "E01"])
        #expect(ranked[1][1] == "Broadband for [rural] schools" && ranked[2][1].contains("reach [rural] villages"))
        for filter in [["--region", "AFR"], ["--sdg", "4,2"], ["--search", "rural"], ["--action-line", "C9"]] {
            let count = try StocktakeBinary.run(arguments: ["find", "--count", "--db", database.path] + filter)
            let stats = try StocktakeBinary.run(arguments: ["stats", "--by", "action-line", "--format", "csv", "--db", database.path] + filter)
            let total = try records(stats.stdout).last
            #expect(total?[1] == "(total)" && total?[2] == count.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(filter)")
        }
    }

    @Test func unknownFilterValueExits64WithASuggestion() throws {
        let result = try stocktake("find", "--action-line", "C7.e-heatlh")
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--action-line") && result.stderr.contains("C7.e-health"))
        #expect(try stocktake("stats", "--by", "sdg", "--sdg", "42").status == 64)
        #expect(try stocktake("find", "--snippet").status == 64)
        #expect(try stocktake("stats", "--matrix", "--by", "sdg").status == 64)
        #expect(try stocktake("find", "--sort", "secret").status == 64)
    }

    @Test func statsPrintsFacetsCrossTabsAndTheMatrix() throws {
        let facet = try records(try stocktake("stats", "--by", "sdg", "--format", "csv").stdout)
        #expect(facet.first == ["sdg", "label", "projects"])
        #expect(facet.count == 1 + 17 + 1)
        #expect(facet[4] == ["4", "Quality Education", "1"])
        let matrix = try records(try stocktake("stats", "--matrix", "--format", "csv").stdout)
        #expect(matrix.count == 1 + 19 + 1)
        #expect(matrix[0].count == 1 + 17 + 1 && matrix[0][1] == "SDG 1" && matrix[0].last == "total")
        let c7 = try #require(matrix.first { $0[0] == "C7" })
        #expect(c7[2] == "1" && c7[3] == "1" && c7.last == "2")
        let share = try records(try stocktake("stats", "--matrix", "--share", "--format", "csv").stdout)
        #expect(share.first { $0[0] == "C7" }?[2] == "50.0")
        let cross = try records(try stocktake("stats", "--by", "region", "--by", "status", "--format", "csv").stdout)
        #expect(cross[0] == ["region", "planned", "ongoing", "completed", "total"])
        #expect(cross[1] == ["AFR", "0", "2", "0", "2"])
        let json = try jsonObjects(try stocktake("stats", "--by", "prize", "--format", "json").stdout)
        #expect(json.first?["prize"] as? String == "winner" && json.first?["projects"] as? Int == 1)
    }

    @Test func showPrintsEveryFieldOrExits1() throws {
        let json = try stocktake("show", "e03", "--format", "json")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["external_id"] as? String == "E03")
        let countries = try #require(object["countries"] as? [[String: Any]])
        #expect(countries.map { $0["code"] as? String } == ["KE", "UG"] && countries.first?["region"] as? String == "AFR")
        #expect((object["action_lines"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Information and communication infrastructure", "Capacity building"])
        #expect((object["prizes"] as? [[String: Any]])?.first?["result"] as? String == "winner")
        #expect((object["created_batch"] as? [String: Any])?["id"] as? Int == 1)
        #expect((object["last_batch"] as? [String: Any])?["kind"] as? String == "projects")
        let table = try stocktake("show", "E02")
        #expect(table.status == 0)
        #expect(table.stdoutLines.contains("title             Value with, comma \"quote\""))
        #expect(table.stdoutLines.contains("                  newline ünïcödé 日本"))
        let missing = try stocktake("show", "NO-SUCH-ID")
        #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderr.contains("NO-SUCH-ID"))
    }

    @Test func sqlPrintsEveryFormatAndBindsParameters() throws {
        let json = try stocktake("sql", "--format", "json", "-p", "id=E03", "SELECT external_id, 0.1 + 0.2 AS r, 1e308 * 10 AS inf, x'00ff' AS b, NULL AS n FROM project WHERE external_id = :id")
        #expect(json.status == 0, "\(json.stderr)")
        let row = try #require(try jsonObjects(json.stdout).first)
        #expect(row["external_id"] as? String == "E03" && row["b"] as? String == "AP8=" && row["n"] is NSNull)
        // Shortest round-trip text; Foundation's parser on Linux reads it back only approximately.
        #expect(json.stdout.contains("\"r\":0.30000000000000004,"))
        #expect(abs((row["r"] as? Double ?? 0) - 0.3) < 1e-12 && row["inf"] is NSNull)
        let csv = try stocktake("sql", "--format", "csv", "-", stdin: "SELECT title, 2.5 AS half FROM project WHERE external_id = 'E02'")
        #expect(try records(csv.stdout) == [["title", "half"], [QueryCommandsDatabase.trickyTitle, "2.5"]])
        #expect(try stocktake("sql", "SELECT :x").status == 64)
    }

    @Test(arguments: [
        ("VACUUM INTO '{dir}/copy.db'", "VACUUM INTO"), ("ATTACH DATABASE '{dir}/attached.db' AS a", "ATTACH"),
        ("DELETE FROM project", "DELETE"), ("PRAGMA journal_mode = DELETE", "journal_mode"), ("DROP TABLE prize", "DROP"),
    ])
    func sqlRefusesWritesWithExit1AndCreatesNoFile(_ template: String, _ named: String) throws {
        let directory = try TemporaryDirectory()
        let before = snapshot(ofDatabaseAt: database.path)
        let result = try stocktake("sql", template.replacingOccurrences(of: "{dir}", with: directory.path))
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("refused") && result.stderr.contains(named), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(snapshot(ofDatabaseAt: database.path).main == before.main)
        #expect(try stocktake("find", "--count").stdout == "4\n")
    }

    @Test func sqlTimesOutWithExit1() throws {
        let result = try stocktake("sql", "--timeout", "0.2", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        #expect(result.status == 1 && result.stderr.contains("interrupted"))
    }
}

@Suite struct QueryCommandsParsingTests {
    @Test(arguments: [
        ["find", "--snippet"], ["find", "--limit", "-1"], ["find", "--columns", "nope"], ["find", "--sort", "relevance"],
        ["stats"], ["stats", "--matrix", "--by", "sdg"], ["stats", "--by", "sdg", "--by", "year", "--by", "region"],
        ["stats", "--by", "planet"], ["stats", "--matrix", "--sort", "count"], ["sql", "SELECT 1", "-p", "novalue"],
        ["sql", "SELECT 1", "--timeout", "0"],
        ["show"],
    ])
    func invalidCombinationsAreUsageErrors(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try StocktakeCommand.parseAsRoot(arguments) }
    }

    @Test func validCombinationsParse() throws {
        for arguments in [
            ["find", "--search", "x", "--snippet", "--sort", "relevance,title:desc", "--columns", "all"],
            ["stats", "--by", "region", "--by", "action-line", "--share"], ["stats", "--by", "sdg", "--sort", "count"],
            ["sql", "-", "-p", ":a=1", "--param", "b=x=y"], ["show", "WSIS-1", "--format", "json"],
        ] {
            _ = try StocktakeCommand.parseAsRoot(arguments)
        }
    }
}
