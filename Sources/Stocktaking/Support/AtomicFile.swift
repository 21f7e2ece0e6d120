import Glibc

/// A file that appears complete or not at all.
///
/// Bytes go to an unnamed temporary file in the target's directory (Linux `O_TMPFILE`, so a crash
/// or SIGKILL leaves nothing behind); `commit()` flushes, fsyncs, gives it a name and renames it
/// over the target in one step, then fsyncs the directory. By default a replaced file keeps its
/// permissions and a new one gets 0600 (exports hold contact e-mails); `--mode` asks for one mode
/// whatever was there (`Permissions.always`). The mode is set with fchmod, so the umask has no
/// say. Without `commit()`, the target is untouched.
///
/// The target must be a regular file or not exist: rename(2) would replace a symlink, a device
/// node or a FIFO with a plain file. `OutputTarget` resolves links and sends devices and FIFOs
/// elsewhere; `commit()` refuses anything else that appears at the path meanwhile.
public final class AtomicFile {
    /// The mode the committed file gets.
    public enum Permissions: Sendable, Equatable {
        /// A replaced file keeps its own mode; a new file gets this one.
        case keepingExisting(newFile: mode_t)
        /// This mode, whatever the replaced file had (`--mode`).
        case always(mode_t)

        public static let `default` = Permissions.keepingExisting(newFile: 0o600)

        /// `--mode` when given, else the default.
        public init(_ mode: OutputPermissions?) {
            self = mode.map { .always($0.file) } ?? .default
        }
    }

    public let targetPath: String
    public let sink: FileSink
    /// The temporary file's descriptor (a `WorkbookOutput` writes its zip here).
    public let descriptor: Int32
    private let directory: String
    private let permissions: Permissions
    /// Set when the file system has no O_TMPFILE and a named temporary was used instead.
    private var namedTemporaryPath: String?
    private var finished = false

    public init(targetPath: String, permissions: Permissions = .default) throws {
        self.targetPath = targetPath
        self.permissions = permissions
        let slash = targetPath.lastIndex(of: "/")
        directory = slash.map { $0 == targetPath.startIndex ? "/" : String(targetPath[..<$0]) } ?? "."
        // O_TMPFILE is a macro Swift does not import: __O_TMPFILE (0o20000000) | O_DIRECTORY on Linux.
        let temporaryFileFlag: Int32 = 0o20000000 | O_DIRECTORY
        var fd = Glibc.open(directory, temporaryFileFlag | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
            var template = Array("\(directory)/.stocktake-XXXXXX".utf8CString)
            fd = mkstemp(&template)
            if fd >= 0 {
                namedTemporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        guard fd >= 0 else {
            throw SystemError(operation: "create a temporary file in", path: directory, code: errno)
        }
        descriptor = fd
        sink = FileSink(descriptor: fd, capacity: 1 << 20, path: targetPath)
    }

    deinit {
        if !finished { discard() }
        Glibc.close(descriptor)
    }

    /// Makes the new contents visible under `targetPath`, replacing any previous file atomically.
    public func commit() throws {
        precondition(!finished, "commit() called twice")
        do {
            try sink.flush()
            var existing = stat()
            let exists = lstat(targetPath, &existing) == 0
            if exists && existing.st_mode & S_IFMT != S_IFREG {
                throw OutputRefused("\(targetPath) is not a regular file; refusing to replace it")
            }
            let mode: mode_t
            switch permissions {
            case .always(let given): mode = given
            case .keepingExisting(let newFile): mode = exists ? existing.st_mode & 0o7777 : newFile
            }
            guard fchmod(descriptor, mode) == 0 else { throw SystemError(operation: "set permissions on", path: targetPath, code: errno) }
            guard fsync(descriptor) == 0 else { throw SystemError(operation: "flush", path: targetPath, code: errno) }
            let temporaryName: String
            if let namedTemporaryPath {
                temporaryName = namedTemporaryPath
            } else {
                // Give the unnamed file a name next to the target, then rename that over the target:
                // linkat cannot replace an existing file, rename can, atomically.
                temporaryName = "\(directory)/.stocktake-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
                guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, temporaryName, AT_SYMLINK_FOLLOW) == 0 else {
                    throw SystemError(operation: "write", path: targetPath, code: errno)
                }
                namedTemporaryPath = temporaryName
            }
            guard rename(temporaryName, targetPath) == 0 else {
                throw SystemError(operation: "replace", path: targetPath, code: errno)
            }
            namedTemporaryPath = nil
            finished = true
            Self.syncDirectory(directory)
        } catch {
            discard()
            throw error
        }
    }

    /// Drops the new contents; the target stays as it was.
    public func discard() {
        finished = true
        if let namedTemporaryPath {
            unlink(namedTemporaryPath)
            self.namedTemporaryPath = nil
        }
    }

    /// fsync on the directory makes the rename itself durable.
    static func syncDirectory(_ path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            Glibc.close(fd)
        }
    }
}
