import Foundation

/// The bytes of a file, or nil when it does not exist.
public func fileContents(_ path: String) -> Data? {
    FileManager.default.contents(atPath: path)
}

/// The permission bits of a file (e.g. `0o600`), or nil when it does not exist.
public func filePermissions(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
}

/// What a database holds on disk: the main file and its write-ahead log.
///
/// The `-shm` file is left out on purpose: readers write their read marks there. An absent WAL
/// counts as an empty one (a reader may create an empty `-wal`, which changes nothing).
public struct DatabaseSnapshot: Equatable, Sendable, CustomStringConvertible {
    public let main: Data?
    public let wal: Data

    public var description: String {
        "DatabaseSnapshot(main: \(main.map { "\($0.count) bytes" } ?? "absent"), wal: \(wal.count) bytes)"
    }
}

/// Snapshot of a database's files, to assert that something left it byte-for-byte unchanged.
public func snapshot(ofDatabaseAt path: String) -> DatabaseSnapshot {
    DatabaseSnapshot(main: fileContents(path), wal: fileContents(path + "-wal") ?? Data())
}
