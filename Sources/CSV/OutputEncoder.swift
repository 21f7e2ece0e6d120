/// Encodes UTF-8 text into one of the input encodings, for files written back to the person who
/// supplied the input (a rejects file must open the way their file did). The inverse of
/// `InputDecoder`.
public struct OutputEncoder: Sendable {
    public let encoding: TextEncoding
    /// Written before the first bytes when the input started with one.
    public let byteOrderMark: Bool
    /// Writes ASCII only (common punctuation spelled in ASCII, anything else `?`): for text written
    /// before `--encoding auto` has chosen between UTF-8 and windows-1252, which spell everything
    /// else differently.
    public let asciiOnly: Bool

    public init(encoding: TextEncoding, byteOrderMark: Bool, asciiOnly: Bool = false) {
        self.encoding = encoding
        self.byteOrderMark = byteOrderMark
        self.asciiOnly = asciiOnly
    }

    /// The byte order mark to start the file with, or nothing.
    public var prefix: [UInt8] {
        guard byteOrderMark else { return [] }
        switch encoding {
        case .utf8: return [0xEF, 0xBB, 0xBF]
        case .utf16, .utf16LE: return [0xFF, 0xFE]
        case .utf16BE: return [0xFE, 0xFF]
        case .windows1252, .windows1251, .latin1: return []
        }
    }

    /// `utf8` in this encoding. A character the encoding cannot hold (only possible in text this
    /// tool adds, such as a message; values read from the input were decodable from it) becomes `?`.
    public func encode(_ utf8: [UInt8]) -> [UInt8] {
        if asciiOnly, !utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
                if scalar.isASCII {
                    out.append(UInt8(scalar.value))
                    continue
                }
                switch scalar {
                case "…": out += Array("...".utf8)
                case "‘", "’": out.append(UInt8(ascii: "'"))
                case "“", "”", "«", "»": out.append(UInt8(ascii: "\""))
                case "–", "—": out.append(UInt8(ascii: "-"))
                case "›": out.append(UInt8(ascii: ">"))
                default: out.append(UInt8(ascii: "?"))
                }
            }
            return out
        }
        switch encoding {
        case .utf8:
            return utf8
        case .windows1252, .windows1251, .latin1:
            var out: [UInt8] = []
            out.reserveCapacity(utf8.count)
            for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
                out.append(singleByte(scalar) ?? UInt8(ascii: "?"))
            }
            return out
        case .utf16, .utf16LE, .utf16BE:
            var out: [UInt8] = []
            out.reserveCapacity(utf8.count * 2)
            let bigEndian = encoding == .utf16BE
            for unit in String(decoding: utf8, as: UTF8.self).utf16 {
                let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
                out.append(contentsOf: bigEndian ? [high, low] : [low, high])
            }
            return out
        }
    }

    private func singleByte(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 { return UInt8(value) }
        if encoding == .windows1251 {
            if (0x0410...0x044F).contains(value) { return UInt8(value - 0x350) }
            return windows1251High.firstIndex(of: UInt16(truncatingIfNeeded: value)).flatMap { value <= 0xFFFF ? UInt8(0x80 + $0) : nil }
        }
        if value >= 0xA0 && value <= 0xFF { return UInt8(value) }
        if encoding == .latin1 { return value <= 0xFF ? UInt8(value) : nil }
        if let index = windows1252High.firstIndex(of: UInt16(truncatingIfNeeded: value)), value <= 0xFFFF {
            return UInt8(0x80 + index)
        }
        return nil
    }
}
