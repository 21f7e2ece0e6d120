import Digest

/// One schema migration: an identifier such as `0001_schema` and its SQL.
public struct Migration: Sendable, Hashable {
    public let identifier: String
    public let sql: String
    /// SHA-256 of the SQL text, recorded when applied so an edited migration is noticed.
    public let checksum: String

    public init(identifier: String, sql: String) {
        self.init(identifier: identifier, sql: sql, checksum: SHA256.hex(of: sql))
    }

    /// With a checksum computed beforehand (at build time for the embedded migrations; a test
    /// checks it is the SQL's).
    public init(identifier: String, sql: String, checksum: String) {
        self.identifier = identifier
        self.sql = sql
        self.checksum = checksum
    }
}

public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// An applied migration's SQL no longer matches what was applied.
    case changed(identifier: String)
    /// The database was migrated by a newer stocktake that knows migrations this one does not.
    case unknown(identifiers: [String])
    /// Migrations are pending and the caller may not apply them (read commands).
    case pending(identifiers: [String])
    case foreignKeyViolations(identifier: String, count: Int)

    public var description: String {
        switch self {
        case .changed(let identifier):
            "migration \(identifier) was applied to this database but its SQL has changed since; shipped migrations must never be edited — add a new migration instead"
        case .unknown(let identifiers):
            "this database was migrated by a newer stocktake (unknown migrations: \(identifiers.joined(separator: ", "))); refusing to write to it — upgrade stocktake"
        case .pending(let identifiers):
            "the database schema is out of date (pending migrations: \(identifiers.joined(separator: ", "))); run `stocktake migrate` to upgrade it"
        case .foreignKeyViolations(let identifier, let count):
            "migration \(identifier) leaves \(count) foreign key violation(s); it was rolled back"
        }
    }
}

public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied, pending, changed, unknown
    }

    public let identifier: String
    public let state: State
    public let appliedAt: String?

    public init(identifier: String, state: State, appliedAt: String?) {
        self.identifier = identifier
        self.state = state
        self.appliedAt = appliedAt
    }
}

/// Applies numbered migrations in order, each in its own transaction, recorded with a checksum.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.identifier < $1.identifier }
    }

    static let createLedger = """
        CREATE TABLE IF NOT EXISTS schema_migration (
            identifier TEXT PRIMARY KEY NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT
        """

    private struct AppliedMigration {
        let identifier: String
        let checksum: String
        let appliedAt: String
    }

    private func applied(in database: Database) throws -> [AppliedMigration] {
        let exists = try database.scalarInt(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migration'") ?? 0
        guard exists > 0 else { return [] }
        return try database.rows("SELECT identifier, checksum, applied_at FROM schema_migration ORDER BY identifier")
            .map { AppliedMigration(identifier: $0[0].textValue ?? "", checksum: $0[1].textValue ?? "", appliedAt: $0[2].textValue ?? "") }
    }

    /// Every known and applied migration with its state. Never changes the database.
    public func status(of database: Database) throws -> [MigrationStatus] {
        let appliedByID = Dictionary(try applied(in: database).map { ($0.identifier, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [MigrationStatus] = migrations.map { migration in
            guard let record = appliedByID[migration.identifier] else {
                return MigrationStatus(identifier: migration.identifier, state: .pending, appliedAt: nil)
            }
            let state: MigrationStatus.State = record.checksum == migration.checksum ? .applied : .changed
            return MigrationStatus(identifier: migration.identifier, state: state, appliedAt: record.appliedAt)
        }
        let known = Set(migrations.map(\.identifier))
        for record in appliedByID.values.sorted(by: { $0.identifier < $1.identifier }) where !known.contains(record.identifier) {
            result.append(MigrationStatus(identifier: record.identifier, state: .unknown, appliedAt: record.appliedAt))
        }
        return result
    }

    /// Throws unless every known migration is applied unchanged and no unknown one is recorded.
    public func verifyUpToDate(_ database: Database) throws {
        let statuses = try status(of: database)
        try Self.refuseChangedOrUnknown(statuses)
        let pending = statuses.filter { $0.state == .pending }.map(\.identifier)
        if !pending.isEmpty { throw MigrationError.pending(identifiers: pending) }
    }

    private static func refuseChangedOrUnknown(_ statuses: [MigrationStatus]) throws {
        if let changed = statuses.first(where: { $0.state == .changed }) {
            throw MigrationError.changed(identifier: changed.identifier)
        }
        let unknown = statuses.filter { $0.state == .unknown }.map(\.identifier)
        if !unknown.isEmpty { throw MigrationError.unknown(identifiers: unknown) }
    }

    /// Applies pending migrations in order and returns their identifiers.
    @discardableResult
    public func migrate(_ database: Database, now: () -> String) throws -> [String] {
        try database.execute(Self.createLedger)
        try Self.refuseChangedOrUnknown(try status(of: database))
        var appliedNow: [String] = []
        for migration in migrations {
            try database.inTransaction(.immediate) {
                // Re-read inside the write lock: another process may have migrated meanwhile.
                let already = try database.scalarInt(
                    "SELECT count(*) FROM schema_migration WHERE identifier = ?", [.text(migration.identifier)]) ?? 0
                guard already == 0 else { return }
                try database.execute(migration.sql)
                let violations = try database.rows("PRAGMA foreign_key_check").count
                if violations > 0 {
                    throw MigrationError.foreignKeyViolations(identifier: migration.identifier, count: violations)
                }
                try database.execute(
                    "INSERT INTO schema_migration (identifier, checksum, applied_at) VALUES (?, ?, ?)",
                    [.text(migration.identifier), .text(migration.checksum), .text(now())])
                appliedNow.append(migration.identifier)
            }
        }
        return appliedNow
    }
}
