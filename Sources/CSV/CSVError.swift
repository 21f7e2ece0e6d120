import SafeText

/// A reading error: structural (RFC 4180), encoding, size or I/O. Reading stops at the first error.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// End of input inside a quoted field that opened on `openedAtLine`.
        case unterminatedQuote(openedAtLine: Int)
        /// Something other than a delimiter or line end follows a closing quote: `"abc"x,`.
        case textAfterClosingQuote
        /// A quote inside an unquoted field: `ab"c`.
        case strayQuote
        /// A NUL byte (0x00), anywhere, quoted or not.
        case nulByte
        /// Invalid UTF-8 at `byteOffset` (0-based) within the field's value.
        case invalidUTF8(byteOffset: Int)
        /// Unpaired UTF-16 surrogate or a truncated code unit at `byteOffset` of the field's UTF-8 value.
        case invalidUTF16(byteOffset: Int)
        /// `--encoding auto` found that the input is not in the encoding it chose, at this byte.
        case encodingNotRecognised(EncodingRefusal)
        /// UTF-16 byte order mark at the start of input read as UTF-8.
        case utf16ByteOrderMark(littleEndian: Bool)
        /// A field longer than `limit` bytes.
        case fieldTooLarge(limit: Int)
        /// The byte source failed.
        case io(String)
    }

    public var kind: Kind
    /// Physical line (1-based) of the offending byte; 0 when no line applies (opening a file).
    public var line: Int
    /// 0-based index of the field within its record.
    public var fieldIndex: Int?
    /// At most about 40 characters around the offending value, escaped for display.
    public var excerpt: String?
    /// For invalid UTF-8: what the field's bytes look like, when that says what to do
    /// (`.windows1252`, `.windows1251`, or `.mixedUTF8` when the input also holds valid UTF-8).
    public var looksLike: EncodingGuess?

    public init(kind: Kind, line: Int, fieldIndex: Int? = nil, excerpt: String? = nil, looksLike: EncodingGuess? = nil) {
        self.kind = kind
        self.line = line
        self.fieldIndex = fieldIndex
        self.excerpt = excerpt
        self.looksLike = looksLike
    }

    public var description: String {
        var place = line > 0 ? "Line \(line)" : ""
        if let fieldIndex { place += place.isEmpty ? "Field \(fieldIndex + 1)" : ", field \(fieldIndex + 1)" }
        if !place.isEmpty { place += ": " }
        let near = excerpt.map { " (near \"\($0)\")" } ?? ""
        switch kind {
        case .unterminatedQuote(let opened):
            return "\(place)the quoted field opened on line \(opened) is never closed before the end of the input\(near); add the missing closing quote, and double any quote inside the field."
        case .textAfterClosingQuote:
            return "\(place)text follows the closing quote of a quoted field\(near); quote the whole field and double any quote inside it."
        case .strayQuote:
            return "\(place)a quote appears inside an unquoted field\(near); quote the whole field and double the quote."
        case .nulByte:
            return "\(place)the input contains a NUL byte, which is not allowed in CSV text; the file may be binary or UTF-16 (try --encoding utf-16)."
        case .invalidUTF8(let offset):
            let what = "\(place)invalid UTF-8 at byte \(offset + 1) of the field\(near)"
            switch looksLike {
            case .windows1252?: return what + "; looks like windows-1252: add --encoding windows-1252."
            case .windows1251?: return what + "; looks like Cyrillic windows-1251: add --encoding windows-1251."
            case .mixedUTF8?: return what + "; the file also holds valid UTF-8, so this is a stray byte: correct it, or use --replace-invalid."
            default: return what + "; use --encoding windows-1252 if the file came from Excel, or --replace-invalid."
            }
        case .encodingNotRecognised(.mixedUTF8):
            return "\(place)the file mixes valid UTF-8 with bytes that are not UTF-8\(near), so no encoding reads all of it (--encoding auto); correct the stray bytes, or use --encoding utf-8 --replace-invalid."
        case .encodingNotRecognised(.cyrillic):
            return "\(place)the bytes look like Cyrillic text in windows-1251, not windows-1252\(near) (--encoding auto); use --encoding windows-1251."
        case .encodingNotRecognised(.notWindows1252):
            return "\(place)the bytes are neither UTF-8 nor plausible windows-1252 text\(near) (--encoding auto); save the file as \"CSV UTF-8\", or name its encoding with --encoding."
        case .invalidUTF16(let offset):
            return "\(place)invalid UTF-16 (an unpaired surrogate or a truncated code unit) at byte \(offset + 1) of the field\(near); use --replace-invalid to substitute U+FFFD."
        case .utf16ByteOrderMark(let littleEndian):
            return "The file starts with a UTF-16 \(littleEndian ? "LE" : "BE") byte order mark; use --encoding utf-16."
        case .fieldTooLarge(let limit):
            return "\(place)the field is larger than the limit of \(limit) bytes\(near); check for an unbalanced quote earlier in the file."
        case .io(let message):
            return "\(place)reading the input failed: \(message)."
        }
    }
}

/// Renders bytes for an error message: lossy UTF-8, control characters escaped, at most `limit`
/// characters (Unicode scalars), with a leading/trailing ellipsis when cut.
func displayExcerpt(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 40, cutAtStart: Bool = false) -> String {
    let text = String(decoding: bytes, as: UTF8.self)
    guard cutAtStart else { return TerminalText.excerpt(text, limit: limit) }
    // The end of the field is where the error is: keep the last `limit` characters.
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: text.unicodeScalars.suffix(limit))
    return "…" + TerminalText.excerpt(String(scalars), limit: limit)
}
