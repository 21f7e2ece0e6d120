import CSV

/// Encodes records field by field into a byte buffer, in one of the export formats.
///
/// The caller appends every column of a record in order (`text`, `integer`, `list`…); the encoder
/// writes delimiters, JSON keys and record ends. Text arrives as UTF-8 bytes straight from SQLite,
/// so a value is copied once, into the output buffer.
struct RecordEncoder {
    let format: ExportFormat
    let columns: [String]
    let excelSafe: Bool
    private let csv: CSVWriter
    /// `"key":` for each column, and `{"key":` for the first.
    private let jsonKeys: [[UInt8]]
    private var field = 0
    private(set) var records = 0
    private var scratch: [UInt8] = []

    init(format: ExportFormat, columns: [String], excelSafe: Bool = false) {
        self.format = format
        self.columns = columns
        self.excelSafe = excelSafe && format.isDelimited
        csv = format == .tsv ? .tsv : .csv
        jsonKeys = columns.enumerated().map { index, column in
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            JSONText.appendString(column, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        scratch.reserveCapacity(256)
    }

    /// The byte order mark (when asked), the header (unless `header` is false) or the opening bracket.
    func start(byteOrderMark: Bool, header: Bool = true, into buffer: inout [UInt8]) {
        switch format {
        case .csv, .tsv:
            if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
            if header { csv.append(record: columns, to: &buffer) }
        case .json:
            buffer.append(UInt8(ascii: "["))
        case .ndjson:
            break
        }
    }

    func finish(into buffer: inout [UInt8]) {
        if format == .json { buffer.append(contentsOf: (records == 0 ? "]\n" : "\n]\n").utf8) }
    }

    private mutating func beginField(_ buffer: inout [UInt8]) {
        switch format {
        case .csv, .tsv:
            if field > 0 { csv.appendDelimiter(to: &buffer) }
        case .json, .ndjson:
            if field == 0 && format == .json { buffer.append(contentsOf: (records == 0 ? "\n" : ",\n").utf8) }
            buffer.append(contentsOf: jsonKeys[field])
        }
        field += 1
    }

    mutating func endRecord(_ buffer: inout [UInt8]) {
        precondition(field == columns.count, "a record must have one value per column")
        switch format {
        case .csv, .tsv: csv.appendLineEnding(to: &buffer)
        case .json: buffer.append(UInt8(ascii: "}"))
        case .ndjson: buffer.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        }
        field = 0
        records += 1
    }

    /// A text value; nil is absent (empty in CSV, `null` in JSON).
    mutating func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        guard let bytes else {
            if !format.isDelimited { buffer.append(contentsOf: Self.null) }
            return
        }
        switch format {
        case .csv, .tsv:
            if excelSafe, let first = bytes.first, Self.formulaStarts.contains(first) {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(UInt8(ascii: "'"))
                scratch.append(contentsOf: bytes)
                scratch.withUnsafeBytes { csv.appendField(utf8: $0, to: &buffer) }
            } else {
                csv.appendField(utf8: bytes, to: &buffer)
            }
        case .json, .ndjson:
            buffer.append(UInt8(ascii: "\""))
            JSONText.appendEscaped(bytes, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
    }

    mutating func text(_ string: String?, _ buffer: inout [UInt8]) {
        guard var string else { return text(nil as UnsafeRawBufferPointer?, &buffer) }
        string.withUTF8 { text(UnsafeRawBufferPointer($0), &buffer) }
    }

    /// A text value already held as bytes (reference codes).
    mutating func text(bytes: [UInt8]?, _ buffer: inout [UInt8]) {
        guard let bytes else { return text(nil as UnsafeRawBufferPointer?, &buffer) }
        bytes.withUnsafeBytes { text($0, &buffer) }
    }

    mutating func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        guard let value else {
            if !format.isDelimited { buffer.append(contentsOf: Self.null) }
            return
        }
        Self.appendDecimal(value, to: &buffer)
    }

    mutating func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        if format.isDelimited {
            if value { buffer.append(contentsOf: "true".utf8) }
        } else {
            buffer.append(contentsOf: (value ? "true" : "false").utf8)
        }
    }

    /// A link list of codes: `;`-joined in CSV (empty when there are none), an array of strings in JSON.
    mutating func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        if format.isDelimited {
            scratch.removeAll(keepingCapacity: true)
            for (index, item) in items.enumerated() {
                if index > 0 { scratch.append(UInt8(ascii: ";")) }
                scratch.append(contentsOf: item)
            }
            scratch.withUnsafeBytes { csv.appendField(utf8: $0, to: &buffer) }
        } else {
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(UInt8(ascii: "\""))
                item.withUnsafeBytes { JSONText.appendEscaped($0, to: &buffer) }
                buffer.append(UInt8(ascii: "\""))
            }
            buffer.append(UInt8(ascii: "]"))
        }
    }

    /// A link list of numbers (SDGs, GDC objectives): `4;5` in CSV, `[4,5]` in JSON.
    mutating func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        let delimited = format.isDelimited
        if !delimited { buffer.append(UInt8(ascii: "[")) }
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.append(delimited ? UInt8(ascii: ";") : UInt8(ascii: ",")) }
            Self.appendDecimal(Int64(item), to: &buffer)
        }
        if !delimited { buffer.append(UInt8(ascii: "]")) }
    }

    static let null: [UInt8] = Array("null".utf8)

    /// First bytes that make Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP
    /// "CSV injection"): = + - @ TAB CR.
    static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D,
    ]

    static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
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
}
