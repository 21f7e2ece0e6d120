import ArgumentParser
import SafeText
import Stocktaking

extension StocktakeCommand {
    struct SchemaCommand: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "List the tables, views and columns you can query with `stocktake sql`, one line each.",
            discussion: """
                Read from the database itself, so it matches the schema version of the file given with --db. A table's own row has an empty column; its columns follow, in order. The tool's internal bookkeeping tables and FTS5's storage tables are left out.

                Examples:
                  stocktake schema
                  stocktake schema project_flat
                  stocktake schema --format csv > schema.csv
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("Only this table or view.", valueName: "table"))
        var table: String?

        func execute() throws {
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            var relations = try SchemaGuide.load(from: catalog).relations
            if let table {
                relations = relations.filter { $0.name.lowercased() == table.lowercased() }
                guard !relations.isEmpty else { throw UnknownTable(name: table) }
            }
            var rows: [[QueryValue]] = []
            for relation in relations {
                rows.append([.text(relation.name), .text(relation.kind), .null, .null, relation.description.map(QueryValue.text) ?? .null])
                for column in relation.columns {
                    rows.append([
                        .text(relation.name), .text(relation.kind), .text(column.name), .text(column.type),
                        column.description.map(QueryValue.text) ?? .null,
                    ])
                }
            }
            try output.print(columns: ["table", "kind", "column", "type", "description"], rows: rows, globals: globals)
        }
    }

    struct UnknownTable: Error, CustomStringConvertible, ExitStatusProviding {
        let name: String
        var exitStatus: ExitStatus { .usage }
        var description: String { "no table or view \(TerminalText.quoted(name)); `stocktake schema` lists them" }
    }
}
