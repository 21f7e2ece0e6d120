import CSV
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
    /// Every batch that inserted, updated or deleted a project with this external id, oldest first.
    public let history: [HistoryEntry]

    /// One batch's change to the project, from the change log (`project_change`).
    public struct HistoryEntry: Sendable, Equatable {
        public let batchID: Int64
        /// Nil only if the batch row is missing (a damaged database).
        public let batch: ImportBatch?
        public let kind: ProjectChange.Kind
        /// The line of the imported file, when the change came from a file.
        public let line: Int?
        /// For an update: the columns it changed (export names, e.g. `status`), in column order.
        public let changedFields: [String]
    }

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
        let history = try Self.history(of: project, in: catalog, batches: batches)
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
            lastBatch: try project.batchID.flatMap { try batches.find(id: $0) },
            history: history)
    }

    /// The change log of `project`, each update named by the columns it changed.
    ///
    /// The log keeps the state *before* each change, so the state after a change is the next
    /// entry's `before`, or the project as it is now for the last one; comparing the two canonical
    /// lines field by field names what changed. The log has no index by external id (imports would
    /// pay for it on every row), so this scans it once: one project at a time, that is cheap.
    static func history(of project: StoredProject, in catalog: Catalog, batches: BatchRepository) throws -> [HistoryEntry] {
        let rows = try catalog.database.rows(
            "SELECT batch_id, change, line, before FROM project_change WHERE external_id = ? ORDER BY batch_id",
            [.text(project.record.externalID)])
        let current = CanonicalProjectLine.encode(project.record, catalog.reference)
        var entries: [HistoryEntry] = []
        for (index, row) in rows.enumerated() {
            guard let batchID = row[0].integerValue, let kind = row[1].textValue.flatMap(ProjectChange.Kind.init(rawValue:)) else { continue }
            var changed: [String] = []
            if kind == .updated, let before = row[3].textValue {
                let after = index + 1 < rows.count ? rows[index + 1][3].textValue : current
                if let after { changed = try changedColumns(from: before, to: after) }
            }
            entries.append(HistoryEntry(
                batchID: batchID, batch: try batches.find(id: batchID), kind: kind, line: row[2].integerValue.map { Int($0) },
                changedFields: changed))
        }
        return entries
    }

    /// The export names of the columns whose values differ between two canonical lines.
    static func changedColumns(from before: String, to after: String) throws -> [String] {
        func fields(_ line: String) throws -> [String] {
            try CSVReader(source: MemoryByteSource(line), options: CSVReaderOptions()).next()?.fields ?? []
        }
        let old = try fields(before)
        let new = try fields(after)
        return ProjectColumn.fileColumns.enumerated().compactMap { index, column in
            (index < old.count ? old[index] : nil) != (index < new.count ? new[index] : nil) ? column.rawValue : nil
        }
    }
}
