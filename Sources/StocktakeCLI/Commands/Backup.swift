import ArgumentParser
import Stocktaking

extension StocktakeCommand {
    struct Backup: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy the database to a file, consistently, while others keep reading and writing.",
            discussion: """
                Uses SQLite's online backup API into a temporary file next to PATH, checks the copy with
                PRAGMA integrity_check, then renames it over PATH (mode 0600). PATH holds either its previous
                contents or a complete, checked copy. PATH follows the rules of `export --out`: - writes the copy
                to standard output, a device or FIFO receives it as a stream, and the database itself is refused.

                Example:
                  stocktake backup /srv/backups/stocktaking-$(date +%F).db
                  stocktake backup - | gzip > stocktaking.db.gz
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: ArgumentHelp("Where to write the copy, or - for standard output.", valueName: "path"))
        var path: String

        func execute() throws {
            let target = try globals.checkedOutputs([("backup", path)])[0]
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            let bytes = try DatabaseBackup(catalog: catalog).write(to: target)
            printError("backed up \(catalog.path) to \(target.displayName) (\(bytes) bytes, integrity ok)")
        }
    }
}
