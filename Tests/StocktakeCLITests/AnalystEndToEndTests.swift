import Foundation
import TestSupport
import Testing

/// A small database made by the real binary, for the analysts' rough edges: empty searches, emoji,
/// names with commas, shell loops, narrow tables, change history and `schema`.
final class AnalystDatabase: Sendable {
    static let shared = Result { try AnalystDatabase() }

    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-analyst-e2e")
        path = directory.path("analyst.db")
        let header = "external_id,title,description,organization,countries,status,action_lines,sdgs\n"
        let first = header + """
            WSIS-0000000001,Seoul smart city,Sensors 🌍 for every street.,"ACME, Inc.","Korea, Republic of",ongoing,C7.e-environment,11
            WSIS-0000000002,Rural broadband,Fibre for schools.,Connect Africa,KE;UG,completed,C2,9
            WSIS-0000000003,E-health kiosks,Clinics online.,Health Ministry,KE,planned,C7.e-health,3

            """
        // The second file changes the first project's status and title, and leaves the others alone.
        let second = header + """
            WSIS-0000000001,Seoul smarter city,Sensors 🌍 for every street.,"ACME, Inc.","Korea, Republic of",completed,C7.e-environment,11
            WSIS-0000000002,Rural broadband,Fibre for schools.,Connect Africa,KE;UG,completed,C2,9
            WSIS-0000000003,E-health kiosks,Clinics online.,Health Ministry,KE,planned,C7.e-health,3

            """
        try Data(first.utf8).write(to: directory.url.appendingPathComponent("first.csv"))
        try Data(second.utf8).write(to: directory.url.appendingPathComponent("second.csv"))
        for file in ["first.csv", "second.csv"] {
            let result = try StocktakeBinary.run(arguments: ["import", "--db", path, directory.path(file)])
            guard result.status == 0 else { throw QueryCommandsDatabase.ImportFailed(stderr: result.stderr) }
        }
    }
}

