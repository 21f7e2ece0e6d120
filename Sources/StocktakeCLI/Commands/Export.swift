import ArgumentParser
import Stocktaking

extension ExportFormat: ExpressibleByArgument {}
extension ExportKind: ExpressibleByArgument {}

extension ExportError: ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
}

extension StocktakeCommand {
    struct Export: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export projects (or prizes, organizations, import batches) as CSV, TSV, JSON or NDJSON, or write a nightly bundle.",
            discussion: """
                CSV and TSV use the import's canonical header and forms (links as ';' lists, absent values empty,
                RFC 4180 quoting, CRLF), ordered by external_id: an exported file imports back unchanged.
                JSON and NDJSON write links as arrays and absent values as null, keys in a fixed order.
                --out files are written atomically: on any failure the previous file is left as it was.

                --since-batch N exports the projects written by batches after N, plus a tombstone for each
                external_id deleted since (a row with only external_id and deleted=true); the project filters
                apply to the live rows, tombstones are always listed.
                --excel-safe prefixes cells starting with = + - @ TAB or CR with ' so spreadsheets do not run
                them as formulas; it changes the data, so such a file does not re-import byte for byte.

                --bundle DIR writes projects.csv, projects.ndjson, prizes.csv, the statistics tables and
                manifest.json (schema version, generation time, last batch, rows, bytes and sha256 per file),
                all from one read transaction, into DIR/<UTC timestamp>/, then points DIR/latest at it.

                Examples:
                  stocktake export --out projects.csv
                  stocktake export --format ndjson --region AFR --out africa.ndjson
                  stocktake export --since-batch 41 --out delta.csv
                  stocktake export --kind prizes --out prizes.csv
                  stocktake export --bundle /srv/exports --keep 14
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var filters: FilterOptions

        @Option(help: "Output format: csv, tsv, json or ndjson.")
        var format: ExportFormat = .csv

        @Option(help: ArgumentHelp("Where to write (default: - for standard output).", valueName: "path"))
        var out: String = "-"

        @Option(help: "What to export: projects, prizes, organizations or imports.")
        var kind: ExportKind = .projects

        @Option(help: ArgumentHelp("Only projects written by batches after this one, plus tombstones for deleted ones.", valueName: "batch"))
        var sinceBatch: Int64?

        @Flag(help: "Start CSV/TSV with a UTF-8 byte order mark (for Excel).")
        var bom = false

        @Flag(help: "Neutralize CSV/TSV cells that spreadsheets would run as formulas (prefix ').")
        var excelSafe = false

        @Flag(help: "JSON/NDJSON: add the titles of linked Action Lines, SDGs, GDC objectives and countries.")
        var labels = false

        @Option(help: ArgumentHelp("Write the nightly bundle into this directory instead of one file.", valueName: "dir"))
        var bundle: String?

        @Option(help: ArgumentHelp("With --bundle: keep only the newest N bundles.", valueName: "n"))
        var keep: Int?

        func validate() throws {
            if labels && (format == .csv || format == .tsv) {
                throw ValidationError("--labels is for --format json or ndjson")
            }
            if (bom || excelSafe) && (format == .json || format == .ndjson) {
                throw ValidationError("--bom and --excel-safe are for --format csv or tsv")
            }
            if let sinceBatch, sinceBatch < 0 { throw ValidationError("--since-batch must be a batch number (0 for all)") }
            if sinceBatch != nil && kind != .projects { throw ValidationError("--since-batch applies to --kind projects only") }
            if keep != nil && bundle == nil { throw ValidationError("--keep needs --bundle") }
            if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
            if bundle != nil && (out != "-" || sinceBatch != nil || kind != .projects) {
                throw ValidationError("--bundle writes its own files; it cannot be combined with --out, --since-batch or --kind")
            }
        }

        func execute() throws {
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            let filter = try filters.filter(catalog.reference)
            if let bundle {
                let result = try ExportBundle(catalog: catalog, filter: filter).write(into: bundle, keep: keep)
                printError("wrote bundle \(result.path) (\(result.manifest.files.count) files, last batch \(result.manifest.lastBatchID.map(String.init) ?? "none"))")
                return
            }
            var options = ExportOptions()
            options.format = format
            options.kind = kind
            options.filter = filter
            options.sinceBatch = sinceBatch
            options.byteOrderMark = bom
            options.excelSafe = excelSafe
            options.labels = labels
            try writeOutput(to: out) { sink in
                _ = try ProjectExporter(catalog: catalog).export(options, to: sink)
            }
        }
    }
}

/// Runs `body` with a sink for `path`: standard output for `-`, else an `AtomicFile` committed only
/// when `body` returns, so a failure leaves the previous file untouched and no temporary behind.
func writeOutput(to path: String, _ body: (FileSink) throws -> Void) throws {
    if path == "-" {
        let sink = FileSink.standardOutput()
        try body(sink)
        try sink.flush()
        return
    }
    let file = try AtomicFile(targetPath: path)
    do {
        try body(file.sink)
        try file.commit()
    } catch {
        file.discard()
        throw error
    }
}
