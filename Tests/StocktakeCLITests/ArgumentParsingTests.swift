import ArgumentParser
import Foundation
import Testing
import TestSupport
@testable import StocktakeCLI

/// The command tree, walked from the root: every command a user can name, with its path of names.
enum CommandTree {
    struct Command {
        let path: [String]
        let type: ParsableCommand.Type
        var name: String { path.joined(separator: " ") }
        var isLeaf: Bool { type.configuration.subcommands.isEmpty }
    }

    static var all: [Command] {
        var all = [Command(path: [], type: StocktakeCommand.self)]
        var index = 0
        while index < all.count {
            let parent = all[index]
            all += parent.type.configuration.subcommands.map { Command(path: parent.path + [$0._commandName], type: $0) }
            index += 1
        }
        return all
    }

    /// The commands that run something (`find`, `ref sdgs`, `imports revert`), not groups of them.
    static var leaves: [Command] { all.filter(\.isLeaf) }
}

/// Example command lines written in the documentation: the indented `stocktake …` lines of a
/// command's discussion (its `--help`), or of the README's code blocks.
enum DocumentedExamples {
    /// The example lines of `command`'s discussion.
    static func lines(of command: ParsableCommand.Type) -> [String] {
        command.configuration.discussion.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("stocktake ") }
    }

    /// The arguments a shell would pass to `stocktake` for `line`: words split on spaces, quotes
    /// removed, a `$(…)` substitution standing for some text, and the line cut at a pipe, a
    /// redirection or a comment (what follows belongs to another program or to the reader).
    static func arguments(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        let characters = Array(line)
        var index = 0
        scan: while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == "$", index + 1 < characters.count, characters[index + 1] == "(" {
                index = characters[index...].firstIndex(of: ")") ?? characters.count
                word += "2026-01-01"
                inWord = true
            } else if character == " " {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if "|<>".contains(character) || (character == "#" && !inWord) {
                break scan
            } else {
                word.append(character)
                inWord = true
            }
            index += 1
        }
        if inWord { words.append(word) }
        guard words.first == "stocktake" else { return words }
        return Array(words.dropFirst())
    }
}

/// Argument parsing in process (`StocktakeCommand.parseAsRoot`), beside the end-to-end tests that
/// run the binary: every documented example parses as the command it documents, each command has
/// an example, and bad options are refused with the message a user needs and exit 64.
@Suite struct ArgumentParsingTests {
    /// Parses `arguments` as `main()` does (leading `--db`/`--busy-timeout` moved after the
    /// subcommand name).
    static func parse(_ arguments: [String]) throws -> ParsableCommand {
        try StocktakeCommand.parseAsRoot(GlobalOptions.movingLeadingGlobalOptions(arguments))
    }

    /// The refusal of `arguments`: its message as printed and the exit status.
    static func refusal(_ arguments: [String]) -> (message: String, status: Int32)? {
        do {
            _ = try parse(arguments)
            return nil
        } catch {
            return (StocktakeCommand.fullMessage(for: error), StocktakeCommand.exitCode(for: error).rawValue)
        }
    }

    struct UnexpectedCommand: Error {
        let parsed: String
    }

    static func isCommand(_ parsed: ParsableCommand, _ type: ParsableCommand.Type) -> Bool {
        ObjectIdentifier(Swift.type(of: parsed)) == ObjectIdentifier(type)
    }

    /// Invocations of the commands whose help has no example (their use is one obvious line).
    static let plainInvocations: [String: [[String]]] = [
        "init": [["init"], ["init", "--db", "x.db", "--busy-timeout", "10"]],
        "migrate": [["migrate"], ["migrate", "--status", "--format", "json"]],
        "imports list": [["imports", "list"], ["imports", "list", "--format", "csv", "--no-header"]],
        "imports show": [["imports", "show", "3"], ["imports", "show", "3", "--format", "json"]],
        "imports revert": [["imports", "revert", "3"]],
        "delete": [["delete", "WSIS-1"], ["delete", "WSIS-1", "WSIS-2"]],
        "ref action-lines": [["ref", "action-lines"]],
        "ref sdgs": [["ref", "sdgs", "--format", "csv"]],
        "ref gdc": [["ref", "gdc", "--format", "json"]],
        "ref countries": [["ref", "countries", "--format", "tsv"]],
        "ref regions": [["ref", "regions", "--format", "markdown"]],
        "ref stakeholder-types": [["ref", "stakeholder-types", "--format", "ndjson"]],
    ]

