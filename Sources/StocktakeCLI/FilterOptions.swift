import ArgumentParser
import Stocktaking

extension FilterValueError: ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
}

/// The project filters shared by `find`, `stats`, `export` and `report`. Repeating an option, or
/// giving a comma list, means OR; different options combine with AND.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("action-line"), help: ArgumentHelp("Action Line, any spelling the importer accepts; C7 means all 8 C7 applications.", valueName: "code"),
            completion: .referenceCodes("action-lines"))
    var actionLines: [String] = []

    @Option(name: .customLong("sdg"), help: ArgumentHelp("SDG number or title.", valueName: "sdg"), completion: .referenceCodes("sdgs"))
    var sdgs: [String] = []

    @Option(name: .customLong("gdc"), help: ArgumentHelp("Global Digital Compact objective number.", valueName: "objective"),
            completion: .referenceCodes("gdc"))
    var gdcObjectives: [String] = []

    @Option(name: .customLong("country"), help: ArgumentHelp("Country: ISO code, name, ITU-style name, or INTERNATIONAL.", valueName: "country"))
    var countries: [String] = []

    @Option(name: .customLong("region"), help: ArgumentHelp("ITU region: AFR, AMS, ARB, ASP, CIS, EUR, INT (or its name).", valueName: "region"),
            completion: .referenceCodes("regions"))
    var regions: [String] = []

    @Option(name: .customLong("stakeholder-type"), help: ArgumentHelp("Stakeholder type.", valueName: "type"))
    var stakeholderTypes: [String] = []

    @Option(name: .customLong("status"), help: ArgumentHelp("planned, ongoing or completed.", valueName: "status"),
            completion: .list(ProjectStatus.allCases.map(\.rawValue)))
    var statuses: [String] = []

    @Option(name: .customLong("coverage"), help: ArgumentHelp("local, national, regional or international.", valueName: "coverage"),
            completion: .list(Coverage.allCases.map(\.rawValue)))
    var coverages: [String] = []

    @Option(name: .customLong("organization"), help: ArgumentHelp("Organization name (matched ignoring case, spacing and punctuation).", valueName: "name"))
    var organizations: [String] = []

    @Option(help: ArgumentHelp("Submitted on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).", valueName: "date"))
    var submittedSince: String?

    @Option(help: ArgumentHelp("Submitted on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).", valueName: "date"))
    var submittedUntil: String?

    @Option(name: .customLong("active-in"), help: ArgumentHelp("Running in this year: start ≤ year ≤ end, or ongoing.", valueName: "year"))
    var activeIn: [String] = []

    @Option(name: .customLong("prize"), help: ArgumentHelp("Projects with a WSIS Prize: winner, champion, nominee or any.", valueName: "result"),
            completion: .list(PrizeResult.allCases.map(\.rawValue) + ["any"]))
    var prize: [String] = []

    @Option(name: .customLong("prize-year"), help: ArgumentHelp("Prize year (with --prize; alone it means any result).", valueName: "year"))
    var prizeYears: [String] = []

    @Option(name: .customLong("import"), help: ArgumentHelp("Projects last written by this import batch.", valueName: "batch"))
    var importBatches: [String] = []

    @Option(help: ArgumentHelp("Full-text search in title, description and organization; the text is taken literally.", valueName: "text"))
    var search: String?

    @Flag(help: "Pass --search to FTS5 as a raw query (AND, OR, NOT, NEAR, prefix*).")
    var ftsSyntax = false

    func validate() throws {
        if ftsSyntax && search == nil { throw ValidationError("--fts-syntax needs --search") }
    }

    var request: ProjectFilterRequest {
        var request = ProjectFilterRequest()
        request.actionLines = actionLines
        request.sdgs = sdgs
        request.gdcObjectives = gdcObjectives
        request.countries = countries
        request.regions = regions
        request.stakeholderTypes = stakeholderTypes
        request.statuses = statuses
        request.coverages = coverages
        request.organizations = organizations
        request.submittedSince = submittedSince
        request.submittedUntil = submittedUntil
        request.activeIn = activeIn
        request.prize = prize
        request.prizeYears = prizeYears
        request.importBatches = importBatches
        request.search = search
        request.searchUsesFTSSyntax = ftsSyntax
        return request
    }

    /// The resolved filter; an unknown value throws a usage error (exit 64) with a suggestion.
    func filter(_ catalog: Catalog) throws -> ProjectFilter {
        try request.resolve(in: catalog)
    }
}

extension CompletionKind {
    /// The codes of a reference table, asked of the user's own database at completion time
    /// (`stocktake ref NAME`), so the completion and the data cannot disagree; nothing when there
    /// is no database yet.
    static func referenceCodes(_ table: String) -> CompletionKind {
        .shellCommand("stocktake ref \(table) --format csv 2>/dev/null | sed 1d | cut -d, -f1")
    }
}
