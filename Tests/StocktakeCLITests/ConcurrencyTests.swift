import Foundation
import Stocktaking
import Synchronization
import TestSupport
import Testing

/// One writer (imports and reverts of five batches), four readers (`find --count`, `stats --by
/// region`) and one `export --bundle` loop run at the same time on one database for a bounded
/// period: nothing fails (a lock is waited for, never an error), every read sees the state before
/// or after a batch — never part of one — and every bundle's files agree with its manifest and
/// describe one such state.
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct ConcurrencyTests {
    /// Distinct sizes, so every state (the first k batches applied) has its own project count.
    static let batchSizes = [150, 250, 350, 450, 550]
    static let concurrentSeconds = 6.0

    /// What a thread saw; collected under a lock and checked after every thread has finished.
    final class Observations: Sendable {
        private let runs = Mutex<[Run]>([])

        func record(_ run: Run) {
            runs.withLock { $0.append(run) }
        }

        var all: [Run] { runs.withLock { $0 } }
    }

    @Test func importerReadersAndBundlesRunTogetherWithoutErrorsOrTornStates() throws {
        let directory = try TemporaryDirectory(prefix: "stocktake-concurrency")
        defer { directory.remove() }
        let database = directory.path("x.db")
        let bundles = directory.path("bundles")
        var first = 1
        var files: [String] = []
        for (index, size) in Self.batchSizes.enumerated() {
            let file = directory.path("batch-\(index + 1).csv")
            try GeneratedProjects.write(ids: first...(first + size - 1), variant: index, to: file)
            files.append(file)
            first += size
        }

        // Sequentially first: the expected statistics of every state, and the batches all applied.
        try #require(try StocktakeBinary.run(arguments: ["init", "--db", database]).status == 0)
        let stats = ["stats", "--db", database, "--by", "region", "--format", "csv", "--busy-timeout", "60"]
        var expectedStats: [Int: String] = [:]
        var applied: [Int64] = []
        expectedStats[0] = try StocktakeBinary.run(arguments: stats).stdout
        var total = 0
        for (file, size) in zip(files, Self.batchSizes) {
            applied.append(try Self.importBatch(file, into: database))
            total += size
            expectedStats[total] = try StocktakeBinary.run(arguments: stats).stdout
        }
        let possibleCounts = Set(expectedStats.keys)
        try #require(possibleCounts.count == Self.batchSizes.count + 1)
        try #require(Set(expectedStats.values).count == possibleCounts.count, "every state must have its own statistics")

        let observations = Observations()
        let deadline = Date().addingTimeInterval(Self.concurrentSeconds)
        let group = DispatchGroup()
        func spawn(_ body: @escaping @Sendable () -> Void) {
            group.enter()
            let thread = Thread {
                body()
                group.leave()
            }
            thread.start()
        }

        // The writer: revert the batches newest first down to none, import them again, and so on.
        let batchFiles = files
        let startingBatches = applied
        spawn {
            var applied = startingBatches
            var reverting = true
            while Date() < deadline {
                if reverting, let batch = applied.last {
                    let result = Self.run("imports revert \(batch)", ["imports", "revert", "--db", database, String(batch)])
                    observations.record(result)
                    guard result.status == 0 else { return }
                    applied.removeLast()
                    if applied.isEmpty { reverting = false }
                } else {
                    let file = batchFiles[applied.count]
                    let result = Self.run("import \(file)", ["import", "--db", database, file])
                    observations.record(result)
                    guard result.status == 0, let batch = Self.batchID(in: result.stderr) else { return }
                    applied.append(batch)
                    if applied.count == batchFiles.count { reverting = true }
                }
            }
        }
        for reader in 0..<4 {
            spawn {
                while Date() < deadline {
                    if reader % 2 == 0 {
                        observations.record(Self.run("find --count", ["find", "--db", database, "--count", "--busy-timeout", "60"]))
                    } else {
                        observations.record(Self.run("stats", stats))
                    }
                }
            }
        }
        spawn {
            while Date() < deadline {
                observations.record(Self.run("export --bundle", ["export", "--db", database, "--bundle", bundles, "--busy-timeout", "60"]))
            }
        }
        #expect(group.wait(timeout: .now() + Self.concurrentSeconds + 120) == .success, "a thread did not finish")

        let runs = observations.all
        for run in runs where run.status != 0 {
            Issue.record("\(run.what) exited \(run.status): \(run.stderr)")
        }
        let writes = runs.filter { $0.what.hasPrefix("import") }
        #expect(writes.count >= 2, "the writer must commit batches while the readers run")
        for run in runs where run.what == "find --count" && run.status == 0 {
            let count = Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(count.map(possibleCounts.contains) == true, "find --count printed \(run.stdout)")
        }
        for run in runs where run.what == "stats" && run.status == 0 {
            #expect(expectedStats.values.contains(run.stdout), "stats --by region printed a state between batches:\n\(run.stdout)")
        }
        // The reads interleaved with the writes: they saw more than one state.
        let seen = Set(runs.filter { $0.what == "find --count" && $0.status == 0 }.map(\.stdout))
        #expect(seen.count >= 2, "every find --count saw the same state: \(seen)")
        #expect(runs.filter { $0.what == "find --count" }.count >= 4)
        #expect(runs.filter { $0.what == "stats" }.count >= 4)

        let names = ExportBundle.bundles(in: bundles)
        #expect(!names.isEmpty)
        #expect(names.count == runs.filter { $0.what == "export --bundle" && $0.status == 0 }.count)
        for name in names {
            let path = bundles + "/" + name
            #expect(try BundleCheck.problems(inBundle: path).isEmpty, "\(name)")
            let manifestData = try #require(fileContents(path + "/manifest.json"))
            let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
            let files = try #require(manifest["files"] as? [[String: Any]])
            let rows = Dictionary(uniqueKeysWithValues: files.compactMap { file in
                (file["name"] as? String).flatMap { name in (file["rows"] as? Int).map { (name, $0) } }
            })
            let projects = try #require(rows["projects.csv"])
            #expect(possibleCounts.contains(projects), "\(name): \(projects) projects")
            #expect(rows["projects.ndjson"] == projects, "\(name)")
            // Every file describes the same instant: the statistics are those of that state
            // (the bundle's table is `stats` without its (total) row).
            let statistics = String(decoding: try #require(fileContents(path + "/stats-region.csv")), as: UTF8.self)
            let expected = expectedStats[projects].map { $0.replacing(/,\(total\),[0-9]+\r\n/, with: "") }
            #expect(statistics == expected, "\(name)")
        }
    }

    /// One finished command.
    struct Run: Sendable {
        let what: String
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs stocktake; a launch failure or a time-out is recorded as status -1.
    static func run(_ what: String, _ arguments: [String]) -> Run {
        do {
            let result = try StocktakeBinary.run(arguments: arguments, timeout: 120)
            return Run(what: what, status: result.status, stdout: result.stdout, stderr: result.stderr)
        } catch {
            return Run(what: what, status: -1, stdout: "", stderr: "\(error)")
        }
    }

    static func importBatch(_ file: String, into database: String) throws -> Int64 {
        let result = try StocktakeBinary.run(arguments: ["import", "--db", database, file])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(batchID(in: result.stderr))
    }

    /// The batch number from the import summary: `… rejected (batch 12) in 0.20 s`.
    static func batchID(in summary: String) -> Int64? {
        summary.firstMatch(of: /\(batch ([0-9]+)\)/).flatMap { Int64($0.1) }
    }
}
