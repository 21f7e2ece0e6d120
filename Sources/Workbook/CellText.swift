/// How cell values are written as text: numbers as the shortest decimal that reads back as the same
/// number, never in E notation; serial dates as ISO dates; Excel's `_xHHHH_` escapes decoded.
public enum CellText {
    /// `12345`, `0.1`, `123456789012`, `0.00001`: Swift's shortest round-trip digits, laid out
    /// without an exponent, and integers without `.0`.
    public static func number(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value.rounded() == value, abs(value) < 9.0e15 { return String(Int64(value)) }
        let shortest = value.description  // shortest round-trip: "1.2345e+20", "1e-05", "0.1"
        guard let exponentIndex = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return shortest.hasSuffix(".0") ? String(shortest.dropLast(2)) : shortest
        }
        let exponent = Int(shortest[shortest.index(after: exponentIndex)...])!
        var mantissa = shortest[..<exponentIndex]
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = String(parts[0])
        var digits = integerDigits + (parts.count > 1 ? String(parts[1]) : "")
        // The decimal point sits after `pointPosition` digits.
        let pointPosition = integerDigits.count + exponent
        var text: String
        if pointPosition <= 0 {
            text = "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            text = digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            digits.insert(".", at: digits.index(digits.startIndex, offsetBy: pointPosition))
            text = digits
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return (negative ? "-" : "") + text
    }

    /// The ISO date of an Excel serial date (its whole days; a time of day is dropped), or nil
    /// when the serial is outside Excel's dates (before the epoch, after 9999-12-31).
    ///
    /// The 1900 system counts 1900-01-01 as day 1 and, like Lotus 1-2-3 before it, counts a
    /// 1900-02-29 that never existed as day 60: that day is returned as the text `1900-02-29`,
    /// which the date rules then reject, rather than silently shifted to a real date.
    static func date(serial: Double, uses1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        let day = Int(serial.rounded(.down))
        let daysSince1970: Int
        if uses1904 {
            daysSince1970 = day - 24_107  // 1904-01-01 is day 0
        } else {
            if day == 0 { return nil }  // "1900-01-00"
            if day == 60 { return "1900-02-29" }
            // Before the phantom day, serial 1 is 1900-01-01; from day 61 on, 1899-12-30 is day 0.
            daysSince1970 = day < 60 ? day - 25_568 : day - 25_569
        }
        let (year, month, dayOfMonth) = civilDate(daysSince1970: daysSince1970)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(dayOfMonth, 2)
    }

    /// Proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Decodes `_xHHHH_` (Excel's escape for characters XML cannot carry, such as `_x000D_` for a
    /// carriage return; `_x005F_` escapes an underscore that would otherwise start one). UTF-16
    /// surrogate pairs written as two escapes are joined; a lone surrogate becomes U+FFFD.
    static func decodeEscapes(_ bytes: inout [UInt8]) {
        guard bytes.count >= 7, bytes.contains(UInt8(ascii: "_")) else { return }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var pendingHighSurrogate: UInt32?
        func flushPending() {
            if pendingHighSurrogate != nil { appendScalar(0xFFFD, to: &output) }
            pendingHighSurrogate = nil
        }
        while index < bytes.count {
            if let unit = escapedUnit(bytes, at: index) {
                index += 7
                if (0xD800...0xDBFF).contains(unit) {
                    flushPending()
                    pendingHighSurrogate = unit
                } else if (0xDC00...0xDFFF).contains(unit) {
                    if let high = pendingHighSurrogate {
                        appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &output)
                        pendingHighSurrogate = nil
                    } else {
                        appendScalar(0xFFFD, to: &output)
                    }
                } else {
                    flushPending()
                    appendScalar(unit, to: &output)
                }
            } else {
                flushPending()
                output.append(bytes[index])
                index += 1
            }
        }
        flushPending()
        bytes = output
    }

    private static func escapedUnit(_ bytes: [UInt8], at index: Int) -> UInt32? {
        guard index + 7 <= bytes.count, bytes[index] == UInt8(ascii: "_"), bytes[index + 1] == UInt8(ascii: "x"),
              bytes[index + 6] == UInt8(ascii: "_") else { return nil }
        var unit: UInt32 = 0
        for offset in 2..<6 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    private static func appendScalar(_ value: UInt32, to output: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// `A` → 1, `C` → 3, `AA` → 27; the column of a cell reference like `C12`, and where its row starts.
    static func parseReference(_ text: UnsafePointer<CChar>) -> (column: Int, row: Int)? {
        var cursor = text
        var column = 0
        while true {
            let byte = UInt8(bitPattern: cursor.pointee)
            let letter: Int
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { letter = Int(byte - UInt8(ascii: "A")) + 1 }
            else if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { letter = Int(byte - UInt8(ascii: "a")) + 1 }
            else { break }
            guard column < 1 << 20 else { return nil }
            column = column * 26 + letter
            cursor += 1
        }
        guard column > 0 else { return nil }
        var row = 0
        while cursor.pointee != 0 {
            let digit = Int(cursor.pointee) - 48
            guard (0...9).contains(digit), row < 1 << 40 else { return nil }
            row = row * 10 + digit
            cursor += 1
        }
        return (column, row)
    }

    /// 1 → `A`, 27 → `AA`: the letters Excel shows above a column.
    public static func columnLetters(_ column: Int) -> String {
        var number = column
        var letters: [Character] = []
        while number > 0 {
            let remainder = (number - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + remainder))))
            number = (number - 1) / 26
        }
        return String(letters.reversed())
    }
}
