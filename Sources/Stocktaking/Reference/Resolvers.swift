import SafeText

/// Why a value could not be resolved, in words for the person who wrote the file.
public struct ResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, e.g. `no such Action Line`.
    public let problem: String
    /// A likely intended value or a hint, e.g. `did you mean C7.e-health?`.
    public let suggestion: String?
    /// Where the front end can send the user for valid values, shown when there is no suggestion
    /// (the CLI: "`stocktake imports` lists them").
    public let guidance: Guidance?

    public init(_ problem: String, suggestion: String? = nil, guidance: Guidance? = nil) {
        self.problem = problem
        self.suggestion = suggestion
        self.guidance = guidance
    }

    /// `problem; suggestion`, or `problem; guidance` in the front end's words.
    public func message(spelledBy spelling: FrontEndSpelling) -> String {
        if let suggestion { return "\(problem); \(suggestion)" }
        if let words = guidance.flatMap(spelling.guidance) { return "\(problem); \(words)" }
        return problem
    }

    public var description: String {
        message(spelledBy: .libraryNames)
    }
}

/// The lookup tables behind the resolvers, built once from the reference data.
final class Lookup: Sendable {
    let actionLineByCodeNumber: [Int: ActionLine]
    let actionLineByCanonicalCode: [String: ActionLine]
    let actionLineByTitle: [String: ActionLine]
    let applicationBySquashedName: [String: ActionLine]
    let c7: ActionLine?
    let c7Applications: [ActionLine]
    let sdgByTitle: [String: SDG]
    let sdgByNumber: [Int: SDG]
    let gdcByTitle: [String: GDCObjective]
    let gdcByNumber: [Int: GDCObjective]
    let stakeholderTypeByKey: [String: StakeholderType]
    let regionByKey: [String: Region]
    /// ISO 3166-1 alpha-2 and alpha-3 codes, lower-cased: cheap to build, and what most files and
    /// filters give (no code equals another country's name or alias).
    let countryByCode: [String: Country]
    let actionLineCandidates: [(key: String, display: String)]
    let sdgCandidates: [(key: String, display: String)]
    let stakeholderCandidates: [(key: String, display: String)]
    let regionCandidates: [(key: String, display: String)]

    init(
        actionLines: [ActionLine], sdgs: [SDG], gdcObjectives: [GDCObjective],
        stakeholderTypes: [StakeholderType], regions: [Region], countries: [Country]
    ) {
        var byNumber: [Int: ActionLine] = [:]
        var byCode: [String: ActionLine] = [:]
        var byTitle: [String: ActionLine] = [:]
        var applications: [String: ActionLine] = [:]
        let c7 = actionLines.first { $0.code == "C7" }
        var candidates: [(key: String, display: String)] = []
        for line in actionLines {
            byCode[line.code.lowercased()] = line
            if line.parentID == nil, let number = Int(line.code.dropFirst()) { byNumber[number] = line }
            for title in [line.title] + line.olderTitles {
                byTitle[MatchKey.loose(title)] = line
            }
            if line.parentID != nil, line.parentID == c7?.id {
                applications[Self.squash(line.title)] = line
                candidates.append((line.title, line.code))
            }
            if line.isLeaf {
                candidates.append((line.code, line.code))
                candidates.append((line.title, line.code))
            }
        }
        actionLineByCodeNumber = byNumber
        actionLineByCanonicalCode = byCode
        actionLineByTitle = byTitle
        applicationBySquashedName = applications
        self.c7 = c7
        c7Applications = actionLines.filter { $0.parentID != nil && $0.parentID == c7?.id }
        actionLineCandidates = candidates

        sdgByNumber = Dictionary(uniqueKeysWithValues: sdgs.map { ($0.id, $0) })
        var sdgTitles: [String: SDG] = [:]
        for sdg in sdgs {
            sdgTitles[MatchKey.loose(sdg.shortTitle)] = sdg
            sdgTitles[MatchKey.loose(sdg.title)] = sdg
        }
        sdgByTitle = sdgTitles
        sdgCandidates = sdgs.map { ($0.shortTitle, "SDG \($0.id) (\($0.shortTitle))") }

        gdcByNumber = Dictionary(uniqueKeysWithValues: gdcObjectives.map { ($0.id, $0) })
        gdcByTitle = Dictionary(gdcObjectives.map { (MatchKey.loose($0.title), $0) }, uniquingKeysWith: { a, _ in a })

        var stakeholders: [String: StakeholderType] = [:]
        for type in stakeholderTypes {
            for name in [type.code, type.name] + type.aliases { stakeholders[MatchKey.loose(name)] = type }
        }
        stakeholderTypeByKey = stakeholders
        stakeholderCandidates = stakeholderTypes.flatMap { type in ([type.name] + type.aliases).map { ($0, type.code) } }

        var regionKeys: [String: Region] = [:]
        for region in regions {
            for name in [region.code, region.name] + region.aliases { regionKeys[MatchKey.loose(name)] = region }
        }
        regionByKey = regionKeys
        regionCandidates = regions.flatMap { region in ([region.code, region.name] + region.aliases).map { ($0, region.code) } }

        var codes: [String: Country] = [:]
        for country in countries {
            codes[country.iso2.lowercased()] = country
            codes[country.iso3.lowercased()] = country
        }
        countryByCode = codes
    }

