import SQLite

/// The numbers of the stocktaking report, gathered once and rendered as HTML or Markdown.
///
/// Every count comes from the shared `Statistics` API with the same filter, so the report agrees
/// with `stats`; the data-quality summary is `check`'s.
public struct StocktakingReport: Sendable {
    /// Prize results of one year.
    public struct PrizeYear: Sendable, Equatable {
        public let year: Int
        public let winners: Int
        public let champions: Int
    }

    public let generatedAt: String
    /// The filter in words (`--region AFR`), empty for the whole database.
    public let scope: String
    public let projectCount: Int
    public let organizationCount: Int
    public let countryCount: Int
    public let byYear: Facet
    public let byActionLine: Facet
    public let bySDG: Facet
    public let byRegion: Facet
    public let byStakeholderType: Facet
    public let matrix: CrossTab
    public let prizes: [PrizeYear]
    public let quality: CheckReport

    /// Gathers the report for the projects matching `filter`.
    public init(catalog: Catalog, filter: ProjectFilter = ProjectFilter(), scope: String = "", generatedAt: String = Timestamp.now()) throws {
        let statistics = Statistics(catalog: catalog)
        self.generatedAt = generatedAt
        self.scope = scope
        byYear = try statistics.facet(by: .year, filter: filter)
        byActionLine = try statistics.facet(by: .actionLine, filter: filter)
        bySDG = try statistics.facet(by: .sdg, filter: filter)
        byRegion = try statistics.facet(by: .region, filter: filter)
        byStakeholderType = try statistics.facet(by: .stakeholderType, filter: filter)
        matrix = try statistics.matrix(filter: filter)
        projectCount = byActionLine.projectCount
        let (condition, arguments) = filter.condition(projectAlias: "p")
        let database = catalog.database
        organizationCount = try database.scalarInt(
            "SELECT count(DISTINCT p.organization_id) FROM project p WHERE \(condition)", arguments) ?? 0
        countryCount = try database.scalarInt(
            "SELECT count(DISTINCT pc.country_id) FROM project_country pc JOIN project p ON p.id = pc.project_id WHERE \(condition)",
            arguments) ?? 0
        prizes = try database.rows(
            """
            SELECT pr.year, sum(pr.result = ?), sum(pr.result = ?) FROM prize pr JOIN project p ON p.id = pr.project_id
            WHERE \(condition) GROUP BY pr.year ORDER BY pr.year
            """,
            [.text(PrizeResult.winner.rawValue), .text(PrizeResult.champion.rawValue)] + arguments
        ).map { PrizeYear(year: Int($0[0].integerValue ?? 0), winners: Int($0[1].integerValue ?? 0), champions: Int($0[2].integerValue ?? 0)) }
        quality = try DataQualityCheck(catalog: catalog, filter: filter).run()
    }

    /// The facets shown as sections, with their headings.
    var sections: [(title: String, facet: Facet)] {
        [("Projects per Action Line", byActionLine), ("Projects per SDG", bySDG),
         ("Projects per ITU region", byRegion), ("Projects per stakeholder type", byStakeholderType)]
    }
}
