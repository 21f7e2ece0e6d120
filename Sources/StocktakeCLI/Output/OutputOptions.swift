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

    @Option(help: ArgumentHelp("Write to this file instead of standard output, replaced atomically (--format xlsx needs one).", valueName: "path"))
    var out: String?

    @Flag(help: "xlsx: cut cells longer than Excel's 32,767 characters (listed on stderr and in the About sheet) instead of failing.")
    var truncateLongCells = false

    func validate() throws {
        if noHeader, let format, !format.isDelimited {
            throw ValidationError("--no-header is for --format csv or tsv; \(format.name) has no header line to leave out")
        }
        try validateFile(format: resolvedFormat, out: out, truncateLongCells: truncateLongCells)
    }

    /// The format asked for; without --format, a table on a terminal and CSV otherwise (or into
    /// an --out file), or CSV whenever --no-header asks for rows without a header.
    var resolvedFormat: OutputFormat {
        if format == nil && (noHeader || (out != nil && out != "-")) { return .csv }
        return OutputFormat.automatic(requested: format)
    }

    /// A writer of rows with `columns` to standard output or the --out file (checked against the
    /// database and its companions first), in the resolved format and header choice; a table fits
    /// the terminal and says on stderr when it cannot.
    ///
    /// - Parameters:
    ///   - dateColumns: columns holding ISO dates, which xlsx writes as dates.
    ///   - inputs: files the command reads (`--from`), which the --out file must not replace.
    func printer(columns: [String], globals: GlobalOptions, dateColumns: Set<Int> = [], inputs: [String] = []) throws -> Printer {
        let format = resolvedFormat
        var file: OutputFile?
        if let out, out != "-" {
            let target = try globals.checkedOutputs([(.out, out)], inputs: inputs)[0]
            file = try OutputFile(target, format: format, truncateLongCells: truncateLongCells)
            file?.workbook?.toolVersion = StocktakeVersion.current
        }
        var settings = EncoderSettings(
            columns: columns, width: format == .table ? Terminal.width() : EncoderSettings.defaultWidth, note: printError)
        settings.dateColumns = dateColumns
        let writer = RowWriter(format: format, columns: columns, header: !noHeader, sink: file?.sink ?? .standardOutput(), settings: settings)
        return Printer(writer: writer, file: file)
    }

    /// Prints a whole result in one call.
    func print(columns: [String], rows: [[QueryValue]], globals: GlobalOptions, inputs: [String] = []) throws {
        let printer = try printer(columns: columns, globals: globals, inputs: inputs)
        try printer.start()
        for row in rows { try printer.add(row) }
        try printer.finish()
    }
}

/// Rows on their way to standard output or an --out file: the file (a workbook for xlsx) is
/// committed by `finish()`; if anything fails before, it is left as it was.
final class Printer {
    let writer: RowWriter
    let file: OutputFile?

    init(writer: RowWriter, file: OutputFile?) {
        self.writer = writer
        self.file = file
    }

    func start() throws { try writer.start() }
    func add(_ row: [QueryValue]) throws { try writer.add(row) }

    func finish() throws {
        try writer.finish()
        try file?.commit()
        if let workbook = file?.workbook { reportTruncations(workbook.sheet) }
    }
}

/// `--format xlsx` needs a file, and `--truncate-long-cells` needs xlsx.
func validateFile(format: OutputFormat, out: String?, truncateLongCells: Bool) throws {
    if format.needsFile && (out == nil || out == "-") {
        throw ValidationError("--format \(format.name) writes a workbook (a zip file), which is of no use on a terminal or in a pipe; give --out FILE")
    }
    if truncateLongCells && !format.needsFile { throw ValidationError("--truncate-long-cells is for --format xlsx") }
}

/// Lists on stderr the cells `--truncate-long-cells` cut (the About sheet lists them too).
func reportTruncations(_ sheet: WorkbookSheetLog) {
    guard sheet.truncatedCount > 0 else { return }
    printError("truncated \(sheet.truncatedCount) cell(s) longer than Excel's \(WorkbookSheetLog.maximumCellCharacters) characters:")
    for cell in sheet.truncated { printError("  \(cell.record): \(cell.column) (\(cell.characters) characters)") }
    if sheet.truncatedCount > sheet.truncated.count { printError("  and \(sheet.truncatedCount - sheet.truncated.count) more") }
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
