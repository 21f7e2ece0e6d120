import Foundation
import SQLite
import Testing
import TestSupport

/// The real `stocktake` binary on the worst hostile inputs: the documented exit code, nothing
/// written, and a standard error that stays small (never the input echoed back).
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct HostileInputEndToEndTests {
    static let stderrLimit = 10_000
    static let header =
        "external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on"

    static func row(_ id: String, sdgs: String = "4", actionLines: String = "C5") -> String {
        "\(id),A project,Text,Ministry of ICT,Government,KE,national,ongoing,2020-01-01,,,,,Project,\(actionLines),\(sdgs),,2024-05-01"
    }

    @Test func aFourMiBLineWithoutALineEndOnStdinExits65Briefly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        let before = snapshot(ofDatabaseAt: db)
        let result = try StocktakeBinary.run(
            arguments: ["import", "--db", db, "-"], stdin: Data(repeating: UInt8(ascii: "h"), count: 4 << 20), timeout: 30)
        #expect(result.status == 65)
        #expect(result.stderr.utf8.count < Self.stderrLimit, "\(result.stderr.utf8.count) bytes on stderr")
        #expect(result.stderr.contains("<stdin>:1:"))
        #expect(result.stdout.isEmpty)
        #expect(snapshot(ofDatabaseAt: db) == before)
    }

    @Test func megabyteValuesInEveryMatchedColumnExit65Briefly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        let before = snapshot(ofDatabaseAt: db)
        let digits = String(repeating: "7", count: 1 << 20)
        let rows = [
            Self.row("H-1", sdgs: digits),
            Self.row("H-2", actionLines: "C" + digits),
            Self.row("H-3", actionLines: "C7 " + String(repeating: "e", count: 1 << 20)),
            Self.row("H-4") + String(repeating: ",x", count: 100_000),
        ]
        let file = directory.path("hostile.csv")
        try Data(([Self.header] + rows).joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, file], timeout: 60)
        #expect(result.status == 65)
        #expect(result.stderr.utf8.count < Self.stderrLimit, "\(result.stderr.utf8.count) bytes on stderr")
        #expect(result.stderr.contains("\(file):2 (H-1): column sdgs:"))
        #expect(result.stderr.contains("\(file):5: the row has 100018 fields but the header has 18"))
        #expect(result.stderr.contains("rejected, nothing was written (4 problems in 4 of 4 rows)"), "\(result.stderr)")
        #expect(snapshot(ofDatabaseAt: db) == before)
    }

    @Test func aHundredThousandRejectedRowsWithSkipInvalidKeepStderrSmall() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        var text = Self.header + "\r\n" + Self.row("OK-1") + "\r\n"
        for i in 0..<100_000 { text += "x\(i)\n" }
        let file = directory.path("rows.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, "--skip-invalid", file], timeout: 60)
        #expect(result.status == 2)
        #expect(result.stderr.utf8.count < Self.stderrLimit, "\(result.stderr.utf8.count) bytes on stderr")
        #expect(result.stderr.contains("… 99980 more problem(s) not shown"))
        #expect(result.stderr.contains("1 inserted"))
        #expect(result.stderr.contains("100000 rejected"))
        let database = try Database(path: db, mode: .readOnly)
        #expect(try database.count("project") == 1)
        #expect(try database.scalarText("PRAGMA integrity_check") == "ok")
    }
}
