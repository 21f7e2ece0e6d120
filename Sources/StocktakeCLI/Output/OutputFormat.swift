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

    var resolvedFormat: OutputFormat { OutputFormat.automatic(requested: format) }
}
