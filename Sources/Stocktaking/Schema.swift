import SQLite

/// The migrations carried inside the binary (embedded from `Migrations/*.sql` at build time).
public enum Schema {
    public static let migrations: [Migration] = embeddedMigrationFiles.map {
        Migration(identifier: $0.identifier, sql: $0.sql, checksum: $0.checksum)
    }

    public static let migrator = Migrator(migrations: migrations)

    /// The identifier of the newest migration, used as the schema version in bundle manifests.
    public static var version: String { migrations.last?.identifier ?? "none" }
}
