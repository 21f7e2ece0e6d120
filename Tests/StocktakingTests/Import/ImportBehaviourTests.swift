import CSV
import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import Testing
import TestSupport

@Suite struct ImportBehaviourTests {
    @Test func theSampleImportsCompletelyAndAgainAsUnchanged() throws {
        let fixture = try ImportFixture()
        let first = try fixture.importFile(Fixtures.url("projects-sample.csv").path)
        #expect(first.rows == 1200)
        #expect(first.counts.inserted == 1200)
        #expect(first.counts.rejected == 0)
        let second = try fixture.importFile(Fixtures.url("projects-sample.csv").path)
        #expect(second.counts.unchanged == 1200)
        #expect(second.counts.inserted + second.counts.updated == 0)
        var prizes = ImportOptions()
        prizes.kind = .prizes
        let prizeSummary = try fixture.importFile(Fixtures.url("prizes-sample.csv").path, options: prizes)
        #expect(prizeSummary.counts.inserted == 150)
        try fixture.read { (catalog: Catalog) throws in
            #expect(try catalog.database.scalarText("PRAGMA integrity_check") == "ok")
            #expect(try catalog.database.rows("PRAGMA foreign_key_check").isEmpty)
            // Every inserted project is in the full-text index.
            #expect(try catalog.database.count("project_fts") == 1200)
            #expect(try catalog.database.count("search_index_deferral") == 0)
            // An import of 1,000 rows or more refreshes the planner's statistics for the tables
            // whose indexes queries choose between.
            let analysed = Set(try catalog.database.column("SELECT DISTINCT tbl FROM sqlite_stat1"))
            #expect(analysed.isSuperset(of: ["project", "project_action_line", "project_sdg", "project_country", "organization"]))
            // Not the change log: only ever read through its one key, and the costliest to analyse.
            #expect(!analysed.contains("project_change"))
        }
    }

