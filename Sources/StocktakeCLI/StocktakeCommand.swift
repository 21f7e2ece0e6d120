import ArgumentParser
import Glibc
import Stocktaking

/// `stocktake`: the root command. Holds only configuration and the options every subcommand shares.
public struct StocktakeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stocktake",
        abstract: "Manage the WSIS Stocktaking Database in SQLite: import, query, export.",
        discussion: """
            The database is --db PATH, else $STOCKTAKE_DB, else ./stocktaking.db. --db may be given before
            or after the subcommand name.

            \(ExitStatus.table)
            """,
        version: StocktakeVersion.current,
        subcommands: [
            Init.self, Migrate.self, Import.self, Imports.self, Delete.self, Ref.self, Find.self, Show.self, Stats.self, SQL.self, SchemaCommand.self,
            Export.self, Backup.self, Check.self, Report.self,
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
            var command = try parseAsRoot(GlobalOptions.movingLeadingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            exitReporting(error)
        }
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
