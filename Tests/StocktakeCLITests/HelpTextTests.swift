import ArgumentParser
import Foundation
import Testing
import TestSupport
@testable import StocktakeCLI

/// Help reads well at any width: discussion paragraphs are single lines that argument-parser wraps
/// to the terminal (hand-wrapped lines came out ragged), and no default is said twice.
@Suite struct HelpTextTests {
    static var commands: [ParsableCommand.Type] {
        var all: [ParsableCommand.Type] = [StocktakeCommand.self]
        var index = 0
        while index < all.count {
            all.append(contentsOf: all[index].configuration.subcommands)
            index += 1
        }
        return all
    }

    @Test func discussionParagraphsAreNotHandWrapped() {
        for command in Self.commands {
            let discussion = command.configuration.discussion
            for paragraph in discussion.components(separatedBy: "\n\n") {
                let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
                for (index, line) in lines.enumerated().dropFirst() {
                    // Later lines of a paragraph are examples or table rows (indented), or follow a line ending in ':'.
                    let indented = line.hasPrefix(" ")
                    let afterIntro = lines[index - 1].hasSuffix(":")
                    // A line of its own per option (`--out files are…`) or list item is a paragraph of one line.
                    let listItem = line.hasPrefix("- ") || line.hasPrefix("--") || line.first?.isNumber == true
                    #expect(indented || afterIntro || listItem, "\(command._commandName): hand-wrapped line \"\(line)\"")
                }
            }
        }
    }

    @Test func noDefaultIsSaidTwice() {
        for command in Self.commands {
            let help = command.helpMessage(columns: 10_000)
            #expect(!help.contains(/\(default[^)]*\)\.?\s+\(default:/), "\(command._commandName)")
        }
    }
}

/// What `stocktake COMMAND --help` lists, command by command, as `StocktakeCommand.helpMessage(for:)`
/// renders it: the usage line, every option and argument of the command, each named once, and no
/// default said twice in an option's entry (once in our text, again in argument-parser's).
@Suite struct CommandHelpTests {
    static let filterOptions = [
        "--action-line", "--sdg", "--gdc", "--country", "--region", "--stakeholder-type", "--status", "--coverage",
        "--organization", "--submitted-since", "--submitted-until", "--active-in", "--prize", "--prize-year", "--import",
        "--search", "--fts-syntax",
    ]
    static let outputOptions = ["--format", "--no-header", "--out", "--truncate-long-cells"]
    /// `--from FILE`; its reading options are hidden (`--help-hidden`).
    static let fromOption = ["--from"]
    static let readingOptions = [
        "--delimiter", "--tsv", "--encoding", "--replace-invalid", "--max-field-size", "--map", "--ignore-unknown-columns",
        "--generate-ids", "--date-format", "--list-separator", "--trim-text", "--sheet", "--sheet-index", "--header-row",
    ]
    /// Every command has these: the database, the lock wait, version and help.
    static let commonOptions = ["--db", "--busy-timeout", "--version", "--help"]

    /// Each command's own options and arguments: what its help must list, and all it may list
    /// besides `commonOptions`.
    static let ownOptions: [String: [String]] = [
        "init": [],
        "migrate": ["--status"] + outputOptions,
        "import": ["<file>", "--kind"] + readingOptions + [
            "--skip-invalid", "--rejects", "--report", "--dry-run", "--insert-only", "--quiet",
        ],
        "inspect": ["<file>"] + readingOptions + ["--format", "--rows"],
        "imports list": outputOptions,
        "imports show": ["<batch>"] + outputOptions,
        "imports revert": ["<batch>"],
        "delete": ["<external-id>"],
        "ref action-lines": outputOptions,
        "ref sdgs": outputOptions,
        "ref gdc": outputOptions,
        "ref countries": outputOptions,
        "ref regions": outputOptions,
        "ref stakeholder-types": outputOptions,
        "find": fromOption + filterOptions + outputOptions + ["--columns", "--sort", "--limit", "--offset", "--count", "--timeout", "--snippet"],
        "show": fromOption + ["<external-id>", "--format"],
        "stats": fromOption + filterOptions + outputOptions + ["--by", "--matrix", "--share", "--sort"],
        "sql": fromOption + ["<sql>", "--param", "--timeout"] + outputOptions,
        "schema": ["<table>"] + outputOptions,
        "export": fromOption + filterOptions + [
            "--mode", "--format", "--out", "--kind", "--since-batch", "--bom", "--excel-safe", "--no-header", "--labels",
            "--truncate-long-cells", "--bundle", "--keep", "--if-changed",
        ],
        "backup": ["<path>", "--mode", "--keep"],
        "check": fromOption + ["--format", "--examples"],
        "report": fromOption + filterOptions + ["--mode", "--format", "--out"],
        "serve": ["--host", "--port", "--show-personal-data", "--time-limit", "--idle-timeout"],
    ]

