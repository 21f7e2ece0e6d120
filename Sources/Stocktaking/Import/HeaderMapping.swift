import SafeText

/// Which source column feeds which field, decided from the header before any row is read.
public struct HeaderMapping<Field: Hashable & Sendable>: Sendable {
    /// The header as written in the file.
    public let sourceNames: [String]
    /// For each source column, the field it feeds (nil: ignored unknown column).
    public let fieldBySourceIndex: [Field?]
    /// For each mapped field, the source column index.
    public let sourceIndexByField: [Field: Int]
    /// The `error` column a rejects file ends with (`--rejects`), when this file is one: it is not
    /// data, so it is ignored, and a new rejects file reuses it instead of adding a second one.
    public var rejectsErrorColumn: Int? = nil

    public func index(of field: Field) -> Int? { sourceIndexByField[field] }

    /// The column name to show in messages for `field`: as written in the file.
    public func sourceName(of field: Field) -> String {
        sourceIndexByField[field].map { sourceNames[$0] } ?? "\(field)"
    }
}

/// A header that cannot be imported. Reported before any row is read.
public struct HeaderError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]

    public var description: String {
        "the header cannot be imported:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}

/// Matches header names to fields: case-, space-, underscore- and punctuation-insensitive, with
/// built-in aliases and user mappings (`--map "Source Header=field"`).
public struct HeaderMatcher<Field: Hashable & Sendable & RawRepresentable>: Sendable where Field.RawValue == String {
    let fieldByKey: [String: Field]
    let required: [Field]
    let allFields: [Field]

    /// The names of the columns a file must have.
    public var requiredNames: [String] { required.map(\.rawValue) }

    public init(fields: [Field], aliases: [Field: [String]], required: [Field]) {
        var keys: [String: Field] = [:]
        for field in fields {
            keys[Self.key(field.rawValue)] = field
            for alias in aliases[field] ?? [] { keys[Self.key(alias)] = field }
        }
        fieldByKey = keys
        self.required = required
        allFields = fields
    }

    /// `Action Line(s)`, `action_lines`, `ACTION-LINES` → `actionlines`.
    static func key(_ name: String) -> String {
        String(String.UnicodeScalarView(MatchKey.make(name).unicodeScalars.filter {
            $0.properties.isAlphabetic || $0.properties.numericType != nil
        }))
    }

    /// How many names of `header` match a field (directly, by alias or through `userMappings`):
    /// the measure by which the delimiter of a file is recognised.
    public func knownColumnCount(_ header: [String], userMappings: [String: String]) -> Int {
        let mapped = Set(userMappings.keys.map(Self.key))
        return header.filter { name in
            let key = Self.key(name)
            return !key.isEmpty && (fieldByKey[key] != nil || mapped.contains(key))
        }.count
    }

    /// - Parameters:
    ///   - userMappings: `Source Header` → field name, from `--map`.
    ///   - notRequired: required fields the caller will supply itself (`--generate-ids`).
    public func map(
        header: [String], userMappings: [String: String], ignoreUnknown: Bool, notRequired: Set<Field> = []
    ) throws(HeaderError) -> HeaderMapping<Field> {
        var problems: [String] = []
        var userFieldByKey: [String: Field] = [:]
        for (source, target) in userMappings.sorted(by: { $0.key < $1.key }) {
            if let field = fieldByKey[Self.key(target)] {
                userFieldByKey[Self.key(source)] = field
            } else {
                problems.append("--map \(TerminalText.quoted(source + "=" + target)): no field named \(TerminalText.quoted(target)); fields are: \(allFields.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var fields: [Field?] = []
        fields.reserveCapacity(header.count)
        var indexByField: [Field: Int] = [:]
        var unknown: [String] = []
        var emptyNames = 0
        // A fixed rejects file comes back with the `error` column it was written with, last.
        let rejectsErrorColumn = header.count > 1 && header.last.map(Self.key) == Self.rejectsErrorKey
            && fieldByKey[Self.rejectsErrorKey] == nil && userFieldByKey[Self.rejectsErrorKey] == nil ? header.count - 1 : nil
        for (index, name) in header.enumerated() {
            if index == rejectsErrorColumn {
                fields.append(nil)
                continue
            }
            let key = Self.key(name)
            if key.isEmpty {
                emptyNames += 1
                fields.append(nil)
                continue
            }
            guard let field = userFieldByKey[key] ?? fieldByKey[key] else {
                unknown.append(name)
                fields.append(nil)
                continue
            }
            if let first = indexByField[field] {
                problems.append("column \(TerminalText.quoted(name, limit: 40)) (column \(index + 1)) duplicates \(TerminalText.quoted(header[first], limit: 40)) (column \(first + 1)): both map to \(field.rawValue)")
                fields.append(nil)
                continue
            }
            indexByField[field] = index
            fields.append(field)
        }
        if !ignoreUnknown && (!unknown.isEmpty || emptyNames > 0) {
            if !unknown.isEmpty {
                let shown = unknown.prefix(10).map { TerminalText.quoted($0, limit: 40) }.joined(separator: ", ")
                let more = unknown.count > 10 ? " and \(unknown.count - 10) more" : ""
                problems.append("unknown column(s) \(shown)\(more); map them with --map \"Header=field\" or skip them with --ignore-unknown-columns (fields: \(allFields.map(\.rawValue).joined(separator: ", ")))")
            }
            if emptyNames > 0 {
                problems.append("\(emptyNames) column(s) have an empty name; name them or use --ignore-unknown-columns")
            }
        }
        for field in required where indexByField[field] == nil && !notRequired.contains(field) {
            problems.append("missing required column \(field.rawValue)")
        }
        if !problems.isEmpty { throw HeaderError(problems: problems) }
        return HeaderMapping(
            sourceNames: header, fieldBySourceIndex: fields, sourceIndexByField: indexByField, rejectsErrorColumn: rejectsErrorColumn)
    }

    /// How each column of `mapping` found its field: by the field's name, an alias or `--map`.
    public func sourceColumns(of mapping: HeaderMapping<Field>, userMappings: [String: String]) -> [ImportSummary.SourceColumn] {
        let mapped = Set(userMappings.keys.map(Self.key))
        return zip(mapping.sourceNames, mapping.fieldBySourceIndex).map { name, field in
            let key = Self.key(name)
            let match: ImportSummary.SourceColumn.Match =
                if field == nil { .unknown } else if mapped.contains(key) { .map } else if key == Self.key(field!.rawValue) { .name } else { .alias }
            return ImportSummary.SourceColumn(name: name, field: field?.rawValue, match: match)
        }
    }

    /// The name of the column `RejectsWriter` adds.
    static var rejectsErrorKey: String { "error" }
}
