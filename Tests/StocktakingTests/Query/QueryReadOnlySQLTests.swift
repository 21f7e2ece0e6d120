import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct QueryReadOnlySQLTests {
    let fixture: QueryFixture
    let sql: ReadOnlySQL

    init() throws {
        fixture = try QueryFixture()
        sql = ReadOnlySQL(catalog: fixture.catalog)
    }

    func run(_ text: String, _ parameters: [String: String] = [:], timeout: Double = 5) throws -> (columns: [String], rows: [[QueryValue]]) {
        var columns: [String] = []
        var rows: [[QueryValue]] = []
        try sql.run(text, parameters: parameters, timeout: timeout, header: { columns = $0 }, row: { rows.append($0) })
        return (columns, rows)
    }

    @Test func readsWithNamedParameters() throws {
        let result = try run("SELECT external_id, sdgs FROM project_flat WHERE external_id = :id OR external_id = @other ORDER BY 1", ["id": "P06", "other": "p07"])
        #expect(result.columns == ["external_id", "sdgs"])
        #expect(result.rows == [[.text("P06"), .text("4;9")], [.text("P07"), .text("16;17")]])
        // Text parameters compare with numbers as numbers.
        #expect(try run("SELECT count(*) FROM project_sdg WHERE sdg_id = $n", ["n": "4"]).rows == [[.integer(4)]])
    }

    @Test func valuesKeepTheirStorageClass() throws {
        let result = try run("SELECT 1, 0.1 + 0.2, 'té', x'00ff10', NULL")
        #expect(result.rows == [[.integer(1), .real(0.30000000000000004), .text("té"), .blob([0, 255, 16]), .null]])
    }

    @Test func parameterProblemsAreNamed() throws {
        #expect(throws: ReadOnlySQLError.missingParameter(name: ":id")) { try run("SELECT :id") }
        #expect(throws: ReadOnlySQLError.unknownParameter(name: "typo")) { try run("SELECT :id", ["id": "1", "typo": "2"]) }
        #expect(throws: ReadOnlySQLError.positionalParameter) { try run("SELECT ?") }
        #expect(throws: ReadOnlySQLError.positionalParameter) { try run("SELECT ?1") }
        #expect(throws: ReadOnlySQLError.noStatement) { try run("  ;  ") }
        #expect(throws: ReadOnlySQLError.noStatement) { try run("-- only a comment") }
    }

    @Test(arguments: [
        "INSERT INTO project (external_id, title, created_at, updated_at) VALUES ('X', 'x', 'now', 'now')",
        "UPDATE project SET title = 'changed'",
        "DELETE FROM project",
        "DELETE FROM project_fts",
        "INSERT INTO project_fts (project_fts) VALUES ('rebuild')",
        "REPLACE INTO sdg (id, short_title, title) VALUES (1, 'x', 'y')",
        "CREATE TABLE scratch (id INTEGER)",
        "CREATE TEMP TABLE scratch (id INTEGER)",
        "CREATE VIEW v AS SELECT 1",
        "DROP VIEW project_flat",
        "DROP TABLE prize",
        "ALTER TABLE project ADD COLUMN extra TEXT",
        "CREATE INDEX extra ON project(title)",
        "REINDEX",
        "ANALYZE",
        "VACUUM",
        "VACUUM INTO '{dir}/copy.db'",
        "ATTACH DATABASE '{dir}/attached.db' AS other",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA user_version = 9",
        "PRAGMA query_only = OFF",
        "PRAGMA writable_schema = ON",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "PRAGMA optimize",
        "BEGIN IMMEDIATE",
        "SAVEPOINT s",
        "SELECT load_extension('libsqlite3')",
        "WITH gone AS (DELETE FROM project RETURNING id) SELECT * FROM gone",
        "DELETE FROM project RETURNING id",
    ])
    func writeAttemptsAreRefusedAndChangeNothing(_ template: String) throws {
        let directory = try TemporaryDirectory()
        let statement = template.replacingOccurrences(of: "{dir}", with: directory.path)
        let before = snapshot(ofDatabaseAt: fixture.database.path)
        #expect {
            _ = try run(statement)
        } throws: { error in
            // Refused by name (ATTACH, PRAGMA …, INSERT …), or a syntax error SQLite raises first.
            if case .refused(let reason) = error as? ReadOnlySQLError { return !reason.isEmpty }
            return error is SQLiteError
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(try run("SELECT count(*) FROM project").rows == [[.integer(8)]])
        #expect(try run("PRAGMA user_version").rows.count == 1)
        #expect(snapshot(ofDatabaseAt: fixture.database.path).main == before.main)
    }

    @Test func refusalsNameWhatWasRefused() throws {
        func reason(_ statement: String) -> String? {
            do {
                _ = try run(statement)
                return nil
            } catch ReadOnlySQLError.refused(let reason) {
                return reason
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(reason("VACUUM INTO '/nonexistent/x.db'")?.contains("VACUUM INTO") == true)
        #expect(reason("ATTACH ':memory:' AS m")?.contains("ATTACH") == true)
        #expect(reason("PRAGMA journal_mode = DELETE")?.contains("journal_mode") == true)
        #expect(reason("DELETE FROM project")?.contains("DELETE") == true)
        #expect(reason("CREATE TABLE t (a)")?.contains("CREATE") == true)
        #expect(reason("SELECT load_extension('x')")?.contains("load_extension") == true)
        #expect(reason("BEGIN")?.contains("transaction") == true)
        #expect(reason("SELECT count(*) FROM project") == nil)
    }

    @Test func readOnlyPragmasStillWork() throws {
        #expect(try run("PRAGMA table_info(project)").rows.count > 10)
        #expect(try run("PRAGMA journal_mode").rows == [[.text("wal")]])
        #expect(try run("PRAGMA integrity_check").rows == [[.text("ok")]])
    }

    @Test func aLongQueryIsInterrupted() throws {
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: ReadOnlySQLError.timedOut(seconds: 0.2)) {
            try run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", timeout: 0.2)
        }
        // Without the interrupt the query never ends; the bound only catches that.
        #expect(clock.now - start < TimeAllowance.bound(expected: .milliseconds(200)))
        #expect(try run("SELECT 1").rows == [[.integer(1)]])
    }

    /// Three rows take SQLite far fewer than the 1,000 instructions between its deadline checks:
    /// only the check between rows can stop a result that is slow to print.
    @Test func theTimeLimitCoversPrintingTheRows() throws {
        var printed = 0
        #expect(throws: ReadOnlySQLError.timedOut(seconds: 0.05)) {
            try sql.run("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3", timeout: 0.05, header: { _ in }, row: { _ in
                printed += 1
                usleep(100_000)  // printing that takes longer than the whole limit
            })
        }
        #expect(printed == 1)
    }

    @Test func aValueOverTheLimitIsRefusedBeforeItIsBuilt() throws {
        #expect(throws: ReadOnlySQLError.valueTooLarge) { try run("SELECT randomblob(300000000)") }
        #expect(throws: ReadOnlySQLError.valueTooLarge) { try run("SELECT zeroblob(\(ReadOnlySQL.maximumValueBytes + 1))") }
        #expect(try run("SELECT length(zeroblob(\(ReadOnlySQL.maximumValueBytes)))").rows == [[.integer(Int64(ReadOnlySQL.maximumValueBytes))]])
    }
}

