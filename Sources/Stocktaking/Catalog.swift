import Glibc
import SQLite

/// Why a database could not be opened for what was asked.
public enum CatalogError: SpellableError, Sendable {
    /// No file at `path`; the front end says how to create one or point to another.
    case missingDatabase(path: String)

    public func message(spelledBy spelling: FrontEndSpelling) -> String {
        switch self {
        case .missingDatabase(let path):
            Wording("no database at \(path)\(guidance: .createDatabase)").rendered(by: spelling)
        }
    }
}

/// An open stocktaking database: the connection plus the reference data it holds.
///
/// The one way commands reach the database, so the rules live in one place: only `init`,
/// `migrate` and `import` create or migrate a database; everything else requires an existing,
/// up-to-date one and never creates an empty file.
public final class Catalog {
    public enum Access: Sendable {
        /// Read only: an existing, up-to-date database on a read-only connection.
        case read
        /// Write to an existing, up-to-date database.
        case write
        /// Create the database when missing and apply pending migrations.
        case migrate
        /// A new private database that lives as long as the catalog (`Database.Mode.temporary`),
        /// migrated; `path` is ignored. What a file is loaded into to be queried (`--from`, `inspect`).
        case temporary
    }

    /// Databases hold contact e-mails (personal data): owner read/write only.
    public static let filePermissions: mode_t = 0o600

    /// A writer waits this long for another writer by default, so a nightly job outlasts an import.
    public static let defaultWriterBusyTimeout: Double = 600

    public let database: Database
    public let reference: ReferenceData
    public let path: String
    /// The migrations this open applied (`.migrate` access only), oldest first.
    public private(set) var appliedMigrations: [String] = []

    public init(path: String, access: Access, busyTimeout: Double = Catalog.defaultWriterBusyTimeout) throws {
        self.path = if case .temporary = access { "" } else { path }
        let exists = Glibc.access(path, F_OK) == 0
        switch access {
        case .temporary:
            database = try Database(path: "", mode: .temporary, busyTimeout: busyTimeout)
            appliedMigrations = try Schema.migrator.migrate(database, now: Timestamp.now)
        case .read:
            guard exists else { throw CatalogError.missingDatabase(path: path) }
            database = try Database(path: path, mode: .readOnly, busyTimeout: busyTimeout)
            try Schema.migrator.verifyUpToDate(database)
        case .write:
            guard exists else { throw CatalogError.missingDatabase(path: path) }
            database = try Database(path: path, mode: .readWrite, busyTimeout: busyTimeout)
            try Schema.migrator.verifyUpToDate(database)
        case .migrate:
            database = try Database(path: path, mode: .readWriteCreate(permissions: Self.filePermissions), busyTimeout: busyTimeout)
            appliedMigrations = try Schema.migrator.migrate(database, now: Timestamp.now)
        }
        reference = try ReferenceData(database: database)
    }

    public func close() {
        database.close()
    }

    /// Each migration of the database at `path`, applied or pending, without changing anything;
    /// nil when there is no database there yet.
    public static func migrationStatus(at path: String, busyTimeout: Double = 30) throws -> [MigrationStatus]? {
        guard Glibc.access(path, F_OK) == 0 else { return nil }
        let database = try Database(path: path, mode: .readOnly, busyTimeout: busyTimeout)
        defer { database.close() }
        return try Schema.migrator.status(of: database)
    }

    /// After a large write (an import, a delete, a revert): copies the write-ahead log into the
    /// database and truncates it to zero bytes, when no reader is in the way.
    ///
    /// SQLite checkpoints on its own only up to where the oldest reader is, and read-only
    /// connections never can; with readers coming and going during imports the `-wal` file was
    /// seen staying at 220 MB. Best effort: a reader still holding an old snapshot makes TRUNCATE
    /// report busy, and the next writer tries again. The wait for readers is bounded to a moment
    /// so a long report never holds up the end of an import (https://sqlite.org/pragma.html#pragma_wal_checkpoint).
    public func checkpointWriteAheadLog() {
        let previous = (try? database.scalarInt("PRAGMA busy_timeout")) ?? 0
        _ = try? database.execute("PRAGMA busy_timeout = 100")
        _ = try? database.rows("PRAGMA wal_checkpoint(TRUNCATE)")
        _ = try? database.execute("PRAGMA busy_timeout = \(previous)")
    }

    /// Starts a read transaction that lasts until `close()`: every later statement sees the same
    /// snapshot (taken at the next read), so a stats table or a two-step find never mixes the states
    /// before and after an import that commits meanwhile. For one-shot commands.
    public func beginSnapshot() throws {
        try database.execute("BEGIN")
        _ = try database.scalarInt("SELECT count(*) FROM schema_migration")
    }

    /// Runs `body` in one read transaction: the one already open (`beginSnapshot()`), else a new one.
    public func withSnapshot<Result>(_ body: () throws -> Result) throws -> Result {
        if database.isInTransaction { return try body() }
        return try database.inTransaction(.deferred, body)
    }
}
