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

    /// Items of repeated options, each split on commas. Titles with commas (C8) can be given by code.
    static func items(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { ValueParsers.trim(String($0)) }.filter { !$0.isEmpty }
    }

    /// Resolves every value through the importer's resolvers, so any spelling the importer accepts works.
    public func resolve(_ reference: ReferenceData) throws(FilterValueError) -> ProjectFilter {
        var filter = ProjectFilter()
        func each<T>(_ option: String, _ values: [String], _ resolve: (String) throws(ResolutionError) -> T) throws(FilterValueError) -> [T] {
            var result: [T] = []
            for value in Self.items(values) {
                do throws(ResolutionError) { result.append(try resolve(value)) } catch {
                    throw FilterValueError(option: option, value: value, reason: error)
                }
            }
            return result
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
        filter.organizationKeys = Self.items(organizations).map { MatchKey.loose($0) }
        if let submittedSince {
            filter.submittedSince = try each("--submitted-since", [submittedSince], { (text: String) throws(ResolutionError) in try ValueParsers.date(text, order: .iso) }).first
        }
        if let submittedUntil {
            filter.submittedUntil = try each("--submitted-until", [submittedUntil], { (text: String) throws(ResolutionError) in try ValueParsers.date(text, order: .iso) }).first
        }
        filter.activeInYears = try each("--active-in", activeIn, { (text: String) throws(ResolutionError) in try Self.year(text) })
        for value in Self.items(prize) {
            if MatchKey.make(value) == "any" {
                filter.prizeResults = PrizeResult.allCases
            } else {
                do throws(ResolutionError) { filter.prizeResults.append(try reference.resolvePrizeResult(value)) } catch {
                    throw FilterValueError(option: "--prize", value: value, reason: ResolutionError(error.problem, suggestion: "expected winner, champion, nominee or any"))
                }
            }
        }
        filter.prizeResults = PrizeResult.allCases.filter(filter.prizeResults.contains)
        filter.prizeYears = try each("--prize-year", prizeYears, { (text: String) throws(ResolutionError) in try Self.year(text) })
        if !filter.prizeYears.isEmpty && filter.prizeResults.isEmpty { filter.prizeResults = PrizeResult.allCases }
        filter.importBatchIDs = try each("--import", importBatches, { (text: String) throws(ResolutionError) in
            guard let id = Int64(text), id > 0 else { throw ResolutionError("not a batch number", suggestion: "`stocktake imports` lists them") }
            return id
        })
        if let search, ValueParsers.hasContent(search) {
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
