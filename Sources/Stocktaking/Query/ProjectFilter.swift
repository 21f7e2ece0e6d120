import SQLite

/// The resolved project filters: for each filter given, its values ready to bind.
///
/// The filters are declared in `ProjectFilterOption`; a `ProjectFilterRequest` resolves into this.
/// Values within one filter are alternatives (OR); different filters must all hold (AND). Every
/// value is bound as a parameter; only placeholders are written into the SQL text.
public struct ProjectFilter: Sendable, Equatable {
    /// Each filter's values by the filter's name; a filter without values is absent.
    public private(set) var values: [OptionName: [SQLiteValue]] = [:]

    public init() {}

    public var isEmpty: Bool { values.isEmpty }

    /// The resolved values of `filter` (ids of reference rows, texts of statuses, …); empty when it
    /// filters nothing.
    public subscript(filter: ProjectFilterOption) -> [SQLiteValue] {
        get { values[filter.name] ?? [] }
        set { set(filter.name, newValue) }
    }

    mutating func set(_ name: OptionName, _ newValues: [SQLiteValue]) {
        values[name] = newValues.isEmpty ? nil : newValues
    }

    /// Full-text search, taken literally unless `searchUsesFTSSyntax`.
    public var search: String? {
        get { self[.search].first?.textValue }
        set { self[.search] = newValue.map { [.text($0)] } ?? [] }
    }

    public var searchUsesFTSSyntax: Bool {
        get { !self[.ftsSyntax].isEmpty }
        set { self[.ftsSyntax] = newValue ? [.integer(1)] : [] }
    }

    /// A condition on `project` aliased as `alias`, with its arguments; `1` when nothing is filtered.
    /// Each filter adds its own condition, in declaration order (`ProjectFilterOption.all`).
    /// - Parameter ftsMatchedByJoin: the statement already joins `project_fts` with the search's
    ///   MATCH (to rank by relevance), so the condition leaves it out instead of running it twice.
    public func condition(projectAlias alias: String = "p", ftsMatchedByJoin: Bool = false) -> (sql: String, arguments: [SQLiteValue]) {
        var sql = FilterSQL(alias: alias, ftsMatchedByJoin: ftsMatchedByJoin)
        guard !values.isEmpty else { return sql.condition }
        for option in ProjectFilterOption.all {
            guard let given = values[option.name] else { continue }
            option.sql(given, self, &sql)
        }
        return sql.condition
    }
}

/// How a search text becomes SQL.
///
/// Words in scripts without spaces between words (Chinese, Japanese, Thai…) are indexed by the
/// unicode61 tokenizer as one long token per run, so an FTS query cannot find a word inside a run;
/// those terms fall back to a substring scan (`instr`). Symbols such as emoji are not indexed at all
/// (unicode61 keeps only letters, numbers and private-use characters), so a term made of symbols
/// and no word is a substring scan too. Every other term goes to FTS5 as a quoted string, so
/// punctuation, hyphens and AND/OR/NOT are taken literally; a term with neither a word nor a symbol
/// (`-`, `*`, `" "`) would match nothing in FTS5 and is left out.
public struct SearchPlan: Sendable, Equatable {
    public let ftsQuery: String?
    public let substringTerms: [String]

    /// Nil when `text` has nothing to search for: no word and no symbol (or, raw, only white space).
    public init?(_ text: String, rawFTS: Bool) {
        if rawFTS {
            guard ValueParsers.hasContent(text) else { return nil }
            ftsQuery = text
            substringTerms = []
            return
        }
        var ftsTerms: [String] = []
        var substrings: [String] = []
        for term in Self.terms(of: text) {
            if term.unicodeScalars.contains(where: Self.isUnsegmentedScript) {
                substrings.append(term)
            } else if term.unicodeScalars.contains(where: Self.isIndexed) {
                ftsTerms.append("\"" + term.replacingEvery("\"", with: "\"\"") + "\"")
            } else if term.unicodeScalars.contains(where: Self.isSymbol) {
                // U+FE0F asks for the emoji look of the character before it; text holds that
                // character with or without it, so the scan looks for the character alone.
                substrings.append(String(String.UnicodeScalarView(term.unicodeScalars.filter { $0 != "\u{FE0E}" && $0 != "\u{FE0F}" })))
            }
        }
        guard !ftsTerms.isEmpty || !substrings.isEmpty else { return nil }
        ftsQuery = ftsTerms.isEmpty ? nil : ftsTerms.joined(separator: " ")
        substringTerms = substrings
    }

    /// Why `text` cannot be searched for, or nil when it can: the usage error of the `search` filter.
    public static func refusal(of text: String, rawFTS: Bool) -> ResolutionError? {
        guard SearchPlan(text, rawFTS: rawFTS) == nil else { return nil }
        return ResolutionError(
            "no word to search for",
            suggestion: "the search ignores punctuation and spacing; give at least one word, number or emoji")
    }

    /// The characters the unicode61 tokenizer keeps in tokens by default: letters, numbers and
    /// private-use characters (categories L*, N*, Co; https://sqlite.org/fts5.html#unicode61_tokenizer).
    static func isIndexed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            true
        default:
            false
        }
    }

    /// Emoji and other pictographic symbols (category So), which no tokenizer category list keeps
    /// apart from the words they touch.
    static func isSymbol(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .otherSymbol
    }

    /// Words split on white space; a "quoted phrase" stays one term.
    static func terms(of text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var inQuotes = false
        for character in text {
            if character == "\"" {
                if inQuotes, !current.isEmpty { terms.append(current); current = "" }
                inQuotes.toggle()
            } else if character.isWhitespace && !inQuotes {
                if !current.isEmpty { terms.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { terms.append(current) }
        return terms
    }

    static func isUnsegmentedScript(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F, // CJK, kana
             0x0E00...0x0E7F, 0x0E80...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF: // Thai, Lao, Myanmar, Khmer
            true
        default:
            false
        }
    }
}
