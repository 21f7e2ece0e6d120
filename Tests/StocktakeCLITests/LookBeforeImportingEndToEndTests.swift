import Foundation
import Testing
import TestSupport

/// `inspect FILE` and `--from FILE` on the read commands, with the real binary: a file looked at
/// or queried without a database, nothing written anywhere, skipped rows counted and exit 2.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct LookBeforeImportingEndToEndTests {
    static let sample = Fixtures.url("projects-sample.csv").path
    static let badValues = Fixtures.url("errors/bad-values.csv").path

    static func write(_ text: String, _ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Files in `directory` and its subdirectories.
    static func files(in directory: TemporaryDirectory) -> [String] {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func readCommandsRunOnAFileWithoutADatabaseAndLeaveNoFileBehind() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let environment = ["TMPDIR": temporary.path, "SQLITE_TMPDIR": temporary.path]
        let count = try StocktakeBinary.run(
            arguments: ["find", "--from", Self.sample, "--count"], environment: environment, currentDirectory: directory.url)
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stdout == "1200\n")
        #expect(count.stderr.isEmpty)
        let matrix = try StocktakeBinary.run(
            arguments: ["stats", "--matrix", "--from", Self.sample, "--format", "csv"], environment: environment, currentDirectory: directory.url)
        #expect(matrix.status == 0, "\(matrix.stderr)")
        #expect(matrix.stdoutLines.first?.hasPrefix("action_line,") == true, "\(matrix.stdout.prefix(200))")
        let shown = try StocktakeBinary.run(arguments: ["show", "--from", Self.sample, "WSIS-0000000042"], currentDirectory: directory.url)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("external_id       WSIS-0000000042"))
        let json = try StocktakeBinary.run(
            arguments: ["find", "--from", Self.sample, "--region", "AFR", "--format", "json", "--limit", "2"], currentDirectory: directory.url)
        #expect(json.status == 0)
        #expect(json.stdout.hasPrefix("["))
        // No database was created in the working directory, and the temporary database left nothing.
        #expect(Self.files(in: directory).isEmpty)
        #expect(Self.files(in: temporary).isEmpty)
    }

    @Test func aWorkbookIsQueriedLikeACSVFile() throws {
        let fromCSV = try StocktakeBinary.run(arguments: ["stats", "--from", Self.sample, "--by", "action-line", "--format", "csv"])
        let fromWorkbook = try StocktakeBinary.run(arguments: [
            "stats", "--from", Fixtures.url("workbooks/projects-sample.xlsx").path, "--by", "action-line", "--format", "csv",
        ], timeout: 120)
        #expect(fromWorkbook.status == 0, "\(fromWorkbook.stderr)")
        #expect(fromWorkbook.stdout == fromCSV.stdout)
        #expect(fromCSV.stdoutLines.count == 20)
    }

    @Test func skippedRowsAreCountedWithTheFirstProblemsAndMakeTheStatus2() throws {
        let found = try StocktakeBinary.run(arguments: ["find", "--from", Self.badValues, "--columns", "external_id", "--format", "csv"])
        #expect(found.status == 2)
        #expect(found.stdout == "external_id\r\nWSIS-1\r\n")
        #expect(found.stderr.contains("\(Self.badValues):3 (WSIS-3): column action_lines: value \"e-helth\": no such Action Line; did you mean C7.e-health?"))
        #expect(found.stderr.contains("12 of 13 rows skipped (invalid); the command runs on the other 1"), "\(found.stderr)")
        #expect(found.stderr.contains("more problem(s) not shown; `stocktake inspect` lists them all"))
        // A command's own failure keeps its status.
        let missing = try StocktakeBinary.run(arguments: ["show", "--from", Self.badValues, "WSIS-3"])
        #expect(missing.status == 1)
    }

    @Test func fromWinsOverTheDatabaseAndSaysSo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let withDB = try StocktakeBinary.run(arguments: ["find", "--db", db, "--from", Self.sample, "--count"])
        #expect(withDB.status == 0)
        #expect(withDB.stdout == "1200\n")
        #expect(withDB.stderr.contains("is read instead of the database at \"\(db)\""), "\(withDB.stderr)")
        let withEnvironment = try StocktakeBinary.run(arguments: ["find", "--from", Self.sample, "--count"], environment: ["STOCKTAKE_DB": db])
        #expect(withEnvironment.stderr.contains("is read instead of the database"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func sqlOnAFileIsReadOnlyToo() throws {
        for statement in ["DELETE FROM project", "PRAGMA query_only = 0", "ATTACH ':memory:' AS other", "VACUUM INTO '/tmp/x.db'"] {
            let result = try StocktakeBinary.run(arguments: ["sql", "--from", Self.sample, statement])
            #expect(result.status == 1, "\(statement): \(result.stderr)")
            #expect(result.stderr.contains("refused"), "\(statement): \(result.stderr)")
        }
        let counted = try StocktakeBinary.run(arguments: ["sql", "--from", Self.sample, "--format", "csv", "SELECT count(*) AS n FROM project"])
        #expect(counted.stdout == "n\r\n1200\r\n")
    }

    @Test func anOutputCannotReplaceTheFileItIsMadeFrom() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("input.csv")
        try FileManager.default.copyItem(atPath: Self.sample, toPath: file)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let export = try StocktakeBinary.run(arguments: ["export", "--from", file, "--out", file])
        #expect(export.status == 64, "\(export.stderr)")
        let report = try StocktakeBinary.run(arguments: ["report", "--from", file, "--out", file])
        #expect(report.status == 64, "\(report.stderr)")
        for command in [["find"], ["stats", "--by", "region"], ["sql", "SELECT 1"]] {
            let listed = try StocktakeBinary.run(arguments: command + ["--from", file, "--out", file])
            #expect(listed.status == 64, "\(command): \(listed.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
    }

    @Test func batchComparisonsAreRefusedOnAFile() throws {
        for option in [["--since-batch", "1"], ["--bundle", "/tmp/nowhere", "--if-changed"]] {
            let result = try StocktakeBinary.run(arguments: ["export", "--from", Self.sample] + option)
            #expect(result.status == 64, "\(option): \(result.stderr)")
            #expect(result.stderr.contains("a --from file has none to compare"), "\(result.stderr)")
        }
    }

    @Test func readingOptionsNeedFromAndAnUnreadableFileIsExit65() throws {
        let withoutFrom = try StocktakeBinary.run(arguments: ["find", "--sheet", "Projects", "--count"])
        #expect(withoutFrom.status == 64)
        #expect(withoutFrom.stderr.contains("--sheet is for reading a file given with --from FILE"), "\(withoutFrom.stderr)")
        let unreadable = try StocktakeBinary.run(arguments: ["find", "--from", Fixtures.url("errors/missing-required-column.csv").path, "--count"])
        #expect(unreadable.status == 65)
        #expect(unreadable.stdout.isEmpty)
        #expect(unreadable.stderr.contains("missing required column action_lines"))
        #expect(unreadable.stderr.contains("cannot be read as a projects file; the command did not run"))
    }

    @Test func inspectGroupsProblemsExplainsTheHeaderAndExits2() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = "Project ID;Title;Action Lines;SDGs;Countries;Budget\n"
        for index in 1...7 { text += "A-\(index);Project \(index);C5;4;\(index.isMultiple(of: 2) ? "Narnia" : "KE");100\n" }
        let file = try Self.write(text, "submissions.csv", in: directory)
        let inspected = try StocktakeBinary.run(arguments: ["inspect", file], currentDirectory: directory.url)
        #expect(inspected.status == 2, "\(inspected.stderr)")
        let out = inspected.stdout
        #expect(out.contains("CSV, semicolon-separated (recognised from the header)"), "\(out)")
        #expect(out.contains("rows     7: 4 valid, 3 with problems"))
        #expect(out.contains("  Project ID    → external_id   alias"), "\(out)")
        #expect(out.contains("  Budget        → -             unknown: not imported  0 empty"))
        #expect(out.contains("unknown: not imported"))
        #expect(out.contains("not in the file: description"))
        #expect(out.contains("3× column Countries: value \"Narnia\": no such country"), "\(out)")
        #expect(out.contains("— line 3, 5, 7"))
        #expect(out.contains("the first 3 valid row(s) of the file as they would be stored"))
        #expect(Self.files(in: directory) == ["submissions.csv"])

        let json = try StocktakeBinary.run(arguments: ["inspect", "--format", "json", file])
        #expect(json.status == 2)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["rows"] as? Int == 7)
        #expect(document["rejected_rows"] as? Int == 3)
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["count"] as? Int == 3)
        #expect(findings.first?["first"] as? [String] == ["3", "5", "7"])
        #expect((document["first_rows"] as? [Any])?.count == 3)
    }

    @Test func inspectOfACleanFileExits0AndOfAnUnreadableOne65() throws {
        let clean = try StocktakeBinary.run(arguments: ["inspect", "--rows", "0", Self.sample])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("rows     1200: 1200 valid, 0 with problems"))
        #expect(clean.stdout.contains("problems none"))
        let unreadable = try StocktakeBinary.run(arguments: ["inspect", "--format", "json", Fixtures.url("workbooks/xxe.xlsx").path])
        #expect(unreadable.status == 65)
        #expect(unreadable.stdout.contains("\"readable\": false"), "\(unreadable.stdout)")
    }

    @Test func inspectRecognisesTheEncodingAndSaysWhatTheImportNeeds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("latin.csv")
        try Data("external_id,title,action_lines,organization\nA-1,Caf\u{E9} num\u{E9}rique,C5,Minist\u{E8}re\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        // Re-encode as windows-1252 (é = E9, è = E8), as an old Excel writes it.
        let latin = try String(contentsOfFile: file, encoding: .utf8).data(using: .windowsCP1252)!
        try latin.write(to: URL(fileURLWithPath: file))
        let inspected = try StocktakeBinary.run(arguments: ["inspect", file])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("encoding windows-1252 (recognised from the content)"), "\(inspected.stdout)")
        #expect(inspected.stdout.contains("import it with --encoding windows-1252"))
        #expect(inspected.stdout.contains("Café numérique"))
        let json = try StocktakeBinary.run(arguments: ["inspect", "--format", "json", file])
        #expect(json.stdout.contains("\"encoding\": \"windows-1252\""))
        // The import itself never guesses: it refuses, with the same advice.
        let imported = try StocktakeBinary.run(arguments: ["import", "--db", directory.path("t.db"), file])
        #expect(imported.status == 65)
        #expect(imported.stderr.contains("--encoding windows-1252"), "\(imported.stderr)")
    }

    @Test func inspectShowsHostileTextEscaped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.write(
            "external_id,title,action_lines,sdgs\nA-1,\"Title \u{1B}]0;owned\u{07} here\",C5,4\nA-2,Two,\u{1B}[31mC99,4\n", "hostile.csv", in: directory)
        let inspected = try StocktakeBinary.run(arguments: ["inspect", file])
        #expect(inspected.status == 2)
        #expect(!inspected.stdout.contains("\u{1B}"))
        #expect(!inspected.stdout.contains("\u{07}"))
        #expect(inspected.stdout.contains("\\u{1B}"), "\(inspected.stdout)")
    }
}
