import Glibc

/// An output the tool will not write, found before anything was written (exit 64 in the CLI).
/// Its wording names the option that named the output; each front end spells it.
public struct OutputRefused: WordedError, Sendable {
    public let wording: Wording

    public init(_ wording: Wording) {
        self.wording = wording
    }
}

/// Where one output of a command goes, decided before anything is written.
///
/// The rules, for every file a command writes (`--out`, `--rejects`, `--report`, `backup PATH`):
/// - `-` is standard output;
/// - a symlink is followed: its target is written, the link stays;
/// - a regular file, or a path that does not exist yet, is replaced atomically (`AtomicFile`: a
///   temporary in the target's directory, fsync, rename), so a failure leaves it as it was;
/// - a character device (`/dev/null`, a terminal) or a FIFO is written in place as a stream:
///   renaming a file over it would destroy the device node or starve the FIFO's reader;
/// - a directory, socket or block device is refused.
///
/// ```swift
/// let target = try OutputTarget(path: "projects.csv", option: .out)
/// let file = try OutputFile(target)
/// ```
public struct OutputTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case standardOutput
        /// Replaced atomically; `resolvedPath` is the symlink-free path of the file itself.
        case replaceFile(resolvedPath: String)
        /// Opened and written in place (character device or FIFO).
        case stream
    }

    /// The path as given, for messages.
    public let path: String
    /// The option that named it (`out`, `rejects`, `backup_path`), for messages.
    public let option: OptionName
    public let kind: Kind

    /// Classifies `path` by what is there now (following symlinks).
    ///
    /// - Throws: `OutputRefused` for a directory, socket, block device or anything else that is
    ///   neither a regular file, a character device nor a FIFO.
    public init(path: String, option: OptionName) throws(OutputRefused) {
        self.path = path
        self.option = option
        if path == "-" {
            kind = .standardOutput
            return
        }
        guard !path.isEmpty else { throw OutputRefused("\(option: option) is empty; give a file path, or - for standard output") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            // Nothing there yet (or a dangling symlink): a new file, created where the link points.
            kind = .replaceFile(resolvedPath: FileLocation.resolve(path))
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .replaceFile(resolvedPath: FileLocation.resolve(path))
        case S_IFCHR, S_IFIFO: kind = .stream
        case S_IFDIR: throw OutputRefused("\(option: option) \(path) is a directory; give a file path")
        case S_IFSOCK: throw OutputRefused("\(option: option) \(path) is a socket; give a file path")
        case S_IFBLK: throw OutputRefused("\(option: option) \(path) is a block device; refusing to write to it")
        default: throw OutputRefused("\(option: option) \(path) is not a regular file, character device or FIFO")
        }
    }

    /// How messages name the target: the path, or "standard output" for `-`.
    public var displayName: String {
        kind == .standardOutput ? "standard output" : path
    }
}

/// Canonical locations of paths that may not exist yet.
enum FileLocation {
    /// The absolute, symlink-free path that `path` names, whether or not a file is there:
    /// `realpath` when it exists; for a dangling symlink, where the link points; for a new name,
    /// the resolved directory plus the name (SQLite's `-wal` and `-journal` usually do not exist).
    static func resolve(_ path: String) -> String {
        var current = absolute(path)
        // 40 links, as the kernel's own limit (ELOOP), so a symlink loop cannot spin.
        for _ in 0..<40 {
            if let real = realPath(current) { return real }
            let (directory, name) = split(current)
            if let target = linkTarget(current) {
                current = target.hasPrefix("/") ? target : directory + "/" + target
                continue
            }
            guard let realDirectory = realPath(directory) else { return current }
            return (realDirectory == "/" ? "" : realDirectory) + "/" + name
        }
        return current
    }

    /// `path` made absolute against the current directory (not normalized: `realpath` does that).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        return String(cString: cwd) + "/" + path
    }

    /// The directory part and the last name of an absolute path (`/a/b` → `/a`, `b`).
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The contents of the symlink at `path`, or nil when it is not one.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
