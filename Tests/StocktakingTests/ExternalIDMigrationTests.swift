import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

/// Migration 0009 on a database written before ids folded typographic dashes: a lone spelling is
/// renamed to the folded id (project and change log), a pair of spellings is left for a person and
/// listed by `check`.
@Suite struct ExternalIDMigrationTests {
    @Test func loneDashSpellingsAreRenamedAndPairsAreListedByCheck() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let before0009 = Migrator(migrations: Array(Schema.migrations.prefix { $0.identifier < "0009" }))
        try {
            let database = try Database(path: temporary.path, mode: .readWriteCreate(permissions: 0o600))
            _ = try before0009.migrate(database, now: { "2026-01-01T00:00:00Z" })
            try database.execute("INSERT INTO import_batch (id, kind, options, started_at) VALUES (1, 'projects', '{}', 'x')")
            for (id, externalID) in [(1, "A\u{2010}1"), (2, "B\u{2013}1"), (3, "B-1"), (4, "C\u{2011}1"), (5, "C\u{2212}1"), (6, "\u{FEFF}D-1")] {
                try database.execute(
                    "INSERT INTO project (id, external_id, title, created_at, updated_at, batch_id, created_batch_id) VALUES (?, ?, 'T', 'x', 'x', 1, 1)",
                    [.integer(Int64(id)), .text(externalID)])
                try database.execute(
                    "INSERT INTO project_change (batch_id, external_id, change) VALUES (1, ?, 'inserted')", [.text(externalID)])
            }
        }()

        let catalog = try temporary.makeCatalog(access: .migrate)
        defer { catalog.close() }
        let ids = try catalog.database.column("SELECT external_id FROM project ORDER BY id")
        #expect(ids == ["A-1", "B\u{2013}1", "B-1", "C\u{2011}1", "C\u{2212}1", "\u{FEFF}D-1"])
        #expect(try catalog.database.count("project_change", where: "external_id = 'A-1'") == 1)
        #expect(try ProjectDetails.load(externalID: "A\u{2010}1", from: catalog)?.record.externalID == "A-1")

        let finding = try #require(try DataQualityCheck(catalog: catalog, exampleLimit: 10).run().finding(.lookalikeIDs))
        #expect(finding.count == 4)
        #expect(finding.examples.contains("B\u{2013}1 reads as B-1, which is another project (B-1)"), "\(finding.examples)")
        #expect(finding.examples.contains("C\u{2011}1 reads as C-1"))
        #expect(finding.examples.contains("\\u{FEFF}D-1 reads as D-1") || finding.examples.contains("\u{FEFF}D-1 reads as D-1"), "\(finding.examples)")
    }
}
