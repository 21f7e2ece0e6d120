import Glibc

/// Refuses, before anything is written, outputs that would overwrite what a command reads.
///
/// Every command that writes files checks its outputs here: none may be the database, its `-wal`,
/// `-shm` or `-journal`, an input file, or another output of the same command, and only one may
/// be `-`. Paths are compared as files, not as strings: `./a.db`, a symlink to `a.db` and a hard
/// link to it are all the database (same device and inode); a path that does not exist yet is
/// compared by its resolved directory and name.
///
/// ```swift
/// let guardian = OutputGuard(database: "a.db", inputs: ["staff.csv"])
/// let targets = try guardian.check([(.rejects, "rejects.csv"), (.report, "report.json")])
/// ```
public struct OutputGuard: Sendable {
    /// A file a command must not write, with what to call it in a message.
    struct Protected: Sendable {
        let identity: FileIdentity
        let description: String
    }

    /// SQLite's companion files (https://sqlite.org/tempfiles.html): replacing one corrupts the database.
    public static let databaseCompanionSuffixes = ["-wal", "-shm", "-journal"]

    let protected: [Protected]

    /// - Parameters:
    ///   - database: the database path, as the command will open it.
    ///   - inputs: files the command reads (`-`, standard input, is skipped).
    public init(database: String, inputs: [String] = []) {
        var protected = [Protected(identity: FileIdentity(database), description: "the database \(database)")]
        // SQLite names the companions after the path it opened, symlinks resolved (unix VFS), so
        // both spellings are covered.
        let resolved = FileLocation.resolve(database)
        for suffix in Self.databaseCompanionSuffixes {
            for base in Set([database, resolved]) {
                protected.append(Protected(identity: FileIdentity(base + suffix), description: "the database's \(suffix) file \(database + suffix)"))
            }
        }
        for input in inputs where input != "-" {
            protected.append(Protected(identity: FileIdentity(input), description: "the input file \(input)"))
        }
        self.protected = protected
    }

    /// Classifies each output (see `OutputTarget`) and checks them against the protected files
    /// and each other.
    ///
    /// - Parameter outputs: the option that names each output, and its path.
    /// - Returns: the targets, in the order given.
    /// - Throws: `OutputRefused`, naming the option and what it would overwrite.
    public func check(_ outputs: [(option: OptionName, path: String)]) throws(OutputRefused) -> [OutputTarget] {
        var targets: [OutputTarget] = []
        for (option, path) in outputs { targets.append(try OutputTarget(path: path, option: option)) }
        let onStandardOutput = targets.filter { $0.kind == .standardOutput }
        if onStandardOutput.count > 1 {
            let options = Wording.joined(onStandardOutput.map { "\(option: $0.option)" }, separator: " and ")
            throw OutputRefused("only one output can be - (standard output); \(options) both are -")
        }
        var checked: [(target: OutputTarget, identity: FileIdentity)] = []
        for target in targets where target.kind != .standardOutput {
            let identity = FileIdentity(target.path)
            try refuseProtected(identity, named: "\(option: target.option) \(target.path)")
            // Two outputs into one character device (`/dev/null` twice) overwrite nothing; any
            // other pair would mix or clobber each other's bytes.
            if !identity.isCharacterDevice, let earlier = checked.first(where: { $0.identity.isSameFile(as: identity) }) {
                throw OutputRefused("\(option: earlier.target.option) \(earlier.target.path) and \(option: target.option) \(target.path) are the same file; give each output its own path")
            }
            checked.append((target, identity))
        }
        return targets
    }

    /// Checks `export --bundle DIR`: DIR must be a directory (or new), must not be a protected
    /// file, and `DIR/latest`, which the bundle replaces with a symlink, must be a symlink or absent.
    public func checkBundleDirectory(_ directory: String, option: OptionName = .bundle) throws(OutputRefused) {
        var info = stat()
        if stat(directory, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw OutputRefused("\(option: option) \(directory) is not a directory")
        }
        try refuseProtected(FileIdentity(directory), named: "\(option: option) \(directory)")
        try ExportBundle.checkLatestIsReplaceable(in: directory)
    }

    private func refuseProtected(_ identity: FileIdentity, named name: Wording) throws(OutputRefused) {
        if let match = protected.first(where: { $0.identity.isSameFile(as: identity) }) {
            throw OutputRefused("\(name) is \(match.description); refusing to overwrite it")
        }
    }
}

/// What makes two paths the same file: the device and inode when it exists (stat follows
/// symlinks, so links and hard links match), and always its resolved location.
struct FileIdentity: Sendable {
    let device: UInt64?
    let inode: UInt64?
    let location: String
    let isCharacterDevice: Bool

    init(_ path: String) {
        var info = stat()
        if stat(path, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            isCharacterDevice = info.st_mode & S_IFMT == S_IFCHR
        } else {
            device = nil
            inode = nil
            isCharacterDevice = false
        }
        location = FileLocation.resolve(path)
    }

    func isSameFile(as other: FileIdentity) -> Bool {
        if let inode, let device, inode == other.inode, device == other.device { return true }
        return location == other.location
    }
}
