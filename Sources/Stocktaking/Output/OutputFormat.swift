/// A format rows are written in: its name (what `--format` takes), where it may be used, and how to
/// make its encoder.
///
/// Each format is declared in its encoder's file (`CSVEncoder.swift` declares `.csv`), and
/// `OutputFormat.all` registers it. Every command that prints rows, and `export`, choose from
/// `all`, so a new format is one new file plus one line in `all`:
///
/// ```swift
/// // XLSXEncoder.swift
/// extension OutputFormat {
///     public static let xlsx = OutputFormat(name: "xlsx", forListings: false) { XLSXEncoder(settings: $0) }
/// }
/// final class XLSXEncoder: FormatEncoder { … }
/// ```
public struct OutputFormat: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The name `--format` takes, and the default file name extension.
    public let name: String
    /// Values are written as delimited text fields after a header line (CSV, TSV): the byte order
    /// mark, `--excel-safe` and `--no-header` apply; `--labels` does not.
    public let isDelimited: Bool
    /// The commands that list rows (find, stats, sql, ref, imports, schema, migrate --status) may
    /// write it.
    public let forListings: Bool
    /// `export` and bundles may write it: a data file, not a view sized for a terminal.
    public let forExport: Bool
    /// A web front end offers lists for download in it (streamed through the exporter): by default
    /// the export formats; Markdown too (a file a person reads); never the terminal table. Not yet
    /// the formats that need a seekable file (xlsx): the server streams downloads through a pipe.
    public let forDownloads: Bool
    /// The file name extension, for bundles.
    public let fileExtension: String
    /// A binary package (xlsx: a zip) written into a file of its own through `WorkbookOutput`: never
    /// to standard output or a terminal, and the file must be seekable.
    public let needsFile: Bool
    private let makeEncoder: @Sendable (EncoderSettings) -> any FormatEncoder

    public init(
        name: String, isDelimited: Bool = false, forListings: Bool = true, forExport: Bool = true, forDownloads: Bool? = nil,
        fileExtension: String? = nil, needsFile: Bool = false, encoder: @escaping @Sendable (EncoderSettings) -> any FormatEncoder
    ) {
        self.forDownloads = forDownloads ?? (forExport && !needsFile)
        self.name = name
        self.isDelimited = isDelimited
        self.forListings = forListings
        self.forExport = forExport
        self.fileExtension = fileExtension ?? name
        self.needsFile = needsFile
        makeEncoder = encoder
    }

    /// Every format, in the order help texts list them. Registering a format is adding it here.
    public static let all: [OutputFormat] = [.table, .csv, .tsv, .json, .ndjson, .markdown, .xlsx]

    /// The formats the row-listing commands take.
    public static var listings: [OutputFormat] { all.filter(\.forListings) }
    /// The formats `export` takes.
    public static var exports: [OutputFormat] { all.filter(\.forExport) }
    /// The formats a web front end offers lists for download in.
    public static var downloads: [OutputFormat] { all.filter(\.forDownloads) }

    public static func named(_ name: String) -> OutputFormat? {
        all.first { $0.name == name }
    }

    /// A new encoder for this format.
    public func encoder(_ settings: EncoderSettings) -> any FormatEncoder {
        makeEncoder(settings)
    }

    /// `a, b or c`, for help texts and messages.
    public static func spokenList(_ formats: [OutputFormat]) -> String {
        let names = formats.map(\.name)
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }

    public init?(rawValue: String) {
        guard let format = Self.named(rawValue) else { return nil }
        self = format
    }

    public var rawValue: String { name }
    public var description: String { name }

    public static func == (a: OutputFormat, b: OutputFormat) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
