import DatabaseTestSupport
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct RepositoryTests {
    let temporary: TemporaryDatabase
    let catalog: Catalog
    let repository: ProjectRepository

    init() throws {
        temporary = try TemporaryDatabase()
        catalog = try temporary.makeCatalog()
        repository = ProjectRepository(database: catalog.database, reference: catalog.reference)
    }

    var database: Database { catalog.database }
    var reference: ReferenceData { catalog.reference }

    func country(_ code: String) throws -> Int { try reference.resolveCountry(code).id }
    func actionLine(_ code: String) throws -> Int { try reference.resolveActionLine(code).id }

    func sampleRecord(externalID: String = "WSIS-001") throws -> ProjectRecord {
        ProjectRecord(
            externalID: externalID, title: "Telemedicine for rural clinics",
            description: "Connects clinics to hospitals.", organization: "Ministry of Health",
            stakeholderTypeID: try reference.resolveStakeholderType("government").id,
            countryIDs: [try country("UG"), try country("KE")], coverage: .national, status: .ongoing,
            startDate: "2024-01", endDate: nil, website: "https://example.org", contactEmail: "a@example.org",
            partners: "WHO; ITU", activityType: "Project",
            actionLineIDs: [try actionLine("C7.e-health"), try actionLine("C2")], sdgIDs: [9, 3], gdcObjectiveIDs: [1],
            submittedOn: "2024-02-03")
    }

    func upsert(_ record: ProjectRecord) throws -> UpsertOutcome {
        try database.inTransaction { try repository.upsert(record, batchID: nil, now: "2026-01-01T00:00:00Z") }
    }

    /// The sample record under another id and title, with no other indexed text.
    func titled(_ externalID: String, _ title: String) throws -> ProjectRecord {
        var record = try sampleRecord(externalID: externalID)
        record.title = title
        record.description = nil
        record.organization = nil
        return record
    }

    func externalIDsMatching(_ query: String) throws -> [String] {
        try database.rows(
            "SELECT p.external_id FROM project_fts JOIN project p ON p.id = project_fts.rowid WHERE project_fts MATCH ? ORDER BY 1",
            [.text(query)]).map { $0[0].textValue ?? "" }
    }

    func ftsMatches(_ query: String) throws -> [Int64] {
        try database.rows("SELECT rowid FROM project_fts WHERE project_fts MATCH ? ORDER BY rowid", [.text(query)])
            .compactMap { $0[0].integerValue }
    }

    func links(_ table: String, _ column: String, projectID: Int64) throws -> [Int] {
        try database.rows("SELECT \(column) FROM \(table) WHERE project_id = ? ORDER BY \(column)", [.integer(projectID)])
            .compactMap { $0[0].integerValue.map(Int.init) }
    }

    @Test func upsertInsertsAndFindReturnsTheLinks() throws {
        let record = try sampleRecord()
        guard case .inserted(let id) = try upsert(record) else {
            Issue.record("not inserted")
            return
        }
        #expect(try repository.count() == 1)
        let stored = try #require(try repository.find(externalID: "WSIS-001"))
        #expect(stored.id == id)
        #expect(stored.record == record)
        // Countries keep the file's order; the other links are sorted.
        #expect(stored.record.countryIDs == [try country("UG"), try country("KE")])
        #expect(stored.record.sdgIDs == [3, 9])
        #expect(stored.createdAt == "2026-01-01T00:00:00Z")
        #expect(try links("project_action_line", "action_line_id", projectID: id).sorted() == [try actionLine("C2"), try actionLine("C7.e-health")].sorted())
        #expect(try links("project_sdg", "sdg_id", projectID: id) == [3, 9])
        #expect(try links("project_gdc_objective", "gdc_objective_id", projectID: id) == [1])
        // External ids match case-insensitively.
        #expect(try repository.find(externalID: "wsis-001")?.id == id)
        #expect(try repository.find(externalID: "WSIS-002") == nil)
        // The flat view shows the canonical form.
        let flat = try database.rows("SELECT countries, action_lines, sdgs FROM project_flat WHERE id = ?", [.integer(id)])
        #expect(flat == [[.text("KE;UG"), .text("C2;C7.e-health"), .text("3;9")]])
    }

    @Test func identicalUpsertIsUnchanged() throws {
        let record = try sampleRecord()
        guard case .inserted(let id) = try upsert(record) else {
            Issue.record("not inserted")
            return
        }
        #expect(try upsert(record) == .unchanged(id: id))
        // Country order alone is not a change.
        var reordered = record
        reordered.countryIDs.reverse()
        #expect(try upsert(reordered) == .unchanged(id: id))
        #expect(try repository.count() == 1)
    }

    @Test func changedUpsertReplacesTheLinks() throws {
        let original = try sampleRecord()
        guard case .inserted(let id) = try upsert(original) else {
            Issue.record("not inserted")
            return
        }
        var changed = original
        changed.title = "Telemedicine for rural clinics, phase 2"
        changed.actionLineIDs = [try actionLine("C5")]
        changed.sdgIDs = [4]
        changed.gdcObjectiveIDs = []
        changed.countryIDs = [try country("TZ")]
        let outcome = try database.inTransaction {
            try repository.upsert(changed, batchID: nil, now: "2026-02-02T00:00:00Z")
        }
        #expect(outcome == .updated(id: id, before: original))
        #expect(try links("project_action_line", "action_line_id", projectID: id) == [try actionLine("C5")])
        #expect(try links("project_sdg", "sdg_id", projectID: id) == [4])
        #expect(try links("project_gdc_objective", "gdc_objective_id", projectID: id).isEmpty)
        #expect(try links("project_country", "country_id", projectID: id) == [try country("TZ")])
        let stored = try #require(try repository.find(externalID: "WSIS-001"))
        #expect(stored.record == changed)
        #expect(stored.createdAt == "2026-01-01T00:00:00Z")
        #expect(stored.updatedAt == "2026-02-02T00:00:00Z")
        #expect(try database.count("project") == 1)
    }

    @Test func deleteCascadesToTheLinks() throws {
        let first = try sampleRecord(externalID: "P-1")
        let second = try sampleRecord(externalID: "P-2")
        _ = try upsert(first)
        guard case .inserted(let secondID) = try upsert(second) else {
            Issue.record("not inserted")
            return
        }
        let deleted = try database.inTransaction { try repository.delete(externalID: "p-1") }
        #expect(deleted?.record == first)
        #expect(try repository.find(externalID: "P-1") == nil)
        for table in ["project_action_line", "project_sdg", "project_gdc_objective", "project_country"] {
            #expect(try database.count(table, where: "project_id NOT IN (SELECT id FROM project)") == 0, "orphans in \(table)")
            #expect(try database.count(table, where: "project_id = ?", [.integer(secondID)]) > 0, "\(table) lost the other project's links")
        }
        #expect(try database.rows("PRAGMA foreign_key_check").isEmpty)
        // Deleting what is not there returns nil.
        #expect(try database.inTransaction { try repository.delete(externalID: "P-1") } == nil)
    }

    @Test func organizationsAreGroupedByNormalizedNameAndFirstCountry() throws {
        let xw = try country("INTERNATIONAL")
        let ke = try country("KE")
        let ug = try country("UG")
        let records = [
            ProjectRecord(externalID: "A-1", title: "Satellite one", organization: "ARABSAT", countryIDs: [xw]),
            ProjectRecord(externalID: "A-2", title: "Satellite two", organization: "ARABSAT ", countryIDs: [xw]),
            ProjectRecord(externalID: "A-3", title: "Satellite three", organization: "arabsat", countryIDs: [xw, ke]),
            ProjectRecord(externalID: "M-1", title: "Schools Kenya", organization: "Ministry of Education", countryIDs: [ke]),
            ProjectRecord(externalID: "M-2", title: "Schools Uganda", organization: "Ministry of Education", countryIDs: [ug, ke]),
            ProjectRecord(externalID: "M-3", title: "More schools Kenya", organization: "Ministry of  Education", countryIDs: [ke]),
            ProjectRecord(externalID: "N-1", title: "No country", organization: "Lone NGO"),
            ProjectRecord(externalID: "N-2", title: "No organization"),
        ]
        try database.inTransaction {
            for record in records { _ = try repository.upsert(record, batchID: nil, now: "2026-01-01T00:00:00Z") }
        }
        func organizationID(_ externalID: String) throws -> Int64? {
            try database.scalar("SELECT organization_id FROM project WHERE external_id = ?", [.text(externalID)])?.integerValue
        }
        let arabsat = try #require(try organizationID("A-1"))
        #expect(try organizationID("A-2") == arabsat)
        #expect(try organizationID("A-3") == arabsat)
        let kenya = try #require(try organizationID("M-1"))
        let uganda = try #require(try organizationID("M-2"))
        #expect(kenya != uganda)
        #expect(try organizationID("M-3") == kenya)
        #expect(try organizationID("N-1") != nil)
        #expect(try organizationID("N-2") == nil)
        #expect(try database.count("organization") == 4)
        #expect(try database.count("organization", where: "normalized_key = 'ministry of education'") == 2)
        #expect(try database.scalar("SELECT country_id FROM organization WHERE normalized_key = 'lone ngo'") == nil)
        // The organization keeps the name as first seen; each project keeps its own spelling.
        #expect(try database.scalarText("SELECT name FROM organization WHERE id = ?", [.integer(arabsat)]) == "ARABSAT")
        #expect(try database.scalarText("SELECT organization_name FROM project WHERE external_id = 'A-2'") == "ARABSAT ")
    }

    @Test func organizationsAreFoundAgainByANewRepository() throws {
        let ke = try country("KE")
        _ = try upsert(ProjectRecord(externalID: "M-1", title: "One", organization: "Ministry of Education", countryIDs: [ke]))
        // A new repository has an empty cache and must find the existing row.
        let fresh = ProjectRepository(database: database, reference: reference)
        try database.inTransaction {
            _ = try fresh.upsert(ProjectRecord(externalID: "M-2", title: "Two", organization: "MINISTRY OF EDUCATION", countryIDs: [ke]),
                                 batchID: nil, now: "2026-01-01T00:00:00Z")
        }
        #expect(try database.count("organization") == 1)
    }

    @Test func fullTextIndexFollowsInsertUpdateAndDelete() throws {
        var record = try sampleRecord()
        guard case .inserted(let id) = try upsert(record) else {
            Issue.record("not inserted")
            return
        }
        #expect(try ftsMatches("telemedicine") == [id])
        #expect(try ftsMatches("hospitals") == [id])  // description
        #expect(try ftsMatches("broadband").isEmpty)

        record.title = "Broadband for schools"
        _ = try upsert(record)
        #expect(try ftsMatches("telemedicine").isEmpty)
        #expect(try ftsMatches("broadband") == [id])
        #expect(try ftsMatches("hospitals") == [id])

        _ = try database.inTransaction { try repository.delete(externalID: record.externalID) }
        #expect(try ftsMatches("broadband").isEmpty)
        #expect(try ftsMatches("hospitals").isEmpty)
        // The external-content index agrees with the project table.
        try database.checkSearchIndexMatchesProjects()
    }

    /// Bulk writers defer the index work to one pass before commit (migrations 0004, 0007, 0008).
    /// Every case the pass must get right, in one transaction: an updated row, a row updated then
    /// deleted, deleted rows whose ids new rows then take (one of them updated again), and an
    /// untouched row.
    @Test func deferredIndexingCatchesUpInOnePass() throws {
        let now = "2026-01-01T00:00:00Z"
        try database.inTransaction {
            for (id, title) in [("K-1", "keep alpha"), ("U-1", "update bravo"), ("D-1", "doomed charlie"), ("L-1", "last delta")] {
                _ = try repository.insert(try titled(id, title), batchID: nil, now: now)
            }
        }
        let doomedID = try #require(try database.scalarInt("SELECT id FROM project WHERE external_id = 'D-1'"))
        let lastID = try #require(try database.scalarInt("SELECT id FROM project WHERE external_id = 'L-1'"))
        try database.inTransaction {
            try repository.deferSearchIndexing()
            _ = try repository.upsert(try titled("U-1", "updated echo"), batchID: nil, now: now)
            _ = try repository.upsert(try titled("D-1", "renamed foxtrot"), batchID: nil, now: now)
            _ = try repository.delete(externalID: "D-1")
            _ = try repository.delete(externalID: "L-1")
            // New rows take max(id) + 1: the ids the index still holds "charlie" and "delta" under.
            #expect(try repository.insert(try titled("N-1", "new golf"), batchID: nil, now: now) == Int64(doomedID))
            #expect(try repository.insert(try titled("N-2", "newer hotel"), batchID: nil, now: now) == Int64(lastID))
            _ = try repository.upsert(try titled("N-2", "newest india"), batchID: nil, now: now)
            // Nothing reached the index yet: it still answers as before the transaction.
            #expect(try ftsMatches("bravo").count == 1)
            #expect(try ftsMatches("echo").isEmpty)
            try repository.catchUpSearchIndex()
        }
        #expect(try externalIDsMatching("alpha") == ["K-1"])
        #expect(try externalIDsMatching("bravo").isEmpty)
        #expect(try externalIDsMatching("echo") == ["U-1"])
        #expect(try externalIDsMatching("charlie OR foxtrot").isEmpty)
        #expect(try externalIDsMatching("delta").isEmpty)
        #expect(try externalIDsMatching("golf") == ["N-1"])
        #expect(try externalIDsMatching("hotel").isEmpty)
        #expect(try externalIDsMatching("india") == ["N-2"])
        try database.checkSearchIndexMatchesProjects()
        #expect(try database.count("search_index_stale_entry") == 0)
        #expect(try database.count("search_index_deferral") == 0)
    }

    /// A new row takes max(id) + 1: with the highest row deleted under the deferral, that can be an
    /// old gap the index knows nothing about (migration 0008 indexes such a row at once).
    @Test func deferredIndexingIndexesANewRowThatFillsAnOldGap() throws {
        let now = "2026-01-01T00:00:00Z"
        try database.inTransaction {
            for (id, title) in [("A-1", "anchor alpha"), ("G-1", "gap bravo"), ("T-1", "top charlie")] {
                _ = try repository.insert(try titled(id, title), batchID: nil, now: now)
            }
        }
        let gapID = try #require(try database.scalarInt("SELECT id FROM project WHERE external_id = 'G-1'"))
        _ = try database.inTransaction { try repository.delete(externalID: "G-1") }
        try database.inTransaction {
            try repository.deferSearchIndexing()
            _ = try repository.delete(externalID: "T-1")
            #expect(try repository.insert(try titled("N-1", "new delta"), batchID: nil, now: now) == Int64(gapID))
            _ = try repository.upsert(try titled("N-1", "newer echo"), batchID: nil, now: now)
            try repository.catchUpSearchIndex()
        }
        #expect(try externalIDsMatching("alpha") == ["A-1"])
        #expect(try externalIDsMatching("bravo OR charlie OR delta").isEmpty)
        #expect(try externalIDsMatching("echo") == ["N-1"])
        try database.checkSearchIndexMatchesProjects()
    }

    @Test func fullTextSearchIgnoresDiacritics() throws {
        var record = try sampleRecord()
        record.title = "Télémédecine rurale"
        guard case .inserted(let id) = try upsert(record) else {
            Issue.record("not inserted")
            return
        }
        #expect(try ftsMatches("telemedecine") == [id])
        #expect(try ftsMatches("TÉLÉMÉDECINE") == [id])
    }

    @Test func freeTextIsStoredByteForByte() throws {
        let record = ProjectRecord(
            externalID: "  ID with spaces  ", title: "  Leading and trailing  ",
            description: "Line one\r\nLine two\nLine three\r\n\ttabbed  ", organization: " Org\u{00A0}Name ",
            partners: "A;B; C ;", activityType: "e\u{0301}vénement")
        _ = try upsert(record)
        let stored = try #require(try repository.find(externalID: "  ID with spaces  "))
        #expect(Array(stored.record.title.utf8) == Array(record.title.utf8))
        #expect(stored.record.description.map { Array($0.utf8) } == record.description.map { Array($0.utf8) })
        #expect(stored.record.organization.map { Array($0.utf8) } == record.organization.map { Array($0.utf8) })
        #expect(stored.record.partners == "A;B; C ;")
        #expect(stored.record.activityType.map { Array($0.utf8) } == Array("e\u{0301}vénement".utf8))
        let raw = try database.rows("SELECT external_id, title, description, hex(description) FROM project")
        #expect(raw.first?[0] == .text("  ID with spaces  "))
        #expect(raw.first?[3].textValue?.contains("0D0A") == true)
        // Absent values are NULL, not empty strings.
        #expect(try database.count("project", where: "website IS NULL AND contact_email IS NULL AND coverage IS NULL") == 1)
    }

    @Test func emptyOptionalTextStaysEmptyNotNull() throws {
        let record = ProjectRecord(externalID: "E-1", title: "Empty description", description: "")
        _ = try upsert(record)
        #expect(try database.count("project", where: "description = ''") == 1)
        #expect(try repository.find(externalID: "E-1")?.record.description == "")
    }

    @Test func aRolledBackUpsertLeavesNothing() throws {
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try database.inTransaction {
                _ = try repository.upsert(try sampleRecord(), batchID: nil, now: "2026-01-01T00:00:00Z")
                throw Abort()
            }
        }
        repository.forgetCachedOrganizations()
        #expect(try repository.count() == 0)
        #expect(try database.count("project_action_line") == 0)
        #expect(try database.count("organization") == 0)
        #expect(try ftsMatches("telemedicine").isEmpty)
        // And the repository still works afterwards.
        #expect(try upsert(try sampleRecord()) != .unchanged(id: 0))
        #expect(try database.count("organization") == 1)
    }
}
