import Glibc
import SQLite
import Synchronization

/// A set of projects: one bit per project id (100,000 projects: 12.5 KB).
public struct ProjectBitmap: Sendable, Equatable {
    private(set) var words: [UInt64]

    /// An empty set for ids `0..<capacity`.
    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: (max(capacity, 0) + 63) / 64)
    }

    mutating func insert(_ id: Int) {
        guard id >= 0, id >> 6 < words.count else { return }
        words[id >> 6] |= 1 << UInt64(id & 63)
    }

    public func contains(_ id: Int) -> Bool {
        id >= 0 && id >> 6 < words.count && words[id >> 6] & (1 << UInt64(id & 63)) != 0
    }

    /// The number of projects in the set.
    public var count: Int {
        var total = 0
        for word in words { total &+= word.nonzeroBitCount }
        return total
    }

    mutating func formIntersection(_ other: ProjectBitmap) {
        let shared = min(words.count, other.words.count)
        words.withUnsafeMutableBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                for index in 0..<shared { mine[index] &= theirs[index] }
            }
        }
        for index in shared..<words.count { words[index] = 0 }
    }

    mutating func formUnion(_ other: ProjectBitmap) {
        if other.words.count > words.count { words += [UInt64](repeating: 0, count: other.words.count - words.count) }
        words.withUnsafeMutableBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                for index in 0..<theirs.count { mine[index] |= theirs[index] }
            }
        }
    }

    /// The size of the intersection, without building it.
    func intersectionCount(_ other: ProjectBitmap) -> Int {
        let shared = min(words.count, other.words.count)
        return words.withUnsafeBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                var total = 0
                for index in 0..<shared { total &+= (mine[index] & theirs[index]).nonzeroBitCount }
                return total
            }
        }
    }
}

/// The counts of one facet among the projects a filter selects, without that facet's own selection.
public struct FacetCounts: Sendable, Equatable {
    public let dimension: StatisticsDimension
    /// Every value in code order, zeros included (countries: every country of the reference data).
    public let rows: [FacetRow]
    /// Whether the filter selects each value (parallel to `rows`; false for `year`, which a date
    /// range selects).
    public let selected: [Bool]
    /// Action Lines only: projects in any of the eight C7 applications (each once).
    public let c7Total: Int?
}

/// What one page of a faceted list shows: the total, every facet's counts and the page's ids.
public struct FacetedPage: Sendable, Equatable {
    /// Projects matching the whole filter: `find --count`.
    public let total: Int
    /// In `FacetIndex.dimensions` order.
    public let facets: [FacetCounts]
    /// The page's project ids, in order (`ProjectQuery.forEachRow(ids:in:)` reads their columns).
    public let ids: [Int64]
}

/// An in-memory index of one database state for a long-running front end (the web server): one
/// bitmap of project ids per facet value and the projects in each sort order, so a list's total,
/// all its facet counts and its page come from bitmap intersections instead of one SQL scan per
/// facet (50–130 ms each on 100,000 projects).
///
/// Built from `Statistics`' own scans (`assignment`), so a value's bitmap holds exactly the projects
/// `stats --by` counts for it. A facet's counts are computed without its own selection: the values
/// of `sdg` show how many projects each SDG would give with every other filter, so choosing a
/// second SDG (OR) shows what it adds. Filters no facet indexes (search, organization, dates, …)
/// are evaluated by their SQL on the same snapshot, once per request.
///
/// The index describes the snapshot it was built in: build it inside a read transaction and read
/// the rows of its pages from that same transaction (the server keeps the transaction open for the
/// index's lifetime).
public final class FacetIndex: Sendable {
    /// The facets, in the order a list shows them.
    public static let dimensions: [StatisticsDimension] = [
        .actionLine, .sdg, .gdc, .region, .country, .stakeholderType, .status, .coverage, .year, .prize,
    ]

    /// The sort keys a page can be ordered by from the index (relevance comes from the search).
    public static let sortKeys: [ProjectSort.Key] = [.externalID, .title, .organization, .submittedOn, .startDate, .endDate, .updatedAt]

    /// The filters that are a facet's own selection: left out when that facet's counts are computed.
    public static func ownFilters(of dimension: StatisticsDimension) -> [OptionName] {
        switch dimension {
        case .actionLine: [ProjectFilterOption.actionLine.name]
        case .sdg: [ProjectFilterOption.sdg.name]
        case .gdc: [ProjectFilterOption.gdc.name]
        case .region: [ProjectFilterOption.region.name]
        case .country: [ProjectFilterOption.country.name]
        case .stakeholderType: [ProjectFilterOption.stakeholderType.name]
        case .status: [ProjectFilterOption.status.name]
        case .coverage: [ProjectFilterOption.coverage.name]
        case .year: [ProjectFilterOption.submittedSince.name, ProjectFilterOption.submittedUntil.name]
        case .prize: [ProjectFilterOption.prize.name, ProjectFilterOption.prizeYear.name]
        case .activeYear: [ProjectFilterOption.activeIn.name]
        }
    }

