import SQLite

/// A project as stored: its record plus bookkeeping.
public struct StoredProject: Sendable {
    public let id: Int64
    public let record: ProjectRecord
    public let createdAt: String
    public let updatedAt: String
    public let createdBatchID: Int64?
    public let batchID: Int64?
    /// The line of the batch's file that last wrote the project (see migration 0005).
    public let sourceLine: Int?
}

/// What `upsert` did.
public enum UpsertOutcome: Sendable, Equatable {
    case inserted(id: Int64)
    case updated(id: Int64, before: ProjectRecord)
    case unchanged(id: Int64)
}

/// Maps projects and their links (Action Lines, SDGs, GDC objectives, countries) to tables.
///
/// Every statement is cached and every value bound as a parameter. Callers own the transaction:
/// `upsert` replaces a project's links in place, so it must run inside one for the replacement to
/// be atomic.
public final class ProjectRepository {
    let database: Database
    let reference: ReferenceData
    /// Organization ids by identity key, so a bulk import looks each organization up once.
    private var organizationIDs: [OrganizationKey: Int64] = [:]
    /// Identity keys by name as written: files repeat the same few thousand names.
    private var organizationKeysByName: [String: String] = [:]

    private struct OrganizationKey: Hashable {
        let normalizedName: String
        let countryID: Int
    }

    public init(database: Database, reference: ReferenceData) {
        self.database = database
        self.reference = reference
    }

    // MARK: Reading

    public func count() throws -> Int {
        try database.scalarInt("SELECT count(*) FROM project") ?? 0
    }

    public func find(externalID: String) throws -> StoredProject? {
        let statement = try database.cachedStatement(Self.selectSQL)
        try statement.bind(externalID, at: 1)
        guard try statement.step() else { return nil }
        var record = ProjectRecord(externalID: "", title: "")
        for slot in ProjectColumn.textColumns.indices { record.texts[slot] = statement.text(at: 1 + slot) }
        var index = 1 + ProjectColumn.textColumns.count
        func next() -> Int { defer { index += 1 }; return index }
        let id = statement.int64(at: 0)
        let stakeholder = next()
        record.stakeholderTypeID = statement.isNull(at: stakeholder) ? nil : statement.int(at: stakeholder)
        let (createdAt, updatedAt, createdBatch, batch, line) = (next(), next(), next(), next(), next())
        let stored = (
            createdAt: statement.text(at: createdAt) ?? "", updatedAt: statement.text(at: updatedAt) ?? "",
            createdBatchID: statement.isNull(at: createdBatch) ? nil : statement.int64(at: createdBatch),
            batchID: statement.isNull(at: batch) ? nil : statement.int64(at: batch),
            sourceLine: statement.isNull(at: line) ? nil : statement.int(at: line))
        statement.reset()
        for table in [ProjectColumn.LinkTable.actionLines, .sdgs, .gdcObjectives, .countries] {
            record[links: table] = try linkIDs(
                "SELECT \(table.idColumn) FROM \(table.table) WHERE project_id = ? ORDER BY \(table.keepsOrder ? "position" : table.idColumn)", id)
        }
        return StoredProject(
            id: id, record: record, createdAt: stored.createdAt, updatedAt: stored.updatedAt,
            createdBatchID: stored.createdBatchID, batchID: stored.batchID, sourceLine: stored.sourceLine)
    }

    // The statements of the project row, built once from the column table: the text columns take
    // parameters ?1…?n in `ProjectColumn.textColumns` order, the bookkeeping columns follow.

    /// The text columns of `project`, comma-separated.
    private static let textColumnList = ProjectColumn.textColumns.map { $0.sqlColumn! }.joined(separator: ", ")
    private static let textCount = ProjectColumn.textColumns.count

    private static let selectSQL = """
        SELECT id, \(textColumnList), stakeholder_type_id, created_at, updated_at, created_batch_id, batch_id, source_line
        FROM project WHERE external_id = ?
        """

