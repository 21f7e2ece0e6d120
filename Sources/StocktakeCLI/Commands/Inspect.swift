import ArgumentParser
import CSV
import SafeText
import Stocktaking

extension StocktakeCommand {
    struct Inspect: StocktakeSubcommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Look at a projects file (CSV, TSV or .xlsx) before importing it: what it holds and what is wrong with it.",
            discussion: """
                No database is needed: the file goes through the import's own checks into a temporary database that is gone when the command ends. Shown: the format, delimiter or sheet read, the number of rows and how many are valid; each column of the header with the field it feeds (by its name, an alias or --map), unknown columns and the fields the file lacks, and the empty cells per column; every problem, grouped by column, value and problem with its count, its first rows and the suggestion; and the first valid rows as they would be stored. Takes the reading options of import (--delimiter, --encoding, --sheet, --header-row, --map, --date-format…), so a file that inspects clean with them imports with the same ones. Unknown columns are listed rather than refused.

                Exit 0 when every row is valid, 2 when some rows have problems (`import --skip-invalid` would reject them), 65 when the file cannot be read as a projects file at all (its header or structure).

                Examples:
                  stocktake inspect submissions.xlsx
                  stocktake inspect --sheet Projects --header-row 3 submissions.xlsx
                  stocktake inspect --format json export.csv > findings.json
                """)

        @Argument(help: ArgumentHelp("The CSV file or .xlsx workbook to look at, or - for standard input.", valueName: "file"),
                  completion: .file(extensions: ["csv", "tsv", "txt", "xlsx"]))
        var file: String

        @OptionGroup var reading: FileReadingOptions

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Option(help: ArgumentHelp("Valid rows shown as they would be stored.", valueName: "n"))
        var rows: Int = 3

        func validate() throws {
            if !(0...100).contains(rows) { throw ValidationError("--rows must be from 0 to 100, got \(rows)") }
        }

        func execute() throws {
            let displayName = file == "-" ? "<stdin>" : file
            let inspection: FileInspection
            do {
                var options = reading.importOptions()
                // Looking is where guessing is welcome: without --encoding, inspect recognises it
                // (and says so, with the option the import then needs); an import never guesses.
                if reading.encoding == nil { options.reader.detectsEncoding = true }
                inspection = try FileInspection.inspect(file, options: options, sampleRows: rows)
            } catch let rejected as ImportRejected {
                try printUnreadable(rejected, displayName: displayName)
                throw ExitCode(ExitStatus.dataError.rawValue)
            }
            let sink = FileSink.standardOutput()
            switch format {
            case .json: try sink.write(inspection.json.rendered() + "\n")
            case .text: try sink.write(Self.text(inspection, displayName: displayName))
            }
            try sink.flush()
            if inspection.summary.counts.rejected > 0 { throw ExitCode(ExitStatus.rejectedRows.rawValue) }
        }

        /// The file cannot be read as a projects file: its problems, as the import would list them.
        private func printUnreadable(_ rejected: ImportRejected, displayName: String) throws {
            switch format {
            case .json:
                let problems = rejected.problems.map { problem in
                    JSONNode.object([
                        (problem.cell == nil ? "line" : "cell", problem.cell.map(JSONNode.string) ?? .integer(Int64(problem.line))),
                        ("column", .string(orNull: problem.column)), ("value", .string(orNull: problem.value)),
                        ("problem", .string(problem.problem)), ("suggestion", .string(orNull: problem.suggestion)),
                    ])
                }
                let document = JSONNode.object([
                    ("file", .object([("readable", .bool(false))])), ("problems", .array(problems)),
                    ("stopped", .string(orNull: rejected.stoppedNotice)),
                ])
                let sink = FileSink.standardOutput()
                try sink.write(document.rendered() + "\n")
                try sink.flush()
            case .text:
                for problem in rejected.problems { printDiagnostic(displayName + ":" + problem.description) }
                if let notice = rejected.stoppedNotice { printError("\(displayName): " + notice) }
                printError("\(displayName): cannot be read as a projects file")
            }
        }

        /// At most `limit` characters of a value from the file, control characters escaped, `…` at a cut.
        static func shown(_ text: String, limit: Int) -> String {
            let cut = text.unicodeScalars.count > limit
            return TerminalText.visible(cut ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) : text) + (cut ? "…" : "")
        }

        /// The report for a person: sections of aligned lines, every value from the file escaped.
        static func text(_ inspection: FileInspection, displayName: String) -> String {
            let summary = inspection.summary
            var out = ""
            func line(_ text: String = "") { out += text + "\n" }
            let safe = { (text: String) in Self.shown(text, limit: 60) }

            var format = "CSV"
            if let sheet = summary.sheet {
                format = "Excel workbook, sheet \(TerminalText.quoted(sheet))"
                if summary.nonEmptySheetCount > 1 { format += " (of \(summary.nonEmptySheetCount) sheets with values; choose with --sheet)" }
            } else {
                format += ", " + FileReadingOptions.delimiterName(summary.delimiter) + "-separated"
                if summary.delimiterDetected { format += " (recognised from the header)" }
                if let detected = summary.detectedEncoding { format += ", " + FileReadingOptions.encodingNote(detected) + " (recognised from the content)" }
            }
            line("file     \(safe(displayName)): \(format)")
            // Only a byte order mark is recognised by an import without --encoding; say what it needs.
            if let detected = summary.detectedEncoding, !detected.byteOrderMark, !detected.asciiOnly, detected.encoding != .utf8 {
                line("note     import it with --encoding \(detected.encoding.rawValue) (or --encoding auto)")
            }
            let valid = summary.rows - summary.counts.rejected
            var rowsLine = "rows     \(summary.rows): \(valid) valid, \(summary.counts.rejected) with problems"
            if summary.warnings > 0 { rowsLine += ", \(summary.warnings) warning(s)" }
            line(rowsLine)

            line()
            line("columns  (as written → field, how it matched, empty cells)")
            let nameWidth = min(40, summary.sourceColumns.map { safe($0.name).count }.max() ?? 0)
            let fieldWidth = max(7, summary.sourceColumns.compactMap { $0.field?.count }.max() ?? 0)
            for column in summary.sourceColumns {
                let name = safe(column.name)
                let field = column.field ?? "-"
                let match = column.match == .unknown ? "unknown: not imported" : column.match.rawValue
                var text = "  " + name.padded(to: nameWidth) + "  → " + field.padded(to: fieldWidth) + "  " + match.padded(to: 21)
                if let empty = column.emptyCells { text += "  \(empty) empty" }
                line(text)
            }
            if !inspection.absentFields.isEmpty { line("  not in the file: " + inspection.absentFields.joined(separator: ", ")) }

            line()
            if inspection.findings.isEmpty {
                line("problems none")
            } else {
                line("problems (grouped by column, value and problem: rows affected, the first of them)")
                for finding in inspection.findings {
                    var text = "  \(finding.count)× "
                    if finding.severity == .warning { text += "warning: " }
                    if let column = finding.column { text += "column \(safe(column)): " }
                    if let value = finding.value { text += "value \"\(value)\": " }
                    text += finding.problem
                    if let suggestion = finding.suggestion { text += "; " + suggestion }
                    let more = finding.count > finding.firstLocations.count ? ", …" : ""
                    text += " — " + (finding.firstLocations.first?.contains("!") == true ? "" : "line ")
                        + finding.firstLocations.joined(separator: ", ") + more
                    line(TerminalText.visible(text))
                }
                if inspection.unlistedProblems > 0 {
                    line("  … and \(inspection.unlistedProblems) problem(s) of other kinds not grouped (more than \(FileInspection.maximumFindings) kinds)")
                }
            }

            if !inspection.firstRows.isEmpty {
                line()
                line("the first \(inspection.firstRows.count) valid row(s) of the file as they would be stored:")
                let columns = ProjectColumn.fileColumns
                for (index, row) in inspection.firstRows.enumerated() {
                    if index > 0 { line() }
                    let width = columns.map(\.rawValue.count).max() ?? 0
                    for (column, value) in zip(columns, row) {
                        let text = value.displayText
                        guard !text.isEmpty else { continue }
                        line("  " + column.rawValue.padded(to: width) + "  " + Self.shown(text, limit: 100))
                    }
                }
            }
            return out
        }
    }
}

extension QueryValue {
    /// The value as a text format writes it: lists `;`-joined, NULL empty.
    fileprivate var displayText: String {
        switch self {
        case .null: ""
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let text): text
        case .blob(let bytes): "<\(bytes.count) bytes>"
        case .list(let items): items.joined(separator: ";")
        case .numbers(let items): items.map(String.init).joined(separator: ";")
        }
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
