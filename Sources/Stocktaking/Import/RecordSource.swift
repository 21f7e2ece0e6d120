import CSV

/// One row of an import's input: its cells, and the line (CSV) or row (sheet) where it starts.
struct SourceRecord: Sendable {
    var fields: [String]
    var line: Int
    /// Cells the source could not turn into text (a workbook's error values, formulas without a
    /// saved result), located and named by column; the row is invalid, and the parser's own
    /// problems with those columns are dropped as consequences.
    var problems: [ImportProblem] = []
}

/// The input broke in a way that makes what follows unreadable (an unterminated quote, a byte that
/// is not text); the problem is located and worded for the person who supplied the file.
struct RecordSourceFailure: Error {
    let problem: ImportProblem
}

/// How rejected rows are written back, so the supplier can fix them in the tool they used and
/// import the file again with the same command.
struct RejectsFormat {
    var delimiter = UInt8(ascii: ",")
    var lineEnding: [UInt8] = [13, 10]
    var encoder = OutputEncoder(encoding: .utf8, byteOrderMark: false)
    /// The input was a workbook: the rejects file is one too (an .xlsx that the staff fix in Excel),
    /// unless it is named .csv, .tsv or .txt or is not a regular file (`-`, a FIFO).
    var workbook = false
}

/// Where an import's rows come from: the header, then rows of fields with their location.
///
/// The importer knows nothing of the input's format beyond this: a CSV file today
/// (`CSVRecordSource`), a workbook sheet next. Sources report their own format's failures as
/// located problems. Used by the importer's reading thread only.
protocol RecordSource: AnyObject {
    /// The first row; nil when the input holds nothing at all.
    func readHeader() throws(RecordSourceFailure) -> SourceRecord?
    /// The next row after the header; nil at the end.
    func next() throws(RecordSourceFailure) -> SourceRecord?
    /// Bytes of the input read so far, for progress.
    var bytesConsumed: Int { get }
    /// At the end: warnings about the input as a whole (at most a capped list, plus how many more).
    func endOfInputWarnings() -> (listed: [ImportProblem], unlisted: Int)
    /// At the end: SHA-256 of the input's bytes, recorded with the batch.
    func contentDigest() -> String
    /// How to write rejected rows so they read like the input (after the header was read).
    var rejectsFormat: RejectsFormat { get }
    /// Why a header may have failed to map, when the format knows (a wrong delimiter).
    func headerHint(_ header: [String]) -> String?
    /// Locates problems found in a row by column name (after the header was read): a workbook gives
    /// them their cell; nil when the line and column name are the location (CSV).
    func problemLocator() -> ProblemLocator?
    /// Adds what the summary should say about the input (which sheet was read).
    func describe(in summary: inout ImportSummary)
    /// Which column holds the rows' ids, once the header is mapped (a workbook checks numbers there).
    func headerMapped(identifierColumn: Int?)
    /// `--encoding auto`: the encoding chosen, once it is; nil before, and for other sources.
    var detectedEncoding: DetectedEncoding? { get }
}

extension RecordSource {
    func headerMapped(identifierColumn: Int?) {}
    func problemLocator() -> ProblemLocator? { nil }
    func describe(in summary: inout ImportSummary) {}
    var detectedEncoding: DetectedEncoding? { nil }
}

/// Gives a problem located by row and column name the cell reference of a sheet: `Sheet1!C12`,
/// or `Sheet1!12:12` when it concerns the whole row or a column the header does not have.
struct ProblemLocator: Sendable {
    /// The sheet as a reference prefix: `Sheet1!`, `'Project list'!`.
    let sheetPrefix: String
    /// Header name → column letters, the first column of that name.
    let lettersByColumnName: [String: String]

    func locate(_ problem: inout ImportProblem) {
        guard problem.cell == nil else { return }
        if let column = problem.column, let letters = lettersByColumnName[column] {
            problem.cell = sheetPrefix + letters + String(problem.line)
        } else {
            problem.cell = sheetPrefix + "\(problem.line):\(problem.line)"
        }
    }
}
