import CSV

extension OutputFormat {
    /// RFC 4180, CRLF: what spreadsheets and the import read; the export's default.
    public static let csv = OutputFormat(name: "csv", isDelimited: true) { CSVEncoder(writer: .csv, settings: $0) }
}

/// CSV, and TSV with the tab writer: a header line, fields quoted only when needed (`CSVWriter`),
/// NULL as an empty field, lists `;`-joined, booleans `true` or empty.
final class CSVEncoder: FormatEncoder {
    let columns: [String]
    let excelSafe: Bool
    private let csv: CSVWriter
    private var field = 0
    /// Joined list items and excel-safe text, reused. Unchecked: the encoder never calls out while
    /// it is modified, and the run-time exclusivity check on a class property cost 1% of a CSV
    /// export's instructions.
    @exclusivity(unchecked) private var scratch: [UInt8] = []

    init(writer: CSVWriter, settings: EncoderSettings) {
        columns = settings.columns
        excelSafe = settings.excelSafe
        csv = writer
        scratch.reserveCapacity(256)
    }

    func start(byteOrderMark: Bool, header: Bool, into buffer: inout [UInt8]) {
        if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        if header { csv.append(record: columns, to: &buffer) }
    }

    func finish(into buffer: inout [UInt8]) {}

    private func beginField(_ buffer: inout [UInt8]) {
        if field > 0 { csv.appendDelimiter(to: &buffer) }
        field += 1
    }

    func endRecord(_ buffer: inout [UInt8]) {
        precondition(field == columns.count, "a record must have one value per column")
        csv.appendLineEnding(to: &buffer)
        field = 0
    }

    func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        guard let bytes else { return }
        if excelSafe, let first = bytes.first, Self.formulaStarts.contains(first) {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(UInt8(ascii: "'"))
            scratch.append(contentsOf: bytes)
            scratch.withUnsafeBytes { csv.appendField(utf8: $0, to: &buffer) }
        } else {
            csv.appendField(utf8: bytes, to: &buffer)
        }
    }

    func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        if let value { DecimalText.append(value, to: &buffer) }
    }

    func real(_ value: Double?, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        // Swift prints the shortest representation that reads back to the same Double.
        if let value { csv.appendField(value.description, to: &buffer) }
    }

    func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        beginField(&buffer)
        if value { buffer.append(contentsOf: "true".utf8) }
    }

    func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        scratch.removeAll(keepingCapacity: true)
        for (index, item) in items.enumerated() {
            if index > 0 { scratch.append(UInt8(ascii: ";")) }
            scratch.append(contentsOf: item)
        }
        scratch.withUnsafeBytes { csv.appendField(utf8: $0, to: &buffer) }
    }

    func list(strings items: [String], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        scratch.removeAll(keepingCapacity: true)
        for (index, item) in items.enumerated() {
            if index > 0 { scratch.append(UInt8(ascii: ";")) }
            scratch.append(contentsOf: item.utf8)
        }
        scratch.withUnsafeBytes { csv.appendField(utf8: $0, to: &buffer) }
    }

    func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        beginField(&buffer)
        DecimalText.appendList(items, separator: UInt8(ascii: ";"), to: &buffer)
    }

    /// First bytes that make Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP
    /// "CSV injection"): = + - @ TAB CR.
    static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D,
    ]
}
