import ArgumentParser
import Glibc
import SafeText
import Stocktaking
import Synchronization

/// `--from FILE` on the read commands (find, stats, show, sql, export, report, check): the
/// command runs on the valid rows of a CSV file or workbook, loaded into a temporary database,
/// instead of on the database.
///
/// The rows go through the import itself (`LoadedFile`), so they are what `import --skip-invalid`
/// would store. Skipped rows are counted on stderr with the first problems, and make the exit
/// status 2 when the command otherwise succeeds (`FromFileLoad.skippedRows`).
struct FromFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Run on the projects of this CSV file or .xlsx workbook (- for standard input) instead of the database: its valid rows are loaded into a temporary database first; skipped rows are listed on stderr and make the exit status 2. Takes import's reading options (--sheet, --header-row, --delimiter, --encoding, --map, --date-format…; --help-hidden lists them).",
        valueName: "file"), completion: .file(extensions: ["csv", "tsv", "txt", "xlsx"]))
    var from: String?

    // Hidden from --help: fourteen options about one optional file would bury the command's own
    // (a titled group is printed before them); --help-hidden lists them.
    @OptionGroup(visibility: .hidden) var reading: FileReadingOptions

    /// Problems of skipped rows shown on stderr; the rest are counted.
    static let problemsShown = 5

    func validate() throws {
        if from == nil, let given = reading.given.first(where: \.isGiven) {
            throw ValidationError("\(given.name) is for reading a file given with --from FILE")
        }
    }

    /// The files the command reads, which no output may replace.
    var inputs: [String] { from.map { [$0] } ?? [] }

    /// The catalog the command reads: the `--from` file loaded into a temporary database, else
    /// the database of `globals` (read-only, one snapshot unless `snapshot` is false).
    func open(_ globals: GlobalOptions, snapshot: Bool = true) throws -> Catalog {
        guard let from else { return try globals.open(.read, snapshot: snapshot) }
        if globals.db != nil || getenv("STOCKTAKE_DB") != nil {
            printError("note: --from \(TerminalText.quoted(from)) is read instead of the database at \(TerminalText.quoted(globals.databasePath))")
        }
        let displayName = from == "-" ? "<stdin>" : from
        let problems = SkippedRowProblems(fileName: displayName, limit: Self.problemsShown)
        let loaded: LoadedFile
        do {
            loaded = try LoadedFile.load(from, options: reading.importOptions(), observer: problems)
        } catch let rejected as ImportRejected {
            // The file as a whole cannot be read (header, structure): nothing to run the command on.
            for problem in rejected.problems { printDiagnostic(displayName + ":" + problem.description) }
            if let notice = rejected.stoppedNotice { printError("\(displayName): " + notice) }
            printError("\(displayName): cannot be read as a projects file; the command did not run")
            throw ExitCode(ExitStatus.dataError.rawValue)
        }
        let summary = loaded.summary
        if summary.counts.rejected > 0 {
            if problems.unshown > 0 { printDiagnostic("… \(problems.unshown) more problem(s) not shown; `stocktake inspect` lists them all") }
            printError("\(displayName): \(summary.counts.rejected) of \(summary.rows) rows skipped (invalid); the command runs on the other \(summary.rows - summary.counts.rejected)")
            FromFileLoad.skippedRows.withLock { $0 += summary.counts.rejected }
        }
        return loaded.catalog
    }

    /// The first problems of the skipped rows on stderr; warnings are left to `import` and `inspect`.
    private final class SkippedRowProblems: ImportObserver {
        let fileName: String
        let limit: Int
        private var shown = 0
        private(set) var unshown = 0

        init(fileName: String, limit: Int) {
            self.fileName = fileName
            self.limit = limit
        }

        func importFound(_ problem: ImportProblem) {
            guard problem.severity == .error else { return }
            if shown < limit {
                shown += 1
                printDiagnostic(fileName + ":" + problem.description)
            } else {
                unshown += 1
            }
        }

        func importProgressed(_ progress: ImportProgress) {}
    }
}

/// What loading a `--from` file left for the end of the command: rows skipped, which make a
/// command that otherwise succeeds exit 2 (`StocktakeSubcommand.run()`).
enum FromFileLoad {
    static let skippedRows = Mutex(0)
}