    /// One entry of the OPTIONS or ARGUMENTS section: its names (`--param`, `<sql>`) and its whole
    /// text, continuation lines included.
    struct Entry {
        var names: [String]
        var text: String

        /// How often the entry says "default" (ours, in the help text, or argument-parser's).
        var defaultsSaid: Int { text.matches(of: /\bdefault\b/.ignoresCase()).count }
    }

    static func entries(_ help: String) -> [Entry] {
        var entries: [Entry] = []
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "OPTIONS:" || line == "ARGUMENTS:" {
                inSection = true
            } else if line.isEmpty || !line.hasPrefix(" ") {
                inSection = false
            } else if inSection, line.hasPrefix("  -") || line.hasPrefix("  <") {
                let nameColumn = line.dropFirst(2).split(separator: "  ", maxSplits: 1).first ?? ""
                let names = nameColumn.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
                    .filter { $0.hasPrefix("--") || ($0.hasPrefix("<") && line.hasPrefix("  <")) }
                entries.append(Entry(names: names, text: String(line)))
            } else if inSection, !entries.isEmpty {
                entries[entries.count - 1].text += "\n" + line
            }
        }
        return entries
    }

    static func help(_ command: CommandTree.Command) -> String {
        StocktakeCommand.helpMessage(for: command.type, columns: 10_000)
    }

    @Test func everyCommandIsInTheTable() {
        let leaves = Set(CommandTree.leaves.map(\.name))
        #expect(leaves == Set(Self.ownOptions.keys))
    }

    @Test func eachCommandsHelpNamesEachOfItsOptionsOnceAndNoOther() {
        for command in CommandTree.leaves {
            guard let own = Self.ownOptions[command.name] else { continue }
            let help = Self.help(command)
            #expect(help.contains("USAGE: stocktake \(command.name)"), "\(command.name): \(help)")
            let named = Self.entries(help).flatMap(\.names)
            // `inspect` reads a file and no database: it has no --db or --busy-timeout.
            let expected = own + (command.name == "inspect" ? ["--version", "--help"] : Self.commonOptions)
            for option in expected {
                #expect(named.filter { $0 == option }.count == 1, "\(command.name) --help names \(option) \(named.filter { $0 == option }.count) times")
            }
            let unexpected = Set(named).subtracting(expected)
            #expect(unexpected.isEmpty, "\(command.name) --help names \(unexpected.sorted()), which the table does not list")
            // Each entry explains itself: an option without a line of help is no documentation.
            for entry in Self.entries(help) where !entry.names.isEmpty {
                let words = entry.text.split(separator: " ").count
                #expect(words > entry.names.count + 2, "\(command.name): \(entry.names) has no help text")
            }
        }
    }

    @Test func noOptionEntrySaysItsDefaultTwice() {
        for command in CommandTree.all {
            let help = Self.help(command)
            for entry in Self.entries(help) {
                #expect(entry.defaultsSaid <= 1, "\(command.name.isEmpty ? "stocktake" : command.name): \(entry.text)")
            }
        }
    }

    /// The entry parser sees what argument-parser writes: names in the left column, wrapped text,
    /// and the default argument-parser appends.
    @Test func theEntryParserReadsNamesAndContinuationLines() throws {
        let find = try #require(CommandTree.leaves.first { $0.name == "find" })
        let entries = Self.entries(Self.help(find))
        let offset = try #require(entries.first { $0.names == ["--offset"] })
        #expect(offset.text.contains("(default: 0)"))
        let busy = try #require(entries.first { $0.names == ["--busy-timeout"] })
        #expect(busy.text.contains("exit 75"))
        let sql = try #require(CommandTree.leaves.first { $0.name == "sql" })
        let names = Self.entries(Self.help(sql)).map(\.names)
        #expect(names.contains(["--param"]))
        #expect(names.contains(["<sql>"]))
        #expect(names.contains(["--help"]))

        let synthetic = Self.entries("""
            OPTIONS:
              -x, --extra <n>   Extra (default: 5).
                                More text. (default: 5)
              --quiet           Quiet.

            """)
        #expect(synthetic.map(\.names) == [["--extra"], ["--quiet"]])
        #expect(synthetic.map(\.defaultsSaid) == [2, 0])
    }
}

/// The README is what a new user needs and stays under 16 KB; its links to docs/ resolve.
@Suite struct ReadmeTests {
    @Test func theREADMEStaysShortAndItsLocalLinksResolve() throws {
        let readme = Fixtures.packageRoot.appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.utf8.count < 16_000, "README.md is \(text.utf8.count) bytes")
        for match in text.matches(of: /\]\((docs\/[^)#]+)/) {
            let path = Fixtures.packageRoot.appendingPathComponent(String(match.1)).path
            #expect(FileManager.default.fileExists(atPath: path), "README links to a missing \(match.1)")
        }
    }
}
