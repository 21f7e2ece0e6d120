/// The pieces of JSON text every JSON writer here uses (`JSONRecordEncoder`, `JSONNode`): strings
/// escaped per RFC 8259, numbers, `null`. Keys are written in the order given (stable output for diffs).
public enum JSONText {
    public static let null: [UInt8] = Array("null".utf8)

    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { appendEscaped(UnsafeRawBufferPointer($0), to: &buffer) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends already-UTF-8 bytes as the inside of a JSON string.
    public static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { buffer.append(contentsOf: bytes[runStart..<index]) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: buffer.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: buffer.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default:
                buffer.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        if runStart < bytes.count { buffer.append(contentsOf: bytes[runStart..<bytes.count]) }
    }

    public static func string(_ text: String) -> String {
        var buffer: [UInt8] = []
        appendString(text, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// A REAL in its shortest exact form; NaN and the infinities, which JSON cannot write, as `null`.
    public static func appendNumber(_ value: Double?, to buffer: inout [UInt8]) {
        guard let value, value.isFinite else { return buffer.append(contentsOf: null) }
        buffer.append(contentsOf: value.description.utf8)
    }
}
