/// Writes rows of query values to a sink in one output format, streaming in all of them: what
/// every command that prints rows (find, stats, sql, ref, imports, schema, migrate --status) uses.
///
/// CSV, TSV, JSON and NDJSON keep every value's exact text. Table and Markdown are for people
/// reading: control characters are shown as escapes, and a table shows its first screen as soon
/// as its columns are sized (see `TableEncoder`).
///
/// ```swift
/// let writer = RowWriter(format: .csv, columns: ["code", "projects"], sink: .standardOutput())
/// try writer.start()
/// try writer.add([.text("C5"), .integer(12)])
/// try writer.finish()
/// ```
public final class RowWriter {
    public let format: OutputFormat
    public let columns: [String]
    /// CSV/TSV: write the header line (`--no-header` turns it off).
    public let header: Bool
    private let sink: FileSink
    private var encoder: RecordEncoder

    public init(format: OutputFormat, columns: [String], header: Bool = true, sink: FileSink, settings: EncoderSettings? = nil) {
        self.format = format
        self.columns = columns
        self.header = header
        self.sink = sink
        var settings = settings ?? EncoderSettings(columns: columns)
        settings.columns = columns
        if settings.sheet == nil { settings.sheet = sink.workbook?.sheet }
        encoder = RecordEncoder(format: format, settings: settings)
    }

    public func start() throws {
        try sink.withBuffer { encoder.start(byteOrderMark: false, header: header, into: &$0) }
        if encoder.takeFlushRequest() { try sink.flush() }
    }

    public func add(_ row: [QueryValue]) throws {
        try sink.withBuffer { encoder.record(row, &$0) }
        if encoder.takeFlushRequest() { try sink.flush() }
    }

    /// Writes what the format held back and its end, and flushes.
    public func finish() throws {
        try sink.withBuffer { encoder.finish(into: &$0) }
        try sink.flush()
    }

    /// Writes a whole result in one call.
    public static func write(
        format: OutputFormat, header: Bool = true, columns: [String], rows: [[QueryValue]], to sink: FileSink,
        settings: EncoderSettings? = nil
    ) throws {
        let writer = RowWriter(format: format, columns: columns, header: header, sink: sink, settings: settings)
        try writer.start()
        for row in rows { try writer.add(row) }
        try writer.finish()
    }
}