@Suite struct QueryProjectDetailsTests {
    let fixture: QueryFixture

    init() throws {
        fixture = try QueryFixture()
    }

    @Test func detailsResolveEveryLink() throws {
        let details = try #require(try ProjectDetails.load(externalID: "p06", from: fixture.catalog))
        #expect(details.record.externalID == "P06")
        #expect(details.actionLines.map(\.code) == ["C2", "C4"])
        #expect(details.actionLines.last?.title == "Capacity building")
        #expect(details.sdgs.map(\.id) == [4, 9] && details.sdgs.first?.shortTitle == "Quality Education")
        #expect(details.gdcObjectives.map(\.id) == [1])
        // Countries keep the file's order, each with its ITU region.
        #expect(details.countries.map(\.country.iso2) == ["KE", "UG", "SN"])
        #expect(details.countries.allSatisfy { $0.region?.code == "AFR" })
        #expect(details.stakeholderType?.code == "private sector")
        #expect(details.prizes.map { "\($0.year) \($0.category.code) \($0.result.rawValue)" } == ["2024 C2 winner"])
        #expect(details.createdBatch?.fileName == "second.csv" && details.lastBatch?.fileName == "second.csv")
    }

    @Test func createdAndLastChangingBatchesDiffer() throws {
        let writer = try fixture.database.makeCatalog(access: .write)
        let third = try writer.database.inTransaction {
            let batch = try BatchRepository(database: writer.database)
                .begin(kind: .projects, fileName: "third.csv", sha256: nil, options: "{}", user: nil, now: "2025-03-01T00:00:00Z")
            let repository = ProjectRepository(database: writer.database, reference: writer.reference)
            var record = try #require(try repository.find(externalID: "P01")).record
            record.title = "Telemedicine in rural Senegal"
            _ = try repository.upsert(record, batchID: batch, now: "2025-03-01T00:00:00Z")
            return batch
        }
        writer.close()
        let details = try #require(try ProjectDetails.load(externalID: "P01", from: fixture.catalog))
        #expect(details.project.createdBatchID == 1 && details.createdBatch?.fileName == "first.csv")
        #expect(details.project.batchID == third && details.lastBatch?.fileName == "third.csv")
        #expect(details.record.title == "Telemedicine in rural Senegal")
        #expect(details.prizes.isEmpty && details.countries.map(\.country.iso2) == ["SN"])
    }

    @Test func missingProjectIsNil() throws {
        #expect(try ProjectDetails.load(externalID: "P99", from: fixture.catalog) == nil)
    }
}
