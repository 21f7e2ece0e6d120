import ArgumentParser
import Stocktaking

extension StocktakeCommand {
    struct Find: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "find",
            abstract: "List the projects that match the filters.",
            discussion: """
                Filters combine with AND; repeating a filter, or giving a comma list, means OR. A value is first looked up whole, so names with commas work ("Korea, Republic of"); only a value that names nothing whole is split on its commas. An unknown filter value is a usage error (exit 64) with a suggestion. --action-line C7 matches all eight C7 applications.

                --search looks in title, description and organization through the full-text index, ignoring case and accents; the text is taken literally (punctuation, quotes, AND/OR/NOT), and rows come out by relevance unless --sort is given. Chinese, Japanese and Thai words, which the index cannot split out of a run of text, are found by a substring scan instead, and so are emoji and other symbols, which the index leaves out. A search with no word, number or symbol (--search '', '-', '""') is a usage error (exit 64).

                Link columns (countries, regions, action_lines, sdgs, gdc_objectives, prizes) print as ';' lists in text formats and as arrays in JSON.

                Examples:
                  stocktake find --action-line C5 --sdg 4 --active-in 2020 --limit 50
                  stocktake find --region AFR,ARB --prize winner --format json
                  stocktake find --search "telemedicine rural" --snippet --limit 20
                  stocktake find --country KE --columns external_id,title,start_date --sort start_date:desc
                  stocktake find --sdg 13 --count
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var output: OutputOptions

        @Option(help: ArgumentHelp(
            "Columns to print, a comma list or all: \(ProjectColumn.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "list"))
        var columns: String?

        @Option(help: ArgumentHelp(
            "Order by KEY, KEY:desc or -KEY (repeatable): \(ProjectSort.Key.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "key"))
        var sort: [String] = []

        @Option(help: ArgumentHelp("Print at most this many projects.", valueName: "n"))
        var limit: Int?

        @Option(help: ArgumentHelp("Skip this many projects first.", valueName: "n"))
        var offset: Int = 0

        @Flag(help: "Print only the number of matching projects.")
        var count = false

        @Option(help: ArgumentHelp(
            "With --fts-syntax: interrupt the search after this many seconds, printing included.",
            valueName: "seconds"))
        var timeout: Double = ReadOnlySQL.defaultTimeout

        @Flag(help: "Add a snippet column: the fragment that matched --search, the match in [brackets].")
        var snippet = false

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
            if offset < 0 { throw ValidationError("--offset must be 0 or more") }
            try Seconds.validate(timeout, option: "--timeout", allowingZero: false)
            _ = try fields()
            let sorts = try sortOrder()
            // A search with no word is refused when the filter is resolved, with its own message.
            let searching = filters.search != nil
            if snippet && !searching { throw ValidationError("--snippet needs --search") }
            if count {
                // --count prints one number: options that shape rows would be silently ignored.
                let shaping = [
                    ("--columns", columns != nil), ("--sort", !sort.isEmpty), ("--limit", limit != nil), ("--offset", offset != 0),
                    ("--snippet", snippet), ("--format", output.format != nil), ("--no-header", output.noHeader),
                ]
                if let given = shaping.first(where: \.1) { throw ValidationError("--count prints only a number; it cannot be combined with \(given.0)") }
            }
            if sorts.contains(where: { $0.key == .relevance }) && !searching {
                throw ValidationError("--sort relevance needs --search")
            }
        }

        func fields() throws -> [ProjectColumn] {
            var fields = ProjectColumn.defaultFindColumns
            if let columns {
                do throws(ResolutionError) { fields = try ProjectColumn.findColumns(parsing: columns) } catch {
                    throw ValidationError("--columns: \(error)")
                }
            }
            if snippet && !fields.contains(.snippet) { fields.append(.snippet) }
            return fields
        }

        func sortOrder() throws -> [ProjectSort] {
            var order: [ProjectSort] = []
            for item in sort.flatMap({ $0.split(separator: ",") }) {
                do throws(ResolutionError) { order.append(try ProjectSort(parsing: String(item))) } catch {
                    throw ValidationError("--sort: \(error)")
                }
            }
            return order
        }

        func execute() throws {
            let catalog = try source.open(globals)
            defer { catalog.close() }
            let query = ProjectQuery(
                filter: try filters.filter(catalog), fields: try fields(), sort: try sortOrder(), limit: limit,
                offset: offset)
            // A raw FTS5 query is the user's own program: it runs under sql's time limit.
            if filters.ftsSyntax {
                try catalog.withTimeLimit(seconds: timeout) { checkTime in try run(query, in: catalog, checkTime: checkTime) }
            } else {
                try run(query, in: catalog, checkTime: {})
            }
        }

        private func run(_ query: ProjectQuery, in catalog: Catalog, checkTime: () throws -> Void) throws {
            if count {
                print(try query.count(in: catalog))
                return
            }
            let dates = Set(query.fields.indices.filter { if case .date = query.fields[$0].declaration.importRule { true } else { false } })
            let printer = try output.printer(columns: query.fields.map(\.rawValue), globals: globals, dateColumns: dates, inputs: source.inputs)
            try printer.start()
            try query.forEachRow(in: catalog) { row in
                try printer.add(row)
                try checkTime()
            }
            try printer.finish()
        }
    }
}
