import SafeText

/// A filter value that names nothing: a usage error (exit 64), never an empty result.
public struct FilterValueError: Error, Sendable, CustomStringConvertible {
    public let option: String
    public let value: String
    public let reason: ResolutionError

    public var description: String {
        "\(option) \(TerminalText.quoted(value)): \(reason)"
    }
}

/// Filter values as the user wrote them (`--action-line C7 --sdg "SDG 4,5"`), before resolution.
/// Repeating an option, or a comma list, means OR.
public struct ProjectFilterRequest: Sendable {
    public var actionLines: [String] = []
    public var sdgs: [String] = []
    public var gdcObjectives: [String] = []
    public var countries: [String] = []
    public var regions: [String] = []
    public var stakeholderTypes: [String] = []
    public var statuses: [String] = []
    public var coverages: [String] = []
    public var organizations: [String] = []
    public var submittedSince: String?
    public var submittedUntil: String?
    public var activeIn: [String] = []
    /// `winner`, `champion`, `nominee` or `any`.
    public var prize: [String] = []
    public var prizeYears: [String] = []
    public var importBatches: [String] = []
    public var search: String?
    public var searchUsesFTSSyntax = false

    public init() {}

    /// A value's comma-separated items, trimmed, empty ones dropped.
    static func commaItems(_ value: String) -> [String] {
        value.split(separator: ",").map { ValueParsers.trim(String($0)) }.filter { !$0.isEmpty }
    }

    /// Resolves each value of a repeated option: the whole value first, so a name with a comma
    /// ("Korea, Republic of", the C8 title) means itself; only a value that names nothing whole is
    /// a comma list, each item resolved on its own. An item that names nothing is the error reported.
    static func resolved<T>(
        _ option: String, _ values: [String], _ resolve: (String) throws(ResolutionError) -> T
    ) throws(FilterValueError) -> [T] {
        var result: [T] = []
        for value in values {
            let whole = ValueParsers.trim(value)
            guard !whole.isEmpty else { continue }
            if whole.contains(","), let resolved = try? resolve(whole) {
                result.append(resolved)
                continue
            }
            for item in commaItems(whole) {
                do throws(ResolutionError) { result.append(try resolve(item)) } catch {
                    throw FilterValueError(option: option, value: item, reason: error)
                }
            }
        }
        return result
    }

    /// Resolves every value against `catalog`: its reference data, and its organizations for an
    /// `--organization` value with a comma ("ACME, Inc." is one organization when one has that name).
    public func resolve(in catalog: Catalog) throws -> ProjectFilter {
        var lookupError: (any Error)?
        let filter = try resolve(catalog.reference) { key in
            do {
                return try catalog.database.scalarInt(
                    "SELECT 1 FROM organization WHERE normalized_key = ? LIMIT 1", [.text(key)]) != nil
            } catch {
                lookupError = error
                return false
            }
        }
        if let lookupError { throw lookupError }
        return filter
    }

    /// Resolves every value through the importer's resolvers, so any spelling the importer accepts works.
    /// - Parameter organizationKeyExists: whether an organization has this `MatchKey.loose` key; an
    ///   `--organization` value with commas is split unless its whole key exists.
    public func resolve(
        _ reference: ReferenceData, organizationKeyExists: (String) -> Bool = { _ in false }
    ) throws(FilterValueError) -> ProjectFilter {
        var filter = ProjectFilter()
        func each<T>(_ option: String, _ values: [String], _ resolve: (String) throws(ResolutionError) -> T) throws(FilterValueError) -> [T] {
            try Self.resolved(option, values, resolve)
        }
        var actionLineIDs: [Int] = []
        for line in try each("--action-line", actionLines, { (text: String) throws(ResolutionError) in try reference.resolveActionLine(text, allowC7: true) }) {
            // C7 stands for its eight applications.
            actionLineIDs += line.isLeaf ? [line.id] : reference.c7Applications.map(\.id)
        }
        filter.actionLineIDs = Array(Set(actionLineIDs)).sorted()
        filter.sdgIDs = try each("--sdg", sdgs, { (text: String) throws(ResolutionError) in try reference.resolveSDG(text).id })
        filter.gdcObjectiveIDs = try each("--gdc", gdcObjectives, { (text: String) throws(ResolutionError) in try reference.resolveGDCObjective(text).id })
        filter.countryIDs = try each("--country", countries, { (text: String) throws(ResolutionError) in try reference.resolveCountry(text).id })
        filter.regionIDs = try each("--region", regions, { (text: String) throws(ResolutionError) in try reference.resolveRegion(text).id })
        filter.stakeholderTypeIDs = try each("--stakeholder-type", stakeholderTypes, { (text: String) throws(ResolutionError) in try reference.resolveStakeholderType(text).id })
        filter.statuses = try each("--status", statuses, { (text: String) throws(ResolutionError) in try reference.resolveStatus(text) })
        filter.coverages = try each("--coverage", coverages, { (text: String) throws(ResolutionError) in try reference.resolveCoverage(text) })
        filter.organizationKeys = organizations.flatMap { value in
            let whole = MatchKey.loose(value)
            return value.contains(",") && !organizationKeyExists(whole) ? Self.commaItems(value).map { MatchKey.loose($0) } : [whole]
        }.filter { !$0.isEmpty }
        if let submittedSince {
            filter.submittedSince = try each("--submitted-since", [submittedSince], { (text: String) throws(ResolutionError) in try ValueParsers.date(text, order: .iso) }).first
        }
        if let submittedUntil {
            filter.submittedUntil = try each("--submitted-until", [submittedUntil], { (text: String) throws(ResolutionError) in try ValueParsers.date(text, order: .iso) }).first
        }
        filter.activeInYears = try each("--active-in", activeIn, { (text: String) throws(ResolutionError) in try Self.year(text) })
        let prizeResults = try each("--prize", prize, { (text: String) throws(ResolutionError) -> [PrizeResult] in
            if MatchKey.make(text) == "any" { return PrizeResult.allCases }
            do throws(ResolutionError) { return [try reference.resolvePrizeResult(text)] } catch {
                throw ResolutionError(error.problem, suggestion: "expected winner, champion, nominee or any")
            }
        }).flatMap { $0 }
        filter.prizeResults = PrizeResult.allCases.filter(prizeResults.contains)
        filter.prizeYears = try each("--prize-year", prizeYears, { (text: String) throws(ResolutionError) in try Self.year(text) })
        if !filter.prizeYears.isEmpty && filter.prizeResults.isEmpty { filter.prizeResults = PrizeResult.allCases }
        filter.importBatchIDs = try each("--import", importBatches, { (text: String) throws(ResolutionError) in
            guard let id = Int64(text), id > 0 else { throw ResolutionError("not a batch number", suggestion: "`stocktake imports` lists them") }
            return id
        })
        if let search {
            if let refusal = SearchPlan.refusal(of: search, rawFTS: searchUsesFTSSyntax) {
                throw FilterValueError(option: "--search", value: search, reason: refusal)
            }
            filter.search = search
            filter.searchUsesFTSSyntax = searchUsesFTSSyntax
        }
        return filter
    }

    static func year(_ text: String) throws(ResolutionError) -> Int {
        guard let year = Int(text), (1900...2100).contains(year) else {
            throw ResolutionError("not a year", suggestion: "expected a four-digit year such as 2024")
        }
        return year
    }
}
