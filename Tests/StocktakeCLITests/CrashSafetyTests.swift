import DatabaseTestSupport
import Foundation
import Glibc
import SQLite
import Stocktaking
import TestSupport
import Testing

/// SIGKILL at a random moment never leaves anything half-written: a killed import leaves the
/// database as it was before (or as an uninterrupted import leaves it, when the kill lands after
/// the commit), a killed `export --out` leaves the old file or the complete new one, a killed
/// `export --bundle` leaves no visible partial bundle. The lean CI version of
/// `Tests/Scripts/crash-safety.sh` (three trials each, small data).
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"), .serialized)
struct CrashSafetyTests {
    static let trials = 3

    @Test func aKilledImportLeavesTheBatchWhollyPresentOrWhollyAbsent() throws {
        let directory = try TemporaryDirectory(prefix: "stocktake-crash-import")
        defer { directory.remove() }
        let base = directory.path("base.db")
        // The database already holds one batch; the new file updates 500 of its projects and inserts 11,500.
        try GeneratedProjects.write(ids: 1...1_000, variant: 0, to: directory.path("first.csv"))
        try GeneratedProjects.write(ids: 501...12_000, variant: 1, to: directory.path("big.csv"))
        try expectSuccess(["init", "--db", base])
        try expectSuccess(["import", "--quiet", "--db", base, directory.path("first.csv")])
        let before = try DatabaseState(databaseAt: base)

        let after = directory.path("after.db")
        try FileManager.default.copyItem(atPath: base, toPath: after)
        let started = Date()
        try expectSuccess(["import", "--quiet", "--db", after, directory.path("big.csv")])
        let duration = Date().timeIntervalSince(started)
        let complete = try DatabaseState(databaseAt: after)
        try #require(complete != before)

        for trial in 1...Self.trials {
            let trialDirectory = directory.path("trial-\(trial)")
            try FileManager.default.createDirectory(atPath: trialDirectory, withIntermediateDirectories: false)
            let database = trialDirectory + "/t.db"
            try FileManager.default.copyItem(atPath: base, toPath: database)
            let delay = Double.random(in: 0.1...1.1) * duration
            let outcome = try ChildProcess.killAfter(
                seconds: delay,
                arguments: ["import", "--quiet", "--db", database, "--report", trialDirectory + "/report.json", directory.path("big.csv")])
            let context = Comment(rawValue: "trial \(trial): killed after \(delay) s of \(duration) s (\(outcome))")
            #expect(try DatabaseState.integrityProblems(databaseAt: database).isEmpty, context)
            let state = try DatabaseState(databaseAt: database)
            #expect(state == before || state == complete, context)
            // The report is written atomically: absent, or complete when the import committed.
            if let report = fileContents(trialDirectory + "/report.json") {
                let json = try JSONSerialization.jsonObject(with: report) as? [String: Any]
                #expect(json?["status"] as? String == "committed", context)
                #expect(state == complete, context)
            }
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: trialDirectory))
            #expect(names.isSubset(of: ["t.db", "t.db-wal", "t.db-shm", "report.json"]), "\(context): \(names)")
        }
    }

    @Test func aKilledExportLeavesTheOldFileOrTheCompleteNewOne() throws {
        let directory = try TemporaryDirectory(prefix: "stocktake-crash-export")
        defer { directory.remove() }
        let database = directory.path("x.db")
        try GeneratedProjects.write(ids: 1...8_000, variant: 0, to: directory.path("in.csv"))
        try expectSuccess(["import", "--quiet", "--db", database, directory.path("in.csv")])
        let old = Data("the previous export\r\n".utf8)
        let new = try StocktakeBinary.run(arguments: ["export", "--db", database]).stdout
        let started = Date()
        try expectSuccess(["export", "--db", database, "--out", directory.path("timing.csv")])
        let duration = Date().timeIntervalSince(started)

        for trial in 1...Self.trials {
            let trialDirectory = directory.path("trial-\(trial)")
            try FileManager.default.createDirectory(atPath: trialDirectory, withIntermediateDirectories: false)
            let target = trialDirectory + "/out.csv"
            try old.write(to: URL(fileURLWithPath: target))
            let delay = Double.random(in: 0.1...1.1) * duration
            let outcome = try ChildProcess.killAfter(seconds: delay, arguments: ["export", "--db", database, "--out", target])
            let context = Comment(rawValue: "trial \(trial): killed after \(delay) s of \(duration) s (\(outcome))")
            let contents = try #require(fileContents(target), context)
            #expect(contents == old || String(decoding: contents, as: UTF8.self) == new, "\(context): \(contents.count) bytes")
            #expect(try FileManager.default.contentsOfDirectory(atPath: trialDirectory) == ["out.csv"], context)
        }
    }

    @Test func aKilledBundleNeverLeavesAVisiblePartialBundle() throws {
        let directory = try TemporaryDirectory(prefix: "stocktake-crash-bundle")
        defer { directory.remove() }
        let empty = directory.path("empty.db")
        let database = directory.path("x.db")
        try expectSuccess(["init", "--db", empty])
        try GeneratedProjects.write(ids: 1...1_500, variant: 0, to: directory.path("in.csv"))
        try expectSuccess(["import", "--quiet", "--db", database, directory.path("in.csv")])
        let start = directory.path("start")
        try expectSuccess(["export", "--db", empty, "--bundle", start])
        let started = Date()
        try expectSuccess(["export", "--db", database, "--bundle", directory.path("timing")])
        let duration = Date().timeIntervalSince(started)
        let oldProjects = try BundleCheck.projectsCSV(in: start + "/latest")
        let newProjects = try BundleCheck.projectsCSV(in: directory.path("timing") + "/latest")

        for trial in 1...Self.trials {
            let bundles = directory.path("bundles-\(trial)")
            try FileManager.default.copyItem(atPath: start, toPath: bundles)
            let delay = Double.random(in: 0.1...1.1) * duration
            let outcome = try ChildProcess.killAfter(seconds: delay, arguments: ["export", "--db", database, "--bundle", bundles])
            let context = Comment(rawValue: "trial \(trial): killed after \(delay) s of \(duration) s (\(outcome))")
            for name in try FileManager.default.contentsOfDirectory(atPath: bundles) where !name.hasPrefix(".") && name != "latest" {
                #expect(BundleCheck.isBundleName(name), "\(context): unexpected entry \(name)")
                #expect(try BundleCheck.problems(inBundle: bundles + "/" + name).isEmpty, context)
            }
            let latest = try FileManager.default.destinationOfSymbolicLink(atPath: bundles + "/latest")
            #expect(BundleCheck.isBundleName(latest), context)
            let projects = try BundleCheck.projectsCSV(in: bundles + "/latest")
            #expect(projects == oldProjects || projects == newProjects, context)
        }
    }

    private func expectSuccess(_ arguments: [String]) throws {
        let result = try StocktakeBinary.run(arguments: arguments, timeout: 120)
        try #require(result.status == 0, "stocktake \(arguments.joined(separator: " ")): \(result.stderr)")
    }
}