    @Test func theExampleExtractionReadsQuotesSubstitutionsPipesAndComments() {
        #expect(DocumentedExamples.arguments(#"stocktake find --search "telemedicine rural" --snippet"#) == ["find", "--search", "telemedicine rural", "--snippet"])
        #expect(DocumentedExamples.arguments("stocktake backup /b/s-$(date +%F).db --keep 14") == ["backup", "/b/s-2026-01-01.db", "--keep", "14"])
        #expect(DocumentedExamples.arguments("stocktake backup - | gzip > stocktaking.db.gz") == ["backup", "-"])
        #expect(DocumentedExamples.arguments("stocktake sql - --format json < query.sql") == ["sql", "-", "--format", "json"])
        #expect(DocumentedExamples.arguments("stocktake import x.csv   # all or nothing") == ["import", "x.csv"])
        #expect(DocumentedExamples.arguments("stocktake sql 'SELECT 1 # no comment'") == ["sql", "SELECT 1 # no comment"])
    }

    @Test func everyExampleInACommandsHelpParsesAsThatCommand() throws {
        var parsedExamples = 0
        for command in CommandTree.leaves {
            let examples = DocumentedExamples.lines(of: command.type)
            if command.type.configuration.discussion.contains("Example") {
                #expect(!examples.isEmpty, "\(command.name): the discussion announces examples but none was read")
            }
            for example in examples {
                let arguments = DocumentedExamples.arguments(example)
                #expect(Array(arguments.prefix(command.path.count)) == command.path, "\(command.name) documents \(example)")
                do {
                    let parsed = try Self.parse(arguments)
                    #expect(Self.isCommand(parsed, command.type), "\(example) parsed as \(Swift.type(of: parsed))")
                    parsedExamples += 1
                } catch {
                    Issue.record("\(example): \(StocktakeCommand.fullMessage(for: error))")
                }
            }
        }
        #expect(parsedExamples >= 20, "only \(parsedExamples) examples were read from the help texts")
    }

    @Test func everyCommandHasAnExampleInItsHelpOrAPlainInvocationHere() throws {
        let leaves = CommandTree.leaves
        #expect(leaves.count >= 20)
        for command in leaves {
            let documented = !DocumentedExamples.lines(of: command.type).isEmpty
            let plain = Self.plainInvocations[command.name] ?? []
            #expect(documented || !plain.isEmpty, "\(command.name) has no example in its help and no invocation in plainInvocations")
            for arguments in plain {
                let parsed = try Self.parse(arguments)
                #expect(Self.isCommand(parsed, command.type), "\(arguments) parsed as \(Swift.type(of: parsed))")
            }
        }
        // No stale entry: each names a command that exists and has no example of its own.
        for name in Self.plainInvocations.keys {
            let command = leaves.first { $0.name == name }
            #expect(command != nil, "plainInvocations names \(name), which is no command")
            if let command { #expect(DocumentedExamples.lines(of: command.type).isEmpty, "\(name) has examples in its help now") }
        }
    }

    /// The README's command lines (in its code blocks) parse too: a user copies them first.
    @Test func everyCommandLineInTheREADMEParses() throws {
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var inCode = false
        var parsedLines = 0
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("```") {
                inCode.toggle()
                continue
            }
            guard inCode else { continue }
            let command: Substring
            if text.hasPrefix("stocktake ") {
                command = Substring(text)
            } else if let range = text.range(of: "swift run -c release stocktake ") {
                command = "stocktake " + text[range.upperBound...]
            } else {
                continue
            }
            let arguments = DocumentedExamples.arguments(String(command))
            if let refusal = Self.refusal(arguments) {
                Issue.record("README: \(text): \(refusal.message)")
            }
            parsedLines += 1
        }
        #expect(parsedLines >= 5, "only \(parsedLines) command lines found in the README")
    }

