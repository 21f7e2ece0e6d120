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

        @Option(help: ArgumentHelp("Field delimiter (one character; \\t for tab). Without it, comma, semicolon, tab or pipe is recognised from the header.", valueName: "char"))
        var delimiter: String?

        @Flag(help: "The file is tab-separated (same as --delimiter '\\t').")
        var tsv = false

        @Option(help: ArgumentHelp("Input encoding: utf-8 (default), windows-1252, windows-1251, latin1, utf-16, utf-16le, utf-16be, or auto to recognise UTF-8, a byte order mark or windows-1252.", valueName: "name"),
                completion: .list(TextEncoding.allCases.map(\.rawValue) + ["auto"]))
        var encoding: String?

        @Flag(help: "Replace invalid UTF-8 with U+FFFD instead of rejecting the file; affected lines are listed as warnings.")
        var replaceInvalid = false

        @Option(help: ArgumentHelp("Largest accepted field, in MiB.", valueName: "MiB"))
        var maxFieldSize: Int = 16

        @Option(name: .customLong("map"), help: ArgumentHelp("Map a header to a field: \"Source Header=field\" (repeatable).", valueName: "header=field"))
        var mappings: [String] = []

        @Flag(help: "Skip columns that match no field instead of rejecting the file.")
        var ignoreUnknownColumns = false

        @Option(name: .customLong("generate-ids"), help: ArgumentHelp("Derive stable ids for rows without external_id, as PREFIX-<hash>.", valueName: "prefix"))
        var generateIDs: String?

        @Option(help: ArgumentHelp("How to read dates that are not YYYY-MM-DD: DD/MM/YYYY or MM/DD/YYYY.", valueName: "format"),
                completion: .list(DateOrder.allCases.filter { $0 != .iso }.map(\.rawValue)))
        var dateFormat: String?

        @Option(help: ArgumentHelp("Characters that separate items in list cells (default \";|\").", valueName: "chars"))
        var listSeparator: String?

        @Flag(help: "Trim white space at the edges of free text (title, description, organization, partners).")
        var trimText = false

        @Flag(help: "Import the valid rows and reject the others (exit 2 when any row was rejected).")
        var skipInvalid = false

        @Option(help: ArgumentHelp("With --skip-invalid: write rejected rows, as read, plus an error column, to this file (- for standard output).", valueName: "path"))
        var rejects: String?

        @Option(help: ArgumentHelp("Write every problem and the summary as JSON to this file (- for standard output).", valueName: "path"))
        var report: String?

        @Option(help: ArgumentHelp("Workbook: the sheet to read, by name (default: the first visible sheet with values).", valueName: "name"))
        var sheet: String?

        @Option(help: ArgumentHelp("Workbook: the sheet to read, by position (1 is the first tab).", valueName: "n"))
        var sheetIndex: Int?

        @Option(help: ArgumentHelp("Workbook: the row holding the column names, when title rows are above it (default: the first row with values).", valueName: "n"))
        var headerRow: Int?

        @Flag(help: "Validate and run the write path, report what would happen, then roll back.")
        var dryRun = false

        @Flag(help: "Treat an external_id already in the database as an error instead of updating it.")
        var insertOnly = false

        @Flag(name: .shortAndLong, help: "No progress bar and no summary line.")
        var quiet = false

        func validate() throws {
            if rejects != nil && !skipInvalid { throw ValidationError("--rejects needs --skip-invalid (without it, no row is imported when any is rejected)") }
            if let encoding, TextEncoding(name: encoding) == nil, encoding.lowercased() != "auto" {
                throw ValidationError("unknown encoding \(TerminalText.quoted(encoding)); use one of: " + (TextEncoding.allCases.map(\.rawValue) + ["auto"]).joined(separator: ", "))
            }
            if let delimiter, Self.delimiterByte(delimiter) == nil {
                throw ValidationError("--delimiter must be one ASCII character (or \\t), got \(TerminalText.quoted(delimiter))")
            }
            if let dateFormat, DateOrder(rawValue: dateFormat.uppercased()) == nil {
                throw ValidationError("--date-format must be DD/MM/YYYY or MM/DD/YYYY (ISO dates are always accepted)")
            }
            for mapping in mappings where !mapping.contains("=") {
                throw ValidationError("--map expects \"Source Header=field\", got \(TerminalText.quoted(mapping))")
            }
            // The size in bytes must not overflow, and SQLite stores no value over 10^9 bytes anyway.
            if !(1...Self.maximumFieldSize).contains(maxFieldSize) {
                throw ValidationError("--max-field-size must be from 1 to \(Self.maximumFieldSize) (MiB), got \(maxFieldSize)")
            }
            if tsv && delimiter != nil { throw ValidationError("give either --tsv or --delimiter, not both") }
            if sheet != nil && sheetIndex != nil { throw ValidationError("give either --sheet or --sheet-index, not both") }
            if let sheetIndex, sheetIndex < 1 { throw ValidationError("--sheet-index counts from 1, got \(sheetIndex)") }
            if let headerRow, !(1...1_048_576).contains(headerRow) {
                throw ValidationError("--header-row must be a row number from 1 to 1048576, got \(headerRow)")
            }
            if kind == .prizes {
                // Prize rows have no ids to generate, dates, lists or free text, and always upsert.
                let projectsOnly = [
                    ("--generate-ids", generateIDs != nil), ("--date-format", dateFormat != nil),
                    ("--list-separator", listSeparator != nil), ("--trim-text", trimText), ("--insert-only", insertOnly),
                ]
                if let given = projectsOnly.first(where: \.1) { throw ValidationError("\(given.0) applies to projects only") }
            }
        }

        /// The largest --max-field-size, in MiB.
        static let maximumFieldSize = 1024

        /// `3 problems in 2 of 40 rows`; `1 problem` when the file broke before its rows were counted.
        static func problemCount(_ rejected: ImportRejected) -> String {
            let problems = rejected.totalProblems
            var text = "\(problems) problem" + (problems == 1 ? "" : "s")
            if let summary = rejected.summary, summary.counts.rejected > 0 {
                text += " in \(summary.counts.rejected) of \(summary.rows) row" + (summary.rows == 1 ? "" : "s")
            }
            return text
        }

        static func delimiterName(_ delimiter: UInt8) -> String {
            switch delimiter {
            case UInt8(ascii: ";"): "semicolon"
            case UInt8(ascii: "\t"): "tab"
            case UInt8(ascii: "|"): "pipe"
            case UInt8(ascii: ","): "comma"
            default: "'" + String(UnicodeScalar(delimiter)) + "'"
            }
        }

        /// `encoding windows-1252`, `encoding utf-8 (byte order mark)`, `encoding utf-8 (ASCII only)`.
        static func encodingNote(_ detected: DetectedEncoding) -> String {
            "encoding " + detected.encoding.rawValue
                + (detected.byteOrderMark ? " (byte order mark)" : detected.asciiOnly ? " (ASCII only)" : "")
        }

        static func delimiterByte(_ text: String) -> UInt8? {
            if text == "\\t" || text == "\t" || text.lowercased() == "tab" { return UInt8(ascii: "\t") }
            guard text.utf8.count == 1, let byte = text.utf8.first, byte < 0x80, byte != UInt8(ascii: "\""),
                  byte != 10, byte != 13 else { return nil }
            return byte
        }

        func execute() throws {
            var options = ImportOptions()
            options.kind = kind
            options.reader.dialect = CSVDialect(delimiter: tsv ? UInt8(ascii: "\t") : delimiter.flatMap(Self.delimiterByte) ?? UInt8(ascii: ","))
            options.detectsDelimiter = !tsv && delimiter == nil
            options.reader.encoding = encoding.flatMap(TextEncoding.init(name:))
            options.reader.detectsEncoding = encoding?.lowercased() == "auto"
            options.reader.replaceInvalid = replaceInvalid
            options.reader.maxFieldBytes = maxFieldSize << 20
            options.values.dateOrder = dateFormat.flatMap { DateOrder(rawValue: $0.uppercased()) } ?? .iso
            if let listSeparator { options.values.listSeparators = Set(listSeparator) }
            options.values.trimText = trimText
            for mapping in mappings {
                let parts = mapping.split(separator: "=", maxSplits: 1)
                options.columnMappings[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            options.ignoreUnknownColumns = ignoreUnknownColumns
            options.generateIDPrefix = generateIDs
            options.skipInvalid = skipInvalid
            options.dryRun = dryRun
            options.insertOnly = insertOnly
            options.rejectsPath = rejects
            options.reportPath = report
            options.sheetName = sheet
            options.sheetIndex = sheetIndex
            options.headerRow = headerRow

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
                    line += " [" + Self.delimiterName(summary.delimiter) + "-separated, recognised from the header]"
                }
                if let detected = summary.detectedEncoding {
                    line += " [" + Self.encodingNote(detected) + ", recognised from the content]"
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
