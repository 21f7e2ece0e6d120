/// The cell formats every workbook this package writes has (`xl/styles.xml`): a cell's `s`.
public enum CellStyle: UInt8, Sendable {
    case normal = 0
    /// Bold: the header row.
    case header = 1
    /// A serial date shown as `yyyy-mm-dd`.
    case date = 2
}

/// Worksheet rows as SpreadsheetML, written straight into a byte buffer a cell at a time.
///
/// Text is always an inline string (`t="inlineStr"`): nothing is held in a shared-strings table,
/// and a value that begins with `=`, `+`, `-` or `@` stays text — it is never a formula, because
/// this writer never writes one. Text is escaped for XML (`&amp;`, `&lt;`, `&gt;`); the characters
/// XML 1.0 cannot carry (C0 controls other than TAB and LF, and CR, which XML would turn into LF;
/// U+FFFE, U+FFFF) are written as Excel's `_xHHHH_` escapes, and an `_` that starts a literal
/// `_xHHHH_` as `_x005F_`, so the reader (`CellText.decodeEscapes`, Excel, LibreOffice) gives back
/// exactly the text. Bytes that are not UTF-8 become U+FFFD: a workbook must be valid XML. Leading or
/// trailing whitespace gets `xml:space="preserve"`.
public struct SheetRowWriter {
    /// Excel's limit on the characters of a cell (UTF-16 code units).
    public static let maximumCellCharacters = 32_767

    /// The sheet row being written, 1-based; 0 before the first.
    public private(set) var row = 0
    /// The cells of the current row so far.
    public private(set) var column = 0
    private var rowDigits: [UInt8] = []
    private var letters: [[UInt8]] = []

    public init() {}

