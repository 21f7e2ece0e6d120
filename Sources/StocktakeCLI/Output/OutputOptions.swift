import ArgumentParser
import Glibc
import Stocktaking

/// `--format` of the commands that print rows: any registered format meant for listings.
extension OutputFormat: ExpressibleByArgument {
    public init?(argument: String) {
        guard let format = OutputFormat.named(argument), format.forListings else { return nil }
        self = format
    }

    public static var allValueStrings: [String] { OutputFormat.listings.map(\.name) }
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }

    /// A table on a terminal, CSV when piped (so the next tool reads it).
    static func automatic(requested: OutputFormat?) -> OutputFormat {
        requested ?? (isatty(STDOUT_FILENO) == 1 ? .table : .csv)
    }
}

struct OutputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Output format: \(OutputFormat.spokenList(OutputFormat.listings)) (default: table on a terminal, csv otherwise).")
    var format: OutputFormat?

    @Flag(help: "CSV/TSV: leave out the header line (for `while read` loops); without --format it means csv.")
    var noHeader = false

    func validate() throws {
        if noHeader, let format, !format.isDelimited {
            throw ValidationError("--no-header is for --format csv or tsv; \(format.name) has no header line to leave out")
        }
    }

    /// The format asked for; without --format, a table on a terminal and CSV otherwise, or CSV
    /// whenever --no-header asks for rows without a header.
    var resolvedFormat: OutputFormat { noHeader && format == nil ? .csv : OutputFormat.automatic(requested: format) }

    /// A writer of rows with `columns` to standard output, in the resolved format and header
    /// choice; a table fits the terminal and says on stderr when it cannot.
    func printer(columns: [String]) -> RowWriter {
        let format = resolvedFormat
        let settings = EncoderSettings(
            columns: columns, width: format == .table ? Terminal.width() : EncoderSettings.defaultWidth, note: printError)
        return RowWriter(format: format, columns: columns, header: !noHeader, sink: .standardOutput(), settings: settings)
    }

    /// Prints a whole result in one call.
    func print(columns: [String], rows: [[QueryValue]]) throws {
        let printer = printer(columns: columns)
        try printer.start()
        for row in rows { try printer.add(row) }
        try printer.finish()
    }
}

/// `export --format`: a registered format meant for files.
struct ExportFormatArgument: ExpressibleByArgument {
    let format: ExportFormat

    init?(argument: String) {
        guard let format = OutputFormat.named(argument), format.forExport else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { OutputFormat.exports.map(\.name) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var defaultValueDescription: String { format.name }
}

enum Terminal {
    /// The terminal's width in columns ($COLUMNS, else the tty size, else 100).
    static func width() -> Int {
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 20 { return columns }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return EncoderSettings.defaultWidth
    }
}