    /// The filter whose values select this facet's values one to one, when there is one
    /// (`year` is selected by a date range, evaluated in SQL).
    public static func selectingFilter(of dimension: StatisticsDimension) -> ProjectFilterOption? {
        switch dimension {
        case .actionLine: .actionLine
        case .sdg: .sdg
        case .gdc: .gdc
        case .region: .region
        case .country: .country
        case .stakeholderType: .stakeholderType
        case .status: .status
        case .coverage: .coverage
        case .prize: .prize
        case .year, .activeYear: nil
        }
    }

    struct Facet: Sendable {
        let values: [StatisticsValue]
        let bitmaps: [ProjectBitmap]
        /// Value index by resolved filter value (a reference id, or a status text).
        let indexByKey: [SQLiteValue: Int]
    }

    /// Project ids in ascending order of a sort key (NULLs last, ties by external id), with where
    /// each run of equal keys ends, so the descending order (NULLs still last, ties still by
    /// external id) needs no second array.
    struct SortOrder: Sendable {
        let ids: [Int32]
        /// End (exclusive) of each run of equal non-NULL keys, ascending.
        let runEnds: [Int32]
        /// Where the NULL keys start.
        let nullStart: Int
    }

    let capacity: Int
    let every: ProjectBitmap
    let facets: [StatisticsDimension: Facet]
    let c7: ProjectBitmap
    /// The sort orders built so far: the external-id order at once, the others by
    /// `buildSortOrders(in:)` (SQLite sorts 100,000 titles in about 0.2 s each, which a front end may
    /// do after it starts serving the index). A page in an order not built yet is read by SQL.
    private let orders: Mutex<[ProjectSort.Key: SortOrder]>
    /// Projects in the index's snapshot.
    public let projectCount: Int
    /// How long the build took, in seconds (without the sort orders other than by external id).
    public let buildSeconds: Double

