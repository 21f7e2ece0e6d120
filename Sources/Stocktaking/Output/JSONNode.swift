import FoundationEssentials

/// A JSON document with keys in the order given: `show --format json`, and the small JSON files
/// (manifests, sidecars, reports). Records (export, `--format json`) stream through
/// `JSONRecordEncoder` instead; both write strings and numbers with `JSONText`.
public indirect enum JSONNode: Sendable {
    case null
    case bool(Bool)
    case string(String)
    case integer(Int64)
    /// Written in its shortest exact form; NaN and the infinities as `null`.
    case real(Double)
    case array([JSONNode])
    /// An array written one item per line even in the compact form (`[` LF item `,` LF item LF `]`),
    /// so a diff of two files shows the items that changed: the manifest's files, check's findings.
    case lines([JSONNode])
    case object([(String, JSONNode)])

    /// A string, or `null` for nil.
    public static func string(orNull text: String?) -> JSONNode {
        text.map(JSONNode.string) ?? .null
    }

    /// Printed with two-space indentation, one member or item per line; empty ones as `[]` and `{}`.
    public func rendered(indent: Int = 0) -> String {
        let inner = String(repeating: "  ", count: indent + 1)
        let outer = String(repeating: "  ", count: indent)
        switch self {
        case .null, .bool, .string, .integer, .real:
            return compact
        case .array(let items), .lines(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { inner + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n" + outer + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.map { inner + JSONText.string($0.0) + ": " + $0.1.rendered(indent: indent + 1) }.joined(separator: ",\n")
                + "\n" + outer + "}"
        }
    }

    /// On one line, without spaces.
    public var compact: String {
        var buffer: [UInt8] = []
        appendCompact(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the value on one line, without spaces.
    public func appendCompact(to buffer: inout [UInt8]) {
        switch self {
        case .null: buffer.append(contentsOf: JSONText.null)
        case .bool(let value): buffer.append(contentsOf: (value ? "true" : "false").utf8)
        case .string(let text): JSONText.appendString(text, to: &buffer)
        case .integer(let value): DecimalText.append(value, to: &buffer)
        case .real(let value): JSONText.appendNumber(value, to: &buffer)
        case .array(let items):
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                item.appendCompact(to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .lines(let items):
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                buffer.append(contentsOf: (index == 0 ? "\n" : ",\n").utf8)
                item.appendCompact(to: &buffer)
            }
            buffer.append(contentsOf: "\n]".utf8)
        case .object(let members):
            buffer.append(UInt8(ascii: "{"))
            Self.appendMembers(members, to: &buffer)
            buffer.append(UInt8(ascii: "}"))
        }
    }

    /// `"key":value,"key":value` without the braces, for an object written in parts (a streamed
    /// report: its members, then an array as it grows, then more members).
    public static func appendMembers(_ members: [(String, JSONNode)], to buffer: inout [UInt8]) {
        for (index, member) in members.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONText.appendString(member.0, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            member.1.appendCompact(to: &buffer)
        }
    }
}

extension JSONNode {
    /// One query result value as `find --format json` writes it: lists as arrays of strings,
    /// numbers lists as arrays of numbers, a BLOB as base64 text.
    public init(_ value: QueryValue) {
        switch value {
        case .null: self = .null
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        case .text(let text): self = .string(text)
        case .blob(let bytes): self = .string(Data(bytes).base64EncodedString())
        case .list(let items): self = .array(items.map(JSONNode.string))
        case .numbers(let items): self = .array(items.map { .integer(Int64($0)) })
        }
    }
}