    /// `e-Health`, `e health`, `EHEALTH` → `ehealth`.
    static func squash(_ text: some StringProtocol) -> String {
        String(String.UnicodeScalarView(MatchKey.make(text).unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }
}

/// The country names and aliases folded for matching: about 1,100 names, most of the cost of
/// building the lookups, so they are built on their own when a country is first resolved (a `find`
/// by Action Line and SDG does not pay for them: 4 ms of an 11 ms command).
final class CountryLookup: Sendable {
    let countryByKey: [String: Country]
    let countryByLooseKey: [String: Country]
    let countryCandidates: [(key: String, display: String)]

    init(countries: [Country]) {
        var countryKeys: [String: Country] = [:]
        var looseKeys: [String: Country] = [:]
        var looseCollisions: Set<String> = []
        var countryNames: [(key: String, display: String)] = []
        for country in countries {
            let names = [country.name] + country.aliases + (country.isInternational ? [Country.internationalToken] : [])
            for name in names {
                countryKeys[MatchKey.make(name)] = country
                let loose = MatchKey.ascii(name)
                if let existing = looseKeys[loose], existing.id != country.id { looseCollisions.insert(loose) }
                looseKeys[loose] = country
                countryNames.append((name, "\(country.canonicalToken) (\(country.name))"))
            }
            countryKeys[country.iso3.lowercased()] = country
            countryKeys[country.iso2.lowercased()] = country
        }
        for collision in looseCollisions { looseKeys.removeValue(forKey: collision) }
        countryByKey = countryKeys
        countryByLooseKey = looseKeys
        countryCandidates = countryNames
    }
}

extension ReferenceData {
    private static let separators: Set<Character> = [" ", ".", ":", "-", ",", "/"]

    private static func dropSeparators(_ text: Substring) -> Substring {
        text.drop { separators.contains($0) }
    }

    private static func dropPrefix(_ prefix: String, from text: Substring) -> Substring? {
        guard text.hasPrefix(prefix) else { return nil }
        return dropSeparators(text.dropFirst(prefix.count))
    }

    private var leafCodesHint: String {
        "expected one of the 18 leaf Action Lines: C1–C6, " + lookup.c7Applications.map(\.code).joined(separator: ", ") + ", C8–C11"
    }

    private func bareC7Error() -> ResolutionError {
        ResolutionError(
            "C7 (ICT applications) is not a leaf category",
            suggestion: "name one of its eight applications: " + lookup.c7Applications.map(\.code).joined(separator: ", "))
    }

    /// Resolves an Action Line written by code (`C7.e-health`, `C5`, `c5`, `С1` with a Cyrillic С),
    /// by title with or without its code (`C7. ICT APPLICATIONS: E-GOVERNMENT`,
    /// `C11. INTERNATIONAL AND REGIONAL COOPERATION`), by an older title, or by application name
    /// (`e-Health`, `C7 e-health`, `Action Line C7 E-health`).
    ///
    /// - Parameter allowC7: accept the non-leaf `C7` (query filters expand it to its applications).
    public func resolveActionLine(_ text: String, allowC7: Bool = false) throws(ResolutionError) -> ActionLine {
        let key = MatchKey.make(text)
        if let line = lookup.actionLineByCanonicalCode[key] {
            if line.code == "C7" && !allowC7 { throw bareC7Error() }
            return line
        }
        var rest = Substring(key)
        if let stripped = Self.dropPrefix("action line", from: rest) { rest = stripped }
        // A leading code: "c5", "c7.e-health", "c11. international …".
        if rest.first == "c", let digitsEnd = rest.dropFirst().firstIndex(where: { !$0.isASCII || !$0.isNumber }) ?? Optional(rest.endIndex),
           digitsEnd > rest.index(after: rest.startIndex)
        {
            let digits = rest[rest.index(after: rest.startIndex)..<digitsEnd]
            guard let line = lookup.actionLineByCodeNumber[Int(digits) ?? 0] else {
                throw ResolutionError("no such Action Line C\(TerminalText.excerpt(String(digits), limit: 40))", suggestion: leafCodesHint)
            }
            let tail = Self.dropSeparators(rest[digitsEnd...])
            if tail.isEmpty {
                if line.code == "C7" && !allowC7 { throw bareC7Error() }
                return line
            }
            if line.code == "C7" {
                if let application = resolveApplication(tail) { return application }
                if MatchKey.loose(tail) == MatchKey.loose(line.title) || lookup.actionLineByTitle[MatchKey.loose(tail)]?.id == line.id {
                    if allowC7 { return line }
                    throw bareC7Error()
                }
                throw ResolutionError(
                    "\"\(TerminalText.excerpt(String(tail), limit: 40))\" is not one of the C7 applications",
                    suggestion: closestMatch(to: String(tail), among: lookup.actionLineCandidates).map { "did you mean \($0)?" }
                        ?? "expected one of " + lookup.c7Applications.map(\.code).joined(separator: ", "))
            }
            if lookup.actionLineByTitle[MatchKey.loose(tail)]?.id == line.id { return line }
            throw ResolutionError(
                "the title does not match Action Line \(line.code) (\(line.title))",
                suggestion: lookup.actionLineByTitle[MatchKey.loose(tail)].map { "the title is that of \($0.code); fix the code or the title" })
        }
        if let line = lookup.actionLineByTitle[MatchKey.loose(rest)] {
            if line.code == "C7" && !allowC7 { throw bareC7Error() }
            return line
        }
        if let application = resolveApplication(rest) { return application }
        throw ResolutionError(
            "no such Action Line",
            suggestion: closestMatch(to: text, among: lookup.actionLineCandidates).map { "did you mean \($0)?" } ?? leafCodesHint)
    }

    private func resolveApplication(_ text: Substring) -> ActionLine? {
        var rest = text
        if let stripped = Self.dropPrefix("ict applications", from: rest) { rest = stripped }
        if let stripped = Self.dropPrefix("ict application", from: rest) { rest = stripped }
        return lookup.applicationBySquashedName[Lookup.squash(rest)]
    }

    /// Resolves an SDG written as `4`, `SDG 4`, `SDG4`, `Goal 4`, `SDG 4: Quality Education`, or by
    /// its short or full title (`&` for "and" accepted).
    public func resolveSDG(_ text: String) throws(ResolutionError) -> SDG {
        let key = MatchKey.make(text)
        var rest = Substring(key)
        for prefix in ["sdg goal", "sdg", "goal"] {
            if let stripped = Self.dropPrefix(prefix, from: rest) {
                rest = stripped.drop { $0 == "#" || $0 == " " }
                break
            }
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
            let number = Int(digits) ?? 0
            guard let sdg = lookup.sdgByNumber[number] else {
                throw ResolutionError("no such SDG \(TerminalText.excerpt(String(digits), limit: 40))", suggestion: "SDGs are numbered 1 to 17")
            }
            let title = Self.dropSeparators(rest.dropFirst(digits.count))
            if title.isEmpty || lookup.sdgByTitle[MatchKey.loose(title)]?.id == sdg.id { return sdg }
            throw ResolutionError(
                "the title does not match SDG \(number) (\(sdg.shortTitle))",
                suggestion: lookup.sdgByTitle[MatchKey.loose(title)].map { "the title is that of SDG \($0.id)" })
        }
        if let sdg = lookup.sdgByTitle[MatchKey.loose(key)] { return sdg }
        throw ResolutionError(
            "no such SDG",
            suggestion: closestMatch(to: text, among: lookup.sdgCandidates).map { "did you mean \($0)?" }
                ?? "write the goal number (1–17), e.g. SDG 4")
    }

    /// Resolves a Global Digital Compact objective by number (`2`, `GDC 2`, `Objective 2`) or title.
    public func resolveGDCObjective(_ text: String) throws(ResolutionError) -> GDCObjective {
        let key = MatchKey.make(text)
        var rest = Substring(key)
        for prefix in ["gdc objective", "gdc", "objective"] {
            if let stripped = Self.dropPrefix(prefix, from: rest) {
                rest = stripped.drop { $0 == "#" || $0 == " " }
                break
            }
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
            guard let objective = lookup.gdcByNumber[Int(digits) ?? 0] else {
                throw ResolutionError("no such Global Digital Compact objective \(TerminalText.excerpt(String(digits), limit: 40))", suggestion: "objectives are numbered 1 to 5")
            }
            let title = Self.dropSeparators(rest.dropFirst(digits.count))
            if title.isEmpty || lookup.gdcByTitle[MatchKey.loose(title)]?.id == objective.id { return objective }
            throw ResolutionError("the title does not match GDC objective \(objective.id)")
        }
        if let objective = lookup.gdcByTitle[MatchKey.loose(key)] { return objective }
        throw ResolutionError("no such Global Digital Compact objective", suggestion: "write the objective number, 1 to 5")
    }

    /// Resolves a country by ISO alpha-2 or alpha-3 code, English name, ITU-style name
    /// (`KOREA (REP. OF)`), alias, or `INTERNATIONAL`.
    public func resolveCountry(_ text: String) throws(ResolutionError) -> Country {
        let key = MatchKey.make(text)
        if let country = lookup.countryByCode[key] { return country }
        let countryLookup = countryLookup
        if let country = countryLookup.countryByKey[key] { return country }
        if let country = countryLookup.countryByLooseKey[MatchKey.ascii(key)] { return country }
        if key == "xk" || key == "kosovo" {
            throw ResolutionError("Kosovo has no ISO 3166-1 code", suggestion: "use INTERNATIONAL or leave the country out")
        }
        throw ResolutionError(
            "no such country",
            suggestion: closestMatch(to: text, among: countryLookup.countryCandidates).map { "did you mean \($0)?" }
                ?? "write an ISO 3166-1 code (e.g. KE, KEN), an English name, or INTERNATIONAL")
    }

    public func resolveStakeholderType(_ text: String) throws(ResolutionError) -> StakeholderType {
        if let type = lookup.stakeholderTypeByKey[MatchKey.loose(text)] { return type }
        throw ResolutionError(
            "no such stakeholder type",
            suggestion: closestMatch(to: text, among: lookup.stakeholderCandidates).map { "did you mean \($0)?" }
                ?? "expected one of: " + stakeholderTypes.map(\.code).joined(separator: ", "))
    }

    public func resolveRegion(_ text: String) throws(ResolutionError) -> Region {
        if let region = lookup.regionByKey[MatchKey.loose(text)] { return region }
        throw ResolutionError(
            "no such ITU region",
            suggestion: closestMatch(to: text, among: lookup.regionCandidates).map { "did you mean \($0)?" }
                ?? "expected one of: " + regions.map(\.code).joined(separator: ", "))
    }

    private static let coverageAliases: [String: Coverage] = [
        "local": .local, "national": .national, "regional": .regional, "international": .international,
        "global": .international, "worldwide": .international, "country": .national, "nationwide": .national,
        "sub-national": .local, "subnational": .local, "community": .local,
    ]

    private static let statusAliases: [String: ProjectStatus] = [
        "planned": .planned, "planning": .planned, "proposed": .planned, "not started": .planned, "pipeline": .planned,
        "ongoing": .ongoing, "on-going": .ongoing, "on going": .ongoing, "in progress": .ongoing, "active": .ongoing,
        "running": .ongoing, "current": .ongoing,
        "completed": .completed, "complete": .completed, "finished": .completed, "done": .completed,
        "closed": .completed, "ended": .completed,
    ]

    public func resolveCoverage(_ text: String) throws(ResolutionError) -> Coverage {
        if let coverage = Self.coverageAliases[MatchKey.make(text)] { return coverage }
        throw ResolutionError("no such coverage", suggestion: "expected one of: local, national, regional, international")
    }

    public func resolveStatus(_ text: String) throws(ResolutionError) -> ProjectStatus {
        if let status = Self.statusAliases[MatchKey.make(text)] { return status }
        throw ResolutionError("no such status", suggestion: "expected one of: planned, ongoing, completed")
    }

    public func resolvePrizeResult(_ text: String) throws(ResolutionError) -> PrizeResult {
        let key = MatchKey.make(text)
        let aliases: [String: PrizeResult] = [
            "winner": .winner, "winners": .winner, "won": .winner,
            "champion": .champion, "champions": .champion,
            "nominee": .nominee, "nominated": .nominee, "nominees": .nominee,
        ]
        if let result = aliases[key] { return result }
        throw ResolutionError("no such prize result", suggestion: "expected one of: winner, champion, nominee")
    }
}
