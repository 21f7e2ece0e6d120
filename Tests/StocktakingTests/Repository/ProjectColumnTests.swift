import DatabaseTestSupport
import SQLite
import Stocktaking
import TestSupport
import Testing

/// The column table must agree with the schema the migrations build, or a column added to one and
/// not the other would fail only at run time.
@Suite struct ProjectColumnTests {
    let temporary: TemporaryDatabase
    let catalog: Catalog

    init() throws {
        temporary = try TemporaryDatabase()
        catalog = try temporary.makeCatalog()
    }

    func columnNames(of table: String) throws -> [String] {
        try catalog.database.rows("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]).compactMap { $0[0].textValue }
    }

    @Test func everyTextColumnIsAColumnOfTheProjectTable() throws {
        let stored = Set(try columnNames(of: "project"))
        for column in ProjectColumn.textColumns {
            let name = try #require(column.sqlColumn)
            #expect(stored.contains(name), "\(column.rawValue) is declared as project.\(name), which no migration creates")
        }
    }

    @Test func theFlatViewHasTheFileColumnsInFileOrder() throws {
        let view = try columnNames(of: "project_flat").filter { $0 != "id" && $0 != "batch_id" }
        #expect(view == ProjectColumn.fileColumns.map(\.rawValue))
    }

    @Test func everyLinkTableHasItsIdColumn() throws {
        for column in ProjectColumn.fileColumns {
            guard let table = column.linkTable else { continue }
            let names = try columnNames(of: table.table)
            #expect(names.contains("project_id") && names.contains(table.idColumn), "\(table.table)")
            #expect(names.contains("position") == table.keepsOrder, "\(table.table): position column")
        }
    }

    @Test func derivedColumnsAreNotFileColumnsAndFileColumnsHaveARule() {
        #expect(ProjectColumn.fileColumns.count == 18)
        for column in ProjectColumn.allCases {
            if case .derived = column.declaration.storage {
                #expect(!column.isFileColumn, "\(column.rawValue)")
            } else {
                #expect(column.isFileColumn, "\(column.rawValue)")
            }
        }
    }

    /// Header names are matched ignoring case, spacing and punctuation: two columns claiming the same
    /// spelling would make one of them unreachable.
    @Test func noHeaderSpellingNamesTwoColumns() throws {
        var owner: [String: ProjectColumn] = [:]
        for column in ProjectColumn.fileColumns {
            for spelling in [column.rawValue] + column.declaration.headerAliases {
                let key = String(spelling.lowercased().filter { $0.isLetter || $0.isNumber })
                if let other = owner[key], other != column {
                    Issue.record("\"\(spelling)\" names both \(other.rawValue) and \(column.rawValue)")
                }
                owner[key] = column
            }
        }
        let header = ProjectColumn.fileColumns.flatMap { [$0.declaration.headerAliases.first ?? $0.rawValue] }
        let mapping = try ProjectColumn.matcher.map(header: header, userMappings: [:], ignoreUnknown: false)
        for (index, column) in ProjectColumn.fileColumns.enumerated() {
            #expect(mapping.index(of: column) == index, "\(header[index]) maps to \(column.rawValue)")
        }
    }

    /// Every text column goes through the record's by-column storage and the repository's generated
    /// statements and comes back unchanged, with the named accessors agreeing with the subscript.
    @Test func everyTextColumnRoundTripsThroughTheRepository() throws {
        var record = ProjectRecord(externalID: "COL-1", title: "Title")
        for column in ProjectColumn.textColumns where column != .externalID {
            switch column {
            case .coverage: record.coverage = .regional
            case .status: record.status = .completed
            default: record[text: column] = "value of \(column.rawValue)"
            }
        }
        record.actionLineIDs = [try catalog.reference.resolveActionLine("C3").id]
        #expect(record.description == "value of description")
        #expect(record.submittedOn == "value of submitted_on")
        #expect(record[text: .coverage] == "regional")
        #expect(record[text: .actionLines] == nil)
        let repository = ProjectRepository(database: catalog.database, reference: catalog.reference)
        try catalog.database.inTransaction { _ = try repository.upsert(record, batchID: nil, now: "2026-01-01T00:00:00Z") }
        let stored = try #require(try repository.find(externalID: "COL-1"))
        #expect(stored.record == record)
        for column in ProjectColumn.textColumns {
            let name = try #require(column.sqlColumn)
            let value = try catalog.database.rows("SELECT \(name) FROM project WHERE external_id = 'COL-1'")[0][0].textValue
            #expect(value == record[text: column], "project.\(name)")
        }
    }
}
