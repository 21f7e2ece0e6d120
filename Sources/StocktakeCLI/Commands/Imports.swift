import ArgumentParser
import SafeText
import Stocktaking

extension StocktakeCommand {
    struct Imports: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "imports",
            abstract: "List, show and revert import batches.",
            subcommands: [List.self, ShowBatch.self, Revert.self],
            defaultSubcommand: List.self)
    }

    struct Delete: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete projects by external_id, recorded as a batch that `imports revert` can undo.",
            discussion: "All or nothing: if any id is unknown, nothing is deleted (exit 65).")

        @OptionGroup var globals: GlobalOptions
        @Argument(help: ArgumentHelp("External ids of the projects to delete.", valueName: "external-id"))
        var externalIDs: [String]

        func execute() throws {
            let catalog = try globals.open(.write)
            defer { catalog.close() }
            let summary = try BatchOperations(catalog: catalog).delete(externalIDs: externalIDs)
            printError("deleted \(summary.counts.deleted) project(s) (batch \(summary.batchID ?? 0))")
        }
    }
}

extension StocktakeCommand.Imports {
    static let columns = [
        "batch", "kind", "file", "started_at", "finished_at", "user", "inserted", "updated", "unchanged", "rejected",
        "deleted", "sha256", "reverts", "reverted_by",
    ]

    static func cells(_ batch: ImportBatch) -> [QueryValue] {
        [.integer(batch.id), .text(batch.kind.rawValue), batch.fileName.map(QueryValue.text) ?? .null, .text(batch.startedAt),
         batch.finishedAt.map(QueryValue.text) ?? .null, batch.user.map(QueryValue.text) ?? .null, .integer(Int64(batch.inserted)),
         .integer(Int64(batch.updated)), .integer(Int64(batch.unchanged)), .integer(Int64(batch.rejected)),
         .integer(Int64(batch.deleted)), batch.sha256.map(QueryValue.text) ?? .null, batch.revertsBatchID.map(QueryValue.integer) ?? .null,
         batch.revertedByBatchID.map(QueryValue.integer) ?? .null]
    }

    struct List: StocktakeSubcommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the import batches, oldest first.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions

        func execute() throws {
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            let batches = try BatchRepository(database: catalog.database).all()
            try output.print(columns: StocktakeCommand.Imports.columns, rows: batches.map(StocktakeCommand.Imports.cells), globals: globals)
        }
    }

    struct ShowBatch: StocktakeSubcommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one import batch with its options.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The batch number.") var batch: Int64

        func execute() throws {
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            guard let found = try BatchRepository(database: catalog.database).find(id: batch) else {
                throw BatchOperationRefused.noImportBatch(batch)
            }
            let columns = StocktakeCommand.Imports.columns + ["options"]
            let cells = StocktakeCommand.Imports.cells(found) + [.text(found.options)]
            guard output.resolvedFormat == .table else {
                return try output.print(columns: columns, rows: [cells], globals: globals)
            }
            // One batch on a terminal: a `key  value` line per field, as `show` prints a project,
            // rather than a one-row table fifteen columns wide.
            let width = columns.map(\.count).max() ?? 0
            var text = ""
            for (column, cell) in zip(columns, cells) {
                let value = TerminalText.visible(TableLayout.oneLine(cell.textValue ?? ""))
                text += value.isEmpty ? column + "\n" : column + String(repeating: " ", count: width - column.count + 2) + value + "\n"
            }
            let sink = FileSink.standardOutput()
            try sink.write(text)
            try sink.flush()
        }
    }

    struct Revert: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "revert",
            abstract: "Undo one batch: remove what it inserted, restore what it updated or deleted.",
            discussion: "Refused when a later batch changed the same projects; revert those first.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The batch number.") var batch: Int64

        func execute() throws {
            let catalog = try globals.open(.write)
            defer { catalog.close() }
            let summary = try BatchOperations(catalog: catalog).revert(batchID: batch)
            let counts = summary.counts
            printError("reverted batch \(batch): \(counts.deleted) removed, \(counts.updated) restored, \(counts.inserted) re-inserted (batch \(summary.batchID ?? 0))")
        }
    }
}
