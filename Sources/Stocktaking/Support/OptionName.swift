/// The library's name for something a user sets: a project filter (`action_line`, declared by
/// `ProjectFilterOption`) or an option of an operation (`out`, `keep`, `timeout`).
///
/// Names are snake_case identifiers. The library never writes how a front end spells them: errors
/// and help carry the name, and each front end renders it through its `FrontEndSpelling` — the
/// command line as `--action-line`, a URL query string as `action_line`.
public struct OptionName: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        rawValue = value
    }

    public var description: String { rawValue }

    public static func < (lhs: OptionName, rhs: OptionName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The options of operations that the library's messages name. Project filters are not listed
/// here: their names are in their declarations (`ProjectFilterOption`).
extension OptionName {
    /// Where an export, report or query result is written.
    public static let out: OptionName = "out"
    /// An import's JSON report of every problem.
    public static let report: OptionName = "report"
    /// An import's file of rejected rows.
    public static let rejects: OptionName = "rejects"
    /// The directory of an export bundle.
    public static let bundle: OptionName = "bundle"
    /// The path a database backup is written to.
    public static let backupPath: OptionName = "backup_path"
    /// How many backups to keep.
    public static let keep: OptionName = "keep"
    /// The time limit of read-only SQL.
    public static let timeout: OptionName = "timeout"
    /// A named parameter of read-only SQL (`name=VALUE`).
    public static let parameter: OptionName = "parameter"
    /// Export: link titles beside the codes (JSON).
    public static let labels: OptionName = "labels"
    /// Export: a UTF-8 byte order mark first.
    public static let byteOrderMark: OptionName = "bom"
    /// Export: cells that spreadsheets would run as formulas are prefixed.
    public static let excelSafe: OptionName = "excel_safe"
    /// Export: only what batches after this one wrote, with tombstones.
    public static let sinceBatch: OptionName = "since_batch"
    /// Export: what is exported (projects, prizes, organizations, imports).
    public static let kind: OptionName = "kind"
    /// xlsx: cells longer than Excel's limit are cut (and listed) instead of failing the export.
    public static let truncateLongCells: OptionName = "truncate_long_cells"
}
