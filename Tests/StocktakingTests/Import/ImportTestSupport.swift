import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import TestSupport

/// A migrated database in a temporary directory, with helpers to import into it.
final class ImportFixture {
    let database: TemporaryDatabase

    init() throws {
        database = try TemporaryDatabase()
        try database.makeCatalog().close()
    }

    deinit {
        database.remove()
    }

    var path: String { database.path }

    /// Imports `text` (written to a file in the fixture's directory) with `options`.
    @discardableResult
    func importText(_ text: String, name: String = "input.csv", options: ImportOptions = ImportOptions()) throws -> ImportSummary {
        let file = database.directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return try importFile(file, options: options)
    }

    @discardableResult
    func importFile(_ file: String, options: ImportOptions = ImportOptions()) throws -> ImportSummary {
        let catalog = try database.makeCatalog(access: .write)
        defer { catalog.close() }
        return try Importer(catalog: catalog, options: options).importFile(at: file)
    }

    /// Runs `body` with a read-only catalog.
    func read<T>(_ body: (Catalog) throws -> T) throws -> T {
        let catalog = try database.makeCatalog(access: .read)
        defer { catalog.close() }
        return try body(catalog)
    }

    func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        try read { try $0.database.rows(sql, arguments) }
    }

    func scalarText(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> String? {
        try read { try $0.database.scalarText(sql, arguments) }
    }

    func count(_ table: String) throws -> Int {
        try read { try $0.database.count(table) }
    }

    func snapshot() -> DatabaseSnapshot {
        TestSupport.snapshot(ofDatabaseAt: path)
    }
}

enum Sample {
    static let header =
        "external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on"

    /// A valid row with the given id and title; other columns plain.
    static func row(_ id: String, title: String = "A project", actionLines: String = "C5", countries: String = "KE",
                    description: String = "Text") -> String {
        "\(id),\(title),\(description),Ministry of ICT,Government,\(countries),national,ongoing,2020-01-01,,,,,Project,\(actionLines),4,,2024-05-01"
    }

    static func file(_ rows: String...) -> String {
        ([header] + rows).joined(separator: "\r\n") + "\r\n"
    }
}
