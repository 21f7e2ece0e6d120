import ArgumentParser
import SQLite
import Stocktaking

extension StocktakeCommand {
    struct Init: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the database (or upgrade it) with the schema and the WSIS reference data.")

        @OptionGroup var globals: GlobalOptions

        func execute() throws {
            let existed = Glibc.access(globals.databasePath, F_OK) == 0
            let catalog = try globals.open(.migrate)
            defer { catalog.close() }
            let applied = !existed ? "created with \(Schema.migrations.count) migrations"
                : catalog.appliedMigrations.isEmpty ? "up to date, no migration applied" : "applied " + catalog.appliedMigrations.joined(separator: ", ")
            print("Database \(catalog.path) is ready (schema \(Schema.version); \(applied)): \(catalog.reference.actionLines.count) Action Lines, \(catalog.reference.sdgs.count) SDGs, \(catalog.reference.countries.count - 1) countries.")
        }
    }

    struct Migrate: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply pending schema migrations, or list them with --status.",
            discussion: "The migrations are carried inside the binary. --status never changes the database.")

        @OptionGroup var globals: GlobalOptions
        @Flag(help: "List applied and pending migrations without applying any.")
        var status = false
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if output.format != nil && !status { throw ValidationError("--format applies to --status only") }
            if output.out != nil && !status { throw ValidationError("--out applies to --status only") }
        }

        func execute() throws {
            if status {
                let statuses = try Catalog.migrationStatus(at: globals.databasePath, busyTimeout: globals.busyTimeout ?? 30)
                    ?? Schema.migrator.migrations.map { MigrationStatus(identifier: $0.identifier, state: .pending, appliedAt: nil) }
                try output.print(
                    columns: ["migration", "state", "applied_at"],
                    rows: statuses.map { [.text($0.identifier), .text($0.state.rawValue), $0.appliedAt.map(QueryValue.text) ?? .null] },
                    globals: globals)
                return
            }
            let catalog = try globals.open(.migrate)
            defer { catalog.close() }
            let applied = catalog.appliedMigrations
            printError(applied.isEmpty ? "\(catalog.path) is up to date (\(Schema.version))" : "applied \(applied.joined(separator: ", ")) to \(catalog.path)")
        }
    }
}

import Glibc
