/// The separator between fields. Quote is always `"` (RFC 4180).
public struct CSVDialect: Sendable, Hashable {
    /// Field separator: `,` by default, `\t` for TSV, `;` for European Excel exports.
    /// Must not be `"`, CR, LF or NUL.
    public var delimiter: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    public static let csv = CSVDialect()
    public static let tsv = CSVDialect(delimiter: UInt8(ascii: "\t"))
}

/// The character encoding of an input file. Everything is transcoded to UTF-8 before parsing.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    /// Cyrillic. Byte 0x98, undefined, reads as U+0098 (a C1 control), as windows-1252's undefined
    /// bytes do (the WHATWG Encoding Standard's decoders).
    case windows1251 = "windows-1251"
    case latin1
    /// UTF-16 with the byte order taken from the BOM; little-endian when there is none.
    case utf16 = "utf-16"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"

    /// Parses a user-supplied encoding name, case-insensitively:
    /// `utf8`, `utf-8`, `cp1252`, `windows-1252`, `cp1251`, `windows-1251`, `latin1`, `latin-1`, `iso-8859-1`,
    /// `utf16`, `utf-16`, `utf-16le`, `utf-16be` (and `utf16le`, `utf16be`).
    public init?(name: String) {
        switch String(name.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "utf8", "utf-8": self = .utf8
        case "cp1252", "windows-1252", "windows1252": self = .windows1252
        case "cp1251", "windows-1251", "windows1251": self = .windows1251
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .latin1
        case "utf16", "utf-16": self = .utf16
        case "utf-16le", "utf16le": self = .utf16LE
        case "utf-16be", "utf16be": self = .utf16BE
        default: return nil
        }
    }
}

public struct CSVReaderOptions: Sendable {
    public var dialect: CSVDialect
    /// `nil` means strict UTF-8; a UTF-16 byte order mark at the start is then reported as an error
    /// that names the `--encoding` to use. A UTF-8 BOM is always dropped in UTF-8 mode.
    public var encoding: TextEncoding?
    /// `--encoding auto`: recognise the encoding instead (then `encoding` is not used). A UTF-8 or
    /// UTF-16 byte order mark decides; otherwise the input is passed through while it is ASCII, and
    /// at the first byte above 0x7F the next `EncodingDetector.window` bytes choose UTF-8 (valid
    /// multi-byte sequences) or windows-1252. Every later byte is checked against the choice: an
    /// invalid byte after UTF-8 was chosen, or after windows-1252 was chosen a UTF-8 sequence, a
    /// Cyrillic-looking word or a byte that is not plausible windows-1252, is an error naming its
    /// line (`CSVError.Kind.encodingNotRecognised`): the reader never returns mojibake.
    public var detectsEncoding: Bool
    /// Replace invalid input (bad UTF-8, unpaired UTF-16 surrogates) with U+FFFD instead of failing;
    /// the affected lines are listed in `CSVReader.replacedInvalidLines`.
    public var replaceInvalid: Bool
    /// Largest field accepted, in UTF-8 bytes as they appear in the (transcoded) input, doubled
    /// quotes included, surrounding quotes excluded. Default 16 MiB.
    public var maxFieldBytes: Int
    /// Bytes requested from the source per read. Default 1 MiB.
    public var chunkSize: Int

    public init(
        dialect: CSVDialect = CSVDialect(),
        encoding: TextEncoding? = nil,
        replaceInvalid: Bool = false,
        maxFieldBytes: Int = 16 << 20,
        chunkSize: Int = 1 << 20,
        detectsEncoding: Bool = false
    ) {
        self.detectsEncoding = detectsEncoding
        self.dialect = dialect
        self.encoding = encoding
        self.replaceInvalid = replaceInvalid
        self.maxFieldBytes = maxFieldBytes
        self.chunkSize = chunkSize
    }
}

/// One record. `fields` has as many entries as the line has; checking the count against a header
/// is the caller's job. An entirely empty line is returned as `[""]` (one empty field), so the
/// caller decides whether to skip it or report it.
public struct CSVRecord: Sendable, Hashable {
    public var fields: [String]
    /// Physical line (1-based) where the record starts.
    public var line: Int
    /// Physical line where the record ends (differs from `line` when a quoted field holds line breaks).
    public var endLine: Int

    public init(fields: [String], line: Int, endLine: Int) {
        self.fields = fields
        self.line = line
        self.endLine = endLine
    }
}

/// Named ASCII bytes used by the reader and writer.
enum ASCII {
    static let nul: UInt8 = 0x00
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
}
