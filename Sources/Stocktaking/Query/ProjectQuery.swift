import SafeText
import SQLite

extension ProjectColumn {
    /// Parses a comma list of column names (`external_id,title,sdgs`); `all` stands for every column.
    public static func findColumns(parsing text: String) throws(ResolutionError) -> [ProjectColumn] {
        var fields: [ProjectColumn] = []
        for item in text.split(separator: ",") {
            let name = ValueParsers.trim(String(item)).lowercased().replacingEvery("-", with: "_")
            if name.isEmpty { continue }
            if name == "all" {
                fields += allCases.filter { $0 != .snippet }
            } else if let field = ProjectColumn(rawValue: name) {
                fields.append(field)
            } else {
                throw ResolutionError(
                    "no such column \(TerminalText.quoted(String(item)))",
                    suggestion: "expected a comma list of: all, " + allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        guard !fields.isEmpty else { throw ResolutionError("no columns given", suggestion: "e.g. --columns external_id,title,sdgs") }
        return fields
    }
}

/// One ordering of `find`: a key from a closed set, ascending or descending.
public struct ProjectSort: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        case externalID = "external_id"
        case title
        case organization
        case submittedOn = "submitted_on"
        case startDate = "start_date"
        case endDate = "end_date"
        case status
        case coverage
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        /// bm25 rank of `--search` (title weighs most, then organization, then description).
        case relevance
    }

    public var key: Key
    public var descending: Bool

    public init(_ key: Key, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }

    /// Parses `title`, `title:desc`, `submitted_on:asc` or `-submitted_on` (descending).
    public init(parsing text: String) throws(ResolutionError) {
        var name = Substring(ValueParsers.trim(text).lowercased())
        var descending = false
        if name.hasPrefix("-") {
            descending = true
            name = name.dropFirst()
        }
        if let colon = name.lastIndex(of: ":") {
            switch name[name.index(after: colon)...] {
            case "desc", "descending": descending = true
            case "asc", "ascending": descending = false
            default: throw ResolutionError("unknown direction in \(TerminalText.quoted(text))", suggestion: "write KEY, KEY:asc or KEY:desc")
            }
            name = name[..<colon]
        }
        guard let key = Key(rawValue: name.replacingEvery("-", with: "_")) else {
            throw ResolutionError(
                "no such sort key \(TerminalText.quoted(text))", suggestion: "expected one of: " + Key.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.init(key, descending: descending)
    }

    /// The SQL expression; every key maps to a fixed text, never to user input.
    var expression: String {
        switch key {
        case .externalID: "p.external_id"
        case .title: "p.title COLLATE NOCASE"
        case .organization: "p.organization_name COLLATE NOCASE"
        case .submittedOn: "p.submitted_on"
        case .startDate: "p.start_date"
        case .endDate: "p.end_date"
        case .status: "p.status"
        case .coverage: "p.coverage"
        case .createdAt: "p.created_at"
        case .updatedAt: "p.updated_at"
        case .relevance: ProjectQuery.rankExpression
        }
    }
}

/// `find`: the projects that match a filter, with chosen columns, order and page.
///
/// ```swift
/// var query = ProjectQuery(filter: filter, fields: [.externalID, .title, .sdgs], limit: 50)
/// try query.forEachRow(in: catalog) { row in print(row) }
/// ```
///
/// Runs in two phases so that large results stream and link lists cost nothing for rows that are
/// not printed: the first statement selects the ids of the page in order (filter, sort, limit —
/// index scans, no per-row work), the second reads the columns of up to `chunkSize` of those ids
/// at a time, each link list as a correlated `group_concat` over the link table's primary key.
public struct ProjectQuery: Sendable {
    public var filter: ProjectFilter
    public var fields: [ProjectColumn]
    /// Empty: by relevance when searching with FTS terms, else by external_id.
    public var sort: [ProjectSort]
    public var limit: Int?
    public var offset: Int
    /// What surrounds the matched words in a `snippet` (`[rural] health` by default).
    public var snippetMarkers: SnippetMarkers = .brackets

    /// The texts put around each matched word of a snippet.
    public struct SnippetMarkers: Sendable, Equatable {
        public let open: String
        public let close: String

        public init(open: String, close: String) {
            self.open = open
            self.close = close
        }

        /// `[word]`: what `find` prints.
        public static let brackets = SnippetMarkers(open: "[", close: "]")
        /// STX and ETX, which text practically never contains: a front end escapes the snippet,
        /// then turns them into its own highlighting (a stray one in a title highlights, nothing more).
        public static let controlCharacters = SnippetMarkers(open: "\u{2}", close: "\u{3}")

        /// An SQL expression of `text` that quotes nothing: `char(91)` for `[`.
        var sqlOpen: String { Self.sqlChars(open) }
        var sqlClose: String { Self.sqlChars(close) }

        private static func sqlChars(_ text: String) -> String {
            "char(" + text.unicodeScalars.map { String($0.value) }.joined(separator: ", ") + ")"
        }
    }

    /// Ids read per execution of the column statement.
    static let chunkSize = 256

    /// bm25 with title matches weighing most, then organization, then description: the index's
    /// rank function (migration 0006).
    static let rankExpression = "project_fts.rank"

    public init(
        filter: ProjectFilter = ProjectFilter(), fields: [ProjectColumn] = ProjectColumn.defaultFindColumns,
        sort: [ProjectSort] = [], limit: Int? = nil, offset: Int = 0
    ) {
        self.filter = filter
        self.fields = fields
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }

    private var searchPlan: SearchPlan? {
        filter.search.flatMap { SearchPlan($0, rawFTS: filter.searchUsesFTSSyntax) }
    }

    /// True when rows come out by bm25 rank: `--search` with FTS terms and no other order, or an
    /// explicit `relevance` key.
    public var isRankedByRelevance: Bool {
        guard searchPlan?.ftsQuery != nil else { return false }
        return sort.isEmpty || sort.contains { $0.key == .relevance }
    }

    /// The number of matching projects (`find --count`); limit and offset do not apply.
    public func count(in catalog: Catalog) throws -> Int {
        let condition = filter.condition(projectAlias: "p")
        return try filter.translatingSearchErrors {
            try catalog.database.scalarInt("SELECT count(*) FROM project p WHERE \(condition.sql)", condition.arguments) ?? 0
        }
    }

    /// The external ids of the matching projects, in order: a convenience for callers and tests.
    public func externalIDs(in catalog: Catalog) throws -> [String] {
        var query = self
        query.fields = [.externalID]
        var ids: [String] = []
        try query.forEachRow(in: catalog) { row in
            if case .text(let id) = row[0] { ids.append(id) }
        }
        return ids
    }

    /// Calls `body` with the values of each matching project, one per field, in order.
    public func forEachRow(in catalog: Catalog, _ body: ([QueryValue]) throws -> Void) throws {
        let database = catalog.database
        let page = pageStatementSQL()
        let columns = ColumnStatement(fields: fields, plan: searchPlan, markers: snippetMarkers)
        let pageStatement = try database.prepare(page.sql)
        try pageStatement.bind(page.arguments)
        let columnStatement = try database.cachedStatement(columns.sql)
        var ids: [Int64] = []
        ids.reserveCapacity(Self.chunkSize)
        try filter.translatingSearchErrors {
            while try pageStatement.step() {
                ids.append(pageStatement.int64(at: 0))
                if ids.count == Self.chunkSize {
                    try columns.read(ids: ids, with: columnStatement, reference: catalog.reference, body)
                    ids.removeAll(keepingCapacity: true)
                }
            }
            if !ids.isEmpty {
                try columns.read(ids: ids, with: columnStatement, reference: catalog.reference, body)
            }
        }
    }

    /// Calls `body` with the values of the projects `ids`, in that order (an id of no project is
    /// skipped): the columns of a page someone else chose, such as the facet index's.
    public func forEachRow(ids: [Int64], in catalog: Catalog, _ body: ([QueryValue]) throws -> Void) throws {
        let columns = ColumnStatement(fields: fields, plan: searchPlan, markers: snippetMarkers)
        let statement = try catalog.database.cachedStatement(columns.sql)
        var start = 0
        while start < ids.count {
            let end = min(start + Self.chunkSize, ids.count)
            try columns.read(ids: Array(ids[start..<end]), with: statement, reference: catalog.reference, body)
            start = end
        }
    }

    /// The statement that selects the ids of the page, in order.
    func pageStatementSQL() -> (sql: String, arguments: [SQLiteValue]) {
        let plan = searchPlan
        let joinsSearch = isRankedByRelevance && plan?.ftsQuery != nil
        let condition = filter.condition(projectAlias: "p", ftsMatchedByJoin: joinsSearch)
        var arguments: [SQLiteValue] = []
        var sql: String
        var orderTerms: [String] = []
        if joinsSearch, let match = plan?.ftsQuery {
            sql = "SELECT p.id FROM project_fts JOIN project p ON p.id = project_fts.rowid WHERE project_fts MATCH ? AND "
            arguments.append(.text(match))
        } else {
            sql = "SELECT p.id FROM project p WHERE "
        }
        sql += condition.sql
        arguments += condition.arguments
        if joinsSearch && sort.isEmpty {
            // Rank alone, without the external_id tie-break: FTS5 then sorts the matches itself and
            // the join reads project rows for this page only (migration 0006). Equal ranks keep
            // FTS5's order, which is the same for the same database.
            orderTerms = [Self.rankExpression]
        } else {
            for term in sort where term.key != .relevance || isRankedByRelevance {
                orderTerms.append(term.expression + (term.descending ? " DESC NULLS LAST" : " ASC NULLS LAST"))
            }
            orderTerms.append("p.external_id")
        }
        sql += " ORDER BY " + orderTerms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        arguments += [.integer(Int64(limit ?? -1)), .integer(Int64(max(0, offset)))]
        return (sql, arguments)
    }
}

extension ProjectFilter {
    /// Runs `body`, turning an FTS5 syntax error (possible with `--fts-syntax`) into a usage error:
    /// the search text is the user's input, not a failure of the tool.
    func translatingSearchErrors<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as SQLiteError where search != nil && error.code == .error {
            // Only the MATCH text can make our generated statements fail with a plain SQLITE_ERROR
            // ("fts5: syntax error near …", "unterminated string", "no such column: …").
            throw FilterValueError(
                filter: .search, value: search ?? "",
                reason: ResolutionError(
                    "not a valid full-text query (\(error.message))",
                    guidance: searchUsesFTSSyntax ? .searchWordsAsWritten : nil))
        }
    }
}

/// The second phase of `ProjectQuery`: the columns of a list of ids, in the list's order.
private struct ColumnStatement {
    let fields: [ProjectColumn]
    let plan: SearchPlan?
    let markers: ProjectQuery.SnippetMarkers
    let sql: String
    /// Where `title, description, organization_name` start, when a snippet is cut in Swift.
    let substringSnippetColumn: Int?

    init(fields: [ProjectColumn], plan: SearchPlan?, markers: ProjectQuery.SnippetMarkers) {
        self.fields = fields
        self.plan = plan
        self.markers = markers
        var expressions = fields.map { Self.expression(for: $0, plan: plan, markers: markers) }
        if fields.contains(.snippet), plan?.ftsQuery == nil, !(plan?.substringTerms.isEmpty ?? true) {
            substringSnippetColumn = expressions.count
            expressions += ["p.title", "p.description", "p.organization_name"]
        } else {
            substringSnippetColumn = nil
        }
        // json_each keeps the ids' order in `key`; each id is one rowid lookup.
        sql = "SELECT " + expressions.joined(separator: ", ")
            + " FROM json_each(?1) AS page JOIN project p ON p.id = page.value ORDER BY page.key"
    }

    static func expression(for field: ProjectColumn, plan: SearchPlan?, markers: ProjectQuery.SnippetMarkers) -> String {
        switch field.declaration.storage {
        case .text(let sqlColumn): "p." + sqlColumn
        case .stakeholderType: "p.stakeholder_type_id"
        case .links(let table): "(SELECT group_concat(\(table.idColumn)) FROM \(table.table) WHERE project_id = p.id)"
        case .derived(_, .snippet):
            plan?.ftsQuery == nil
                ? "NULL"
                : "(SELECT snippet(project_fts, -1, \(markers.sqlOpen), \(markers.sqlClose), '…', 12) FROM project_fts WHERE project_fts MATCH ?2 AND rowid = p.id)"
        case .derived(let sql, _): sql
        }
    }

    func read(ids: [Int64], with statement: Statement, reference: ReferenceData, _ body: ([QueryValue]) throws -> Void) throws {
        statement.reset()
        try statement.bind(.text("[" + ids.map(String.init).joined(separator: ",") + "]"), at: 1)
        if fields.contains(.snippet), let match = plan?.ftsQuery {
            try statement.bind(.text(match), at: 2)
        }
        defer { statement.reset() }
        var row: [QueryValue] = []
        row.reserveCapacity(fields.count)
        while try statement.step() {
            row.removeAll(keepingCapacity: true)
            for (index, field) in fields.enumerated() {
                row.append(value(of: field, at: index, in: statement, reference: reference))
            }
            try body(row)
        }
    }

    private func value(of field: ProjectColumn, at index: Int, in statement: Statement, reference: ReferenceData) -> QueryValue {
        switch field.declaration.storage {
        case .text:
            return .text(orNull: statement.text(at: index))
        case .stakeholderType:
            return statement.isNull(at: index) ? .null : .text(orNull: reference.stakeholderType(id: statement.int(at: index))?.code)
        case .links(let table):
            let ids = Self.ids(at: index, in: statement)
            // SDGs and GDC objectives are numbers, as in export's JSON: `[4,5]`, `4;5` in text formats.
            if table.isNumbered { return .numbers(ids.sorted()) }
            return .list(reference.codes(of: table, table.keepsOrder ? ids : ids.sorted()))
        case .derived(_, .text):
            return .text(orNull: statement.text(at: index))
        case .derived(_, .integer):
            return statement.isNull(at: index) ? .null : .integer(statement.int64(at: index))
        case .derived(_, .regions):
            let regionIDs = Set(Self.ids(at: index, in: statement).compactMap { reference.country(id: $0)?.regionID })
            return .list(regionIDs.sorted().compactMap { reference.region(id: $0)?.code })
        case .derived(_, .prizes):
            return .list(Self.prizes(statement.text(at: index), reference: reference))
        case .derived(_, .snippet):
            if let column = substringSnippetColumn, let terms = plan?.substringTerms {
                let texts = [statement.text(at: column), statement.text(at: column + 1), statement.text(at: column + 2)]
                return .text(orNull: Self.substringSnippet(texts.compactMap { $0 }, terms: terms, markers: markers))
            }
            return .text(orNull: statement.text(at: index))
        }
    }

    /// Integers from a `group_concat` of ids (`3,11,16`), parsed from the bytes in place.
    static func ids(at index: Int, in statement: Statement) -> [Int] {
        statement.withUTF8(at: index) { bytes in
            guard let bytes else { return [] }
            var ids: [Int] = []
            var current = 0
            var hasDigits = false
            for byte in bytes {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    current = current * 10 + Int(byte - UInt8(ascii: "0"))
                    hasDigits = true
                } else if hasDigits {
                    ids.append(current)
                    current = 0
                    hasDigits = false
                }
            }
            if hasDigits { ids.append(current) }
            return ids
        }
    }

    /// `2024 5 winner,2013 3 champion` → `["2013 C3 champion", "2024 C5 winner"]`.
    static func prizes(_ text: String?, reference: ReferenceData) -> [String] {
        guard let text else { return [] }
        let parsed = text.split(separator: ",").compactMap { item -> (year: Int, category: Int, result: String)? in
            let parts = item.split(separator: " ")
            guard parts.count == 3, let year = Int(parts[0]), let category = Int(parts[1]) else { return nil }
            return (year, category, String(parts[2]))
        }
        return parsed.sorted { ($0.year, $0.category) < ($1.year, $1.category) }.map {
            "\($0.year) \(reference.actionLine(id: $0.category)?.code ?? String($0.category)) \($0.result)"
        }
    }

    /// The context of the first substring term found (for searches FTS5 cannot segment).
    static func substringSnippet(_ texts: [String], terms: [String], markers: ProjectQuery.SnippetMarkers = .brackets) -> String? {
        let context = 24
        for text in texts {
            for term in terms {
                guard let range = text.firstRange(of: term) else { continue }
                let start = text.index(range.lowerBound, offsetBy: -context, limitedBy: text.startIndex) ?? text.startIndex
                let end = text.index(range.upperBound, offsetBy: context, limitedBy: text.endIndex) ?? text.endIndex
                return (start > text.startIndex ? "…" : "") + text[start..<range.lowerBound] + markers.open + text[range] + markers.close
                    + text[range.upperBound..<end] + (end < text.endIndex ? "…" : "")
            }
        }
        return nil
    }
}