    @Test func messySpellingsResolveToCanonicalCodes() throws {
        let fixture = try ImportFixture()
        try fixture.importFile(Fixtures.url("valid/messy-spellings.csv").path)
        let rows = try fixture.rows("SELECT external_id, countries, action_lines, sdgs, gdc_objectives, stakeholder_type, coverage, status, start_date, end_date FROM project_flat ORDER BY external_id")
        #expect(rows.map { $0.map(\.textValue) } == [
            ["ITU-1", "KR", "C1;C11", "3;4", "2", "government", "national", "ongoing", "2020", nil],
            ["ITU-2", "INTERNATIONAL;IR", "C7.e-health;C8", "10", nil, "civil society", "international", "completed", "2019-01", "2019-12"],
        ])
        // Matched values are folded, the e-mail and URL only trimmed.
        #expect(try fixture.scalarText("SELECT contact_email FROM project WHERE external_id = 'ITU-1'") == "A@Example.org")
    }

    @Test(arguments: [
        ("valid/windows-1252.csv", "windows-1252", "Café numérique ’quotes’"),
        ("valid/utf16le-bom.csv", "utf-16", "الصحة الرقمية"),
    ])
    func otherEncodingsAreDecoded(file: String, encoding: String, title: String) throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.reader.encoding = TextEncoding(name: encoding)
        try fixture.importFile(Fixtures.url(file).path, options: options)
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'WSIS-3'") == title)
    }

    @Test func replaceInvalidSubstitutesAndWarnsWithTheLine() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.reader.replaceInvalid = true
        let reportPath = fixture.database.directory.path("report.json")
        options.reportPath = reportPath
        let summary = try fixture.importFile(Fixtures.url("valid/mixed-invalid.csv").path, options: options)
        #expect(summary.warnings == 1)
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'WSIS-3'") == "Caf\u{FFFD} au lait")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as? [String: Any]
        let problems = try #require(report?["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems.first?["line"] as? Int == 3)
        #expect(problems.first?["severity"] as? String == "warning")
        #expect(report?["status"] as? String == "committed")
    }

    @Test func tabSeparatedFilesWithPipeListsAndBareYears() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.reader.dialect = CSVDialect(delimiter: UInt8(ascii: "\t"))
        try fixture.importFile(Fixtures.url("valid/tabs.tsv").path, options: options)
        let row = try #require(try fixture.rows("SELECT title, countries, action_lines, sdgs, start_date FROM project_flat").first)
        #expect(row.map(\.textValue) == ["Tab, separated", "KE;UG", "C5;C7.e-government", "4;5", "2020"])
    }

    @Test func aBOMAndCarriageReturnLineEndsAreRead() throws {
        let fixture = try ImportFixture()
        let summary = try fixture.importFile(Fixtures.url("valid/bom-cr-only.csv").path)
        #expect(summary.counts.inserted == 2)
        #expect(try fixture.scalarText("SELECT description FROM project WHERE external_id = 'WSIS-1'") == "Clinics, \"mobile\" units")
    }

    @Test func generatedIDsAreStableAndRepeatedContentIsFlagged() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.generateIDPrefix = "ITU"
        let first = try fixture.importFile(Fixtures.url("valid/no-ids.csv").path, options: options)
        #expect(first.counts.inserted == 4)
        // Rows 2–4 repeat row 1's content (the organization differs only in case and spacing).
        #expect(first.warnings == 2)
        let ids = try fixture.rows("SELECT external_id FROM project ORDER BY id").compactMap { $0[0].textValue }
        #expect(ids.count == 4)
        #expect(ids.allSatisfy { $0.hasPrefix("ITU-") })
        #expect(ids[1] == ids[0] + "-2")
        #expect(ids[2] == ids[0] + "-3")
        #expect(!ids[3].hasPrefix(ids[0]))
        let again = try fixture.importFile(Fixtures.url("valid/no-ids.csv").path, options: options)
        #expect(again.counts.unchanged == 4)
        #expect(try fixture.count("project") == 4)
    }

    @Test func headerAliasesAndUserMappings() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.columnMappings = ["Budget Line": "partners"]
        try fixture.importText(
            "ID,Project,Organisation,Country,Category,SDG(s),Budget Line\r\nX-1,Title,Org,Kenya,Capacity building,SDG4,Donor A\r\n",
            options: options)
        let row = try #require(try fixture.rows("SELECT title, organization, countries, action_lines, sdgs, partners FROM project_flat").first)
        #expect(row.map(\.textValue) == ["Title", "Org", "KE", "C4", "4", "Donor A"])
    }

    @Test func freeTextIsStoredExactlyAndEmptyCellsAreAbsent() throws {
        let fixture = try ImportFixture()
        let description = "  line one\r\nline two, with \"quotes\"  "
        try fixture.importText(Sample.header + "\r\nA-1,\" Title \",\"\(description.replacingOccurrences(of: "\"", with: "\"\""))\",,,KE,,,,,,,,,C5,,,\r\n")
        let row = try #require(try fixture.rows("SELECT title, description, organization_name, website, partners FROM project").first)
        #expect(row[0] == .text(" Title "))
        #expect(row[1] == .text(description))
        #expect(row[2] == .null)
        #expect(row[3] == .null)
        var trim = ImportOptions()
        trim.values.trimText = true
        let summary = try fixture.importText(Sample.header + "\r\nA-1,\" Title \",\"  x  \",,,KE,,,,,,,,,C5,,,\r\n", options: trim)
        #expect(summary.counts.updated == 1)
        #expect(try fixture.scalarText("SELECT title || '|' || description FROM project") == "Title|x")
    }

    @Test func updatesReplaceLinksAndDryRunWritesNothing() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1", actionLines: "C5;C6"), Sample.row("A-2")))
        let before = fixture.snapshot()
        var dryRun = ImportOptions()
        dryRun.dryRun = true
        let preview = try fixture.importText(
            Sample.file(Sample.row("A-1", actionLines: "C7.e-health"), Sample.row("A-2"), Sample.row("A-3")), options: dryRun)
        #expect(preview.dryRun)
        #expect(preview.counts.inserted == 1)
        #expect(preview.counts.updated == 1)
        #expect(preview.counts.unchanged == 1)
        #expect(fixture.snapshot() == before)

        let real = try fixture.importText(Sample.file(Sample.row("A-1", actionLines: "C7.e-health"), Sample.row("A-2"), Sample.row("A-3")))
        #expect(real.counts == preview.counts)
        #expect(try fixture.scalarText("SELECT action_lines FROM project_flat WHERE external_id = 'A-1'") == "C7.e-health")
        #expect(try fixture.count("project_action_line") == 3)
        // Imports run with foreign-key enforcement off (every id is resolved beforehand); the links
        // they write must still all point somewhere.
        #expect(try fixture.rows("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func updatedRowsAreReindexedWhenTheImportCommits() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(
            Sample.row("A-1", title: "Rural telemedicine"), Sample.row("A-2", title: "Coding clubs"),
            Sample.row("A-3", title: "Rural schools online")))
        // A-1 changes its title, A-2 only its description, A-3 nothing; A-4 is new.
        let summary = try fixture.importText(Sample.file(
            Sample.row("A-1", title: "Urban broadband"), Sample.row("A-2", title: "Coding clubs", description: "Girls code"),
            Sample.row("A-3", title: "Rural schools online"), Sample.row("A-4", title: "Rural libraries")))
        let counts: [Int] = [summary.counts.inserted, summary.counts.updated, summary.counts.unchanged]
        #expect(counts == [1, 2, 1])
        func matches(_ query: String) throws -> [String] {
            try fixture.rows(
                "SELECT p.external_id FROM project_fts JOIN project p ON p.id = project_fts.rowid WHERE project_fts MATCH ? ORDER BY 1",
                [.text(query)]).map { $0[0].textValue ?? "" }
        }
        #expect(try matches("telemedicine").isEmpty)
        #expect(try matches("urban") == ["A-1"])
        #expect(try matches("girls") == ["A-2"])
        #expect(try matches("text") == ["A-1", "A-3", "A-4"])
        #expect(try matches("rural") == ["A-3", "A-4"])
        let database = try fixture.database.open(.readWrite)
        defer { database.close() }
        try database.checkSearchIndexMatchesProjects()
        #expect(try database.count("search_index_stale_entry") == 0)
        #expect(try database.count("search_index_deferral") == 0)
    }

    @Test func anUpdateRewritesOnlyWhatChanged() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1", actionLines: "C5;C6", countries: "KE;UG")))
        func linkRows() throws -> [[SQLiteValue]] {
            try fixture.rows("""
                SELECT 'al', action_line_id, NULL FROM project_action_line UNION ALL
                SELECT 'c', country_id, position FROM project_country UNION ALL SELECT 's', sdg_id, NULL FROM project_sdg
                ORDER BY 1, 2
                """)
        }
        let links = try linkRows()
        // Only the status changes: the links and the search index are left as they were.
        let statusOnly = Sample.file(Sample.row("A-1", actionLines: "C5;C6", countries: "KE;UG"))
            .replacingOccurrences(of: ",ongoing,", with: ",completed,")
        #expect(try fixture.importText(statusOnly).counts.updated == 1)
        #expect(try linkRows() == links)
        #expect(try fixture.scalarText("SELECT status FROM project") == "completed")
        // Then only the countries.
        #expect(try fixture.importText(Sample.file(Sample.row("A-1", actionLines: "C5;C6", countries: "KE;TZ"))
            .replacingOccurrences(of: ",ongoing,", with: ",completed,")).counts.updated == 1)
        #expect(try fixture.scalarText("SELECT countries FROM project_flat") == "KE;TZ")
        #expect(try fixture.scalarText("SELECT action_lines FROM project_flat") == "C5;C6")
        let database = try fixture.database.open(.readWrite)
        defer { database.close() }
        try database.checkSearchIndexMatchesProjects()
        #expect(try database.rows("PRAGMA foreign_key_check").isEmpty)
    }

    /// Observes the writes themselves: test-only triggers log every deleted link row and every
    /// search-index entry an import marks stale.
    @Test func anUpdateDeletesNoUnchangedLinksAndReindexesOnlyChangedText() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1", actionLines: "C5;C6", countries: "KE;UG")))
        do {
            let database = try fixture.database.open(.readWrite)
            defer { database.close() }
            try database.execute("""
                CREATE TABLE test_write_log (what TEXT NOT NULL) STRICT;
                CREATE TRIGGER test_log_action_line AFTER DELETE ON project_action_line
                BEGIN INSERT INTO test_write_log VALUES ('action_line'); END;
                CREATE TRIGGER test_log_country AFTER DELETE ON project_country
                BEGIN INSERT INTO test_write_log VALUES ('country'); END;
                CREATE TRIGGER test_log_stale AFTER INSERT ON search_index_stale_entry
                BEGIN INSERT INTO test_write_log VALUES ('stale'); END;
                """)
        }
        func logged() throws -> [String: Int] {
            var counts: [String: Int] = [:]
            for row in try fixture.rows("SELECT what, count(*) FROM test_write_log GROUP BY what") {
                counts[row[0].textValue ?? ""] = Int(row[1].integerValue ?? 0)
            }
            return counts
        }
        let completed = { (text: String) in text.replacingOccurrences(of: ",ongoing,", with: ",completed,") }
        // Status only: no link row deleted, no index entry touched.
        try fixture.importText(completed(Sample.file(Sample.row("A-1", actionLines: "C5;C6", countries: "KE;UG"))))
        #expect(try logged() == [:])
        // Countries only: the two country rows are replaced, the Action Lines stay.
        try fixture.importText(completed(Sample.file(Sample.row("A-1", actionLines: "C5;C6", countries: "KE;TZ"))))
        #expect(try logged() == ["country": 2])
        // The title: its index entry is corrected, no link is touched.
        try fixture.importText(completed(Sample.file(Sample.row("A-1", title: "Renamed", actionLines: "C5;C6", countries: "KE;TZ"))))
        #expect(try logged() == ["country": 2, "stale": 1])
    }

    @Test func anImportLeavesForeignKeyEnforcementOnForItsConnection() throws {
        let fixture = try ImportFixture()
        func file(_ name: String, _ text: String) -> String {
            let path = fixture.database.directory.path(name)
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return path
        }
        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        _ = try Importer(catalog: catalog, options: ImportOptions()).importFile(at: file("good.csv", Sample.file(Sample.row("A-1"))))
        #expect(try catalog.database.scalarInt("PRAGMA foreign_keys") == 1)
        // A rejected import restores it too.
        #expect(throws: ImportRejected.self) {
            try Importer(catalog: catalog, options: ImportOptions())
                .importFile(at: file("bad.csv", Sample.file(Sample.row("A-2", actionLines: "C99"))))
        }
        #expect(try catalog.database.scalarInt("PRAGMA foreign_keys") == 1)
    }

    @Test func skipInvalidImportsTheValidRowsAndWritesRejects() throws {
        let fixture = try ImportFixture()
        let rejectsPath = fixture.database.directory.path("rejects.csv")
        var options = ImportOptions()
        options.skipInvalid = true
        options.rejectsPath = rejectsPath
        let bad = Sample.row("A-2", title: "Bad, \"quoted\" title", actionLines: "C12").replacingOccurrences(of: "Bad, \"quoted\" title", with: "\"Bad, \"\"quoted\"\" title\"")
        let summary = try fixture.importText(Sample.file(Sample.row("A-1"), bad, Sample.row("A-3")), options: options)
        #expect(summary.counts.inserted == 2)
        #expect(summary.counts.rejected == 1)
        #expect(try fixture.count("project") == 2)
        let reader = CSVReader(source: try FileByteSource(path: rejectsPath))
        let header = try #require(try reader.next())
        #expect(header.fields.last == "error")
        let rejected = try #require(try reader.next())
        #expect(rejected.fields[1] == "Bad, \"quoted\" title")
        #expect(rejected.fields.last?.contains("no such Action Line C12") == true)
        #expect(try reader.next() == nil)
    }

    @Test func revertUndoesExactlyOneBatchAndRefusesWhenLaterBatchesInterfere() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1", title: "First"), Sample.row("A-2")))  // batch 1
        let afterFirst = try fixture.rows("SELECT * FROM project_flat WHERE external_id = 'A-1'")
        try fixture.importText(Sample.file(Sample.row("A-1", title: "Second"), Sample.row("A-3")))  // batch 2

        // Batch 1 cannot be reverted while batch 2 changed A-1.
        try {
            let catalog = try fixture.database.makeCatalog(access: .write)
            defer { catalog.close() }
            let refused = try #require(throws: BatchOperationRefused.self) { try BatchOperations(catalog: catalog).revert(batchID: 1) }
            #expect(refused.description.contains("A-1 (batch 2)"))
            let reverted = try BatchOperations(catalog: catalog).revert(batchID: 2)
            #expect(reverted.counts.deleted == 1)
            #expect(reverted.counts.updated == 1)
            #expect(throws: BatchOperationRefused.self) { try BatchOperations(catalog: catalog).revert(batchID: 2) }
        }()
        #expect(try fixture.scalarText("SELECT title FROM project WHERE external_id = 'A-1'") == "First")
        #expect(try fixture.count("project") == 2)
        #expect(try fixture.count("project_fts") == 2)
        let restored = try fixture.rows("SELECT * FROM project_flat WHERE external_id = 'A-1'")
        // Same content; only the batch that last wrote it differs.
        #expect(restored.first?.dropLast() == afterFirst.first?.dropLast())
    }

    @Test func deleteIsABatchThatRevertRestores() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1", countries: "KE;UG"), Sample.row("A-2")))
        let original = try fixture.rows("SELECT external_id, title, countries, action_lines, sdgs FROM project_flat ORDER BY external_id")
        let catalog = try fixture.database.makeCatalog(access: .write)
        defer { catalog.close() }
        #expect(throws: BatchOperationRefused.self) { try BatchOperations(catalog: catalog).delete(externalIDs: ["A-1", "NOPE"]) }
        #expect(try catalog.database.count("project") == 2)
        let deleted = try BatchOperations(catalog: catalog).delete(externalIDs: ["a-1"])  // ids match case-insensitively
        #expect(deleted.counts.deleted == 1)
        #expect(try catalog.database.count("project_country") == 1)
        #expect(try catalog.database.count("project_change", where: "change = 'deleted'") == 1)
        _ = try BatchOperations(catalog: catalog).revert(batchID: try #require(deleted.batchID))
        #expect(try catalog.database.rows("SELECT external_id, title, countries, action_lines, sdgs FROM project_flat ORDER BY external_id") == original)
    }

    @Test func prizesNeedAnExistingProjectAndAPrizeCategory() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(Sample.row("A-1"), Sample.row("A-2")))
        var options = ImportOptions()
        options.kind = .prizes
        let error = try #require(throws: ImportRejected.self) {
            try fixture.importText(
                "year,category,external_id,result\r\n2024,C5,A-1,winner\r\n2024,C7,A-2,champion\r\n2011,C5,A-2,winner\r\n2024,C5,NOPE,nominee\r\n2024,C5,A-2,gold\r\n",
                options: options)
        }
        #expect(error.problems.map(\.line) == [3, 4, 5, 6])
        #expect(try fixture.count("prize") == 0)
        let summary = try fixture.importText(
            "year,category,external_id,result\r\n2024,C5,A-1,winner\r\n2024,C5,A-2,winner\r\n2025,C7. ICT APPLICATIONS: E-HEALTH,A-2,Champion\r\n",
            options: options)
        #expect(summary.counts.inserted == 3)  // two winners in one category and year are allowed
        let update = try fixture.importText("year,category,external_id,result\r\n2025,C7.e-health,A-2,winner\r\n", options: options)
        #expect(update.counts.updated == 1)
        #expect(try fixture.scalarText("SELECT result FROM prize WHERE year = 2025") == "winner")
    }

    /// Random hostile text goes through the CSV writer and the importer and comes back exactly.
    @Test func hostileTextRoundTripsExactly() throws {
        var generator = SplitMix64(seed: 20251129)
        let alphabet: [String] = ["a", "Z", " ", ",", ";", "|", "\"", "\r", "\n", "\r\n", "\t", "é", "ñ", "ç", "ي", "ж", "中", "文", "🙂", "=", "+", "-", "@", "'", "\\", "\u{00A0}", "\u{200B}"]
        var rows: [[String]] = []
        for index in 0..<200 {
            func text(_ maximum: Int) -> String {
                (0..<Int(generator.next() % UInt64(maximum))).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined()
            }
            let title = "T" + text(30)
            rows.append(["R-\(index)", title, text(200), text(40), "KE", "C5", text(60)])
        }
        var bytes: [UInt8] = []
        let writer = CSVWriter()
        writer.append(record: ["external_id", "title", "description", "organization", "countries", "action_lines", "partners"], to: &bytes)
        for row in rows { writer.append(record: row, to: &bytes) }
        let fixture = try ImportFixture()
        try fixture.importText(String(decoding: bytes, as: UTF8.self))
        let stored = try fixture.rows("SELECT external_id, title, description, organization_name, partners FROM project")
        let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0[0].textValue!, $0) })
        for row in rows {
            let values = try #require(byID[row[0]])
            #expect(values[1] == .text(row[1]))
            #expect(values[2] == (row[2].isEmpty ? .null : .text(row[2])))
            #expect(values[3] == (row[3].isEmpty ? .null : .text(row[3])))
            #expect(values[4] == (row[6].isEmpty ? .null : .text(row[6])))
        }
    }
}
