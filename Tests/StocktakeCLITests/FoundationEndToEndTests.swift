import Foundation
import SQLite
import TestSupport
import Testing

/// Runs the built `stocktake` binary in a temporary directory.
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct FoundationEndToEndTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-e2e")
    }

    @discardableResult
    func stocktake(_ arguments: String..., environment: [String: String] = [:]) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: arguments, environment: environment, currentDirectory: directory.url)
    }

    /// `stocktake init --db <name>`, which must succeed.
    func initDatabase(_ name: String = "x.db") throws -> String {
        let result = try stocktake("init", "--db", name)
        #expect(result.status == 0, "init failed: \(result.stderr)")
        return directory.path(name)
    }

    /// Data rows of CSV output whose fields hold no line breaks (reference data): lines after the header.
    func csvDataRows(_ result: StocktakeBinary.Result) -> [String] {
        Array(result.stdoutLines.dropFirst())
    }

    static let sdgCount = 17

    // MARK: init and migrate

    @Test func initCreatesThePrivateDatabase() throws {
        let result = try stocktake("init", "--db", "x.db")
        #expect(result.status == 0, "\(result.stderr)")
        let path = directory.path("x.db")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(filePermissions(path) == 0o600)
        #expect(result.stdout.contains("x.db"))
        #expect(result.stdout.contains("ready"))
        // Running it again is harmless.
        let again = try stocktake("init", "--db", "x.db")
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func initWithoutDbUsesTheWorkingDirectory() throws {
        let result = try stocktake("init")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(directory.fileExists("stocktaking.db"))
        #expect(filePermissions(directory.path("stocktaking.db")) == 0o600)
    }

    @Test func migrateStatusListsAppliedMigrationsAsCSV() throws {
        _ = try initDatabase()
        let result = try stocktake("migrate", "--status", "--db", "x.db")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutLines
        #expect(lines.first == "migration,state,applied_at")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { $0.first ?? "" }.starts(with: ["0001_schema", "0002_reference_data"]))
        #expect(rows.allSatisfy { $0.count == 3 && $0[1] == "applied" && !$0[2].isEmpty })
    }

    @Test func migrateStatusOnAMissingDatabaseListsPendingAndCreatesNothing() throws {
        let result = try stocktake("migrate", "--status", "--db", "missing.db")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0001_schema,pending"))
        #expect(result.stdout.contains("0002_reference_data,pending"))
        #expect(!directory.fileExists("missing.db"))
    }

    @Test func migrateStatusDoesNotChangeTheDatabase() throws {
        let path = try initDatabase()
        let before = snapshot(ofDatabaseAt: path)
        #expect(try stocktake("migrate", "--status", "--db", "x.db").status == 0)
        #expect(snapshot(ofDatabaseAt: path) == before)
    }

    @Test func migrateCreatesAndThenReportsUpToDate() throws {
        let first = try stocktake("migrate", "--db", "m.db")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("0001_schema"))
        #expect(filePermissions(directory.path("m.db")) == 0o600)
        let second = try stocktake("migrate", "--db", "m.db")
        #expect(second.status == 0)
        #expect(second.stderr.contains("up to date"))
    }

    // MARK: ref

    @Test func refActionLinesPrintsNineteenRows() throws {
        _ = try initDatabase()
        let result = try stocktake("ref", "action-lines", "--format", "csv", "--db", "x.db")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutLines.first == "code,parent,title,prize_category,older_titles")
        let rows = csvDataRows(result)
        #expect(rows.count == 19)
        #expect(rows.first?.hasPrefix("C1,") == true)
        #expect(rows.contains { $0.hasPrefix("C7.e-health,C7,") })
        #expect(rows.contains { $0.hasPrefix("C8,,\"Cultural diversity and identity, linguistic diversity and local content\"") })
    }

    @Test func refSDGsPrintsSeventeenRows() throws {
        _ = try initDatabase()
        let result = try stocktake("ref", "sdgs", "--db", "x.db")
        #expect(result.status == 0, "\(result.stderr)")
        // Not a terminal: CSV.
        #expect(result.stdoutLines.first == "number,short_title,title")
        let rows = csvDataRows(result)
        #expect(rows.count == Self.sdgCount)
        #expect(rows.first?.hasPrefix("1,No Poverty,") == true)
        #expect(rows.last?.hasPrefix("17,") == true)
    }

    @Test(arguments: [
        ["gdc"], ["regions"], ["stakeholder-types"], ["countries"],
    ])
    func otherReferenceListings(_ subcommand: [String]) throws {
        _ = try initDatabase()
        let result = try StocktakeBinary.run(arguments: ["ref"] + subcommand + ["--db", "x.db"], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = ["gdc": 5, "regions": 7, "stakeholder-types": 6, "countries": 250][subcommand[0]]
        #expect(csvDataRows(result).count == expected)
    }

    @Test func refSDGsAsJSON() throws {
        _ = try initDatabase()
        let result = try stocktake("ref", "sdgs", "--format", "json", "--db", "x.db")
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let rows = try #require(parsed as? [[String: Any]])
        #expect(rows.count == Self.sdgCount)
        #expect(rows.first?["number"] as? Int == 1)
        #expect(rows.first?["short_title"] as? String == "No Poverty")
    }

    @Test func dbOptionMayComeBeforeOrAfterTheSubcommand() throws {
        _ = try initDatabase()
        let before = try stocktake("--db", "x.db", "ref", "sdgs")
        let after = try stocktake("ref", "sdgs", "--db", "x.db")
        let equals = try stocktake("--db=x.db", "ref", "sdgs")
        #expect(before.status == 0, "\(before.stderr)")
        #expect(after.status == 0, "\(after.stderr)")
        #expect(equals.status == 0, "\(equals.stderr)")
        #expect(csvDataRows(before).count == Self.sdgCount)
        #expect(before.stdout == after.stdout)
        #expect(equals.stdout == after.stdout)
        // Neither run fell back to ./stocktaking.db.
        #expect(!directory.fileExists("stocktaking.db"))
    }

    @Test func stocktakeDBEnvironmentVariableIsHonored() throws {
        let path = try initDatabase("env.db")
        let result = try stocktake("ref", "sdgs", environment: ["STOCKTAKE_DB": path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(csvDataRows(result).count == Self.sdgCount)
        #expect(!directory.fileExists("stocktaking.db"))
        // --db wins over the environment.
        let overridden = try stocktake("ref", "sdgs", "--db", "env.db", environment: ["STOCKTAKE_DB": directory.path("nowhere.db")])
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(!directory.fileExists("nowhere.db"))
        // And the environment is what a missing database is looked up as.
        let missing = try stocktake("ref", "sdgs", environment: ["STOCKTAKE_DB": directory.path("nowhere.db")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nowhere.db"))
    }

    @Test func readingAMissingDatabaseFailsWithoutCreatingIt() throws {
        let result = try stocktake("ref", "sdgs", "--db", "missing.db")
        #expect(result.status == 1)
        #expect(result.stderr.contains("stocktake init"))
        #expect(result.stdout.isEmpty)
        #expect(!directory.fileExists("missing.db"))
        #expect(!directory.fileExists("missing.db-wal"))
        // The default path too.
        let byDefault = try stocktake("ref", "action-lines")
        #expect(byDefault.status == 1)
        #expect(byDefault.stderr.contains("stocktake init"))
        #expect(!directory.fileExists("stocktaking.db"))
    }

    @Test func readingDoesNotChangeTheDatabase() throws {
        let path = try initDatabase()
        let before = snapshot(ofDatabaseAt: path)
        for arguments in [["ref", "sdgs"], ["ref", "countries", "--format", "json"], ["ref", "action-lines", "--format", "table"]] {
            let result = try StocktakeBinary.run(arguments: arguments + ["--db", "x.db"], currentDirectory: directory.url)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        #expect(snapshot(ofDatabaseAt: path) == before)
    }

    @Test func readingAnOutdatedDatabaseFailsAndPointsToMigrate() throws {
        let path = try initDatabase()
        try sqliteDelete(path, "DELETE FROM schema_migration WHERE identifier = '0002_reference_data'")
        let result = try stocktake("ref", "sdgs", "--db", "x.db")
        #expect(result.status == 1)
        #expect(result.stderr.contains("stocktake migrate"))
    }

    // MARK: show

    @Test(.enabled(if: StocktakeBinary.hasSubcommand("show"), "no show command yet"))
    func showOfAnUnknownProjectFails() throws {
        _ = try initDatabase()
        let result = try stocktake("show", "NOPE", "--db", "x.db")
        #expect(result.status == 1)
        #expect(result.stderr.contains("NOPE"))
    }

    // MARK: help, version, usage

    @Test func versionIsPrinted() throws {
        let result = try stocktake("--version")
        #expect(result.status == 0)
        let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression) != nil, "\(version)")
    }

    @Test func helpIncludesTheExitCodeTable() throws {
        let result = try stocktake("--help")
        #expect(result.status == 0)
        for needle in ["Exit codes", "64", "65", "75", "STOCKTAKE_DB", "init", "migrate", "ref"] {
            #expect(result.stdout.contains(needle), "help lacks \(needle)")
        }
    }

    @Test(arguments: [["frobnicate"], ["ref", "nonsense"], ["ref", "sdgs", "--format", "xml"], ["migrate", "--no-such-flag"]])
    func usageErrorsExit64(_ arguments: [String]) throws {
        let result = try StocktakeBinary.run(arguments: arguments, currentDirectory: directory.url)
        #expect(result.status == 64, "\(arguments): status \(result.status), \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(!directory.fileExists("stocktaking.db"))
    }
}

/// Runs SQL on a database file directly, for preparing broken states.
func sqliteDelete(_ path: String, _ sql: String) throws {
    let database = try Database(path: path, mode: .readWrite)
    defer { database.close() }
    try database.execute(sql)
}
