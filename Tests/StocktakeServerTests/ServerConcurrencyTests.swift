import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport

@Suite(.serialized, .enabled(if: (try? ServerProcess.binaryURL()).map { FileManager.default.isExecutableFile(atPath: $0.path) } ?? false))
struct ServerConcurrencyTests {
    /// 3,000 projects; project `i` has status number `(i + shift) % 3`, so each state has exactly
    /// 1,000 of each status and every project changes status from one state to the next.
    static func csv(shift: Int) -> String {
        let statuses = ["planned", "ongoing", "completed"]
        var text = "external_id,title,action_lines,sdgs,status,countries,submitted_on\n"
        for i in 0..<3_000 {
            text += "CONC-\(String(i + 10_000)),Project \(i) shift \(shift),C\(1 + i % 6),\(1 + i % 17),\(statuses[(i + shift) % 3]),KE,2024-01-01\n"
        }
        return text
    }

    /// Pages requested while imports commit: every response is one state, its rows from the same
    /// snapshot as its total and facets, never an error; the server switches to the last state soon
    /// after the last import.
    @Test func pagesStayConsistentWhileImportsCommit() throws {
        let scratch = try TemporaryDirectory(prefix: "stocktake-serve-concurrency")
        defer { scratch.remove() }
        let database = scratch.path("catalogue.db")
        let files = [scratch.path("a.csv"), scratch.path("b.csv")]
        try Self.csv(shift: 0).write(toFile: files[0], atomically: true, encoding: .utf8)
        try Self.csv(shift: 1).write(toFile: files[1], atomically: true, encoding: .utf8)
        let first = try StocktakeBinary.run(arguments: ["import", "--db", database, "--quiet", files[0]])
        try #require(first.status == 0, "\(first.stderr)")

        let server = try ServerProcess(database: database)
        defer { server.stop() }
        let importsDone = Mutex(false)
        let importStatuses = Mutex<[Int32]>([])
        let importer = Thread {
            for round in 1...4 {
                let result = try? StocktakeBinary.run(arguments: ["import", "--db", database, "--quiet", files[round % 2]])
                importStatuses.withLock { $0.append(result?.status ?? -1) }
            }
            importsDone.withLock { $0 = true }
        }
        importer.start()

        var checked = 0
        var titlesSeen: Set<String> = []
        while !importsDone.withLock({ $0 }) || checked < 20 {
            let response = try server.get("/api/projects?status=ongoing&limit=40&sort=title")
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let json = try response.json()
            #expect(json["total"] as? Int == 1_000)
            let rows = json["projects"] as? [[String: Any]] ?? []
            #expect(rows.count == 40)
            // Rows read from another state than the index would show projects of another status.
            #expect(rows.allSatisfy { $0["status"] as? String == "ongoing" }, "\(rows.map { $0["status"] ?? "-" })")
            let shifts = Set(rows.compactMap { ($0["title"] as? String)?.split(separator: " ").last.map(String.init) })
            #expect(shifts.count == 1, "one state per page: \(shifts)")
            titlesSeen.formUnion(shifts)
            let facets = json["facets"] as? [String: Any]
            let status = (facets?["status"] as? [String: Any])?["values"] as? [[String: Any]] ?? []
            #expect(status.map { $0["projects"] as? Int ?? -1 } == [1_000, 1_000, 1_000])
            checked += 1
            if checked > 2_000 { break }
        }
        #expect(importStatuses.withLock { $0 } == [0, 0, 0, 0])
        // The pages saw both states: the imports committed while they were served.
        #expect(titlesSeen == ["0", "1"], "\(checked) pages")

        // The last import wrote shift 0: the server switches to it. How soon is the benchmark's
        // measure (0.59 s at 100,000 projects); here only a server that never switches fails, so
        // the wait is bounded by attempts generous enough for any busy machine.
        var latest = ""
        for _ in 0..<2_400 {
            let row = (try server.get("/api/projects?status=ongoing&limit=1&sort=title").json()["projects"] as? [[String: Any]])?.first
            latest = (row?["title"] as? String) ?? ""
            if latest.hasSuffix("shift 0") { break }
            usleep(50_000)
        }
        #expect(latest.hasSuffix("shift 0"))
        #expect(checked > 0)
        #expect(server.stop() == 0)
    }

    @Test func theServeCommandRunsTheServer() throws {
        let server = try ServerProcess(database: SharedCatalogue.path, viaServeCommand: true)
        #expect(try server.get("/api/projects?limit=1").status == 200)
        #expect(server.stop(signal: SIGINT) == 0)
    }
}
