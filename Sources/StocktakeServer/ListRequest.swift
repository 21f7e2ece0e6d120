import SafeText
import Stocktaking

/// An error a request caused: its HTTP status and the message shown (already spelled for the web).
struct RequestError: Error {
    let status: Int
    let message: String

    static func badRequest(_ message: String) -> RequestError { RequestError(status: 400, message: message) }
}

/// How the web spells what the library names: parameters as in the URL (`action_line`), and
/// guidance a visitor can follow.
enum WebSpelling {
    static let spelling = FrontEndSpelling(option: { $0.rawValue }, guidance: { guidance in
        switch guidance {
        case .listImportBatches: "the import batches are numbered 1, 2, 3… (`stocktake imports` lists them)"
        case .createDatabase: nil
        case .readOnlySQL: nil
        case .searchWordsAsWritten: "drop fts_syntax to search for the words as written"
        }
    })

    static func message(_ error: any Error) -> String {
        if let error = error as? any SpellableError { return error.message(spelledBy: spelling) }
        return String(describing: error)
    }
}

/// A projects list as a URL asks for it: the filters (with the CLI's names and values), the sort,
/// the page and its size. The URL holds the whole state.
struct ListRequest {
    static let defaultLimit = 25
    static let maximumLimit = 200
    /// The longest value a parameter may have: no filter value or search is longer.
    static let maximumValueLength = 1_000
    static let otherParameters: Set<String> = ["sort", "page", "limit", "offset"]

    var filters: ProjectFilterRequest
    var filter: ProjectFilter
    /// nil: by relevance when searching, else by external id.
    var sort: ProjectSort?
    var limit: Int
    var offset: Int

    var page: Int { offset / max(limit, 1) + 1 }

    /// Reads and resolves the query string; every mistake is a 400 that says what was wrong.
    init(query: String, reference: ReferenceData) throws(RequestError) {
        var others: [String: String] = [:]
        do {
            for pair in query.split(separator: "&") where pair.utf8.count > Self.maximumValueLength + 40 {
                let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                throw RequestError.badRequest(
                    "the value of \(TerminalText.quoted(name, limit: 40)) is too long (at most \(Self.maximumValueLength) characters)")
            }
            filters = try ProjectFilterRequest(queryString: query, otherParameters: Self.otherParameters, others: &others)
            for (filter, values) in filters.given where values.contains(where: { $0.count > Self.maximumValueLength }) {
                throw RequestError.badRequest("the value of \(filter.name.rawValue) is too long (at most \(Self.maximumValueLength) characters)")
            }
            filter = try filters.resolve(reference)
        } catch let error as RequestError {
            throw error
        } catch {
            throw .badRequest(WebSpelling.message(error))
        }
        if let text = others["sort"], !text.isEmpty {
            let sort: ProjectSort
            do { sort = try ProjectSort(parsing: text) } catch {
                throw .badRequest("sort \(TerminalText.quoted(text)): \(error.message(spelledBy: WebSpelling.spelling))")
            }
            guard sort.key == .relevance || FacetIndex.sortKeys.contains(sort.key) else {
                throw .badRequest("sort \(TerminalText.quoted(text)): a list sorts by " + Self.sortChoices.map(\.key).joined(separator: ", "))
            }
            if sort.key == .relevance && filter.search == nil {
                throw .badRequest("sort \(TerminalText.quoted(text)): relevance needs a search")
            }
            self.sort = sort
        } else {
            sort = nil
        }
        limit = try Self.number(others["limit"], name: "limit", default: Self.defaultLimit, in: 1...Self.maximumLimit)
        let page = try Self.number(others["page"], name: "page", default: 1, in: 1...1_000_000)
        offset = try Self.number(others["offset"], name: "offset", default: (page - 1) * limit, in: 0...100_000_000)
    }

    private static func number(_ text: String?, name: String, default value: Int, in range: ClosedRange<Int>) throws(RequestError) -> Int {
        guard let text, !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .badRequest("\(name) \(TerminalText.quoted(text)): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// The sort choices a list offers, in the order the form lists them.
    static let sortChoices: [(key: String, label: String)] = [
        ("external_id", "ID"), ("title", "Title (A–Z)"), ("-title", "Title (Z–A)"), ("organization", "Organization"),
        ("-submitted_on", "Newest submitted"), ("submitted_on", "Oldest submitted"), ("-start_date", "Latest start"),
        ("start_date", "Earliest start"), ("-end_date", "Latest end"), ("-updated_at", "Recently updated"),
    ]

    /// The sort as a URL writes it (`-submitted_on`), or nil for the default.
    var sortParameter: String? {
        guard let sort else { return nil }
        return (sort.descending ? "-" : "") + sort.key.rawValue
    }
}

/// The parameters of a URL in order, written percent-encoded.
struct QueryItems {
    private(set) var items: [(name: String, value: String)] = []

    mutating func append(_ name: String, _ value: String) { items.append((name, value)) }

    func removing(_ name: String, _ value: String) -> QueryItems {
        var copy = self
        copy.items.removeAll { $0.name == name && $0.value == value }
        return copy
    }

    func removing(names: Set<String>) -> QueryItems {
        var copy = self
        copy.items.removeAll { names.contains($0.name) }
        return copy
    }

    func adding(_ name: String, _ value: String) -> QueryItems {
        var copy = self
        copy.append(name, value)
        return copy
    }

    func contains(_ name: String, _ value: String) -> Bool {
        items.contains { $0.name == name && $0.value == value }
    }

    /// `a=1&b=x%20y`, or "" with no items.
    var encoded: String {
        items.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    /// `path?query`, or `path` with no items.
    func url(_ path: String) -> String {
        items.isEmpty ? path : path + "?" + encoded
    }

    /// Percent-encodes every byte but the unreserved ones (RFC 3986): safe in a query and in a path.
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// `%41` → `A`; nil for a malformed escape or bytes that are not UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        func hex(_ byte: UInt8?) -> UInt8? {
            guard let byte else { return nil }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = hex(iterator.next()), let low = hex(iterator.next()) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension ListRequest {
    /// The state as canonical parameters: each facet's selection as the codes of its selected
    /// values (`action_line=C7.e-health`, whatever spelling was typed), every other filter as given.
    func canonicalItems(facets: [FacetCounts]) -> QueryItems {
        var items = QueryItems()
        var canonical: Set<String> = []
        for facet in facets {
            guard let option = FacetIndex.selectingFilter(of: facet.dimension) else { continue }
            canonical.insert(option.name.rawValue)
            for (row, selected) in zip(facet.rows, facet.selected) where selected {
                items.append(option.name.rawValue, row.value.code)
            }
        }
        for (option, values) in filters.given where !canonical.contains(option.name.rawValue) {
            for value in values { items.append(option.name.rawValue, value) }
        }
        if let sortParameter { items.append("sort", sortParameter) }
        if limit != Self.defaultLimit { items.append("limit", String(limit)) }
        return items
    }
}
