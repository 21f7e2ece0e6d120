import Stocktaking

/// Runs records through a format's encoder into bytes, as the export and `RowWriter` do.
enum Encoded {
    static func bytes(
        _ format: OutputFormat, columns: [String], header: Bool = true, byteOrderMark: Bool = false, excelSafe: Bool = false,
        _ records: [[QueryValue]]
    ) -> [UInt8] {
        var encoder = RecordEncoder(format: format, columns: columns, excelSafe: excelSafe)
        var buffer: [UInt8] = []
        encoder.start(byteOrderMark: byteOrderMark, header: header, into: &buffer)
        for record in records { encoder.record(record, &buffer) }
        encoder.finish(into: &buffer)
        return buffer
    }

    static func text(
        _ format: OutputFormat, columns: [String], header: Bool = true, excelSafe: Bool = false, _ records: [[QueryValue]]
    ) -> String {
        String(decoding: bytes(format, columns: columns, header: header, excelSafe: excelSafe, records), as: UTF8.self)
    }

    /// The same record written through the field-by-field calls the export's hot loop makes.
    static func fieldByField(_ format: OutputFormat, columns: [String], _ write: (inout RecordEncoder, inout [UInt8]) -> Void) -> String {
        var encoder = RecordEncoder(format: format, columns: columns)
        var buffer: [UInt8] = []
        encoder.start(byteOrderMark: false, header: true, into: &buffer)
        write(&encoder, &buffer)
        encoder.endRecord(&buffer)
        encoder.finish(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// One value of every kind, `numbers` included.
    static let everyKindColumns = ["null", "integer", "real", "text", "blob", "list", "numbers", "no_numbers"]
    static let everyKind: [QueryValue] = [
        .null, .integer(-42), .real(12.5), .text("a \"quoted\", value"), .blob([0, 1, 2, 255]), .list(["C5", "C7.a"]),
        .numbers([4, 5]), .numbers([]),
    ]
}
