import Foundation
import SQLite
import Testing
import TestSupport

/// The real `stocktake` binary: exit codes, message format, stdin, and a second writer waiting.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct ImportEndToEndTests {
    @Test func theREADMEsFirstCommandImportsTheSampleIntoTheDefaultDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try StocktakeBinary.run(
            arguments: ["import", Fixtures.url("projects-sample.csv").path], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("1200 rows — 1200 inserted"))
        #expect(result.stderr.contains(/\(batch 1\) in \d+\.\d\d s\n/))
        #expect(filePermissions(directory.path("stocktaking.db")) == 0o600)
        let database = try Database(path: directory.path("stocktaking.db"), mode: .readOnly)
        #expect(try database.count("project") == 1200)
        #expect(try database.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try database.rows("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func invalidRowsExit65WithFileLineColumnAndNothingWritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        let before = snapshot(ofDatabaseAt: db)
        let file = Fixtures.url("errors/bad-values.csv").path
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, file])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file):3 (WSIS-3): column action_lines: value \"e-helth\": no such Action Line; did you mean C7.e-health?"))
        #expect(result.stderr.contains("rejected, nothing was written (14 problems in "), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(snapshot(ofDatabaseAt: db) == before)
    }

    @Test func skipInvalidExits2AndWritesTheRejects() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let rejects = directory.path("rejects.csv")
        let report = directory.path("report.json")
        let result = try StocktakeBinary.run(arguments: [
            "import", "--db", db, "--skip-invalid", "--rejects", rejects, "--report", report,
            Fixtures.url("errors/bad-values.csv").path,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("1 inserted"))
        #expect(result.stderr.contains("12 rejected"))
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(rejected.split(separator: "\r\n").count == 13)
        #expect(filePermissions(rejects) == 0o600)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect((json?["problems"] as? [Any])?.count == 14)
        #expect(json?["rejected"] as? Int == 12)
    }

    @Test func standardInputIsRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let input = try Data(contentsOf: Fixtures.url("valid/messy-spellings.csv"))
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, "-"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("<stdin>: 2 rows — 2 inserted"))
    }

    @Test func aSecondWriterWaitsThenGivesUpWithExit75AndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        let holder = try Database(path: db, mode: .readWrite)
        try holder.execute("BEGIN IMMEDIATE")
        let started = Date()
        let result = try StocktakeBinary.run(arguments: [
            "import", "--db", db, "--busy-timeout", "1", Fixtures.url("valid/messy-spellings.csv").path,
        ])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(result.stderr.contains("locked"))
        try holder.execute("ROLLBACK")
        holder.close()
        let check = try Database(path: db, mode: .readOnly)
        #expect(try check.count("project") == 0)
        #expect(try check.count("import_batch") == 0)
    }

    @Test func aSecondWriterThatWaitsLongEnoughSucceeds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        let holder = try Database(path: db, mode: .readWrite)
        try holder.execute("BEGIN IMMEDIATE")
        let box = Handoff(holder)
        let release = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            try? box.value.execute("COMMIT")
        }
        release.start()
        let result = try StocktakeBinary.run(arguments: [
            "import", "--db", db, "--busy-timeout", "20", Fixtures.url("valid/messy-spellings.csv").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("2 inserted"))
    }

    @Test func usageErrorsExit64() throws {
        let result = try StocktakeBinary.run(arguments: ["import", "--rejects", "x.csv", "file.csv"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--rejects needs --skip-invalid"))
        let encoding = try StocktakeBinary.run(arguments: ["import", "--encoding", "ebcdic", "file.csv"])
        #expect(encoding.status == 64)
    }

    /// The batch records who ran it: $USER, else $LOGNAME, else the name /etc/passwd gives the user
    /// id (no NSS look-up in the static release binary; BatchUserTests covers the passwd parsing).
    @Test func theBatchRecordsTheUserFromTheEnvironmentOrTheUserID() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let file = Fixtures.url("valid/messy-spellings.csv").path
        #expect(try StocktakeBinary.run(arguments: ["import", "--db", db, file], environment: ["USER": "analyst"]).status == 0)
        #expect(try StocktakeBinary.run(
            arguments: ["import", "--db", db, file], environment: ["USER": "", "LOGNAME": "operator"]).status == 0)
        #expect(try StocktakeBinary.run(arguments: ["import", "--db", db, file], environment: ["USER": "", "LOGNAME": ""]).status == 0)
        let users = try StocktakeBinary.run(arguments: ["sql", "--db", db, "--format", "csv", "SELECT user FROM import_batch ORDER BY id"])
        let fromPasswd = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
        #expect(users.stdoutLines == ["user", "analyst", "operator", fromPasswd])
    }

    @Test func importsListsBatchesAndRevertUndoesOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["import", "--db", db, Fixtures.url("valid/messy-spellings.csv").path]).status == 0)
        let list = try StocktakeBinary.run(arguments: ["imports", "--db", db, "--format", "csv"])
        #expect(list.status == 0)
        #expect(list.stdoutLines.count == 2)
        #expect(list.stdoutLines[1].hasPrefix("1,projects,"))
        let revert = try StocktakeBinary.run(arguments: ["imports", "revert", "1", "--db", db])
        #expect(revert.status == 0, "\(revert.stderr)")
        let again = try StocktakeBinary.run(arguments: ["imports", "revert", "1", "--db", db])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already reverted by batch 2"))
        let missing = try StocktakeBinary.run(arguments: ["imports", "revert", "99", "--db", db])
        #expect(missing.status == 1)  // not found is exit 1 everywhere
    }
}

/// Hands a connection to one other thread that uses it alone.
private struct Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
