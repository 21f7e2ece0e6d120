import Foundation
import SQLite
import TestSupport
import Testing

/// `export`, `backup`, `check` and `report` through the built binary: exit codes, files, atomicity.
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct ExportEndToEndTests {
    let directory: TemporaryDirectory

    static let header = "external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on"
    static let projects = header + "\r\n"
        + "E-1,\"Quotes \"\"and\"\", commas\",\"multi\r\nline\",وزارة,government,DE;FR,national,completed,2020-01-01,2021-01-01,,,=1+1,,C1;C11,3;4,,2021-02-01\r\n"
        + "E-2,Clean project,,Org,academia,KE,local,planned,2025-02-01,,,,,,C4,4,,2025-01-01\r\n"

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-export-e2e")
    }

    @discardableResult
    func stocktake(_ arguments: String...) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: arguments, currentDirectory: directory.url)
    }

    func loadedDatabase() throws {
        try Data(Self.projects.utf8).write(to: directory.url.appendingPathComponent("in.csv"))
        let result = try stocktake("import", "--db", "x.db", "in.csv")
        #expect(result.status == 0, "\(result.stderr)")
    }

    func contents(_ name: String) -> String? {
        fileContents(directory.path(name)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func exportWritesTheCanonicalFileToStdoutAndOut() throws {
        try loadedDatabase()
        let stdout = try stocktake("export", "--db", "x.db")
        #expect(stdout.status == 0, "\(stdout.stderr)")
        #expect(stdout.stdout == Self.projects)
        let file = try stocktake("export", "--db", "x.db", "--out", "out.csv")
        #expect(file.status == 0)
        #expect(contents("out.csv") == Self.projects)
        #expect(filePermissions(directory.path("out.csv")) == 0o600)
        let ndjson = try stocktake("export", "--db", "x.db", "--format", "ndjson", "--labels", "--sdg", "3")
        #expect(ndjson.status == 0)
        #expect(ndjson.stdoutLines.count == 1)
        #expect(ndjson.stdout.contains("\"sdg_titles\":["))
    }

    @Test func aFailedExportLeavesThePreviousFileAndNoTemporary() throws {
        try loadedDatabase()
        try Data("previous\n".utf8).write(to: directory.url.appendingPathComponent("out.csv"))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: directory.path("out.csv"))
        // The query fails after the file was opened: exit 1.
        let broken = try stocktake("export", "--db", "x.db", "--out", "out.csv", "--search", "\"open", "--fts-syntax")
        #expect(broken.status == 1, "\(broken.stderr)")
        // An unknown filter value: usage error, exit 64.
        let unknown = try stocktake("export", "--db", "x.db", "--out", "out.csv", "--sdg", "42")
        #expect(unknown.status == 64)
        #expect(contents("out.csv") == "previous\n")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        #expect(names.subtracting(["x.db", "x.db-wal", "x.db-shm", "in.csv", "out.csv"]).isEmpty, "\(names)")
        // A successful export replaces it and keeps its permissions.
        #expect(try stocktake("export", "--db", "x.db", "--out", "out.csv").status == 0)
        #expect(contents("out.csv") == Self.projects)
        #expect(filePermissions(directory.path("out.csv")) == 0o640)
    }

    @Test func conflictingOptionsAreUsageErrors() throws {
        try loadedDatabase()
        #expect(try stocktake("export", "--db", "x.db", "--labels").status == 64)
        #expect(try stocktake("export", "--db", "x.db", "--format", "json", "--bom").status == 64)
        #expect(try stocktake("export", "--db", "x.db", "--kind", "prizes", "--since-batch", "1").status == 64)
        #expect(try stocktake("export", "--db", "x.db", "--keep", "2").status == 64)
    }

    @Test func sinceBatchAfterADeleteListsTheTombstone() throws {
        try loadedDatabase()
        #expect(try stocktake("delete", "--db", "x.db", "E-2").status == 0)
        let result = try stocktake("export", "--db", "x.db", "--since-batch", "1", "--format", "ndjson")
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 1)
        #expect(result.stdout.contains("\"external_id\":\"E-2\""))
        #expect(result.stdout.contains("\"deleted\":true"))
    }

    @Test func bundleWritesAManifestAndTheLatestLink() throws {
        try loadedDatabase()
        let result = try stocktake("export", "--db", "x.db", "--bundle", "nightly", "--keep", "3")
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(contents("nightly/latest/manifest.json"))
        #expect(manifest.contains("\"name\":\"projects.csv\",\"rows\":2,"))
        #expect(contents("nightly/latest/projects.csv") == Self.projects)
    }

    @Test func backupWritesACheckedPrivateCopy() throws {
        try loadedDatabase()
        let result = try stocktake("backup", "--db", "x.db", "copy.db")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(filePermissions(directory.path("copy.db")) == 0o600)
        #expect(try stocktake("export", "--db", "copy.db").stdout == Self.projects)
        let missing = try stocktake("backup", "--db", "x.db", "no/such/dir/copy.db")
        #expect(missing.status == 1)
    }

    @Test func checkExitsThreeWithFindingsAndZeroWhenClean() throws {
        try loadedDatabase()
        // E-2 is clean; E-1 has no problems either, so the database is clean.
        let clean = try stocktake("check", "--db", "x.db")
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let extra = Self.header + "\r\nE-3,Ongoing forever,,,,,,ongoing,2010-01-01,2011-01-01,,,,,C2,,,\r\n"
        try Data(extra.utf8).write(to: directory.url.appendingPathComponent("more.csv"))
        #expect(try stocktake("import", "--db", "x.db", "more.csv").status == 0)
        let found = try stocktake("check", "--db", "x.db", "--format", "json")
        #expect(found.status == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        #expect(json["clean"] as? Bool == false)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let past = findings.first { $0["check"] as? String == "ongoing_with_past_end_date" }
        #expect(past?["count"] as? Int == 1)
        let noSDG = findings.first { $0["check"] as? String == "projects_without_sdgs" }
        #expect((noSDG?["examples"] as? [String]) == ["E-3"])
    }

    @Test func reportWritesHTMLAndMarkdown() throws {
        try loadedDatabase()
        let html = try stocktake("report", "--db", "x.db", "--out", "report.html")
        #expect(html.status == 0, "\(html.stderr)")
        let text = try #require(contents("report.html"))
        #expect(text.contains("<svg"))
        #expect(!text.contains("<script"))
        let markdown = try stocktake("report", "--db", "x.db", "--format", "markdown", "--country", "KE")
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("| Projects | 1 |"))
        #expect(markdown.stdout.contains("--country KE"))
    }
}