    /// ?n+1 organization_id, ?n+2 stakeholder_type_id, ?n+3 now, ?n+4 batch, ?n+5 source line.
    private static let insertSQL: String = {
        let n = textCount
        let texts = (1...n).map { "?\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO project (\(textColumnList), organization_id, stakeholder_type_id,
                created_at, updated_at, created_batch_id, batch_id, source_line)
            VALUES (\(texts), ?\(n + 1), ?\(n + 2), ?\(n + 3), ?\(n + 3), ?\(n + 4), ?\(n + 4), ?\(n + 5))
            """
    }()

    /// As `insertSQL`, and ?n+6 the project's id.
    private static let updateSQL: String = {
        let n = textCount
        let texts = ProjectColumn.textColumns.enumerated().map { "\($1.sqlColumn!) = ?\($0 + 1)" }.joined(separator: ", ")
        return """
            UPDATE project SET \(texts), organization_id = ?\(n + 1), stakeholder_type_id = ?\(n + 2),
                updated_at = ?\(n + 3), batch_id = ?\(n + 4), source_line = ?\(n + 5)
            WHERE id = ?\(n + 6)
            """
    }()

    private func linkIDs(_ sql: String, _ projectID: Int64) throws -> [Int] {
        let statement = try database.cachedStatement(sql)
        try statement.bind(projectID, at: 1)
        var ids: [Int] = []
        while try statement.step() { ids.append(statement.int(at: 0)) }
        statement.reset()
        return ids
    }

    // MARK: Writing

    /// Inserts a new project or updates the one with the same external id (links replaced).
    /// An identical record is left alone and reported as unchanged.
    public func upsert(_ record: ProjectRecord, batchID: Int64?, now: String, sourceLine: Int? = nil) throws -> UpsertOutcome {
        try save(record, over: try find(externalID: record.externalID), batchID: batchID, now: now, sourceLine: sourceLine)
    }

    /// `upsert` for a caller that has already looked the project up.
    public func save(
        _ record: ProjectRecord, over existing: StoredProject?, batchID: Int64?, now: String, sourceLine: Int? = nil
    ) throws -> UpsertOutcome {
        if let existing {
            if record.hasSameContent(as: existing.record) { return .unchanged(id: existing.id) }
            try update(id: existing.id, with: record, batchID: batchID, now: now, sourceLine: sourceLine, previous: existing.record)
            return .updated(id: existing.id, before: existing.record)
        }
        return .inserted(id: try insert(record, batchID: batchID, now: now, sourceLine: sourceLine))
    }

    public func insert(_ record: ProjectRecord, batchID: Int64?, now: String, sourceLine: Int? = nil) throws -> Int64 {
        let statement = try database.cachedStatement(Self.insertSQL)
        try bindColumns(of: record, now: now, batchID: batchID, sourceLine: sourceLine, to: statement)
        try statement.execute()
        let id = database.lastInsertRowID
        try insertLinks(of: record, projectID: id)
        return id
    }

    /// - Parameter previous: the project as stored, when the caller has it: link tables whose ids did
    ///   not change are then left alone instead of being deleted and written again.
    public func update(
        id: Int64, with record: ProjectRecord, batchID: Int64?, now: String, sourceLine: Int? = nil, previous: ProjectRecord? = nil
    ) throws {
        let statement = try database.cachedStatement(Self.updateSQL)
        try bindColumns(of: record, now: now, batchID: batchID, sourceLine: sourceLine, to: statement)
        try statement.bind(id, at: Self.textCount + 6)
        try statement.execute()
        let changed = LinkTables(
            actionLines: previous?.actionLineIDs != record.actionLineIDs, sdgs: previous?.sdgIDs != record.sdgIDs,
            gdcObjectives: previous?.gdcObjectiveIDs != record.gdcObjectiveIDs, countries: previous?.countryIDs != record.countryIDs)
        for (table, isChanged) in [
            ("project_action_line", changed.actionLines), ("project_sdg", changed.sdgs),
            ("project_gdc_objective", changed.gdcObjectives), ("project_country", changed.countries),
        ] where isChanged {
            try database.cachedStatement("DELETE FROM \(table) WHERE project_id = ?").execute([.integer(id)])
        }
        try insertLinks(of: record, projectID: id, only: changed)
    }

    /// Deletes a project (links and prizes cascade). Returns what was deleted.
    public func delete(externalID: String) throws -> StoredProject? {
        guard let existing = try find(externalID: externalID) else { return nil }
        try database.cachedStatement("DELETE FROM project WHERE id = ?").execute([.integer(existing.id)])
        return existing
    }

    // MARK: Deferred full-text indexing

    /// Defers the full-text index work of the inserts, updates and deletes that follow in this
    /// transaction to `catchUpSearchIndex()` (migrations 0001, 0004, 0007 and 0008): FTS5 writes an
    /// index segment per statement, so keeping the index current row by row costs several times
    /// one pass at the end. Bulk writers (import, delete, revert) call it right after BEGIN.
    public func deferSearchIndexing() throws {
        try database.execute(
            "INSERT INTO search_index_deferral (id, first_project_id) SELECT 1, ifnull(max(id), 0) + 1 FROM project")
    }

    /// Ends the deferral and brings the index up to date in one pass, before commit: removes the
    /// entries it holds for the rows updated or deleted since `deferSearchIndexing()`, then adds the
    /// current values of those still present and of every row inserted since.
    public func catchUpSearchIndex() throws {
        try database.execute("""
            INSERT INTO project_fts (project_fts, rowid, title, description, organization_name)
            SELECT 'delete', project_id, title, description, organization_name FROM search_index_stale_entry;
            INSERT INTO project_fts (rowid, title, description, organization_name)
            SELECT id, title, description, organization_name FROM project
            WHERE id IN (SELECT project_id FROM search_index_stale_entry);
            INSERT INTO project_fts (rowid, title, description, organization_name)
            SELECT id, title, description, organization_name FROM project
            WHERE id >= (SELECT first_project_id FROM search_index_deferral);
            DELETE FROM search_index_stale_entry;
            DELETE FROM search_index_deferral;
            """)
    }

    private func bindColumns(of record: ProjectRecord, now: String, batchID: Int64?, sourceLine: Int?, to statement: Statement) throws {
        for (slot, text) in record.texts.enumerated() { try statement.bind(text, at: slot + 1) }
        let n = Self.textCount
        try statement.bind(try organizationID(for: record), at: n + 1)
        try statement.bind(record.stakeholderTypeID, at: n + 2)
        try statement.bind(now, at: n + 3)
        try statement.bind(batchID, at: n + 4)
        try statement.bind(sourceLine, at: n + 5)
    }

    private lazy var linkStatements: (actionLine: Statement, sdg: Statement, gdc: Statement, country: Statement)? = nil

    /// Which link tables to write.
    private struct LinkTables {
        var actionLines = true, sdgs = true, gdcObjectives = true, countries = true
    }

    /// Writes the link rows; the statements are prepared once per repository (bulk imports run this
    /// for every row, so no per-call lookup or allocation).
    private func insertLinks(of record: ProjectRecord, projectID: Int64, only tables: LinkTables = LinkTables()) throws {
        if linkStatements == nil {
            linkStatements = (
                try database.prepare("INSERT INTO project_action_line (project_id, action_line_id) VALUES (?, ?)"),
                try database.prepare("INSERT INTO project_sdg (project_id, sdg_id) VALUES (?, ?)"),
                try database.prepare("INSERT INTO project_gdc_objective (project_id, gdc_objective_id) VALUES (?, ?)"),
                try database.prepare("INSERT INTO project_country (project_id, country_id, position) VALUES (?, ?, ?)"))
        }
        let statements = linkStatements!
        func insert(_ statement: Statement, _ ids: [Int], withPosition: Bool = false) throws {
            for (position, id) in ids.enumerated() {
                try statement.bind(projectID, at: 1)
                try statement.bind(id, at: 2)
                if withPosition { try statement.bind(position, at: 3) }
                try statement.step()
                statement.reset()
            }
        }
        if tables.actionLines { try insert(statements.actionLine, record.actionLineIDs) }
        if tables.sdgs { try insert(statements.sdg, record.sdgIDs) }
        if tables.gdcObjectives { try insert(statements.gdc, record.gdcObjectiveIDs) }
        if tables.countries { try insert(statements.country, record.countryIDs, withPosition: true) }
    }

    /// The organization a project belongs to: one per normalized name and first country, so
    /// `ARABSAT` and `ARABSAT ` are one organization while each country's `Ministry of Education`
    /// stays its own. Created on first sight.
    private func organizationID(for record: ProjectRecord) throws -> Int64? {
        guard let name = record.organization else { return nil }
        let normalized: String
        if let known = organizationKeysByName[name] {
            normalized = known
        } else {
            normalized = MatchKey.loose(name)
            if organizationKeysByName.count > 100_000 { organizationKeysByName.removeAll(keepingCapacity: true) }
            organizationKeysByName[name] = normalized
        }
        guard !normalized.isEmpty else { return nil }
        let key = OrganizationKey(normalizedName: normalized, countryID: record.countryIDs.first ?? 0)
        if let id = organizationIDs[key] { return id }
        let select = try database.cachedStatement(
            "SELECT id FROM organization WHERE normalized_key = ? AND ifnull(country_id, 0) = ?")
        try select.bind(normalized, at: 1)
        try select.bind(key.countryID, at: 2)
        let id: Int64
        if try select.step() {
            id = select.int64(at: 0)
            select.reset()
        } else {
            select.reset()
            try database.cachedStatement("INSERT INTO organization (name, normalized_key, country_id) VALUES (?, ?, ?)")
                .execute([.text(name), .text(normalized), key.countryID == 0 ? .null : .integer(Int64(key.countryID))])
            id = database.lastInsertRowID
        }
        organizationIDs[key] = id
        return id
    }

    /// Forgets cached organization ids (after a rollback they may name rows that no longer exist).
    public func forgetCachedOrganizations() {
        organizationIDs.removeAll()
    }
}
