import Foundation
import SQLite
import Testing
import TestSupport

/// The rejects loop the README promises: import with --skip-invalid --rejects, fix the rejects file,
/// run the same command on it, and every row is in with its text exact — whatever the input's
/// encoding, delimiter and line ends.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct RejectsRoundTripTests {
    struct Dialect: Sendable, CustomStringConvertible {
        let name: String
        let delimiter: String
        let lineEnding: String
        let encode: @Sendable (String) -> Data
        let options: [String]
        var description: String { name }
    }

    static let dialects: [Dialect] = [
        Dialect(name: "UTF-8, comma, CRLF", delimiter: ",", lineEnding: "\r\n", encode: { Data($0.utf8) }, options: []),
        Dialect(name: "UTF-8 with BOM, LF", delimiter: ",", lineEnding: "\n", encode: { Data([0xEF, 0xBB, 0xBF] + Array($0.utf8)) }, options: []),
        Dialect(
            name: "windows-1252, comma, CRLF", delimiter: ",", lineEnding: "\r\n",
            encode: { $0.data(using: .windowsCP1252)! }, options: ["--encoding", "windows-1252"]),
        Dialect(
            name: "semicolon, windows-1252, CRLF", delimiter: ";", lineEnding: "\r\n",
            encode: { $0.data(using: .windowsCP1252)! }, options: ["--delimiter", ";", "--encoding", "windows-1252"]),
    ]

    @Test(arguments: dialects)
    func fixedRejectsImportWithTheSameCommand(_ dialect: Dialect) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let d = dialect.delimiter
        let header = ["external_id", "title", "action_lines", "sdgs", "countries"].joined(separator: d)
        let rows = [
            ["R-1", "Météo – ok", "C5", "4", "KE"],
            ["R-2", "Météo – à corriger", "C99", "4", "KE"],
            ["R-3", "Œuvre “quoted”", "C7.e-health", "SDG 99", "FR"],
        ].map { $0.joined(separator: d) }
        let input = directory.path("in.csv")
        try dialect.encode(([header] + rows).joined(separator: dialect.lineEnding) + dialect.lineEnding).write(to: URL(fileURLWithPath: input))

        let rejects = directory.path("rejects.csv")
        let command = ["import", "--db", db, "--skip-invalid", "--rejects", rejects] + dialect.options
        let first = try StocktakeBinary.run(arguments: command + [input])
        #expect(first.status == 2, "\(first.stderr)")

        // The rejects file is in the input's dialect: same encoding, delimiter and line ends.
        let written = try Data(contentsOf: URL(fileURLWithPath: rejects))
        let rejectedText = try #require(String(data: written, encoding: dialect.options.contains("windows-1252") ? .windowsCP1252 : .utf8))
        #expect(written.starts(with: [0xEF, 0xBB, 0xBF]) == dialect.name.contains("BOM"))
        #expect(rejectedText.drop { $0 == "\u{FEFF}" }.hasPrefix(header + d + "error" + dialect.lineEnding))
        #expect(rejectedText.contains("R-2" + d + "Météo – à corriger" + d + "C99"))
        if dialect.lineEnding == "\n" { #expect(!written.contains(13)) }

        // Fix the two bad cells as a person would, in the same file, and run the same command on it.
        let fixed = rejectedText.replacingOccurrences(of: d + "C99" + d, with: d + "C5" + d)
            .replacingOccurrences(of: "SDG 99", with: "SDG 3")
        try dialect.encode(fixed.hasPrefix("\u{FEFF}") ? String(fixed.dropFirst()) : fixed).write(to: URL(fileURLWithPath: rejects))
        let again = directory.path("rejects-2.csv")
        let second = try StocktakeBinary.run(arguments: ["import", "--db", db, "--skip-invalid", "--rejects", again] + dialect.options + [rejects])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("2 inserted"), "\(second.stderr)")

        let database = try Database(path: db, mode: .readOnly)
        #expect(try database.column("SELECT title FROM project ORDER BY external_id") == ["Météo – ok", "Météo – à corriger", "Œuvre “quoted”"])
    }

    @Test func aRejectsFileOfARejectsFileKeepsOneErrorColumn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let input = directory.path("in.csv")
        try Data("external_id,title,action_lines\r\nE-1,Bad,C99\r\n".utf8).write(to: URL(fileURLWithPath: input))
        let rejects1 = directory.path("r1.csv"), rejects2 = directory.path("r2.csv")
        #expect(try StocktakeBinary.run(arguments: ["import", "--db", db, "--skip-invalid", "--rejects", rejects1, input]).status == 2)
        let second = try StocktakeBinary.run(arguments: ["import", "--db", db, "--skip-invalid", "--rejects", rejects2, rejects1])
        #expect(second.status == 2, "\(second.stderr)")
        #expect(!second.stderr.contains("unknown column"))
        let lines = try String(contentsOfFile: rejects2, encoding: .utf8).split(separator: "\r\n")
        #expect(lines.first == "external_id,title,action_lines,error")
        #expect(lines.last?.hasPrefix("E-1,Bad,C99,\"column action_lines: no such Action Line") == true, "\(lines)")
    }
}

/// One rule for "not found": a missing project or batch is exit 1 everywhere, said the same way.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct NotFoundTests {
    @Test func missingProjectsAndBatchesExit1() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        for (arguments, message) in [
            (["show", "NOSUCH"], "no project NOSUCH"), (["delete", "NOSUCH"], "no project NOSUCH"),
            (["imports", "revert", "99"], "no import batch 99"), (["imports", "show", "99"], "no import batch 99"),
        ] {
            let result = try StocktakeBinary.run(arguments: arguments + ["--db", db])
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

/// `check` tells a nightly job "the database is damaged" (exit 4) from "data needs attention" (3).
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct CheckExitStatusTests {
    @Test func damageIsExit4AndFindingsAreExit3AndOkReadsAsOk() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let input = directory.path("in.csv")
        try Data("external_id,title,action_lines\r\nK-1,No SDG,C5\r\n".utf8).write(to: URL(fileURLWithPath: input))
        #expect(try StocktakeBinary.run(arguments: ["import", "--db", db, input]).status == 0)
        let findings = try StocktakeBinary.run(arguments: ["check", "--db", db])
        #expect(findings.status == 3)
        #expect(findings.stdout.contains("ok       integrity_check: no damage"))
        #expect(findings.stdout.contains("found    projects_without_sdgs: 1"))
        #expect(!findings.stdout.contains("FAIL"))

        // A link to a project that does not exist: what a foreign-key check calls damage.
        try {
            let database = try Database(path: db, mode: .readWrite)
            defer { database.close() }
            try database.execute("PRAGMA foreign_keys = OFF")
            try database.execute("INSERT INTO project_sdg (project_id, sdg_id) VALUES (999, 4)")
        }()
        let damaged = try StocktakeBinary.run(arguments: ["check", "--db", db])
        #expect(damaged.status == 4, "\(damaged.stdout)")
        #expect(damaged.stdout.contains("DAMAGED  foreign_key_check: 1 problem(s)"))
        let json = try StocktakeBinary.run(arguments: ["check", "--db", db, "--format", "json"])
        #expect(json.status == 4)
        #expect(json.stdout.contains("\"damaged\":true"))
    }
}
