import ArgumentParser
import Stocktaking

extension StatisticsDimension: ExpressibleByArgument {}
extension FacetOrder: ExpressibleByArgument {}

extension StocktakeCommand {
    struct Stats: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Count projects per Action Line, SDG, region, year…, cross two dimensions, or print the WSIS–SDG matrix.",
            discussion: """
                Takes every filter of `find`. A project linked to two values counts once in each, so the rows can add up to more than the number of projects; the (total) row gives the distinct projects (what `find --count` prints for the same filters) and (none) those with no value at all. Closed sets list every value, zero counts included (the 18 leaf Action Lines, 17 SDGs, 5 GDC objectives, regions, stakeholder types, statuses, coverages, prize results).

                --by year counts the year submitted; --by active-year counts a project in every year it ran (start ≤ year ≤ end, or up to this year while ongoing without an end date).

                Examples:
                  stocktake stats --by action-line --sort count
                  stocktake stats --by region --by action-line --format csv
                  stocktake stats --matrix --share --region AFR
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var output: OutputOptions

        @Option(
            name: .customLong("by"),
            help: ArgumentHelp(
                "Count by this dimension; twice for a cross tab: \(StatisticsDimension.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "dimension"))
        var dimensions: [StatisticsDimension] = []

        @Flag(help: "The observed WSIS–SDG matrix: 18 leaf Action Lines and a C7 total × 17 SDGs.")
        var matrix = false

        @Flag(help: "Percentages: of the matching projects (one --by), or of each row's total (cross tab, matrix).")
        var share = false

        @Option(help: "Order of a facet's rows (one --by): count (most first) or code (reference order, the default).")
        var sort: FacetOrder?

        func validate() throws {
            if matrix && !dimensions.isEmpty { throw ValidationError("give either --matrix or --by, not both") }
            if !matrix && dimensions.isEmpty { throw ValidationError("give --by DIMENSION (once or twice) or --matrix") }
            if dimensions.count > 2 { throw ValidationError("--by takes at most two dimensions (a cross tab)") }
            // A cross tab and the matrix keep the reference order of both axes.
            if sort != nil && dimensions.count != 1 { throw ValidationError("--sort applies to one --by dimension only") }
        }

        func execute() throws {
            let catalog = try source.open(globals)
            defer { catalog.close() }
            let filter = try filters.filter(catalog)
            let statistics = Statistics(catalog: catalog)
            if matrix {
                try Self.print(try statistics.matrix(filter: filter), share: share, output: output, globals: globals, inputs: source.inputs)
            } else if dimensions.count == 2 {
                try Self.print(try statistics.crossTab(dimensions[0], dimensions[1], filter: filter), share: share, output: output, globals: globals, inputs: source.inputs)
            } else {
                try Self.print(try statistics.facet(by: dimensions[0], filter: filter).sorted(by: sort ?? .code), share: share, output: output, globals: globals, inputs: source.inputs)
            }
        }

        /// Percentages with one decimal.
        private static func percent(_ part: Int, of whole: Int) -> QueryValue {
            .real(whole == 0 ? 0 : (Double(part) * 1000 / Double(whole)).rounded() / 10)
        }

        static func print(_ facet: Facet, share: Bool, output: OutputOptions, globals: GlobalOptions, inputs: [String] = []) throws {
            let columns = [facet.dimension.columnName, "label", "projects"] + (share ? ["share"] : [])
            var rows = facet.rows.map { row in
                [QueryValue.text(row.value.code), .text(row.value.label), .integer(Int64(row.projects))]
                    + (share ? [percent(row.projects, of: facet.projectCount)] : [])
            }
            if facet.unassignedCount > 0 {
                rows.append([.null, .text("(none)"), .integer(Int64(facet.unassignedCount))]
                    + (share ? [percent(facet.unassignedCount, of: facet.projectCount)] : []))
            }
            rows.append([.null, .text("(total)"), .integer(Int64(facet.projectCount))] + (share ? [percent(facet.projectCount, of: facet.projectCount)] : []))
            try output.print(columns: columns, rows: rows, globals: globals, inputs: inputs)
        }

        static func print(_ table: CrossTab, share: Bool, output: OutputOptions, globals: GlobalOptions, inputs: [String] = []) throws {
            // A table on a terminal heads its columns with the bare codes (`4`, not `SDG 4`): the
            // 17 SDG columns of the matrix then fit 100 columns, and the key column names the axes.
            let onTerminal = output.resolvedFormat == .table
            let keyHeading = onTerminal
                ? "\(table.rowDimension.columnName) \\ \(table.columnDimension.columnName)" : table.rowDimension.columnName
            let headings = table.columns.map { onTerminal ? $0.code : table.columnDimension.heading(for: $0) }
            let columns = [keyHeading] + headings + ["total"]
            var rows: [[QueryValue]] = []
            for (index, value) in table.rows.enumerated() {
                let cells = table.counts[index].map { share ? percent($0, of: table.rowTotals[index]) : QueryValue.integer(Int64($0)) }
                rows.append([.text(value.code)] + cells + [.integer(Int64(table.rowTotals[index]))])
            }
            let totals = table.columnTotals.map { share ? percent($0, of: table.projectCount) : QueryValue.integer(Int64($0)) }
            rows.append([.text("(total)")] + totals + [.integer(Int64(table.projectCount))])
            try output.print(columns: columns, rows: rows, globals: globals, inputs: inputs)
        }
    }
}