    public mutating func beginRow(_ buffer: inout [UInt8]) {
        row += 1
        column = 0
        rowDigits.removeAll(keepingCapacity: true)
        var rest = row
        repeat {
            rowDigits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        rowDigits.reverse()
        buffer.append(contentsOf: Self.rowOpen)
        buffer.append(contentsOf: rowDigits)
        buffer.append(contentsOf: Self.tagEnd)
    }

    public mutating func endRow(_ buffer: inout [UInt8]) {
        buffer.append(contentsOf: Self.rowClose)
    }

    /// An empty cell: nothing is written, the next cell is one column further.
    public mutating func skipCell() {
        column += 1
    }

    /// A text cell.
    public mutating func text(_ bytes: UnsafeRawBufferPointer, style: CellStyle = .normal, _ buffer: inout [UInt8]) {
        guard bytes.count > 0 else { return skipCell() }
        openCell(style: style, type: Self.inlineStringType, &buffer)
        let count = bytes.count
        let first = bytes[0], last = bytes[count - 1]
        if Self.isEdgeSpace(first) || Self.isEdgeSpace(last) {
            buffer.append(contentsOf: Self.preservedTextOpen)
        } else {
            buffer.append(contentsOf: Self.textOpen)
        }
        Self.appendEscaped(bytes, to: &buffer)
        buffer.append(contentsOf: Self.textCellClose)
    }

    public mutating func text(_ string: String, style: CellStyle = .normal, _ buffer: inout [UInt8]) {
        var string = string
        string.withUTF8 { text(UnsafeRawBufferPointer($0), style: style, &buffer) }
    }

    /// A number cell whose value is already written as an XML Schema double (`12`, `0.5`, `1e-05`).
    public mutating func number(_ digits: UnsafeRawBufferPointer, style: CellStyle = .normal, _ buffer: inout [UInt8]) {
        openCell(style: style, type: nil, &buffer)
        buffer.append(contentsOf: Self.valueOpen)
        buffer.append(contentsOf: digits)
        buffer.append(contentsOf: Self.valueCellClose)
    }

    public mutating func number(_ digits: [UInt8], style: CellStyle = .normal, _ buffer: inout [UInt8]) {
        digits.withUnsafeBytes { number($0, style: style, &buffer) }
    }

    public mutating func number(_ value: Double, style: CellStyle = .normal, _ buffer: inout [UInt8]) {
        number(Array(CellText.number(value).utf8), style: style, &buffer)
    }

    /// A date: its serial day number, shown as `yyyy-mm-dd`.
    public mutating func date(serial: Int, _ buffer: inout [UInt8]) {
        number(Array(String(serial).utf8), style: .date, &buffer)
    }

    public mutating func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        openCell(style: .normal, type: Self.booleanType, &buffer)
        buffer.append(contentsOf: Self.valueOpen)
        buffer.append(value ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        buffer.append(contentsOf: Self.valueCellClose)
    }

    private mutating func openCell(style: CellStyle, type: [UInt8]?, _ buffer: inout [UInt8]) {
        while letters.count <= column { letters.append(Array(CellText.columnLetters(letters.count + 1).utf8)) }
        buffer.append(contentsOf: Self.cellOpen)
        buffer.append(contentsOf: letters[column])
        buffer.append(contentsOf: rowDigits)
        buffer.append(UInt8(ascii: "\""))
        if style != .normal {
            buffer.append(contentsOf: Self.styleAttribute)
            buffer.append(UInt8(ascii: "0") + style.rawValue)
            buffer.append(UInt8(ascii: "\""))
        }
        if let type { buffer.append(contentsOf: type) }
        buffer.append(UInt8(ascii: ">"))
        column += 1
    }

    private static func isEdgeSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static let rowOpen = Array("<row r=\"".utf8)
    private static let tagEnd = Array("\">".utf8)
    private static let rowClose = Array("</row>".utf8)
    private static let cellOpen = Array("<c r=\"".utf8)
    private static let styleAttribute = Array(" s=\"".utf8)
    private static let inlineStringType = Array(" t=\"inlineStr\"".utf8)
    private static let booleanType = Array(" t=\"b\"".utf8)
    private static let textOpen = Array("<is><t>".utf8)
    private static let preservedTextOpen = Array("<is><t xml:space=\"preserve\">".utf8)
    private static let textCellClose = Array("</t></is></c>".utf8)
    private static let valueOpen = Array("<v>".utf8)
    private static let valueCellClose = Array("</v></c>".utf8)

    // MARK: Text

    /// Bytes that need more than copying: markup, `_`, controls, and everything above ASCII.
    private static let special: [Bool] = (0...255).map { byte in
        byte < 0x20 || byte >= 0x80 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x5F
    }

    /// Appends `bytes` as XML character content with Excel's escapes (see the type's notes).
    public static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        let count = bytes.count
        var plain = true
        special.withUnsafeBufferPointer { special in
            for byte in bytes where special[Int(byte)] {
                plain = false
                break
            }
        }
        if plain {
            buffer.append(contentsOf: bytes)
            return
        }
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                switch byte {
                case 0x26: buffer.append(contentsOf: amp)
                case 0x3C: buffer.append(contentsOf: lt)
                case 0x3E: buffer.append(contentsOf: gt)
                case 0x09, 0x0A: buffer.append(byte)
                case 0x5F:
                    if startsEscape(bytes, at: index) { buffer.append(contentsOf: escapedUnderscore) } else { buffer.append(byte) }
                case 0..<0x20: appendEscape(UInt16(byte), to: &buffer)
                default: buffer.append(byte)
                }
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index)
            if length == 0 {
                buffer.append(contentsOf: replacement)
                index += 1
            } else if length == 3 && byte == 0xEF && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE {
                appendEscape(bytes[index + 2] == 0xBE ? 0xFFFE : 0xFFFF, to: &buffer)
                index += 3
            } else {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)]))
                index += length
            }
        }
    }

    private static let amp = Array("&amp;".utf8)
    private static let lt = Array("&lt;".utf8)
    private static let gt = Array("&gt;".utf8)
    private static let escapedUnderscore = Array("_x005F_".utf8)
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// `_x000D_`.
    private static func appendEscape(_ unit: UInt16, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "_"))
        buffer.append(UInt8(ascii: "x"))
        for shift in stride(from: 12, through: 0, by: -4) { buffer.append(hexDigits[Int(unit >> UInt16(shift)) & 0xF]) }
        buffer.append(UInt8(ascii: "_"))
    }

    /// Whether the `_` at `index` begins `_xHHHH_`, which a reader would decode.
    private static func startsEscape(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard index + 7 <= bytes.count, bytes[index + 1] == UInt8(ascii: "x"), bytes[index + 6] == UInt8(ascii: "_") else { return false }
        for offset in 2..<6 {
            let byte = bytes[index + offset]
            let hex = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
            if !hex { return false }
        }
        return true
    }

    /// The length of the valid UTF-8 sequence starting at `index` (a byte ≥ 0x80), or 0.
    private static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = bytes[index]
        let remaining = bytes.count - index
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            offset < remaining && bytes[index + offset] >= low && bytes[index + offset] <= high
        }
        switch lead {
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xE1...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }

    /// The characters of UTF-8 text as Excel counts them (UTF-16 code units).
    public static func characterCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var units = 0
        for byte in bytes where byte & 0xC0 != 0x80 {
            units += byte >= 0xF0 ? 2 : 1
        }
        return units
    }

    /// The length in bytes of the longest start of `bytes` that ends between characters and has
    /// at most `limit` UTF-16 code units.
    public static func prefixLength(_ bytes: UnsafeRawBufferPointer, characters limit: Int) -> Int {
        var units = 0
        for (index, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            let size = byte >= 0xF0 ? 2 : 1
            if units + size > limit { return index }
            units += size
        }
        return bytes.count
    }
}

extension CellText {
    /// The Excel serial (1900 date system) of an ISO date `YYYY-MM-DD`, or nil for anything else:
    /// other text, an impossible date, or a date before 1900-03-01 (before Excel's phantom
    /// 1900-02-29, serials and real dates disagree) or after 9999-12-31.
    public static func serial(isoDate bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
              (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthDays[month - 1] else { return nil }
        guard year > 1900 || (year == 1900 && month >= 3), year <= 9999 else { return nil }
        return daysSince1970(year: year, month: month, day: day) + 25_569
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`),
    /// the inverse of `civilDate(daysSince1970:)`.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
