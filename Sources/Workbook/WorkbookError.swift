/// Why a workbook cannot be read. The message is worded for the person who supplied the file;
/// every case means the file as a whole is refused (nothing is imported from it).
public struct WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not a zip file, a truncated or corrupt one, or an entry that fails to inflate or its CRC.
        case damaged
        /// A zip without the SpreadsheetML workbook part (a .docx, an .ods, any other zip).
        case notAWorkbook
        /// A password-protected workbook or an encrypted zip entry.
        case encrypted
        /// The inflated size or the compression ratio went over the limits: a zip bomb.
        case tooLarge
        /// XML that is not well-formed, or that declares a DTD (refused: no entity expansion).
        case invalidXML
        /// More rows or columns than Excel allows.
        case outOfBounds
        /// No sheet by that name or number.
        case noSuchSheet
    }

    public let kind: Kind
    public let message: String
    /// What to do about it, when there is something to do.
    public let suggestion: String?

    public init(_ kind: Kind, _ message: String, suggestion: String? = nil) {
        self.kind = kind
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String { message + (suggestion.map { "; " + $0 } ?? "") }
}
