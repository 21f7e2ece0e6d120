/// What `stocktake inspect FILE` reports: the staff's "what is wrong with this file" in one screen,
/// without a database.
///
/// The file is loaded as `LoadedFile` does (the import itself, into a temporary catalog), so every
/// verdict is the import's own: the same header matching, the same value rules and suggestions.
/// Problems are grouped by column, problem and value, so a country misspelt in 400 rows is one
/// finding with its count and first rows, not 400 lines.
public struct FileInspection {
    /// Problems (or warnings) that are the same problem with the same value in the same column.
    public struct Finding: Sendable, Equatable {
        public var severity: ImportProblem.Severity
        public var column: String?
        public var value: String?
        public var problem: String
        public var suggestion: String?
        /// Rows with this finding.
        public var count: Int
        /// Where the first of them are: the line (CSV) or the cell (`Sheet1!C12`).
        public var firstLocations: [String]
    }

    public let summary: ImportSummary
    /// The encoding a CSV file was read in (the one `--encoding auto` chose, or the one named); nil for a workbook.
    public let encoding: String?
    /// The findings, most frequent first; at most `maximumFindings` of them.
    public let findings: [Finding]
    /// Problems whose finding was not kept because `maximumFindings` were already held.
    public let unlistedProblems: Int
    /// Fields no column of the file feeds (neither required nor present).
    public let absentFields: [String]
    /// The first valid rows of the file as stored (only those are written; the others are
    /// validated only), one value per `ProjectColumn.fileColumns`.
    public let firstRows: [[QueryValue]]

    /// Distinct findings kept: enough for any file a person fixes by hand, bounded so that a file
    /// with a different bad value in every row cannot grow memory with its size.
    public static let maximumFindings = 1000
    /// Locations kept per finding.
    public static let locationsPerFinding = 5

    /// Reads and checks `path` (`-` for standard input).
    ///
    /// - Parameters:
    ///   - options: how to read the file (delimiter, encoding, sheet, header row, `--map`…). Unknown
    ///     columns are listed, not refused, so the rest of the file is still checked.
    ///   - sampleRows: how many stored rows to show.
    /// - Throws: `ImportRejected` when the file cannot be read as a whole (its header maps to no
    ///   projects file, its structure is broken before the header); I/O errors.
    public static func inspect(_ path: String, options: ImportOptions, sampleRows: Int = 3) throws -> FileInspection {
        var options = options
        options.ignoreUnknownColumns = true
        options.countsEmptyCells = true
        options.writeLimit = sampleRows
        let collector = FindingCollector()
        let loaded = try LoadedFile.load(path, options: options, observer: collector)
        defer { loaded.catalog.close() }
        let present = Set(loaded.summary.sourceColumns.compactMap(\.field))
        var firstRows: [[QueryValue]] = []
        if sampleRows > 0 {
            try ProjectQuery(fields: ProjectColumn.fileColumns, limit: sampleRows).forEachRow(in: loaded.catalog) { firstRows.append($0) }
        }
        let encoding = loaded.summary.sheet != nil ? nil
            : loaded.summary.detectedEncoding?.encoding.rawValue ?? options.reader.encoding?.rawValue ?? "utf-8"
        return FileInspection(
            summary: loaded.summary, encoding: encoding, findings: collector.sortedFindings, unlistedProblems: collector.unlisted,
            absentFields: ProjectColumn.fileColumns.map(\.rawValue).filter { !present.contains($0) }, firstRows: firstRows)
    }

    /// Groups problems as the import finds them.
    private final class FindingCollector: ImportObserver {
        private struct Key: Hashable {
            let severity: ImportProblem.Severity
            let column: String?
            let value: String?
            let problem: String
        }

        private var indexByKey: [Key: Int] = [:]
        private var findings: [Finding] = []
        var unlisted = 0

        func importFound(_ problem: ImportProblem) {
            let key = Key(severity: problem.severity, column: problem.column, value: problem.value, problem: problem.problem)
            let location = problem.cell ?? String(problem.line)
            if let index = indexByKey[key] {
                findings[index].count += 1
                if findings[index].firstLocations.count < FileInspection.locationsPerFinding {
                    findings[index].firstLocations.append(location)
                }
            } else if findings.count < FileInspection.maximumFindings {
                indexByKey[key] = findings.count
                findings.append(Finding(
                    severity: problem.severity, column: problem.column, value: problem.value, problem: problem.problem,
                    suggestion: problem.suggestion, count: 1, firstLocations: [location]))
            } else {
                unlisted += 1
            }
        }

        func importProgressed(_ progress: ImportProgress) {}

        /// Errors before warnings, then the most frequent first, then in the order found.
        var sortedFindings: [Finding] {
            findings.enumerated().sorted { left, right in
                let (a, b) = (left.element, right.element)
                if a.severity != b.severity { return a.severity == .error }
                if a.count != b.count { return a.count > b.count }
                return left.offset < right.offset
            }.map(\.element)
        }
    }

    /// The report as JSON, for scripts: `inspect --format json`.
    public var json: JSONNode {
        let summary = self.summary
        var file: [(String, JSONNode)] = [("format", .string(summary.sheet == nil ? "csv" : "xlsx"))]
        if let sheet = summary.sheet {
            file.append(("sheet", .string(sheet)))
            file.append(("sheets_with_values", .integer(Int64(summary.nonEmptySheetCount))))
        } else {
            file.append(("encoding", .string(orNull: encoding)))
            file.append(("encoding_detected", .bool(summary.detectedEncoding != nil)))
            file.append(("delimiter", .string(String(UnicodeScalar(summary.delimiter)))))
            file.append(("delimiter_detected", .bool(summary.delimiterDetected)))
        }
        let columns = summary.sourceColumns.map { column in
            JSONNode.object([
                ("name", .string(column.name)), ("field", .string(orNull: column.field)), ("match", .string(column.match.rawValue)),
                ("empty_cells", column.emptyCells.map { .integer(Int64($0)) } ?? .null),
            ])
        }
        let findings = self.findings.map { finding in
            JSONNode.object([
                ("severity", .string(finding.severity.rawValue)), ("column", .string(orNull: finding.column)),
                ("value", .string(orNull: finding.value)), ("problem", .string(finding.problem)),
                ("suggestion", .string(orNull: finding.suggestion)), ("count", .integer(Int64(finding.count))),
                ("first", .array(finding.firstLocations.map(JSONNode.string))),
            ])
        }
        let fieldNames = ProjectColumn.fileColumns.map(\.rawValue)
        let rows = firstRows.map { row in JSONNode.object(zip(fieldNames, row.map(JSONNode.init)).map { ($0, $1) }) }
        return .object([
            ("file", .object(file)),
            ("rows", .integer(Int64(summary.rows))), ("valid_rows", .integer(Int64(summary.rows - summary.counts.rejected))),
            ("rejected_rows", .integer(Int64(summary.counts.rejected))), ("warnings", .integer(Int64(summary.warnings))),
            ("columns", .array(columns)), ("absent_fields", .array(absentFields.map(JSONNode.string))),
            ("findings", .array(findings)), ("unlisted_problems", .integer(Int64(unlistedProblems))),
            ("first_rows", .array(rows)),
        ])
    }
}
