import FoundationEssentials
import Glibc

/// The sidecar `NAME.stocktake-backup.json` that `backup --keep` writes next to the backup `NAME`,
/// and the pruning that relies on it.
///
/// A directory of backups usually holds other files too: a copy someone made by hand, last
/// year's archive, a file that merely looks like a backup. Names alone cannot tell them apart, so
/// `--keep` removes a file only when all of this holds:
/// - `NAME.stocktake-backup.json` is a regular file naming stocktake as its generator and `NAME`
///   as its file;
/// - it records the same database (resolved path): backups of another database are never counted
///   or removed;
/// - `NAME` is a regular file (not a symlink) whose size and SHA-256 are the recorded ones, so a
///   file replaced or edited since the backup was written is left alone.
/// Backups written without `--keep` get no sidecar and are never pruned.
///
/// ```json
/// {"generator":"stocktake","generator_version":"0.1.0","database":"/srv/stocktaking.db",
///  "file":"stocktaking-2026-11-29.db","written_at":"2026-11-29T04:40:12.123456789Z",
///  "bytes":1048576,"sha256":"…"}
/// ```
public struct BackupRecord: Sendable, Equatable, Decodable {
    public static let suffix = ".stocktake-backup.json"

    public let generator: String
    public let generatorVersion: String?
    /// The resolved path of the database the backup copies.
    public let database: String
    /// The backup's name, in the sidecar's directory.
    public let file: String
    /// `Timestamp.preciseNow()`: orders backups, several a second included.
    public let writtenAt: String
    public let bytes: Int
    public let sha256: String

    enum CodingKeys: String, CodingKey {
        case generator, database, file, bytes, sha256
        case generatorVersion = "generator_version"
        case writtenAt = "written_at"
    }

    var json: String {
        JSONNode.object([
            ("generator", .string(generator)), ("generator_version", .string(orNull: generatorVersion)),
            ("database", .string(database)), ("file", .string(file)), ("written_at", .string(writtenAt)),
            ("bytes", .integer(Int64(bytes))), ("sha256", .string(sha256)),
        ]).compact + "\n"
    }

    /// Describes the finished backup at `path` (read back for its SHA-256) in its sidecar.
    static func write(for path: String, database: String, toolVersion: String?, permissions: AtomicFile.Permissions) throws -> BackupRecord {
        let (directory, name) = FileLocation.split(path)
        let (bytes, sha256) = try ExportBundle.sha256(ofFileAt: path)
        let record = BackupRecord(generator: ExportBundle.Manifest.generator, generatorVersion: toolVersion, database: database,
                                  file: name, writtenAt: Timestamp.preciseNow(), bytes: bytes, sha256: sha256)
        let sidecar = try AtomicFile(targetPath: "\(directory)/\(name)\(suffix)", permissions: permissions)
        try sidecar.sink.write(record.json)
        try sidecar.commit()
        return record
    }

    /// The backups of `database` recorded in `directory` whose files still match their records,
    /// oldest first. The SHA-256 is not checked here (it means reading every backup): `prune`
    /// checks it for the ones it removes.
    public static func backups(in directory: String, of database: String) -> [BackupRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var records: [BackupRecord] = []
        for sidecarName in names where sidecarName.hasSuffix(suffix) && sidecarName.count > suffix.count {
            let sidecar = "\(directory)/\(sidecarName)"
            var info = stat()
            guard lstat(sidecar, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                  let data = FileManager.default.contents(atPath: sidecar),
                  let record = try? JSONDecoder().decode(BackupRecord.self, from: data),
                  record.generator == ExportBundle.Manifest.generator,
                  record.file == String(sidecarName.dropLast(suffix.count)),
                  record.database == database,
                  lstat("\(directory)/\(record.file)", &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                  Int(info.st_size) == record.bytes
            else { continue }
            records.append(record)
        }
        return records.sorted { ($0.writtenAt, $0.file) < ($1.writtenAt, $1.file) }
    }

    /// Removes all but the newest `keep` recorded backups of `database` in `directory` (never
    /// `current`), each with its sidecar, and returns their paths. A backup whose contents no
    /// longer match its SHA-256 is not ours any more and stays, sidecar and all.
    static func prune(_ directory: String, database: String, keep: Int, current: BackupRecord) -> [String] {
        let recorded = backups(in: directory, of: database)
        guard recorded.count > keep else { return [] }
        var removed: [String] = []
        for record in recorded.dropLast(keep) where record.file != current.file {
            let path = "\(directory)/\(record.file)"
            guard let (bytes, sha256) = try? ExportBundle.sha256(ofFileAt: path), bytes == record.bytes, sha256 == record.sha256 else { continue }
            guard unlink(path) == 0 else { continue }
            unlink(path + suffix)
            removed.append(path)
        }
        if !removed.isEmpty { AtomicFile.syncDirectory(directory) }
        return removed
    }
}
