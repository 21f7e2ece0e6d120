import ArgumentParser
import Glibc

/// How commands print rows.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, csv, tsv, json, ndjson, markdown

    /// A table on a terminal, CSV when piped (so the next tool reads it).
    static func automatic(requested: OutputFormat?) -> OutputFormat {
        requested ?? (isatty(STDOUT_FILENO) == 1 ? .table : .csv)
    }
}

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv, tsv, json, ndjson or markdown (default: table on a terminal, csv otherwise).")
    var format: OutputFormat?

    @Flag(help: "CSV/TSV: leave out the header line (for `while read` loops); without --format it means csv.")
    var noHeader = false

    func validate() throws {
        if noHeader, let format, format != .csv && format != .tsv {
            throw ValidationError("--no-header is for --format csv or tsv; \(format.rawValue) has no header line to leave out")
        }
    }

    /// The format asked for; without --format, a table on a terminal and CSV otherwise, or CSV
    /// whenever --no-header asks for rows without a header.
    var resolvedFormat: OutputFormat { noHeader && format == nil ? .csv : OutputFormat.automatic(requested: format) }

    /// A printer for `columns` in the resolved format and header choice.
    func printer(columns: [String]) -> RowPrinter {
        RowPrinter(format: resolvedFormat, columns: columns, header: !noHeader)
    }

    /// Prints a whole result in one call.
    func print(columns: [String], rows: [[Cell]]) throws {
        try RowPrinter.print(format: resolvedFormat, header: !noHeader, columns: columns, rows: rows)
    }
}
