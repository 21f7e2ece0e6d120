extension OutputFormat {
    /// One JSON array of objects, one object per line, keys in column order.
    public static let json = OutputFormat(name: "json") { JSONRecordEncoder(settings: $0, lines: false) }
}

/// JSON objects, one per record, keys in column order: NULL as `null`, lists as arrays, numbers and
/// booleans bare. `lines` false: inside one array (`json`); true: one object per line (`ndjson`).
final class JSONRecordEncoder: FormatEncoder {
    let lines: Bool
    /// `"key":` for each column, and `{"key":` for the first.
    private let keys: [[UInt8]]
    private var field = 0
    private var records = 0

    init(settings: EncoderSettings, lines: Bool) {
        self.lines = lines
        keys = settings.columns.enumerated().map { index, column in
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            JSONText.appendString(column, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    func start(byteOrderMark: Bool, header: Bool, into buffer: inout [UInt8]) {
        if !lines { buffer.append(UInt8(ascii: "[")) }
    }

    func finish(into buffer: inout [UInt8]) {
        if !lines { buffer.append(contentsOf: (records == 0 ? "]\n" : "\n]\n").utf8) }
    }

    private func beginField(_ buffer: inout [UInt8]) {
        if field == 0 && !lines { buffer.append(contentsOf: (records == 0 ? "\n" : ",\n").utf8) }
        buffer.append(contentsOf: keys[field])
        field += 1
    }

    func endRecord(_ buffer: inout [UInt8]) {
        precondition(field == keys.count, "a record must have one value per column")
        if lines {
            buffer.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        } else {
            buffer.append(UInt8(ascii: "}"))
        }
        field = 0
        records += 1
    }

    func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        guard let bytes else { return buffer.append(contentsOf: JSONText.null) }
        buffer.append(UInt8(ascii: "\""))
        JSONText.appendEscaped(bytes, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
    }

    func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        guard let value else { return buffer.append(contentsOf: JSONText.null) }
        DecimalText.append(value, to: &buffer)
    }

    func real(_ value: Double?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        JSONText.appendNumber(value, to: &buffer)
    }

    func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        buffer.append(contentsOf: (value ? "true" : "false").utf8)
    }

    func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        buffer.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "\""))
            item.withUnsafeBytes { JSONText.appendEscaped($0, to: &buffer) }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "]"))
    }

    func list(strings items: [String], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        buffer.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONText.appendString(item, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        buffer.append(UInt8(ascii: "["))
        DecimalText.appendList(items, separator: UInt8(ascii: ","), to: &buffer)
        buffer.append(UInt8(ascii: "]"))
    }
}