    /// What a few documented examples mean once parsed: the values reach the options they name.
    @Test func documentedExamplesSetTheOptionsTheyName() throws {
        let find = try #require(try Self.parse(DocumentedExamples.arguments(
            #"stocktake find --search "telemedicine rural" --snippet --limit 20"#)) as? StocktakeCommand.Find)
        #expect(find.filters.search?.text == "telemedicine rural")
        #expect(find.snippet)
        #expect(find.limit == 20)
        #expect(!find.count)

        let sorted = try #require(try Self.parse(["find", "--country", "KE", "--columns", "external_id,title,start_date", "--sort", "start_date:desc"]) as? StocktakeCommand.Find)
        #expect(sorted.columns == "external_id,title,start_date")
        #expect(sorted.sort == ["start_date:desc"])
        #expect(sorted.limit == nil)

        let bundle = try #require(try Self.parse(["export", "--bundle", "/srv/exports", "--keep", "14", "--if-changed", "--mode", "0640"]) as? StocktakeCommand.Export)
        #expect(bundle.bundle == "/srv/exports")
        #expect(bundle.keep == 14)
        #expect(bundle.ifChanged)
        #expect(bundle.out == nil)
        #expect(bundle.permissions.mode?.file == 0o640)

        let mapped = try #require(try Self.parse(["import", "--generate-ids", "ITU", "--map", "Project Name=title", "export.csv"]) as? StocktakeCommand.Import)
        #expect(mapped.file == "export.csv")
        #expect(mapped.reading.generateIDs == "ITU")
        #expect(mapped.reading.mappings == ["Project Name=title"])
        #expect(!mapped.skipInvalid)

        let sql = try #require(try Self.parse(["sql", "-p", "id=WSIS-0000000042", "SELECT * FROM project_flat WHERE external_id = :id"]) as? StocktakeCommand.SQL)
        #expect(sql.statement == "SELECT * FROM project_flat WHERE external_id = :id")
        #expect(sql.parameters == ["id=WSIS-0000000042"])

        let backup = try #require(try Self.parse(["backup", "-", "--keep", "3"]) as? StocktakeCommand.Backup)
        #expect(backup.path == "-")
        #expect(backup.keep == 3)

        let revert = try #require(try Self.parse(["imports", "revert", "41"]) as? StocktakeCommand.Imports.Revert)
        #expect(revert.batch == 41)

        let delete = try #require(try Self.parse(["delete", "WSIS-1", "WSIS-2"]) as? StocktakeCommand.Delete)
        #expect(delete.externalIDs == ["WSIS-1", "WSIS-2"])
    }

    /// `--db` and `--busy-timeout` may come before the subcommand name, also before a nested one.
    @Test(arguments: [
        (["--db", "x.db", "ref", "sdgs"], "x.db", nil),
        (["--db=x.db", "--busy-timeout", "5", "imports", "show", "3"], "x.db", 5),
        (["find", "--count", "--db", "x.db"], "x.db", nil),
        (["--busy-timeout=0", "check"], nil, 0),
    ] as [([String], String?, Double?)])
    func globalOptionsReachTheSubcommandWhereverTheyStand(_ arguments: [String], _ db: String?, _ busyTimeout: Double?) throws {
        let globals: GlobalOptions
        switch try Self.parse(arguments) {
        case let command as StocktakeCommand.Ref.SDGs: globals = command.globals
        case let command as StocktakeCommand.Imports.ShowBatch: globals = command.globals
        case let command as StocktakeCommand.Find: globals = command.globals
        case let command as StocktakeCommand.Check: globals = command.globals
        case let other: throw UnexpectedCommand(parsed: "\(Swift.type(of: other))")
        }
        #expect(globals.db == db)
        #expect(globals.busyTimeout == busyTimeout)
    }

