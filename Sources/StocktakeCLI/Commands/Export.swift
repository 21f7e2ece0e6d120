import ArgumentParser
import Stocktaking

extension ExportKind: ExpressibleByArgument {}

extension ExportError: ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
}

extension StocktakeCommand {
    struct Export: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export projects (or prizes, organizations, import batches) as CSV, TSV, JSON, NDJSON or an Excel workbook, or write a nightly bundle.",
            discussion: """
                CSV and TSV use the import's canonical header and forms (links as ';' lists, absent values empty, RFC 4180 quoting; CSV lines end in CRLF, TSV lines in LF), ordered by external_id: an exported file imports back unchanged. JSON and NDJSON write links as arrays and absent values as null, keys in a fixed order.
                --out files are written atomically: on any failure the previous file is left as it was. A symlink is followed (its target is replaced, the link kept); a device or FIFO (/dev/null, a named pipe) is written in place; a directory, socket or block device is refused (exit 64), and so is an output that is the database, its -wal, -shm or -journal file.

                --since-batch N exports the projects written by batches after N, plus a tombstone for each external_id deleted since (a row with only external_id and deleted=true); the project filters apply to the live rows, tombstones are always listed.
                --excel-safe prefixes cells starting with = + - @ TAB or CR with ' so spreadsheets do not run them as formulas; it changes the data, so such a file does not re-import byte for byte.
                --format xlsx writes an Excel workbook to --out FILE (never to standard output): numbers as numbers, dates as dates, text as text (a value starting with = is text, never a formula), a bold frozen header with filters, an About sheet (contents, rows, data as of, filters, version) and, for projects, a Reference sheet of Action Line and SDG titles; it imports back unchanged. A cell longer than Excel's 32,767 characters fails the export (exit 1) unless --truncate-long-cells; more than 1,048,575 rows fail.

                --bundle DIR writes projects.csv, projects.ndjson, prizes.csv, the statistics tables and manifest.json (schema version, generation time, last batch, rows, bytes and sha256 per file), all from one read transaction, into DIR/<UTC timestamp>/, then points DIR/latest at it.
                --bom and --excel-safe apply to every CSV file of the bundle, --labels to projects.ndjson; the manifest records them, and the tool's version. SHA256SUMS lists every file's checksum:
                `cd DIR/latest && sha256sum -c SHA256SUMS` verifies a copy. --format xlsx adds projects.xlsx and prizes.xlsx. --keep N removes older bundles this tool wrote (a directory whose manifest.json names stocktake and lists exactly its files), never anything else in DIR. --if-changed writes nothing (exit 0, a note on stderr) when the newest bundle in DIR records the database's current last import batch.

                Files are 0600 and bundle directories 0700 unless --mode says otherwise (e.g. --mode 0640:
                files 0640, directories 0750), whatever the umask and whatever mode a replaced file had.

                Examples:
                  stocktake export --out projects.csv
                  stocktake export --format ndjson --region AFR --out africa.ndjson
                  stocktake export --since-batch 41 --out delta.csv
                  stocktake export --kind prizes --out prizes.csv
                  stocktake export --format xlsx --sdg 4 --out education.xlsx
                  stocktake export --bundle /srv/exports --keep 14 --if-changed --mode 0640
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var permissions: OutputModeOptions

        // Optional, with their defaults below, so `validate()` can tell an option given with --bundle
        // (which would be ignored) from one left at its default.
        @Option(help: "Output format: \(OutputFormat.spokenList(OutputFormat.exports)) (default: csv).")
        var format: ExportFormatArgument?

        @Option(help: ArgumentHelp("Where to write (default: - for standard output).", valueName: "path"))
        var out: String?

        @Option(help: "What to export: projects, prizes, organizations or imports (default: projects).")
        var kind: ExportKind?

        @Option(help: ArgumentHelp("Only projects written by batches after this one, plus tombstones for deleted ones.", valueName: "batch"))
        var sinceBatch: Int64?

        @Flag(help: "Start CSV/TSV with a UTF-8 byte order mark (for Excel).")
        var bom = false

        @Flag(help: "Neutralize CSV/TSV cells that spreadsheets would run as formulas (prefix ').")
        var excelSafe = false

        @Flag(help: "CSV/TSV: leave out the header line (such a file does not import back).")
        var noHeader = false

        @Flag(help: "JSON/NDJSON projects: add the titles of linked Action Lines, SDGs, GDC objectives and countries.")
        var labels = false

        @Flag(help: "xlsx: cut cells longer than Excel's 32,767 characters (listed on stderr and in the About sheet) instead of failing.")
        var truncateLongCells = false

        @Option(help: ArgumentHelp("Write the nightly bundle into this directory instead of one file.", valueName: "dir"))
        var bundle: String?

        @Option(help: ArgumentHelp("With --bundle: keep only the newest N bundles.", valueName: "n"))
        var keep: Int?

        @Flag(help: "With --bundle: write nothing when no import happened since the newest bundle.")
        var ifChanged = false

        func validate() throws {
            if let sinceBatch, sinceBatch < 0 { throw ValidationError("--since-batch must be a batch number (0 for all)") }
            // A --from file is loaded as one batch of a database that lives for the command: its
            // batch numbers say nothing about what changed since the last run.
            if source.from != nil, let given = [("--since-batch", sinceBatch != nil), ("--if-changed", ifChanged)].first(where: \.1) {
                throw ValidationError("\(given.0) compares import batches of the database; a --from file has none to compare")
            }
            if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
            if bundle != nil {
                // A bundle has fixed files and formats; these options would be silently ignored.
                if out != nil || sinceBatch != nil || kind != nil || noHeader || (format != nil && format?.format != .xlsx) {
                    throw ValidationError("--bundle writes its own files; it cannot be combined with --out, --format (but xlsx, which adds workbooks), --since-batch, --kind or --no-header")
                }
                if truncateLongCells && format?.format != .xlsx { throw ValidationError("--truncate-long-cells is for --format xlsx") }
                return
            }
            if keep != nil { throw ValidationError("--keep needs --bundle") }
            if ifChanged { throw ValidationError("--if-changed needs --bundle") }
            if labels && resolvedFormat.isDelimited {
                throw ValidationError("--labels is for --format json or ndjson")
            }
            if labels && resolvedKind != .projects { throw ValidationError("--labels applies to --kind projects only") }
            if noHeader && !resolvedFormat.isDelimited {
                throw ValidationError("--no-header is for --format csv or tsv; \(resolvedFormat.name) has no header line to leave out")
            }
            if (bom || excelSafe) && !resolvedFormat.isDelimited {
                throw ValidationError("--bom and --excel-safe are for --format csv or tsv")
            }
            if sinceBatch != nil && resolvedKind != .projects { throw ValidationError("--since-batch applies to --kind projects only") }
            try validateFile(format: resolvedFormat, out: out, truncateLongCells: truncateLongCells)
        }

        var resolvedFormat: ExportFormat { format?.format ?? .csv }
        var resolvedKind: ExportKind { kind ?? .projects }

        func execute() throws {
            if let bundle { return try writeBundle(into: bundle) }
            // Before the database is opened: an output that is the database must not even be truncated.
            let target = try globals.checkedOutputs([(.out, out ?? "-")], inputs: source.inputs)[0]
            let mode = try permissions.mode(for: target)
            let catalog = try source.open(globals)
            defer { catalog.close() }
            var options = ExportOptions()
            options.format = resolvedFormat
            options.kind = resolvedKind
            options.filter = try filters.filter(catalog)
            options.sinceBatch = sinceBatch
            options.byteOrderMark = bom
            options.excelSafe = excelSafe
            options.header = !noHeader
            options.labels = labels
            let about = filters.scope.isEmpty ? [("Filters", "none")] : [("Filters", filters.scope)]
            let file = try writeOutput(to: target, mode: mode, format: resolvedFormat, truncateLongCells: truncateLongCells, about: about) { sink in
                _ = try ProjectExporter(catalog: catalog).export(options, to: sink)
            }
            if let workbook = file.workbook { reportTruncations(workbook.sheet) }
        }

        private func writeBundle(into directory: String) throws {
            try globals.outputGuard(inputs: source.inputs).checkBundleDirectory(directory)
            let catalog = try source.open(globals)
            defer { catalog.close() }
            let options = ExportBundle.Options(byteOrderMark: bom, excelSafe: excelSafe, labels: labels, xlsx: format?.format == .xlsx)
            let bundle = ExportBundle(catalog: catalog, filter: try filters.filter(catalog), options: options,
                                      mode: permissions.mode, toolVersion: StocktakeVersion.current)
            let result: ExportBundle.Result
            if ifChanged {
                switch try bundle.writeIfChanged(into: directory, keep: keep) {
                case .written(let written):
                    result = written
                case .unchanged(let previous, let lastBatchID):
                    printError("no import since bundle \(previous) (last batch \(lastBatchID.map(String.init) ?? "none")); nothing written")
                    return
                }
            } else {
                result = try bundle.write(into: directory, keep: keep)
            }
            printError("wrote bundle \(result.path) (\(result.manifest.files.count) files, last batch \(result.manifest.lastBatchID.map(String.init) ?? "none"))")
        }
    }
}

/// Runs `body` with a sink for `target` (see `OutputTarget`). A regular file is committed only
/// when `body` returns, so a failure leaves the previous file untouched and no temporary behind.
///
/// - Parameters:
///   - mode: `--mode`, for a regular file.
///   - format: a package format (xlsx) makes the sink a workbook's first sheet; `about` adds
///     lines to its About sheet.
@discardableResult
func writeOutput(
    to target: OutputTarget, mode: OutputPermissions? = nil, format: OutputFormat? = nil, truncateLongCells: Bool = false,
    about: [(String, String)] = [], _ body: (FileSink) throws -> Void
) throws -> OutputFile {
    let file = try OutputFile(target, mode: mode, format: format, truncateLongCells: truncateLongCells)
    file.workbook?.toolVersion = StocktakeVersion.current
    file.workbook?.about = about
    do {
        try body(file.sink)
        try file.commit()
    } catch {
        file.discard()
        throw error
    }
    return file
}
