import ArgumentParser
import Glibc
import SafeText
import Stocktaking

/// `stocktake`: the root command. Holds only configuration and the options every subcommand shares.
public struct StocktakeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stocktake",
        abstract: "Manage the WSIS Stocktaking Database in SQLite: import, query, export.",
        discussion: """
            The database is --db PATH, else $STOCKTAKE_DB, else ./stocktaking.db. --db may be given before or after the subcommand name.

            \(ExitStatus.table)
            """,
        version: StocktakeVersion.current,
        subcommands: [
            Init.self, Migrate.self, Import.self, Inspect.self, Imports.self, Delete.self, Ref.self, Find.self, Show.self, Stats.self, SQL.self, SchemaCommand.self,
            Export.self, Backup.self, Check.self, Report.self, Serve.self,
        ]
    )

    /// Accepted here so `stocktake --db x.db ref sdgs` works; subcommands read it via `GlobalOptions`.
    @OptionGroup public var globals: GlobalOptions

    public init() {}

    /// Runs the tool. Options shared by every subcommand (`--db`, `--busy-timeout`) may precede the
    /// subcommand name; they are moved after it before parsing, so each subcommand sees them.
    public static func main() {
        // A write past RLIMIT_FSIZE must fail with EFBIG (reported, exit 1), not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        // ParsableCommand.main(_:) would print argument-parser's messages as they are, and they quote
        // the offending argument (`The value '…' is invalid`) whole and raw; report them like ours.
        do {
            let arguments = GlobalOptions.movingLeadingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
            if let message = unknownSubcommandMessage(arguments) {
                printDiagnostic("stocktake: " + message)
                Glibc.exit(ExitStatus.usage.rawValue)
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exitReporting(error)
        }
    }

    /// `stocktake fnd` and `stocktake help nosuch`: a word where a subcommand name belongs that is
    /// none, with the nearest name as a suggestion. (argument-parser would say "Unexpected argument",
    /// and `help nosuch` would print the main help with exit 0, which a script reads as success.)
    static func unknownSubcommandMessage(_ arguments: [String]) -> String? {
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        var words = arguments.prefix { !$0.hasPrefix("-") }
        if words.first == "help" { words = words.dropFirst() }
        guard let word = words.first, !names.contains(word) else { return nil }
        let nearest = names.filter { $0 != "help" }.min { editDistance($0, word) < editDistance($1, word) }
        var message = "unknown command " + TerminalText.quoted(word)
        if let nearest, editDistance(nearest, word) <= max(1, word.count / 3) { message += "; did you mean '\(nearest)'?" }
        return message + " (`stocktake --help` lists the commands)"
    }

    /// Levenshtein distance, for suggestions among a dozen short names.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// Exits as argument-parser's `exit(withError:)` does (help and version on stdout, errors on
    /// stderr, its exit code), with control characters escaped and overlong lines cut.
    static func exitReporting(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if !message.isEmpty {
            if code == .success {
                print(message)
            } else {
                // An argument may be megabytes long; a line of a usage message is never near this.
                let lineLimit = 500
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.unicodeScalars.count > lineLimit ? String(Substring(line.unicodeScalars.prefix(lineLimit))) + "…" : String(line)
                }
                printDiagnostic(lines.joined(separator: "\n"))
            }
        }
        Glibc.exit(code.rawValue)
    }
}

public enum StocktakeVersion {
    public static let current = "0.1.0"
}
