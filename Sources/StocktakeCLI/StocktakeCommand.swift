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
            Init.self, Migrate.self, Import.self, Imports.self, Delete.self, Ref.self, Find.self, Show.self, Stats.self, SQL.self,
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
        main(GlobalOptions.movingLeadingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
    }
}

public enum StocktakeVersion {
    public static let current = "0.1.0"
}
