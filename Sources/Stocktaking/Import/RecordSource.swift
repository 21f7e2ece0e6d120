import CSV

/// One row of an import's input: its cells, and the line (CSV) or row (sheet) where it starts.
struct SourceRecord: Sendable {
    var fields: [String]
    var line: Int
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
}
