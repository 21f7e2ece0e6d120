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
                contents or a complete, checked copy.

                Example:
                  stocktake backup /srv/backups/stocktaking-$(date +%F).db
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: ArgumentHelp("Where to write the copy.", valueName: "path"))
        var path: String

        func execute() throws {
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            let bytes = try DatabaseBackup(catalog: catalog).write(to: path)
            printError("backed up \(catalog.path) to \(path) (\(bytes) bytes, integrity ok)")
        }
    }
}
