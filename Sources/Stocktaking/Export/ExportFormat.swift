/// The formats `export` writes are output formats (`OutputFormat.exports`: csv, tsv, json,
/// ndjson): one encoder per format serves the export and every command that prints rows.
public typealias ExportFormat = OutputFormat

/// What `export` writes besides projects.
public enum ExportKind: String, Sendable, CaseIterable {
    case projects, prizes, organizations, imports
}

/// Everything that shapes one export.
public struct ExportOptions: Sendable {
    public var format: ExportFormat = .csv
    public var kind: ExportKind = .projects
    public var filter = ProjectFilter()
    /// Only projects written by batches after this one, plus tombstones for those deleted since.
    public var sinceBatch: Int64?
    /// A UTF-8 byte order mark first (CSV/TSV), so Excel reads the file as UTF-8.
    public var byteOrderMark = false
    /// Prefix cells that spreadsheets would run as formulas with `'` (CSV/TSV). Changes the data:
    /// such a file no longer re-imports byte for byte.
    public var excelSafe = false
    /// CSV/TSV: the header line first. Off for tools that read rows only (`while read`).
    public var header = true
    /// JSON: titles next to the link codes (`action_line_titles`, `sdg_titles`, …).
    public var labels = false
    /// The columns that are personal data (`ProjectColumn.personalData`: the contact e-mail). The
    /// command line writes them; the web server leaves them out unless started to show them.
    public var personalData = true

    public init() {}
}

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    public var rows = 0
    public var tombstones = 0
    public var bytes = 0

    public init() {}
}