@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct AnalystEndToEndTests {
    let database: AnalystDatabase

    init() throws {
        database = try AnalystDatabase.shared.get()
    }

    func stocktake(_ arguments: String..., environment: [String: String] = [:]) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: Array(arguments) + ["--db", database.path], environment: environment)
    }

    // MARK: 1. Searches with no word; emoji

    @Test(arguments: ["", "   ", "\"", "\"\"", "-", "*", "\" \"", "&& ("])
    func searchWithNoWordIsAUsageError(_ text: String) throws {
        let result = try stocktake("find", "--search", text)
        #expect(result.status == 64, "\(result.stdout)")
        #expect(result.stderr.contains("no word to search for"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func emojiAreFound() throws {
        let result = try stocktake("find", "--search", "🌍", "--format", "tsv", "--no-header", "--columns", "external_id")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "WSIS-0000000001\n")
        // With a word as well, both must match.
        #expect(try stocktake("find", "--search", "sensors 🌍", "--count").stdout == "1\n")
        #expect(try stocktake("find", "--search", "fibre 🌍", "--count").stdout == "0\n")
    }

    // MARK: 2. Names with commas

    @Test func aCountryNameWithACommaIsOneCountry() throws {
        let korea = try stocktake("find", "--country", "Korea, Republic of", "--format", "tsv", "--no-header", "--columns", "external_id")
        #expect(korea.status == 0, "\(korea.stderr)")
        #expect(korea.stdout == "WSIS-0000000001\n")
        // A comma list of names that resolve only one by one still means OR.
        #expect(try stocktake("find", "--country", "KR,UG", "--count").stdout == "2\n")
        // An unknown item of a list is named in the error.
        let unknown = try stocktake("find", "--country", "KE,Atlantis")
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("\"Atlantis\": no such country"), "\(unknown.stderr)")
        // The organization filter looks the whole name up too.
        #expect(try stocktake("find", "--organization", "ACME, Inc.", "--count").stdout == "1\n")
    }

    // MARK: 3. Shell loops

    @Test func tsvWithoutHeaderFeedsAShellLoopOverShow() throws {
        let script = """
            "$STOCKTAKE" find --format tsv --no-header --columns external_id --sort external_id | while read -r id; do
                "$STOCKTAKE" show "$id" | head -n 1 || exit 1
            done
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["STOCKTAKE"] = try StocktakeBinary.url().path
        environment["STOCKTAKE_DB"] = database.path
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The loop prints three short lines: the pipe cannot fill before the process ends.
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stderr.isEmpty, "\(stderr)")
        let ids = stdout.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(ids == ["WSIS-0000000001", "WSIS-0000000002", "WSIS-0000000003"], "\(stdout)")
    }

    @Test func tsvEndsLinesInLFAndCSVInCRLF() throws {
        let tsv = try stocktake("find", "--format", "tsv", "--columns", "external_id,title")
        #expect(tsv.stdout.hasPrefix("external_id\ttitle\nWSIS-0000000001\t"))
        #expect(!tsv.stdout.contains("\r"))
        let csv = try stocktake("find", "--format", "csv", "--no-header", "--columns", "external_id")
        #expect(csv.stdout == "WSIS-0000000001\r\nWSIS-0000000002\r\nWSIS-0000000003\r\n")
        let export = try stocktake("export", "--format", "tsv", "--no-header")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.hasPrefix("WSIS-0000000001\t") && !export.stdout.contains("\r"))
    }

    @Test(arguments: [
        ["find", "--no-header", "--format", "json"], ["stats", "--by", "sdg", "--no-header", "--format", "table"],
        ["ref", "sdgs", "--no-header", "--format", "markdown"], ["imports", "--no-header", "--format", "ndjson"],
        ["sql", "SELECT 1", "--no-header", "--format", "json"], ["export", "--no-header", "--format", "json"],
        ["find", "--count", "--no-header"],
    ])
    func noHeaderWithAnotherFormatIsRefused(_ arguments: [String]) throws {
        let result = try StocktakeBinary.run(arguments: arguments + ["--db", database.path])
        #expect(result.status == 64, "\(result.stdout)")
        #expect(result.stderr.contains("--no-header"), "\(result.stderr)")
    }

    @Test func noHeaderLeavesOutTheHeaderEverywhere() throws {
        #expect(try stocktake("ref", "sdgs", "--no-header", "--format", "tsv").stdout.hasPrefix("1\t"))
        #expect(try stocktake("stats", "--by", "status", "--no-header", "--format", "csv").stdout.hasPrefix("planned,"))
        #expect(try stocktake("imports", "--no-header", "--format", "tsv").stdout.hasPrefix("1\tprojects\t"))
        #expect(try stocktake("sql", "SELECT 7 AS n", "--no-header", "--format", "tsv").stdout == "7\n")
    }

    // MARK: 5. History in show

    @Test func showListsEveryBatchWithWhatItChanged() throws {
        let table = try stocktake("show", "WSIS-0000000001")
        #expect(table.status == 0, "\(table.stderr)")
        let history = table.stdoutLines.drop { !$0.hasPrefix("history ") }
        #expect(history.count == 2, "\(table.stdout)")
        #expect(history.first?.hasPrefix("history           batch 1  inserted  projects /") == true, "\(table.stdout)")
        #expect(history.first?.contains("/first.csv line 2  ") == true)
        #expect(history.last?.hasPrefix("                  batch 2  updated title, status  projects /") == true, "\(table.stdout)")
        #expect(history.last?.contains("/second.csv line 2  ") == true)
        // A project the second file left unchanged has only its creating batch.
        let unchanged = try stocktake("show", "WSIS-0000000002")
        #expect(unchanged.stdout.contains("batch 1  inserted") && !unchanged.stdout.contains("batch 2"))
        let json = try stocktake("show", "WSIS-0000000001", "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = try #require(object["history"] as? [[String: Any]])
        #expect(entries.map { $0["change"] as? String } == ["inserted", "updated"])
        #expect(entries.last?["changed"] as? [String] == ["title", "status"])
        #expect(((entries.last?["batch"] as? [String: Any])?["file"] as? String)?.hasSuffix("/second.csv") == true)
    }

    // MARK: 6. schema

    @Test func schemaListsTablesViewsAndColumnsWithDescriptions() throws {
        let csv = try stocktake("schema", "--format", "csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdoutLines
        #expect(lines.first == "table,kind,column,type,description")
        #expect(lines.contains { $0.hasPrefix("project_flat,view,,,One row per project") })
        #expect(lines.contains("project_flat,view,countries,,\"ISO 3166-1 alpha-2 codes (or INTERNATIONAL), ';'-separated.\""))
        #expect(lines.contains { $0.hasPrefix("project,table,status,TEXT,") })
        #expect(!lines.contains { $0.hasPrefix("search_index_deferral,") || $0.hasPrefix("project_fts_data,") })
        let one = try stocktake("schema", "prize", "--format", "json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["table"] as? String }) == ["prize"])
        #expect(rows.contains { $0["column"] as? String == "result" && $0["description"] as? String == "winner, champion or nominee." })
        let unknown = try stocktake("schema", "nope")
        #expect(unknown.status == 64 && unknown.stderr.contains("no table or view \"nope\""))
    }

    // MARK: 4. Tables on narrow terminals

    @Test func narrowTablesKeepKeysWholeAndSaySoWhenTheyCannotFit() throws {
        let find = try stocktake("find", "--format", "table", environment: ["COLUMNS": "80"])
        #expect(find.stdoutLines.dropFirst(2).map { $0.prefix(15) } == ["WSIS-0000000001", "WSIS-0000000002", "WSIS-0000000003"])
        #expect(find.stderr.isEmpty, "\(find.stderr)")
        let matrix = try stocktake("stats", "--matrix", "--format", "table", environment: ["COLUMNS": "100"])
        let labels = matrix.stdoutLines.dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(Set(labels).count == labels.count && labels.contains("C7.e-environment"), "\(matrix.stdout)")
        #expect(matrix.stdoutLines.allSatisfy { $0.count <= 100 }, "\(matrix.stdout)")
        #expect(matrix.stderr.isEmpty, "\(matrix.stderr)")
        // Numbers right-aligned under their heading: the C7.e-environment row has 1 under SDG 11.
        let header = try #require(matrix.stdoutLines.first)
        let row = try #require(matrix.stdoutLines.first { $0.hasPrefix("C7.e-environment ") })
        let end = try #require(header.range(of: " 11 ")?.lowerBound).utf16Offset(in: header) + 3
        #expect(Array(row)[end - 1] == "1" && Array(row)[end - 2] == " ", "\(header)\n\(row)")
        let imports = try stocktake("imports", "--format", "table", environment: ["COLUMNS": "60"])
        #expect(imports.status == 0)
        #expect(imports.stderr.contains("the terminal has 60") && imports.stderr.contains("--format csv"), "\(imports.stderr)")
        #expect(imports.stdout.contains("projects"))
    }

    @Test func importsShowIsAKeyValueList() throws {
        let result = try stocktake("imports", "show", "2", "--format", "table")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutLines.first == "batch        2")
        #expect(result.stdoutLines.contains("updated      1"))
        #expect(result.stdoutLines.contains { $0.hasPrefix("file         ") && $0.hasSuffix("second.csv") })
        // Other formats keep one record per batch, for tools.
        #expect(try stocktake("imports", "show", "2", "--format", "csv").stdoutLines.count == 2)
    }
}
