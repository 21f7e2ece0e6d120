import Foundation
import TestSupport
import Testing

/// The real binary with hostile values: what reaches a terminal shows control characters as
/// escapes, machine formats keep the exact bytes, absurd numbers are usage errors, and read-only
/// SQL stays within its time and memory.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct TerminalSafetyEndToEndTests {
    static let header = HostileInputEndToEndTests.header
    /// Retitles the terminal (OSC 0), rings the bell and clears the screen.
    static let evilTitle = "Evil\u{1B}]0;PWNED\u{07}\u{1B}[2J"
    static let esc = UInt8(0x1B)

    /// A database holding one project titled `evilTitle`, imported by the binary from a CSV.
    static func database(extraRows: Int = 0) throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory(prefix: "terminal-safety")
        let db = directory.path("t.db")
        var rows = ["E-1,\(evilTitle),Text,Ministry of ICT,Government,KE,national,ongoing,2020-01-01,,,,,Project,C5,4,,2024-05-01"]
        rows += (0..<extraRows).map { HostileInputEndToEndTests.row(String(format: "R-%05d", $0)) }
        let file = directory.path("evil.csv")
        try Data(([header] + rows).joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: file))
        let imported = try StocktakeBinary.run(arguments: ["import", "--db", db, file, "--quiet"])
        try #require(imported.status == 0, "\(imported.stderr)")
        return (directory, db)
    }

    static func hasRawEscape(_ text: String) -> Bool { text.utf8.contains(esc) }

    @Test func findAndShowOnATerminalShowTheEscapesAndCSVKeepsTheBytes() throws {
        let (directory, db) = try Self.database()
        defer { directory.remove() }
        for format in ["table", "markdown"] {
            let result = try StocktakeBinary.run(arguments: ["find", "--db", db, "--format", format, "--columns", "external_id,title"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Evil\\u{1B}"), "\(format)")
            #expect(result.stdout.contains("PWNED\\u{7}\\u{1B}"), "\(format)")
            #expect(!Self.hasRawEscape(result.stdout), "\(format)")
            #expect(!result.stdout.utf8.contains(0x07), "\(format)")
        }
        let show = try StocktakeBinary.run(arguments: ["show", "--db", db, "E-1"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("title             Evil\\u{1B}]0;PWNED\\u{7}\\u{1B}[2J\n"))
        #expect(!Self.hasRawEscape(show.stdout))
        for format in ["csv", "tsv"] {
            let result = try StocktakeBinary.run(arguments: ["find", "--db", db, "--format", format, "--columns", "title"])
            #expect(result.stdout.contains(Self.evilTitle), "\(format) keeps the exact bytes")
        }
        for format in ["json", "ndjson"] {
            let result = try StocktakeBinary.run(arguments: ["find", "--db", db, "--format", format, "--columns", "title"])
            #expect(result.stdout.contains("Evil\\u001b]0;PWNED\\u0007\\u001b[2J"), "\(format) keeps the exact text, in JSON's escapes")
        }
        let json = try StocktakeBinary.run(arguments: ["show", "--db", db, "E-1", "--format", "json"])
        #expect(json.stdout.contains("Evil\\u001b]0;PWNED\\u0007\\u001b[2J"))
    }

    @Test func aHugeFilterValueIsQuotedShortAndEscaped() throws {
        let (directory, db) = try Self.database()
        defer { directory.remove() }
        let value = String(repeating: "X\u{1B}[2J", count: 20_000)  // 100 KB
        let result = try StocktakeBinary.run(arguments: ["find", "--db", db, "--country", value])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("stocktake: --country \"X\\u{1B}[2J"))
        #expect(result.stderr.contains("…\": no such country"))
        #expect(result.stderr.utf8.count < 1_000, "\(result.stderr.utf8.count) bytes")
        #expect(!Self.hasRawEscape(result.stderr))
    }

    @Test func argumentParserMessagesAreEscapedAndShort() throws {
        let value = String(repeating: "\u{1B}[2J", count: 20_000)
        let result = try StocktakeBinary.run(arguments: ["find", "--limit", value])
        #expect(result.status == 64)
        #expect(result.stderr.contains("\\u{1B}[2J"))
        #expect(!Self.hasRawEscape(result.stderr))
        #expect(result.stderr.utf8.count < 5_000, "\(result.stderr.utf8.count) bytes")
    }

    @Test func importProblemsEscapeTheValueAndTheFileName() throws {
        let directory = try TemporaryDirectory(prefix: "terminal-safety")
        defer { directory.remove() }
        let db = directory.path("t.db")
        let file = directory.path("bad\u{1B}[2J.csv")
        let row = "B-1,Title,Text,Org,Government,KE,national,\u{1B}[2Jdone\u{07},2020-01-01,,,,,Project,C5,4,,2024-05-01"
        try Data((Self.header + "\r\n" + row + "\r\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, file])
        #expect(result.status == 65)
        #expect(result.stderr.contains("bad\\u{1B}[2J.csv:2 (B-1): column status: value \"\\u{1B}[2Jdone\\u{7}\""))
        #expect(!Self.hasRawEscape(result.stderr))
        #expect(!result.stderr.utf8.contains(0x07))
    }

    @Test(arguments: [
        ["sql", "--timeout", "1e19", "SELECT 1"],
        ["sql", "--timeout", "inf", "SELECT 1"],
        ["sql", "--timeout", "nan", "SELECT 1"],
        ["sql", "--timeout=-1", "SELECT 1"],
        ["sql", "--busy-timeout", "1e19", "SELECT 1"],
        ["--busy-timeout", "1e19", "find"],
        ["find", "--busy-timeout", "nan"],
        ["find", "--busy-timeout=-5"],
        ["find", "--fts-syntax", "--search", "x", "--timeout", "1e300"],
        ["import", "--max-field-size", "9223372036854775807", "x.csv"],
        ["import", "--max-field-size", "8796093022208", "x.csv"],
        ["find", "--limit", "99999999999999999999"],
        ["export", "--since-batch", "-1"],
    ])
    func absurdNumbersAreUsageErrors(_ arguments: [String]) throws {
        let (directory, db) = try Self.database()
        defer { directory.remove() }
        let result = try StocktakeBinary.run(arguments: arguments + ["--db", db], currentDirectory: directory.url)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func aHugeBlobInSQLIsRefusedNotPrinted() throws {
        let (directory, db) = try Self.database()
        defer { directory.remove() }
        let result = try StocktakeBinary.run(arguments: ["sql", "--db", db, "--format", "csv", "SELECT randomblob(300000000)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("a value is larger than read-only SQL allows (64 MiB)"))
        #expect(result.stdout.utf8.count < 100)
    }

    @Test func sqlThatNeedsTooMuchMemoryStopsWithAMessage() throws {
        let (directory, db) = try Self.database()
        defer { directory.remove() }
        // Five values under the per-value cap that together pass SQLite's heap cap.
        let blobs = Array(repeating: "randomblob(60000000)", count: 5).joined(separator: ", ")
        let result = try StocktakeBinary.run(arguments: ["sql", "--db", db, "--format", "csv", "SELECT \(blobs)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the query needs more memory than read-only SQL allows"))
        #expect(result.stdout.utf8.count < 100)
    }

    @Test func theFTS3TokenizerIsRefused() throws {
        let (directory, db) = try Self.database()
        defer { directory.remove() }
        for arguments in [["SELECT fts3_tokenizer('simple')"], ["-p", "n=simple", "SELECT fts3_tokenizer(:n)"]] {
            let result = try StocktakeBinary.run(arguments: ["sql", "--db", db, "--format", "json"] + arguments)
            #expect(result.status == 1)
            #expect(result.stderr.contains("fts3_tokenizer() is not allowed"))
        }
    }

    /// A thousand matching rows cannot be found and printed in a millisecond; without a limit the
    /// search runs to the end.
    @Test func findWithFTSSyntaxRunsUnderTheTimeLimit() throws {
        let (directory, db) = try Self.database(extraRows: 1_000)
        defer { directory.remove() }
        let limited = try StocktakeBinary.run(arguments: [
            "find", "--db", db, "--search", "project OR text", "--fts-syntax", "--timeout", "0.001", "--format", "csv",
        ])
        #expect(limited.status == 1)
        #expect(limited.stderr.contains("interrupted after 0.001 s"))
        let unlimited = try StocktakeBinary.run(arguments: ["find", "--db", db, "--search", "project OR text", "--fts-syntax", "--format", "csv"])
        #expect(unlimited.status == 0)
        #expect(unlimited.stdoutLines.count == 1_002)
    }
}
