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
/// copy. The copy is created 0600: it holds contact e-mails.
public struct DatabaseBackup {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Copies the catalog's database to `path` and returns the copy's size in bytes.
    @discardableResult
    public func write(to path: String) throws -> Int {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let temporary = "\(directory)/.stocktake-backup-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).db"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, Catalog.filePermissions)
        guard descriptor >= 0 else {
            throw SystemError(operation: "create a temporary file in", path: directory, code: errno)
        }
        close(descriptor)
        do {
            let copy = try Database(path: temporary, mode: .readWrite)
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
            let fd = open(temporary, O_RDONLY | O_CLOEXEC)
            guard fd >= 0, fsync(fd) == 0 else {
                let code = errno
                if fd >= 0 { close(fd) }
                throw SystemError(operation: "flush", path: temporary, code: code)
            }
            close(fd)
            var info = stat()
            let size = stat(temporary, &info) == 0 ? Int(info.st_size) : 0
            guard chmod(temporary, Catalog.filePermissions) == 0 else {
                throw SystemError(operation: "set permissions on", path: temporary, code: errno)
            }
            guard rename(temporary, path) == 0 else {
                throw SystemError(operation: "replace", path: path, code: errno)
            }
            AtomicFile.syncDirectory(directory)
            return size
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
            throw error
        }
    }
}
