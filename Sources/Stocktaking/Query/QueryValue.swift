import SQLite

/// One value of a query result row: an SQLite storage class, or a list of link values.
///
/// Every output format writes it (`FormatEncoder.value`); lists become `;`-joined text in CSV, TSV,
/// tables and Markdown, and arrays in JSON.
public enum QueryValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    /// A project's links (Action Line codes, SDG numbers, country codes…), in canonical order.
    case list([String])
    /// A list of numbers (SDG numbers, GDC objectives): `4;5` in text formats, `[4,5]` in JSON.
    case numbers([Int])

    public init(_ value: SQLiteValue) {
        switch value {
        case .null: self = .null
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        case .text(let text): self = .text(text)
        case .blob(let bytes): self = .blob(bytes)
        }
    }

    /// Text for optional text columns: nil becomes `.null`.
    static func text(orNull text: String?) -> QueryValue {
        text.map(QueryValue.text) ?? .null
    }

    /// The value as text (lists `;`-joined), or nil for NULL; handy in tests and summaries.
    public var textValue: String? {
        switch self {
        case .null, .blob: nil
        case .integer(let value): String(value)
        case .real(let value): value.description
        case .text(let text): text
        case .list(let items): items.joined(separator: ";")
        case .numbers(let items): items.map(String.init).joined(separator: ";")
        }
    }
}
