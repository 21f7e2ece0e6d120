import ArgumentParser
import CSV
import Glibc
import SafeText
import Stocktaking

extension ImportOptions.Kind: ExpressibleByArgument {}

extension ImportRejected: ExitStatusProviding {
    var exitStatus: ExitStatus { .dataError }
}

extension BatchOperationRefused: ExitStatusProviding {
    /// A missing project or batch is exit 1 like `show` of a missing project; so is a refused revert.
    var exitStatus: ExitStatus { .failure }
}

extension StocktakeCommand {
    struct Import: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a CSV file or an Excel workbook (.xlsx) of projects (or prizes) into the database, all or nothing.",
            discussion: """
                The whole file is validated and written in one transaction. If any row is invalid, nothing is written, every problem is listed as FILE:LINE (ID): column NAME: value "…": problem; suggestion, and the exit status is 65. The delimiter (comma, semicolon, tab or pipe) is recognised from the header unless --delimiter or --tsv is given. With --skip-invalid the valid rows are imported, the rest rejected (exit 2). An .xlsx workbook is recognised by its content: the first visible sheet with values is read (or --sheet, --sheet-index), its header is the first row with values (or --header-row), and problems are located by cell, FILE:Sheet1!C12. Rows upsert by external_id: new ids insert, known ids update, identical rows are counted as unchanged. Every import is recorded as a batch (`stocktake imports`).

                Projects columns: \(ProjectColumn.fileColumns.map(\.rawValue).joined(separator: ",")) (required: \(ProjectColumn.matcher.requiredNames.joined(separator: ", "))). Prizes columns: \(PrizeColumn.allCases.map(\.rawValue).joined(separator: ",")).

                Examples:
                  stocktake import Fixtures/projects-sample.csv
                  stocktake import --kind prizes Fixtures/prizes-sample.csv
                  stocktake import --generate-ids ITU --map "Project Name=title" export.csv
                  stocktake import --skip-invalid --rejects rejects.csv --report report.json staff.csv
                  stocktake import --sheet Projects --header-row 3 submissions.xlsx
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: ArgumentHelp("The CSV file or .xlsx workbook to import, or - for standard input.", valueName: "file"),
                  completion: .file(extensions: ["csv", "tsv", "txt", "xlsx"]))
        var file: String

        @Option(help: "What the file holds: projects or prizes.")
        var kind: ImportOptions.Kind = .projects

        @OptionGroup var reading: FileReadingOptions

        @Flag(help: "Import the valid rows and reject the others (exit 2 when any row was rejected).")
        var skipInvalid = false

        @Option(help: ArgumentHelp("With --skip-invalid: write rejected rows, as read, plus an error column, to this file (- for standard output).", valueName: "path"))
        var rejects: String?

        @Option(help: ArgumentHelp("Write every problem and the summary as JSON to this file (- for standard output).", valueName: "path"))
        var report: String?

        @Flag(help: "Validate and run the write path, report what would happen, then roll back.")
        var dryRun = false

        @Flag(help: "Treat an external_id already in the database as an error instead of updating it.")
        var insertOnly = false

        @Flag(name: .shortAndLong, help: "No progress bar and no summary line.")
        var quiet = false

        func validate() throws {
            if rejects != nil && !skipInvalid { throw ValidationError("--rejects needs --skip-invalid (without it, no row is imported when any is rejected)") }
            if kind == .prizes {
                // Prize rows have no ids to generate, dates, lists or free text, and always upsert.
                let projectsOnly = reading.given.filter { ["--generate-ids", "--date-format", "--list-separator", "--trim-text"].contains($0.name) }
                    + [("--insert-only", insertOnly)]
                if let given = projectsOnly.first(where: \.1) { throw ValidationError("\(given.0) applies to projects only") }
            }
        }

        /// `3 problems in 2 of 40 rows`; `1 problem` when the file broke before its rows were counted.
        static func problemCount(_ rejected: ImportRejected) -> String {
            let problems = rejected.totalProblems
            var text = "\(problems) problem" + (problems == 1 ? "" : "s")
            if let summary = rejected.summary, summary.counts.rejected > 0 {
                text += " in \(summary.counts.rejected) of \(summary.rows) row" + (summary.rows == 1 ? "" : "s")
            }
            return text
        }

        func execute() throws {
            var options = reading.importOptions(kind: kind)
            options.skipInvalid = skipInvalid
            options.dryRun = dryRun
            options.insertOnly = insertOnly
            options.rejectsPath = rejects
            options.reportPath = report

            // Before the database is opened (and perhaps created): the outputs must not overwrite it,
            // the file being imported, or each other.
            _ = try globals.checkedOutputs(
                [(OptionName.rejects, rejects), (.report, report)].compactMap { option, path in path.map { (option, $0) } },
                inputs: [file])
            let catalog = try globals.open(.migrate)
            defer { catalog.close() }
            let displayName = file == "-" ? "<stdin>" : file
            let progress = ImportProgressDisplay(fileName: displayName, enabled: !quiet && isatty(STDERR_FILENO) == 1)
            let summary: ImportSummary
            do {
                summary = try Importer(catalog: catalog, options: options, observer: progress).importFile(at: file)
            } catch let rejected as ImportRejected {
                progress.clear()
                // Row problems were printed as they were found; a header or file problem was not.
                if rejected.summary == nil {
                    printError(rejected.description)
                } else {
                    if let notice = rejected.stoppedNotice { printError("\(displayName): " + notice) }
                    printError("\(displayName): rejected, nothing was written (" + Self.problemCount(rejected) + ")")
                }
                throw ExitCode(ExitStatus.dataError.rawValue)
            } catch {
                progress.clear()
                throw error
            }
            progress.clear()
            if !quiet {
                let counts = summary.counts
                let verb = dryRun ? "would import" : "imported"
                var line = "\(verb) \(file == "-" ? "<stdin>" : file): \(summary.rows) rows — \(counts.inserted) inserted, \(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.rejected) rejected"
                if summary.warnings > 0 { line += ", \(summary.warnings) warning(s)" }
                if summary.delimiterDetected && summary.delimiter != UInt8(ascii: ",") {
                    line += " [" + FileReadingOptions.delimiterName(summary.delimiter) + "-separated, recognised from the header]"
                }
                if let detected = summary.detectedEncoding {
                    line += " [" + FileReadingOptions.encodingNote(detected) + ", recognised from the content]"
                }
                if let sheet = summary.sheet, !summary.sheetChosen, summary.nonEmptySheetCount > 1 {
                    line += " [sheet \(TerminalText.quoted(sheet)), the first of \(summary.nonEmptySheetCount) sheets with values; choose with --sheet]"
                }
                line += dryRun ? " (dry run: nothing written)" : " (batch \(summary.batchID.map(String.init) ?? "-"))"
                line += " in " + fixed(summary.seconds, 2) + " s"
                printError(line)
            }
            if summary.counts.rejected > 0 { throw ExitCode(ExitStatus.rejectedRows.rawValue) }
        }
    }
}

/// Problems on stderr as they are found (capped), and a progress bar when stderr is a terminal.
final class ImportProgressDisplay: ImportObserver {
    let fileName: String
    let enabled: Bool
    private var shown = 0
    private var hidden = 0
    private var barVisible = false
    static let maximumShown = 20

    init(fileName: String, enabled: Bool) {
        self.fileName = fileName
        self.enabled = enabled
    }

    func importFound(_ problem: ImportProblem) {
        clearProgressBar()
        if shown < Self.maximumShown {
            shown += 1
            let prefix = problem.severity == .warning ? "warning: " : ""
            printDiagnostic(prefix + fileName + ":" + problem.description)
        } else {
            hidden += 1
        }
    }

    func importProgressed(_ progress: ImportProgress) {
        guard enabled else { return }
        let rate = progress.seconds > 0 ? Double(progress.rows) / progress.seconds : 0
        var text = "\r\(progress.rows) rows  \(Int(rate)) rows/s"
        if let total = progress.totalBytes, total > 0 {
            let fraction = min(1, Double(progress.bytesRead) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            let eta = fraction > 0 ? progress.seconds / fraction - progress.seconds : 0
            text += "  [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            let percent = fixed(fraction * 100, 0)
            text += " " + String(repeating: " ", count: max(0, 3 - percent.count)) + percent + "%  ETA " + fixed(eta, 0) + " s"
        }
        writeToStandardError(text)
        barVisible = true
    }

    private func clearProgressBar() {
        if barVisible {
            writeToStandardError("\r\u{1B}[K")
            barVisible = false
        }
    }

    /// Ends the display: erases the bar and says once how many problems were not shown.
    func clear() {
        clearProgressBar()
        if hidden > 0 {
            printDiagnostic("… \(hidden) more problem(s) not shown; --report FILE lists them all")
            hidden = 0
        }
    }
}
