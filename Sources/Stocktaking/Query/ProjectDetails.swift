import SQLite

/// One project in full, for `show`: every field, its links resolved to reference data, its prizes,
/// and the import batches that created and last changed it.
public struct ProjectDetails: Sendable {
    /// A country with its ITU region (nil for territories ITU does not list).
    public struct CountryEntry: Sendable, Equatable {
        public let country: Country
        public let region: Region?
    }

    /// One WSIS Prize result of the project.
    public struct PrizeEntry: Sendable, Equatable {
        public let year: Int
        /// The prize category: a leaf Action Line.
        public let category: ActionLine
        public let result: PrizeResult
    }

    public let project: StoredProject
    public let stakeholderType: StakeholderType?
    public let actionLines: [ActionLine]
    public let sdgs: [SDG]
    public let gdcObjectives: [GDCObjective]
    /// In the file's order: the first country identifies the organization.
    public let countries: [CountryEntry]
    /// By year, then category.
    public let prizes: [PrizeEntry]
    public let createdBatch: ImportBatch?
    public let lastBatch: ImportBatch?

    public var record: ProjectRecord { project.record }

    /// Loads the project with this external id (matched ignoring case, read by `ExternalID`'s rule), or returns nil.
    public static func load(externalID: String, from catalog: Catalog) throws -> ProjectDetails? {
        let reference = catalog.reference
        guard let project = try ProjectRepository(database: catalog.database, reference: reference).find(externalID: ExternalID.lookUpKey(externalID)) else {
            return nil
        }
        let record = project.record
        var prizes: [PrizeEntry] = []
        for row in try catalog.database.rows(
            "SELECT year, action_line_id, result FROM prize WHERE project_id = ? ORDER BY year, action_line_id", [.integer(project.id)])
        {
            guard let year = row[0].integerValue, let categoryID = row[1].integerValue,
                let category = reference.actionLine(id: Int(categoryID)),
                let result = row[2].textValue.flatMap(PrizeResult.init(rawValue:))
            else { continue }
            prizes.append(PrizeEntry(year: Int(year), category: category, result: result))
        }
        let batches = BatchRepository(database: catalog.database)
        return ProjectDetails(
            project: project,
            stakeholderType: record.stakeholderTypeID.flatMap(reference.stakeholderType(id:)),
            actionLines: record.actionLineIDs.compactMap(reference.actionLine(id:)),
            sdgs: record.sdgIDs.compactMap { id in reference.sdgs.first { $0.id == id } },
            gdcObjectives: record.gdcObjectiveIDs.compactMap { id in reference.gdcObjectives.first { $0.id == id } },
            countries: record.countryIDs.compactMap { id in
                reference.country(id: id).map { CountryEntry(country: $0, region: $0.regionID.flatMap(reference.region(id:))) }
            },
            prizes: prizes,
            createdBatch: try project.createdBatchID.flatMap { try batches.find(id: $0) },
            lastBatch: try project.batchID.flatMap { try batches.find(id: $0) })
    }
}
