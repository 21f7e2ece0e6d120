import ArgumentParser
import Stocktaking

extension StocktakeCommand {
    struct Report: StocktakeSubcommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case html, markdown
        }

        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the stocktaking report: totals, years, Action Lines, SDGs, regions, the Action Line × SDG heat map, prizes and data quality.",
            discussion: """
                HTML is one self-contained file (inline CSS and SVG, nothing fetched), readable on a phone and printable; Markdown has the same tables. The find filters narrow the projects counted; the numbers equal `stocktake stats` for the same filters. --out follows the rules of `export --out`, --mode too.

                Examples:
                  stocktake report --out report.html
                  stocktake report --format markdown --region AFR --submitted-since 2024 --out africa-2024.md
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var permissions: OutputModeOptions

        @Option(help: "Output format: html or markdown.")
        var format: Format = .html

        @Option(help: ArgumentHelp("Where to write; - is standard output.", valueName: "path"))
        var out: String = "-"

        func execute() throws {
            let target = try globals.checkedOutputs([(.out, out)], inputs: source.inputs)[0]
            let mode = try permissions.mode(for: target)
            let catalog = try source.open(globals)
            defer { catalog.close() }
            let filter = try filters.filter(catalog)
            let report = try StocktakingReport(catalog: catalog, filter: filter, scope: filters.scope)
            let text = format == .html ? ReportHTML.render(report) : ReportMarkdown.render(report)
            try writeOutput(to: target, mode: mode) { sink in try sink.write(text) }
        }
    }
}
