import CSV
import Workbook

/// Everything that shapes one import, as given on the command line.
public struct ImportOptions: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case projects, prizes
    }

    public var kind: Kind = .projects
    public var reader = CSVReaderOptions()
    /// Recognise the delimiter from the header line (comma, semicolon, tab or pipe) instead of
    /// using `reader.dialect`; off when the user named one (`--delimiter`, `--tsv`).
    public var detectsDelimiter = false
    /// `--encoding auto` (`reader.detectsEncoding`): the encoding chosen, once it is; recorded with the batch.
    var detectedEncoding: DetectedEncoding?
    public var values = ValueOptions()
    /// `Source Header` → field, from `--map`.
    public var columnMappings: [String: String] = [:]
    public var ignoreUnknownColumns = false
    /// Derive ids from row content when the file has none (`--generate-ids PREFIX`).
    public var generateIDPrefix: String?
    /// Import the valid rows and reject the rest, instead of all-or-nothing.
    public var skipInvalid = false
    /// Validate and run the write path, then roll back.
    public var dryRun = false
    /// A known external_id is an error instead of an update.
    public var insertOnly = false
    /// Where to write rejected rows as read, plus an `error` column.
    public var rejectsPath: String?
    /// Where to write the full JSON report.
    public var reportPath: String?
    /// The workbook sheet to read, by name (`--sheet`) or 1-based position (`--sheet-index`);
    /// neither: the first visible sheet with values.
    public var sheetName: String?
    public var sheetIndex: Int?
    /// The workbook row holding the header (`--header-row`); nil: the first row with values.
    public var headerRow: Int?
    /// What a workbook may inflate to before it is refused as a zip bomb.
    public var zipLimits = ZipLimits()
    /// Count the empty cells of each source column, for `ImportSummary.sourceColumns` (`inspect`).
    public var countsEmptyCells = false
    /// Write at most this many new rows and only validate the rest (counted as valid, not
    /// inserted): `inspect` stores the rows it shows, and checks the others without the cost of
    /// writing them. Every check still runs, a repeated id included. Nil: no limit.
    public var writeLimit: Int?

    public init() {}

    /// The options recorded with the batch, as JSON (stable key order).
    var recordedJSON: String {
        var members: [(String, JSONNode)] = [("kind", .string(kind.rawValue))]
        func add(_ key: String, _ value: String?) {
            if let value { members.append((key, .string(value))) }
        }
        add("encoding", reader.detectsEncoding ? detectedEncoding?.encoding.rawValue ?? "auto" : reader.encoding?.rawValue)
        add("encoding_detected", reader.detectsEncoding ? "true" : nil)
        add("delimiter", reader.dialect.delimiter == UInt8(ascii: ",") && !detectsDelimiter ? nil : String(UnicodeScalar(reader.dialect.delimiter)))
        add("delimiter_detected", detectsDelimiter ? "true" : nil)
        add("replace_invalid", reader.replaceInvalid ? "true" : nil)
        add("date_format", values.dateOrder == .iso ? nil : values.dateOrder.rawValue)
        add("trim_text", values.trimText ? "true" : nil)
        add("generate_ids", generateIDPrefix)
        add("skip_invalid", skipInvalid ? "true" : nil)
        add("insert_only", insertOnly ? "true" : nil)
        add("ignore_unknown_columns", ignoreUnknownColumns ? "true" : nil)
        add("sheet", sheetName)
        add("sheet_index", sheetIndex.map(String.init))
        add("header_row", headerRow.map(String.init))
        for (source, field) in columnMappings.sorted(by: { $0.key < $1.key }) { add("map:" + source, field) }
        return JSONNode.object(members).compact
    }
}

/// What an import did (or, for a dry run, would do).
public struct ImportSummary: Sendable, Equatable {
    public var batchID: Int64?
    public var rows = 0
    public var counts = BatchRepository.Counts()
    public var warnings = 0
    public var dryRun = false
    public var seconds = 0.0
    /// The field delimiter the file was read with, and whether it was recognised from the header.
    public var delimiter = UInt8(ascii: ",")
    public var delimiterDetected = false
    /// `--encoding auto`: the encoding it chose (nil without it, and for a workbook).
    public var detectedEncoding: DetectedEncoding?
    /// For a workbook: the sheet read, and how many visible sheets have values (when none was
    /// chosen and several have, the summary names the one read).
    public var sheet: String?
    public var nonEmptySheetCount = 0
    public var sheetChosen = false
    /// The header as read: each source column and the field it feeds.
    public var sourceColumns: [SourceColumn] = []

    public init() {}

    /// One column of the file's header.
    public struct SourceColumn: Sendable, Equatable {
        /// How the column's name found its field.
        public enum Match: String, Sendable {
            /// The field's own name (ignoring case, spaces and punctuation).
            case name
            /// One of the field's built-in aliases (`Project Title` for title).
            case alias
            /// A `--map "Header=field"` of the user's.
            case map
            /// No field: an unknown column, skipped (`--ignore-unknown-columns`), or a rejects file's `error` column.
            case unknown
        }

        public var name: String
        public var field: String?
        public var match: Match
        /// Rows whose cell in this column is empty; nil unless counted (`ImportOptions.countsEmptyCells`).
        public var emptyCells: Int?
    }
}

/// Progress while importing, for a progress bar.
public struct ImportProgress: Sendable {
    public let rows: Int
    public let bytesRead: Int
    public let totalBytes: Int?
    public let seconds: Double
}