/// Deterministic, valid project rows with distinct ids, built in the test so no generator is needed.
///
/// `variant` changes every free-text value, so importing another variant of the same ids updates them.
enum GeneratedProjects {
    static let header =
        "external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on"
    static let actionLines = [
        "C1", "C2", "C3", "C4", "C5", "C6", "C7.e-government", "C7.e-business", "C7.e-learning", "C7.e-health",
        "C7.e-employment", "C7.e-environment", "C7.e-agriculture", "C7.e-science", "C8", "C9", "C10", "C11",
    ]
    static let countries = ["BR", "DE", "EG", "FR", "IN", "JP", "KE", "RU", "US", "ZA"]
    static let stakeholderTypes = ["government", "private sector", "civil society", "international organization", "academia", "other"]
    static let coverages = ["local", "national", "regional", "international"]

    static func externalID(_ id: Int) -> String {
        let digits = String(id)
        return "GEN-" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// The CSV text (CRLF, RFC 4180) of projects `ids`.
    static func csv(ids: ClosedRange<Int>, variant: Int) -> String {
        var text = header + "\r\n"
        text.reserveCapacity(ids.count * 420)
        for id in ids {
            let completed = id % 3 == 0
            let fields: [String] = [
                externalID(id),
                "\"Generated project \(id), variant \(variant)\"",
                "\"Connecting \"\"schools\"\" in district \(id % 113); variant \(variant).\r\nSecond line: café, école, мир, 学校 — \(id * 7919 % 100_003)\"",
                "Organization \(id % 211)",
                stakeholderTypes[id % stakeholderTypes.count],
                countries[id % countries.count] + (id % 4 == 0 ? ";" + countries[(id / 4) % countries.count] : ""),
                coverages[id % coverages.count],
                completed ? "completed" : (id % 3 == 1 ? "ongoing" : "planned"),
                "20\(10 + id % 10)-0\(1 + id % 9)-1\(id % 10)",
                completed ? "2024-12-31" : "",
                "https://example.org/projects/\(id)",
                "contact\(id)@example.org",
                id % 5 == 0 ? "Partner \(id % 17); Partner \(id % 19)" : "",
                "",
                actionLines[id % actionLines.count] + ";" + actionLines[(id / 7) % actionLines.count],
                "\(1 + id % 17);\(1 + (id / 17) % 17)",
                id % 2 == 0 ? "\(1 + id % 5)" : "",
                "2025-0\(1 + id % 9)-01",
            ]
            text += fields.joined(separator: ",") + "\r\n"
        }
        return text
    }

    static func write(ids: ClosedRange<Int>, variant: Int, to path: String) throws {
        try Data(csv(ids: ids, variant: variant).utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// What a crash must not change: the row counts of the data tables and the canonical CSV export.
struct DatabaseState: Equatable, CustomStringConvertible {
    static let tables = [
        "project", "project_action_line", "project_sdg", "project_country", "project_gdc_objective", "organization",
        "prize", "import_batch", "project_change",
    ]
    let counts: [Int]
    let export: String

    init(databaseAt path: String) throws {
        let database = try Database(path: path, mode: .readOnly)
        defer { database.close() }
        counts = try Self.tables.map { try database.count($0) }
        let result = try StocktakeBinary.run(arguments: ["export", "--db", path, "--format", "csv"], timeout: 120)
        guard result.status == 0 else { throw StateError(description: "export of \(path) failed: \(result.stderr)") }
        export = result.stdout
    }

    var description: String {
        "DatabaseState(\(zip(Self.tables, counts).map { "\($0)=\($1)" }.joined(separator: " ")), export \(export.utf8.count) bytes)"
    }

    struct StateError: Error, CustomStringConvertible {
        let description: String
    }

    /// `PRAGMA integrity_check`, `foreign_key_check` and the FTS5 index checked against its table.
    /// Opens the file for writing (the FTS5 check is an INSERT): use it on throwaway copies.
    static func integrityProblems(databaseAt path: String) throws -> [String] {
        let database = try Database(path: path, mode: .readWrite)
        defer { database.close() }
        var problems = try database.column("PRAGMA integrity_check").compactMap { $0 }.filter { $0 != "ok" }
        problems += try database.rows("PRAGMA foreign_key_check").map { "foreign key: \($0)" }
        do {
            try database.checkSearchIndexMatchesProjects()
        } catch {
            problems.append("FTS5 integrity-check: \(error)")
        }
        return problems
    }
}

/// A child process started without waiting, so a test can kill it or run several at once.
///
/// Output goes to files in its own temporary directory (no pipe can fill up).
final class ChildProcess: @unchecked Sendable {
    struct Outcome: CustomStringConvertible {
        let killedBySignal: Int32?
        let status: Int32
        let stdout: String
        let stderr: String

        var description: String {
            killedBySignal.map { "died of signal \($0)" } ?? "exited \(status): \(stderr.prefix(300))"
        }
    }

    private let process = Process()
    private let scratch: TemporaryDirectory
    private let finished = DispatchSemaphore(value: 0)
    private let outputs: [FileHandle]

    /// Starts `executable arguments…` (the environment without `STOCKTAKE_DB` nor `unsetting`).
    init(executable: URL, arguments: [String], currentDirectory: URL? = nil, unsetting: [String] = []) throws {
        scratch = try TemporaryDirectory(prefix: "stocktake-child")
        _ = FileManager.default.createFile(atPath: scratch.path("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.path("stderr"), contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for name in ["STOCKTAKE_DB"] + unsetting { environment.removeValue(forKey: name) }
        process.environment = environment
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = FileHandle.nullDevice
        outputs = [
            try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path("stdout"))),
            try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path("stderr"))),
        ]
        process.standardOutput = outputs[0]
        process.standardError = outputs[1]
        let finished = finished
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
    }

    /// Starts the `stocktake` binary.
    convenience init(stocktake arguments: [String], currentDirectory: URL? = nil) throws {
        try self.init(executable: try StocktakeBinary.url(), arguments: arguments, currentDirectory: currentDirectory)
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the process (killing it after `timeout` seconds) and collects its output.
    func wait(timeout: Double = 120) -> Outcome {
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            kill()
            finished.wait()
        }
        process.waitUntilExit()
        for handle in outputs { try? handle.close() }
        let outcome = Outcome(
            killedBySignal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil,
            status: process.terminationStatus,
            stdout: String(decoding: fileContents(scratch.path("stdout")) ?? Data(), as: UTF8.self),
            stderr: String(decoding: fileContents(scratch.path("stderr")) ?? Data(), as: UTF8.self))
        scratch.remove()
        return outcome
    }

    /// Runs `stocktake arguments…` and sends SIGKILL after `seconds` (it may have finished by then).
    static func killAfter(seconds: Double, arguments: [String]) throws -> Outcome {
        let child = try ChildProcess(stocktake: arguments)
        Thread.sleep(forTimeInterval: seconds)
        child.kill()
        return child.wait()
    }
}

/// Checks of a bundle directory against its manifest.
enum BundleCheck {
    /// `20261129T044012Z` or `20261129T044012Z-2`.
    static func isBundleName(_ name: String) -> Bool {
        name.wholeMatch(of: /[0-9]{8}T[0-9]{6}Z(-[0-9]+)?/) != nil
    }

    static func projectsCSV(in bundle: String) throws -> Data {
        try #require(fileContents(bundle + "/projects.csv"))
    }

    /// Every way the bundle differs from its manifest (files listed and present, bytes, sha256,
    /// rows) and from its SHA256SUMS (every file but itself, with its checksum).
    static func problems(inBundle path: String) throws -> [String] {
        guard let data = fileContents(path + "/manifest.json") else { return ["\(path): no manifest.json"] }
        guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = manifest["files"] as? [[String: Any]]
        else { return ["\(path): manifest.json is not a manifest"] }
        var problems: [String] = []
        let listed = Set(files.compactMap { $0["name"] as? String })
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: path)).subtracting(["manifest.json", "SHA256SUMS"])
        if listed != present { problems.append("\(path): manifest lists \(listed.sorted()), directory holds \(present.sorted())") }
        if let sums = fileContents(path + "/SHA256SUMS") {
            var summed: Set<String> = []
            for line in String(decoding: sums, as: UTF8.self).split(separator: "\n") {
                let name = String(line.dropFirst(66))
                summed.insert(name)
                if try String(line.prefix(64)) != ExportBundle.sha256(ofFileAt: path + "/" + name).hex {
                    problems.append("\(name): sha256 differs from SHA256SUMS")
                }
            }
            if summed != listed.union(["manifest.json"]) { problems.append("\(path): SHA256SUMS lists \(summed.sorted())") }
        } else {
            problems.append("\(path): no SHA256SUMS")
        }
        for file in files {
            guard let name = file["name"] as? String, let rows = file["rows"] as? Int, let bytes = file["bytes"] as? Int,
                  let sha = file["sha256"] as? String, let contents = fileContents(path + "/" + name)
            else { continue }
            if contents.count != bytes { problems.append("\(name): \(contents.count) bytes, manifest says \(bytes)") }
            let digest = try ExportBundle.sha256(ofFileAt: path + "/" + name).hex
            if digest != sha { problems.append("\(name): sha256 differs from the manifest") }
            let counted = try rowCount(contents, name: name)
            if counted != rows { problems.append("\(name): \(counted) rows, manifest says \(rows)") }
        }
        return problems
    }

    /// Data rows: NDJSON lines, or CSV records after the header (quoted line breaks respected).
    static func rowCount(_ contents: Data, name: String) throws -> Int {
        if name.hasSuffix(".ndjson") { return contents.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        var records = 0
        var quoted = false
        var atRecordStart = true
        for byte in contents {
            if atRecordStart { records += 1; atRecordStart = false }
            switch byte {
            case UInt8(ascii: "\""): quoted.toggle()
            case 0x0A where !quoted: atRecordStart = true
            default: break
            }
        }
        return records - 1
    }
}
