import DatabaseTestSupport
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct SchemaGuideTests {
    /// A migration that adds a table, view or column without a line in `SchemaGuide.descriptions`
    /// fails here: analysts read `stocktake schema` to write `sql`.
    @Test func everyUserFacingTableViewAndColumnHasADescription() throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        let catalog = try database.makeCatalog()
        defer { catalog.close() }
        let guide = try SchemaGuide.load(from: catalog)
        #expect(guide.relations.count >= 20)
        for relation in guide.relations {
            #expect(relation.description != nil, "\(relation.name) has no description")
            #expect(!relation.columns.isEmpty, "\(relation.name) has no columns")
            for column in relation.columns {
                #expect(column.description != nil, "\(relation.name).\(column.name) has no description")
            }
        }
    }

    @Test func structureComesFromTheDatabase() throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        let catalog = try database.makeCatalog()
        defer { catalog.close() }
        try catalog.database.execute("CREATE TABLE analyst_note (id INTEGER PRIMARY KEY, body TEXT) STRICT")
        let guide = try SchemaGuide.load(from: catalog)
        let names = guide.relations.map(\.name)
        // A new table is listed, undescribed; FTS5 storage and internal bookkeeping are not.
        let note = try #require(guide.relations.first { $0.name == "analyst_note" })
        #expect(note.description == nil && note.columns.map(\.name) == ["id", "body"])
        #expect(note.columns.first { $0.name == "body" }?.description == nil)
        #expect(!names.contains("project_fts_data") && !names.contains("search_index_deferral"))
        #expect(names.contains("project_flat") && names.contains("project_fts"))
        #expect(guide.relations.first { $0.name == "project_flat" }?.kind == "view")
        let fts = try #require(guide.relations.first { $0.name == "project_fts" })
        #expect(fts.columns.map(\.name) == ["title", "description", "organization_name"])
    }
}