    /// Refused before anything runs, with a message naming what was wrong, and exit 64.
    @Test(arguments: [
        // argument-parser's own checks
        (["find", "--nope"], "Unknown option '--nope'"),
        (["find", "--limit"], "Missing value for '--limit <n>'"),
        (["find", "--limit", "ten"], "The value 'ten' is invalid for '--limit <n>'"),
        (["find", "--limit", "-1"], "Missing value for '--limit <n>'"),  // a negative number reads as an option
        (["show"], "Missing expected argument '<external-id>'"),
        (["imports", "revert", "last"], "The value 'last' is invalid for '<batch>'"),
        (["stats", "--by", "planet"], "The value 'planet' is invalid for '--by <dimension>'"),
        (["show", "WSIS-1", "--format", "yaml"], "The value 'yaml' is invalid for '--format <format>'"),
        (["export", "--kind", "people"], "The value 'people' is invalid for '--kind <kind>'"),
        (["ref", "sdgs", "extra"], "Unexpected argument 'extra'"),
        // the commands' own validation
        (["--busy-timeout=-1", "find"], "--busy-timeout must be a number of seconds from 0 up to 86400"),
        (["find", "--limit=-1"], "--limit must be 0 or more"),
        (["find", "--offset=-1"], "--offset must be 0 or more"),
        (["find", "--snippet"], "--snippet needs --search"),
        (["find", "--fts-syntax"], "--fts-syntax needs --search"),
        (["find", "--sort", "relevance"], "--sort relevance needs --search"),
        (["find", "--count", "--limit", "5"], "--count prints only a number; it cannot be combined with"),
        (["find", "--timeout", "0", "--search", "x"], "--timeout must be a number of seconds above 0"),
        (["find", "--format", "json", "--no-header"], "--no-header is for --format csv or tsv; json has no header line to leave out"),
        (["stats"], "give --by DIMENSION (once or twice) or --matrix"),
        (["stats", "--matrix", "--by", "sdg"], "give either --matrix or --by, not both"),
        (["stats", "--by", "sdg", "--by", "year", "--by", "region"], "--by takes at most two dimensions"),
        (["stats", "--matrix", "--sort", "count"], "--sort applies to one --by dimension only"),
        (["export", "--keep", "3"], "--keep needs --bundle"),
        (["export", "--if-changed"], "--if-changed needs --bundle"),
        (["export", "--bundle", "d", "--out", "x.csv"], "--bundle writes its own files; it cannot be combined with"),
        (["export", "--labels"], "--labels is for --format json or ndjson"),
        (["export", "--format", "json", "--bom"], "--bom and --excel-safe are for --format csv or tsv"),
        (["export", "--kind", "prizes", "--since-batch", "3"], "--since-batch applies to --kind projects only"),
        (["export", "--since-batch=-1"], "--since-batch must be a batch number (0 for all)"),
        (["export", "--mode", "999", "--out", "x.csv"], "The value '999' is invalid for '--mode <octal>': use octal digits 0-7"),
        (["report", "--mode", "0440"], "the owner must keep read and write"),
        (["import", "x.csv", "--rejects", "r.csv"], "--rejects needs --skip-invalid"),
        (["import", "x.csv", "--tsv", "--delimiter", ";"], "give either --tsv or --delimiter, not both"),
        (["import", "x.csv", "--delimiter", "ab"], "--delimiter must be one ASCII character (or \\t)"),
        (["import", "x.csv", "--encoding", "ebcdic"], "unknown encoding \"ebcdic\"; use one of:"),
        (["import", "x.csv", "--date-format", "YYYY/MM/DD"], "--date-format must be DD/MM/YYYY or MM/DD/YYYY"),
        (["import", "x.csv", "--map", "no-equals-sign"], "--map expects \"Source Header=field\""),
        (["import", "x.csv", "--max-field-size", "0"], "--max-field-size must be from 1 to"),
        (["import", "--kind", "prizes", "--generate-ids", "X", "p.csv"], "--generate-ids applies to projects only"),
        (["backup", "b.db", "--keep", "0"], "--keep must be at least 1"),
        (["check", "--examples=-1"], "--examples cannot be negative"),
        (["migrate", "--format", "json"], "--format applies to --status only"),
        (["sql", "SELECT 1", "-p", "novalue"], "expected name=value"),
        (["sql", "SELECT 1", "-p", "=1"], "the name is empty"),
        (["sql", "SELECT 1", "-p", "a=1", "-p", "a=2"], "is given twice"),
        (["sql", "SELECT 1", "--timeout", "0"], "--timeout must be a number of seconds above 0"),
    ] as [([String], String)])
    func badOptionsAreRefusedWithTheRightMessageAndExit64(_ arguments: [String], _ expected: String) throws {
        let refusal = try #require(Self.refusal(arguments), "\(arguments) parsed")
        #expect(refusal.message.contains(expected), "\(arguments): \(refusal.message)")
        #expect(refusal.status == ExitStatus.usage.rawValue, "\(arguments)")
        // A usage error shows how the command is used, so the user sees the right spelling.
        #expect(refusal.message.contains("Usage: stocktake"), "\(arguments): \(refusal.message)")
    }

    /// `--help` (`-h`) after any command is its help, printed with exit 0; `--version` too.
    @Test(arguments: [
        (["--help"], "USAGE: stocktake [--db <path>] [--busy-timeout <seconds>] <subcommand>"), (["find", "--help"], "USAGE: stocktake find"),
        (["imports", "revert", "-h"], "USAGE: stocktake imports revert"), (["ref", "sdgs", "--help"], "USAGE: stocktake ref sdgs"),
        (["help", "export"], "USAGE: stocktake export"), (["--version"], StocktakeVersion.current),
    ] as [([String], String)])
    func helpAndVersionAreAnsweredWithExit0(_ arguments: [String], _ expected: String) throws {
        let answer: (message: String, status: Int32)
        do {
            var parsed = try Self.parse(arguments)
            // Only argument-parser's help command is run here, never a stocktake command.
            try #require(!CommandTree.all.contains { Self.isCommand(parsed, $0.type) }, "\(arguments) parsed as \(Swift.type(of: parsed))")
            try parsed.run()
            Issue.record("\(arguments): no help")
            return
        } catch {
            answer = (StocktakeCommand.fullMessage(for: error), StocktakeCommand.exitCode(for: error).rawValue)
        }
        #expect(answer.status == 0, "\(arguments)")
        #expect(answer.message.contains(expected), "\(arguments): \(answer.message)")
    }
}
