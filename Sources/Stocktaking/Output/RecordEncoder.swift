/// Encodes records field by field into a byte buffer, in a format chosen at run time.
///
/// Holds the format's `FormatEncoder` and forwards to it: one dynamic call per value, none per
/// byte, and no allocation per value. A copy shares the encoder (and its position in the record). Text arrives as UTF-8 bytes straight from SQLite, so a value
/// is copied once, into the output buffer. The export, the statistics tables and `RowWriter` (every
/// command that prints rows) write through it.
public struct RecordEncoder {
    public let format: OutputFormat
    public let columns: [String]
    private let base: any FormatEncoder

    public init(format: OutputFormat, settings: EncoderSettings) {
        self.format = format
        columns = settings.columns
        base = format.encoder(settings)
    }

    public init(format: OutputFormat, columns: [String], excelSafe: Bool = false) {
        self.init(format: format, settings: EncoderSettings(columns: columns, excelSafe: excelSafe))
    }

    /// The byte order mark (when asked), the header (unless `header` is false) or the opening bracket.
    public mutating func start(byteOrderMark: Bool, header: Bool = true, into buffer: inout [UInt8]) {
        base.start(byteOrderMark: byteOrderMark, header: header, into: &buffer)
    }

    public mutating func finish(into buffer: inout [UInt8]) {
        base.finish(into: &buffer)
    }

    public mutating func endRecord(_ buffer: inout [UInt8]) {
        base.endRecord(&buffer)
    }

    /// A text value; nil is absent (empty in CSV, `null` in JSON).
    public mutating func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        base.text(bytes, &buffer)
    }

    public mutating func text(_ string: String?, _ buffer: inout [UInt8]) {
        base.text(string, &buffer)
    }

    /// A text value already held as bytes (reference codes).
    public mutating func text(bytes: [UInt8]?, _ buffer: inout [UInt8]) {
        base.text(bytes: bytes, &buffer)
    }

    public mutating func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        base.integer(value, &buffer)
    }

    public mutating func real(_ value: Double?, _ buffer: inout [UInt8]) {
        base.real(value, &buffer)
    }

    public mutating func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        base.boolean(value, &buffer)
    }

    /// A link list of codes: `;`-joined in CSV (empty when there are none), an array of strings in JSON.
    public mutating func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        base.list(items, &buffer)
    }

    /// A link list of numbers (SDGs, GDC objectives): `4;5` in CSV, `[4,5]` in JSON.
    public mutating func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        base.numbers(items, &buffer)
    }

    /// One query result value.
    public mutating func value(_ value: QueryValue, _ buffer: inout [UInt8]) {
        base.value(value, &buffer)
    }

    /// A whole record of query result values, and its end.
    public mutating func record(_ values: [QueryValue], _ buffer: inout [UInt8]) {
        for value in values { base.value(value, &buffer) }
        base.endRecord(&buffer)
    }

    /// True once when the output should be flushed now (a table's first screen).
    public mutating func takeFlushRequest() -> Bool {
        base.takeFlushRequest()
    }
}
