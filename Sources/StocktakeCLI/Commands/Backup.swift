import ArgumentParser
import Stocktaking

extension StocktakeCommand {
    struct Backup: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy the database to a file, consistently, while others keep reading and writing.",
            discussion: """
                Uses SQLite's online backup API into a temporary file next to PATH, checks the copy with PRAGMA integrity_check, then renames it over PATH (mode 0600, or --mode). PATH holds either its previous contents or a complete, checked copy. PATH follows the rules of `export --out`: - writes the copy to standard output, a device or FIFO receives it as a stream, and the database itself is refused.

                --keep N also writes PATH.stocktake-backup.json (the database, time, size and sha256 of the copy) and removes all but the newest N backups of the same database in PATH's directory that have such a record and still match its size and sha256. Files without a record (copies made by hand, backups written without --keep) are never removed, whatever their names.

                Examples:
                  stocktake backup /srv/backups/stocktaking-$(date +%F).db --keep 14 --mode 0640
                  stocktake backup - | gzip > stocktaking.db.gz
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var permissions: OutputModeOptions

        @Argument(help: ArgumentHelp("Where to write the copy, or - for standard output.", valueName: "path"))
        var path: String

        @Option(help: ArgumentHelp("Keep only the newest N backups this tool recorded in PATH's directory.", valueName: "n"))
        var keep: Int?

        func validate() throws {
            if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
        }

        func execute() throws {
            let target = try globals.checkedOutputs([(.backupPath, path)])[0]
            let mode = try permissions.mode(for: target)
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            let backup = DatabaseBackup(catalog: catalog, mode: mode, toolVersion: StocktakeVersion.current)
            guard let keep else {
                let bytes = try backup.write(to: target)
                printError("backed up \(catalog.path) to \(target.displayName) (\(bytes) bytes, integrity ok)")
                return
            }
            let result = try backup.write(to: target, keep: keep)
            let pruned = result.removed.isEmpty ? "" : "; removed \(result.removed.count) older backup\(result.removed.count == 1 ? "" : "s")"
            printError("backed up \(catalog.path) to \(target.displayName) (\(result.bytes) bytes, integrity ok\(pruned))")
        }
    }
}