    /// Builds the index of `catalog`'s current snapshot; call it inside a read transaction that the
    /// pages will be read in.
    ///
    /// - Parameter allSortOrders: build every order of `sortKeys` now; else only the external-id
    ///   order, and `buildSortOrders(in:)` the others later.
    public init(catalog: Catalog, allSortOrders: Bool = true) throws {
        let started = Self.now()
        let database = catalog.database
        let reference = catalog.reference
        capacity = (try database.scalarInt("SELECT max(id) FROM project") ?? 0) + 1
        var every = ProjectBitmap(capacity: capacity)
        let all = try database.prepare("SELECT id FROM project")
        while try all.step() { every.insert(all.int(at: 0)) }
        self.every = every
        projectCount = every.count

        let statistics = Statistics(catalog: catalog)
        let members = try Membership.everyProject(in: database)
        var facets: [StatisticsDimension: Facet] = [:]
        for dimension in Self.dimensions {
            let assignment = try statistics.assignment(dimension, members)
            var bitmaps = [ProjectBitmap](repeating: ProjectBitmap(capacity: capacity), count: assignment.values.count)
            for pair in assignment.pairs {
                bitmaps[Int(pair & Assignment.valueMask)].insert(Int(pair >> Assignment.projectShift))
            }
            var values = assignment.values
            var keys = Self.keys(of: dimension, values: values, reference: reference)
            if dimension == .country {
                // Every country of the reference data, zeros too: the list reaches all 250.
                let observed = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1.code, $0) })
                var allBitmaps: [ProjectBitmap] = []
                values = []
                keys = []
                for country in reference.countries {
                    values.append(StatisticsValue(code: country.canonicalToken, label: country.name))
                    keys.append(.integer(Int64(country.id)))
                    allBitmaps.append(observed[country.canonicalToken].map { bitmaps[$0] } ?? ProjectBitmap(capacity: capacity))
                }
                bitmaps = allBitmaps
            }
            var indexByKey: [SQLiteValue: Int] = [:]
            for (index, key) in keys.enumerated() { if let key { indexByKey[key] = index } }
            facets[dimension] = Facet(values: values, bitmaps: bitmaps, indexByKey: indexByKey)
        }
        self.facets = facets

        var c7 = ProjectBitmap(capacity: capacity)
        if let lines = facets[.actionLine] {
            for application in reference.c7Applications {
                if let index = lines.indexByKey[.integer(Int64(application.id))] { c7.formUnion(lines.bitmaps[index]) }
            }
        }
        self.c7 = c7

        orders = Mutex([.externalID: try Self.sortOrder(.externalID, in: database, count: every.count)])
        buildSeconds = Self.now() - started
        if allSortOrders { _ = try buildSortOrders(in: catalog) }
    }

    /// Builds the next sort order not built yet, in `catalog` (the index's own snapshot); false when
    /// every order is built. One order at a time, so a caller can let requests in between.
    public func buildSortOrders(in catalog: Catalog, atMost count: Int = .max) throws -> Bool {
        var built = 0
        for key in Self.sortKeys where orders.withLock({ $0[key] == nil }) {
            guard built < count else { return true }
            let order = try Self.sortOrder(key, in: catalog.database, count: projectCount)
            orders.withLock { $0[key] = order }
            built += 1
        }
        return false
    }

    /// What a resolved filter value of the selecting filter is, per facet value.
    private static func keys(of dimension: StatisticsDimension, values: [StatisticsValue], reference: ReferenceData) -> [SQLiteValue?] {
        func ids(_ list: [Int]) -> [SQLiteValue?] { list.map { .integer(Int64($0)) } }
        switch dimension {
        case .actionLine: return ids(reference.leafActionLines.map(\.id))
        case .sdg: return ids(reference.sdgs.map(\.id))
        case .gdc: return ids(reference.gdcObjectives.map(\.id))
        case .region: return ids(reference.regions.map(\.id))
        case .stakeholderType: return ids(reference.stakeholderTypes.map(\.id))
        case .status, .coverage, .prize: return values.map { .text($0.code) }
        case .country, .year, .activeYear: return values.map { _ in nil }
        }
    }

    private static func sortOrder(_ key: ProjectSort.Key, in database: Database, count: Int) throws -> SortOrder {
        let expression = ProjectSort(key).expression
        let statement = try database.prepare(
            "SELECT p.id, \(expression) FROM project p ORDER BY \(expression) ASC NULLS LAST, p.external_id")
        let foldsCase = expression.contains("NOCASE")
        var ids: [Int32] = []
        ids.reserveCapacity(count)
        var runEnds: [Int32] = []
        var nullStart: Int?
        var previous: [UInt8]?
        var current: [UInt8] = []
        while try statement.step() {
            let position = ids.count
            ids.append(Int32(truncatingIfNeeded: statement.int64(at: 0)))
            if statement.isNull(at: 1) {
                if nullStart == nil {
                    nullStart = position
                    if previous != nil { runEnds.append(Int32(position)) }
                }
                continue
            }
            current.removeAll(keepingCapacity: true)
            statement.withUTF8(at: 1) { bytes in
                guard let bytes else { return }
                for byte in bytes {
                    // NOCASE folds ASCII letters only, as SQLite does.
                    current.append(foldsCase && byte >= 65 && byte <= 90 ? byte + 32 : byte)
                }
            }
            if let last = previous, last != current { runEnds.append(Int32(position)) }
            previous = current
        }
        if nullStart == nil {
            if previous != nil { runEnds.append(Int32(ids.count)) }
            nullStart = ids.count
        }
        return SortOrder(ids: ids, runEnds: runEnds, nullStart: nullStart ?? ids.count)
    }

    /// The total, the facet counts and the page of `filter`, read from the index and, for filters
    /// no facet indexes, from `catalog` (which must be in the snapshot the index was built in).
    ///
    /// - Parameter sort: one key of `sortKeys`, or relevance (with a search); nil: by relevance
    ///   when searching, else by external id.
    /// - Throws: `FilterValueError` for a full-text query FTS5 refuses; `SQLiteError`.
    public func page(
        _ filter: ProjectFilter, sort: ProjectSort?, limit: Int, offset: Int, in catalog: Catalog,
        checkTime: () throws -> Void = {}
    ) throws -> FacetedPage {
        // Each part of the filter is one set of projects, owned by the facet whose selection it is
        // (nil: no facet's, such as a search): indexed filters from their bitmaps, the rest in SQL.
        var parts: [(owner: StatisticsDimension?, projects: ProjectBitmap)] = []
        var sqlParts: [StatisticsDimension?: ProjectFilter] = [:]
        let prizeBySQL = !filter[.prizeYear].isEmpty
        for (name, values) in filter.values {
            if let dimension = Self.dimensions.first(where: { Self.selectingFilter(of: $0)?.name == name }),
               !(dimension == .prize && prizeBySQL), let facet = facets[dimension]
            {
                var union = ProjectBitmap(capacity: capacity)
                for value in values {
                    if let index = facet.indexByKey[value] { union.formUnion(facet.bitmaps[index]) }
                }
                parts.append((dimension, union))
            } else {
                let owner = Self.dimensions.first { Self.ownFilters(of: $0).contains(name) }
                sqlParts[owner, default: ProjectFilter()].set(name, values)
            }
        }
        for (owner, part) in sqlParts.sorted(by: { ($0.key?.rawValue ?? "") < ($1.key?.rawValue ?? "") }) {
            try checkTime()
            parts.append((owner, try projects(matching: part, in: catalog)))
        }

        var selection = every
        for part in parts { selection.formIntersection(part.projects) }
        try checkTime()

        var counts: [FacetCounts] = []
        for dimension in Self.dimensions {
            guard let facet = facets[dimension] else { continue }
            var base = every
            for part in parts where part.owner != dimension { base.formIntersection(part.projects) }
            let rows = zip(facet.values, facet.bitmaps).map { FacetRow(value: $0, projects: base.intersectionCount($1)) }
            var selected = [Bool](repeating: false, count: rows.count)
            if let option = Self.selectingFilter(of: dimension) {
                for value in filter[option] { if let index = facet.indexByKey[value] { selected[index] = true } }
            }
            counts.append(FacetCounts(
                dimension: dimension, rows: rows, selected: selected,
                c7Total: dimension == .actionLine ? base.intersectionCount(c7) : nil))
        }

        let plan = filter.search.flatMap { SearchPlan($0, rawFTS: filter.searchUsesFTSSyntax) }
        var ids: [Int64] = []
        let wanted = max(0, limit)
        let skip = max(0, offset)
        if let match = plan?.ftsQuery, sort == nil || sort?.key == .relevance {
            // By relevance: FTS5's rank order of the matches, as `find --search` lists them.
            let statement = try catalog.database.prepare("SELECT rowid FROM project_fts WHERE project_fts MATCH ? ORDER BY rank")
            try statement.bind([.text(match)])
            var seen = 0
            try filter.translatingSearchErrors {
                while ids.count < wanted, try statement.step() {
                    let id = statement.int64(at: 0)
                    guard selection.contains(Int(id)) else { continue }
                    if seen >= skip { ids.append(id) }
                    seen += 1
                }
            }
        } else {
            let key = sort.flatMap { $0.key == .relevance ? nil : $0.key } ?? .externalID
            if let order = orders.withLock({ $0[key] }) {
                ids = Self.page(of: order, descending: sort?.key == key && sort?.descending == true, selection, limit: wanted, offset: skip)
            } else {
                // Not built yet: the page by SQL, in the same snapshot (what `find` runs).
                let query = ProjectQuery(filter: filter, sort: sort.map { [$0] } ?? [], limit: wanted, offset: skip).pageStatementSQL()
                let statement = try catalog.database.prepare(query.sql)
                try statement.bind(query.arguments)
                try filter.translatingSearchErrors {
                    while try statement.step() { ids.append(statement.int64(at: 0)) }
                }
            }
        }
        return FacetedPage(total: selection.count, facets: counts, ids: ids)
    }

    private static func page(of order: SortOrder, descending: Bool, _ selection: ProjectBitmap, limit: Int, offset: Int) -> [Int64] {
        var ids: [Int64] = []
        guard limit > 0 else { return ids }
        var seen = 0
        func visit(_ range: Range<Int>) -> Bool {
            for position in range {
                let id = Int(order.ids[position])
                guard selection.contains(id) else { continue }
                if seen >= offset { ids.append(Int64(id)) }
                seen += 1
                if ids.count == limit { return false }
            }
            return true
        }
        if descending {
            var end = order.runEnds.count - 1
            while end >= 0 {
                let start = end > 0 ? Int(order.runEnds[end - 1]) : 0
                if !visit(start..<Int(order.runEnds[end])) { return ids }
                end -= 1
            }
        } else if !visit(0..<order.nullStart) {
            return ids
        }
        _ = visit(order.nullStart..<order.ids.count)
        return ids
    }

    /// The projects matching `filter`, by its SQL.
    private func projects(matching filter: ProjectFilter, in catalog: Catalog) throws -> ProjectBitmap {
        var projects = ProjectBitmap(capacity: capacity)
        let condition = filter.condition(projectAlias: "p")
        let statement = try catalog.database.prepare("SELECT p.id FROM project p WHERE \(condition.sql)")
        try statement.bind(condition.arguments)
        try filter.translatingSearchErrors {
            while try statement.step() { projects.insert(statement.int(at: 0)) }
        }
        return projects
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
