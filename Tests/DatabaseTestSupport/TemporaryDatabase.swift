import Foundation
import SQLite
import Stocktaking
import TestSupport

/// A database file in its own temporary directory.
public final class TemporaryDatabase: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let path: String

    public init(name: String = "stocktaking.db") throws {
        directory = try TemporaryDirectory()
        path = directory.path(name)
    }

    /// Creates (or upgrades) the database with every embedded migration, as `stocktake init` does.
    public func makeCatalog(access: Catalog.Access = .migrate, busyTimeout: Double = 5) throws -> Catalog {
        try Catalog(path: path, access: access, busyTimeout: busyTimeout)
    }

    /// A plain connection to the file, creating it (mode 0600) by default.
    public func open(_ mode: Database.Mode = .readWriteCreate(permissions: 0o600), busyTimeout: Double = 5) throws -> Database {
        try Database(path: path, mode: mode, busyTimeout: busyTimeout)
    }

    public func remove() {
        directory.remove()
    }

    /// The reference data of a freshly migrated database, loaded once per process.
    ///
    /// `ReferenceData` is immutable and in memory, so resolver tests share it instead of
    /// migrating a database per test case.
    public static let sharedReferenceData: ReferenceData = {
        do {
            let database = try TemporaryDatabase()
            defer { database.remove() }
            let catalog = try database.makeCatalog()
            defer { catalog.close() }
            return catalog.reference
        } catch {
            fatalError("cannot create the shared reference database: \(error)")
        }
    }()
}

extension Database {
    /// `SELECT count(*) FROM table [WHERE …]`, for assertions.
    public func count(_ table: String, where condition: String? = nil, _ arguments: [SQLiteValue] = []) throws -> Int {
        try scalarInt("SELECT count(*) FROM \(table)" + (condition.map { " WHERE \($0)" } ?? ""), arguments) ?? 0
    }

    /// FTS5's integrity check of the external-content search index against the project table:
    /// throws when they disagree. The rank argument 1 is what makes FTS5 compare the index with the
    /// content table; without it an index missing rows still passes. The check is an INSERT.
    public func checkSearchIndexMatchesProjects() throws {
        try execute("INSERT INTO project_fts (project_fts, rank) VALUES ('integrity-check', 1)")
    }

    /// The first column of every row, as text.
    public func column(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [String?] {
        try rows(sql, arguments).map { $0.first?.textValue }
    }
}
