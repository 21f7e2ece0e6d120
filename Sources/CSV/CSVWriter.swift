/// RFC 4180 writer into a caller-owned byte buffer. A field is quoted only when it contains the
/// delimiter, a quote, CR or LF; quotes inside are doubled. `nil` and `""` are both written as an
/// empty field (so a record of one empty field is an empty line, which `CSVReader` reads back as `[""]`).
public struct CSVWriter: Sendable {
    public var delimiter: UInt8
    public var lineEnding: [UInt8]

    public init(delimiter: UInt8 = UInt8(ascii: ","), lineEnding: [UInt8] = [13, 10]) {
        precondition(
            delimiter != ASCII.quote && delimiter != ASCII.cr && delimiter != ASCII.lf,
            "the delimiter cannot be a quote, CR or LF")
        self.delimiter = delimiter
        self.lineEnding = lineEnding
    }

    /// RFC 4180: comma-separated, lines ending in CRLF.
    public static var csv: CSVWriter { CSVWriter() }

    /// Tab-separated, lines ending in LF: TSV is for Unix tools (`cut`, `while read`, `awk`), which
    /// would keep a CR as part of the last field. Quoting stays RFC 4180's, so a TSV file reads back.
    public static var tsv: CSVWriter { CSVWriter(delimiter: ASCII.tab, lineEnding: [ASCII.lf]) }

    /// Appends one record followed by the line ending.
    public func append(record fields: [String?], to buffer: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            if let field { appendField(field, to: &buffer) }
        }
        buffer.append(contentsOf: lineEnding)
    }

    /// Appends one record followed by the line ending.
    public func append(record fields: [String], to buffer: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            appendField(field, to: &buffer)
        }
        buffer.append(contentsOf: lineEnding)
    }

    /// Appends the delimiter between fields (for callers writing field by field).
    public func appendDelimiter(to buffer: inout [UInt8]) {
        buffer.append(delimiter)
    }

    /// Appends the line ending (for callers writing field by field).
    public func appendLineEnding(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: lineEnding)
    }

    /// Appends one field, quoted only when needed. No delimiter or line ending is written.
    public func appendField(_ s: String, to buffer: inout [UInt8]) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            appendField(utf8: UnsafeRawBufferPointer(utf8), to: &buffer)
        }
        if done == nil {
            var copy = s
            copy.withUTF8 { appendField(utf8: UnsafeRawBufferPointer($0), to: &buffer) }
        }
    }

    /// Appends one field given as UTF-8 bytes (e.g. straight from `sqlite3_column_text`).
    public func appendField(utf8 bytes: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        var needsQuotes = false
        var quotes = 0
        for b in bytes {
            switch b {
            case ASCII.quote:
                needsQuotes = true
                quotes += 1
            case delimiter, ASCII.cr, ASCII.lf:
                needsQuotes = true
            default:
                break
            }
        }
        if !needsQuotes {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.reserveCapacity(buffer.count + bytes.count + quotes + 2)
        buffer.append(ASCII.quote)
        if quotes == 0 {
            buffer.append(contentsOf: bytes)
        } else {
            for b in bytes {
                buffer.append(b)
                if b == ASCII.quote { buffer.append(ASCII.quote) }
            }
        }
        buffer.append(ASCII.quote)
    }
}
