import SafeText

/// Why a URL query string could not be read as project filters. Its messages use the library's
/// names, which are the query string's parameter names (`action_line`).
public enum FilterParameterError: SpellableError, Sendable, Equatable {
    /// A parameter that names no filter, with the nearest filter name when one is close.
    case unknownParameter(String, suggestion: OptionName?)
    /// A `%` not followed by two hexadecimal digits, or escapes that are not UTF-8.
    case malformedEncoding(String)
    /// A one-value filter (`search`, `submitted_since`) given more than once.
    case repeatedParameter(OptionName)
    /// A filter given without the filter it needs (`fts_syntax` without `search`).
    case missingRequirement(OptionName, needs: OptionName)
    /// A value with a control character (`%00`), which no filter value has.
    case controlCharacter(OptionName)

    public func message(spelledBy spelling: FrontEndSpelling) -> String {
        switch self {
        case .unknownParameter(let name, let suggestion):
            let hint = suggestion.map { "did you mean \(spelling.option($0))?" }
                ?? "the filters are " + ProjectFilterOption.all.map { spelling.option($0.name) }.joined(separator: ", ")
            return "unknown filter \(TerminalText.quoted(name)); \(hint)"
        case .malformedEncoding(let text):
            return "\(TerminalText.quoted(text)) is not percent-encoded UTF-8; write % as %25"
        case .repeatedParameter(let name):
            return "\(spelling.option(name)) is given more than once; it takes one value"
        case .missingRequirement(let name, let needed):
            return "\(spelling.option(name)) needs \(spelling.option(needed))"
        case .controlCharacter(let name):
            return "\(spelling.option(name)) contains a control character (such as %00); no value has one"
        }
    }
}

extension ProjectFilterRequest {
    /// Reads filters from the query part of a URL, through the same declarations as the command
    /// line: `action_line=C5&sdg=4,5&sdg=16&region=AFR&search=rural+health`.
    ///
    /// A parameter is a filter's name (`ProjectFilterOption.name`). Repeating a parameter, or a
    /// comma list, means OR, as on the command line; a one-value filter given twice is an error. A
    /// flag is on when given without a value or as `1`, `true`, `yes`. Values are percent-decoded as
    /// UTF-8 and `+` is a space (HTML forms). A leading `?` is skipped. Values are resolved later, by
    /// `resolve(in:)`, with the same errors and suggestions as the command line's.
    ///
    /// - Throws: `FilterParameterError` for a parameter that names no filter (with the nearest
    ///   name), a malformed escape, a one-value filter repeated, or a filter without one it needs.
    public init(queryString: String) throws(FilterParameterError) {
        var others: [String: String] = [:]
        try self.init(queryString: queryString, otherParameters: [], others: &others)
    }

    /// Reads filters from a query string that also carries parameters of the front end's own
    /// (a page's `sort`, `page`, `format`): each of `otherParameters` takes one value, put in
    /// `others`; given twice, it is `repeatedParameter`. A parameter that is neither is
    /// `unknownParameter`, with the nearest name among both.
    public init(queryString: String, otherParameters: Set<String>, others: inout [String: String]) throws(FilterParameterError) {
        self.init()
        var query = Substring(queryString)
        if query.first == "?" { query = query.dropFirst() }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            if value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" || $0.value == 0x7F }) {
                throw .controlCharacter(OptionName(rawValue: name))
            }
            if otherParameters.contains(name) {
                guard others[name] == nil else { throw .repeatedParameter(OptionName(rawValue: name)) }
                others[name] = value
                continue
            }
            guard let filter = ProjectFilterOption.named(OptionName(rawValue: name)) else {
                throw .unknownParameter(name, suggestion: Self.nearestFilter(to: name, among: otherParameters))
            }
            switch filter.arity {
            case .repeated:
                append(value, to: filter)
            case .single, .flag:
                guard self[filter].isEmpty else { throw .repeatedParameter(filter.name) }
                append(filter.arity == .flag && value.isEmpty ? "true" : value, to: filter)
            }
        }
        if let (filter, needed) = unmetRequirement { throw .missingRequirement(filter.name, needs: needed) }
    }

    /// `%41` → `A`, `+` → space; every other byte as it is.
    static func decode(_ text: Substring) throws(FilterParameterError) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .malformedEncoding(String(text))
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw .malformedEncoding(String(text)) }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The filter whose name is nearest to `name` (`sdgs` → `sdg`, `action-line` → `action_line`).
    static func nearestFilter(to name: String, among others: Set<String> = []) -> OptionName? {
        let names = ProjectFilterOption.all.map(\.name.rawValue) + others.sorted()
        return closestMatch(to: name, among: names.map { ($0, $0) }).map { OptionName(rawValue: $0) }
    }
}
