import Glibc
import SQLite

/// A backup copy that failed its own integrity check; the target was not touched.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// `stocktake backup PATH`: a consistent copy of the database, taken while others read and write.
///
/// The SQLite online backup API copies the pages into a new file next to the target
/// (https://sqlite.org/backup.html); the copy must pass `PRAGMA integrity_check`, is fsynced, and
/// is then renamed over the target, so PATH holds either the previous file or a complete, checked
/// copy. The copy is 0600 (it holds contact e-mails), or `mode` when given, whatever the file it
/// replaces allowed. PATH follows the rules of `OutputTarget`: `-`, a character device or a FIFO
/// receive the bytes of a checked copy made in a private temporary directory, since the backup
/// API can only write into a database file.
///
/// With `keep`, the backup also gets a sidecar (`BackupRecord`) and older backups of the same
/// database in the same directory are pruned: only files whose sidecar this tool wrote and whose
/// size and SHA-256 still match it.
public struct DatabaseBackup {
    /// What `write(to:keep:)` did.
    public struct Result: Sendable {
        /// The copy's size in bytes.
        public let bytes: Int
        /// Older backups removed by `keep`, as paths.
        public let removed: [String]
    }

    public let catalog: Catalog
    /// `--mode` for the copy (and its sidecar); 0600 without it.
    public var mode: OutputPermissions?
    /// Recorded in the sidecar, next to the generator's name.
    public var toolVersion: String?

    public init(catalog: Catalog, mode: OutputPermissions? = nil, toolVersion: String? = nil) {
        self.catalog = catalog
        self.mode = mode
        self.toolVersion = toolVersion
    }

    /// Copies the catalog's database to `path` and returns the copy's size in bytes.
    @discardableResult
    public func write(to path: String) throws -> Int {
        try write(to: OutputTarget(path: path, option: .backupPath))
    }

    /// Copies the catalog's database to the file `target`, records it in a sidecar and removes
    /// all but the newest `keep` backups this tool recorded for the same database in the same
    /// directory (see `BackupRecord`).
    ///
    /// - Throws: `OutputRefused` when `target` is standard output, a device or a FIFO: there is
    ///   no directory of backups to prune.
    public func write(to target: OutputTarget, keep: Int) throws -> Result {
        guard case .replaceFile(let resolvedPath) = target.kind else {
            throw OutputRefused("\(option: .keep) needs a file to write; \(target.displayName) is not one")
        }
        precondition(keep >= 1, "keep is validated to be at least 1")
        let bytes = try replace(resolvedPath)
        let database = FileLocation.resolve(catalog.path)
        let record = try BackupRecord.write(for: resolvedPath, database: database, toolVersion: toolVersion,
                                            permissions: AtomicFile.Permissions.always(mode?.file ?? Catalog.filePermissions))
        let removed = BackupRecord.prune(FileLocation.split(resolvedPath).directory, database: database, keep: keep, current: record)
        return Result(bytes: bytes, removed: removed)
    }

    /// Copies the catalog's database to `target` and returns the copy's size in bytes.
    @discardableResult
    public func write(to target: OutputTarget) throws -> Int {
        switch target.kind {
        case .replaceFile(let resolvedPath):
            return try replace(resolvedPath)
        case .standardOutput, .stream:
            return try stream(to: target)
        }
    }

    /// A checked copy next to `path`, renamed over it.
    private func replace(_ path: String) throws -> Int {
        let directory = FileLocation.split(path).directory
        let temporary = "\(directory)/.stocktake-backup-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).db"
        do {
            let size = try makeCheckedCopy(at: temporary)
            guard rename(temporary, path) == 0 else {
                throw SystemError(operation: "replace", path: path, code: errno)
            }
            AtomicFile.syncDirectory(directory)
            return size
        } catch let error as SQLiteError where error.path == temporary {
            Self.removeCopy(temporary)
            // The temporary's name means nothing to the user; the file they asked for does.
            throw error.naming(path)
        } catch {
            Self.removeCopy(temporary)
            throw error
        }
    }

    /// A checked copy in a private temporary directory (0700, under $TMPDIR), streamed out, removed.
    private func stream(to target: OutputTarget) throws -> Int {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/stocktake-backup-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw SystemError(operation: "create a temporary directory in", path: base, code: errno)
        }
        let directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let copy = "\(directory)/backup.db"
        defer {
            Self.removeCopy(copy)
            rmdir(directory)
        }
        let size = try makeCheckedCopy(at: copy)
        let input = open(copy, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw SystemError(operation: "open", path: copy, code: errno) }
        defer { close(input) }
        let output = try OutputFile(target, mode: mode)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError(operation: "read", path: copy, code: errno)
            }
            if count == 0 { break }
            try output.sink.write(buffer[0..<count])
        }
        try output.commit()
        return size
    }

    /// Writes a complete copy to the new file `path` (mode 0600, or `mode`), checks it with
    /// `PRAGMA integrity_check` and fsyncs it; returns its size.
    private func makeCheckedCopy(at path: String) throws -> Int {
        let directory = FileLocation.split(path).directory
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, Catalog.filePermissions)
        guard descriptor >= 0 else {
            throw SystemError(operation: "create a temporary file in", path: directory, code: errno)
        }
        close(descriptor)
        let copy = try Database(path: path, mode: .readWrite)
        do {
            try catalog.database.backup(to: copy)
            // The copy keeps the source's WAL header; back to a rollback journal, so the file
            // stands alone without -wal and -shm companions.
            _ = try copy.scalarText("PRAGMA journal_mode = DELETE")
            let verdict = try copy.rows("PRAGMA integrity_check").compactMap { $0.first?.textValue }
            guard verdict == ["ok"] else {
                throw BackupError(description: "the backup copy failed PRAGMA integrity_check: \(verdict.prefix(5).joined(separator: "; "))")
            }
            copy.close()
        } catch {
            copy.close()
            throw error
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SystemError(operation: "flush", path: path, code: errno) }
        // Explicitly, not through open's mode argument: the umask must not change it.
        guard fchmod(fd, mode?.file ?? Catalog.filePermissions) == 0 else {
            throw SystemError(operation: "set permissions on", path: path, code: errno)
        }
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    private static func removeCopy(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }
}
