import FoundationEssentials

/// Writes records field by field into a byte buffer, in one output format.
///
/// The caller appends every column of a record in order (`text`, `integer`, `list`…), then
/// `endRecord`; the encoder writes delimiters, keys and record ends. Text can arrive as UTF-8 bytes
/// straight from SQLite, so a value is copied once, into the output buffer. Between `start` and
/// `finish` every record has one value per column.
///
/// Text formats (CSV, TSV, table, Markdown) write NULL as nothing, lists `;`-joined, `true` for a
/// true boolean and nothing for false; JSON writes `null`, arrays and `true`/`false`.
///
/// One encoder per format, each in its own file, declared as an `OutputFormat` there and registered
/// in `OutputFormat.all`. `RecordEncoder` holds one for callers that choose the format at run time.
/// Encoders are classes: a call through the protocol then costs one indirect call, where a struct
/// behind an existential would also check its box is unique on every mutating call (measured: 2%
/// more instructions for a CSV export).
public protocol FormatEncoder: AnyObject {
    /// The byte order mark (when asked and the format has one), the header (unless `header` is
    /// false and the format can leave it out), or the opening bracket.
    func start(byteOrderMark: Bool, header: Bool, into buffer: inout [UInt8])
    /// A text value as UTF-8 bytes; nil is absent.
    func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8])
    /// A text value; nil is absent. Defaults to the bytes version.
    func text(_ string: String?, _ buffer: inout [UInt8])
    func integer(_ value: Int64?, _ buffer: inout [UInt8])
    /// A REAL in its shortest exact form (`12.5`); JSON writes a non-finite value as `null`.
    func real(_ value: Double?, _ buffer: inout [UInt8])
    func boolean(_ value: Bool, _ buffer: inout [UInt8])
    /// A link list of codes as UTF-8 bytes: `;`-joined text (empty when there are none), an array of strings in JSON.
    func list(_ items: [[UInt8]], _ buffer: inout [UInt8])
    /// A link list of codes. Defaults to the bytes version.
    func list(strings items: [String], _ buffer: inout [UInt8])
    /// A link list of numbers (SDGs, GDC objectives): `4;5` as text, `[4,5]` in JSON.
    func numbers(_ items: [Int], _ buffer: inout [UInt8])
    func endRecord(_ buffer: inout [UInt8])
    /// The closing bracket, or rows held back (a table's window).
    func finish(into buffer: inout [UInt8])
    /// True once when what the encoder wrote should reach the reader now rather than when the
    /// buffer fills (a table's first screen). The caller then flushes.
    func takeFlushRequest() -> Bool
}

extension FormatEncoder {
    public func text(_ string: String?, _ buffer: inout [UInt8]) {
        guard var string else { return text(nil as UnsafeRawBufferPointer?, &buffer) }
        string.withUTF8 { text(UnsafeRawBufferPointer($0), &buffer) }
    }

    public func list(strings items: [String], _ buffer: inout [UInt8]) {
        list(items.map { Array($0.utf8) }, &buffer)
    }

    public func takeFlushRequest() -> Bool { false }

    /// A text value already held as bytes (reference codes).
    public func text(bytes: [UInt8]?, _ buffer: inout [UInt8]) {
        guard let bytes else { return text(nil as UnsafeRawBufferPointer?, &buffer) }
        bytes.withUnsafeBytes { text($0, &buffer) }
    }

    /// One query result value: NULL as an absent text, a BLOB as base64 text.
    public func value(_ value: QueryValue, _ buffer: inout [UInt8]) {
        switch value {
        case .null: text(nil as UnsafeRawBufferPointer?, &buffer)
        case .integer(let integer): self.integer(integer, &buffer)
        case .real(let real): self.real(real, &buffer)
        case .text(let string): text(string, &buffer)
        case .blob(let bytes): text(Data(bytes).base64EncodedString(), &buffer)
        case .list(let items): list(strings: items, &buffer)
        case .numbers(let items): numbers(items, &buffer)
        }
    }
}

/// What an encoder is made with: the columns, and the settings some formats read.
///
/// The front end measures what only it can know (a terminal's width) and passes it in here.
public struct EncoderSettings {
    public var columns: [String]
    /// CSV/TSV: prefix cells that spreadsheets would run as formulas with `'`.
    public var excelSafe: Bool
    /// Table: the width to fit, in terminal columns.
    public var width: Int
    /// Table: how many rows its columns are sized from before it starts printing.
    public var tableWindow: Int
    /// Table: where the note that it does not fit the width goes (stderr in the CLI).
    public var note: (String) -> Void
    /// Columns (by position) whose text is an ISO date `YYYY-MM-DD` when complete: xlsx writes
    /// those as dates; other formats ignore it.
    public var dateColumns: Set<Int> = []
    /// The column whose value names a record in messages (xlsx: a cell too long for Excel), and
    /// what a record is called (`project`); without it, records are named by their sheet row.
    public var recordName: (column: Int, noun: String)?
    /// xlsx: the sheet's log (rows, limits, truncations) shared with the workbook it goes into.
    public var sheet: WorkbookSheetLog?

    /// Enough to see typical widths, few enough to start printing at once.
    public static let defaultTableWindow = 200
    /// The width a table fits when the front end has none to give.
    public static let defaultWidth = 100

    public init(
        columns: [String], excelSafe: Bool = false, width: Int = EncoderSettings.defaultWidth,
        tableWindow: Int = EncoderSettings.defaultTableWindow, note: @escaping (String) -> Void = { _ in }
    ) {
        self.columns = columns
        self.excelSafe = excelSafe
        self.width = width
        self.tableWindow = tableWindow
        self.note = note
    }
}

/// Decimal digits straight into an output buffer, without a String.
enum DecimalText {
    static func append(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(contentsOf: String(value).utf8)
            return
        }
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            buffer.append(contentsOf: raw[(20 - count)...])
        }
    }

    /// `4;5`: the text form of a list of numbers.
    static func appendList(_ items: [Int], separator: UInt8, to buffer: inout [UInt8]) {
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.append(separator) }
            append(Int64(item), to: &buffer)
        }
    }
}
