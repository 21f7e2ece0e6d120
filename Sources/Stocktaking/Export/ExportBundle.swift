import Digest
import FoundationEssentials
import Glibc
import SQLite

/// `stocktake export --bundle DIR`: the nightly job in one call.
///
/// Writes projects (CSV and NDJSON), prizes, the statistics tables and `manifest.json` from one
/// read transaction, so every file describes the same instant even while an import commits, and
/// `SHA256SUMS` (every file's checksum, manifest included, in the format `sha256sum -c` reads). The
/// files go to a temporary directory inside DIR, which is renamed to `DIR/<UTC timestamp>/` when
/// complete; then the `DIR/latest` symlink is replaced atomically (a new symlink under a temporary
/// name, renamed over the old one). A reader of `DIR/latest` sees the previous bundle or the new
/// one, never part of one.
public struct ExportBundle {
    /// One file of a bundle, as listed in the manifest.
    public struct FileEntry: Sendable, Equatable {
        public let name: String
        public let rows: Int
        public let bytes: Int
        public let sha256: String
    }

    /// The export options a bundle was written with; every CSV file of the bundle follows them.
    public struct Options: Sendable, Equatable {
        /// A UTF-8 byte order mark first in every CSV file.
        public var byteOrderMark = false
        /// Cells spreadsheets would run as formulas prefixed with `'` in every CSV file.
        public var excelSafe = false
        /// Link titles next to the codes in projects.ndjson.
        public var labels = false
        /// projects.xlsx and prizes.xlsx beside the CSV and NDJSON files (`--format xlsx`).
        public var xlsx = false

        public init(byteOrderMark: Bool = false, excelSafe: Bool = false, labels: Bool = false, xlsx: Bool = false) {
            self.byteOrderMark = byteOrderMark
            self.excelSafe = excelSafe
            self.labels = labels
            self.xlsx = xlsx
        }
    }

    public struct Manifest: Sendable, Equatable {
        /// Names the writer, so `--keep` can tell this tool's bundles from anything else in DIR.
        public static let generator = "stocktake"

        /// The version of the tool that wrote the bundle, when the caller gave it.
        public let generatorVersion: String?
        public let schemaVersion: String
        public let generatedAt: String
        public let lastBatchID: Int64?
        public let options: Options
        public let files: [FileEntry]

        /// One line of members, then one line per file.
        public var json: String {
            var members: [(String, JSONNode)] = [
                ("bom", .bool(options.byteOrderMark)), ("excel_safe", .bool(options.excelSafe)), ("labels", .bool(options.labels)),
            ]
            // Only when asked: manifests without workbooks keep the bytes they always had.
            if options.xlsx { members.append(("xlsx", .bool(true))) }
            let options = JSONNode.object(members)
            let files = files.map { file in
                JSONNode.object([
                    ("name", .string(file.name)), ("rows", .integer(Int64(file.rows))), ("bytes", .integer(Int64(file.bytes))),
                    ("sha256", .string(file.sha256)),
                ])
            }
            return JSONNode.object([
                ("generator", .string(Self.generator)), ("generator_version", .string(orNull: generatorVersion)),
                ("schema_version", .string(schemaVersion)), ("generated_at", .string(generatedAt)),
                ("last_batch_id", lastBatchID.map(JSONNode.integer) ?? .null), ("options", options), ("files", .lines(files)),
            ]).compact + "\n"
        }
    }

    public struct Result: Sendable {
        /// `DIR/<UTC timestamp>`.
        public let path: String
        public let manifest: Manifest
    }

    /// What `writeIfChanged(into:keep:)` did.
    public enum Outcome: Sendable {
        case written(Result)
        /// Nothing was imported since `bundle` (a path) was written: no new bundle.
        case unchanged(bundle: String, lastBatchID: Int64?)
    }

    public static let manifestName = "manifest.json"
    public static let checksumsName = "SHA256SUMS"
    public static let latestName = "latest"

    public let catalog: Catalog
    public var filter: ProjectFilter
    public var options: Options
    /// `--mode` for the bundle's files (its directories get the matching execute bits); 0600 and
    /// 0700 without it.
    public var mode: OutputPermissions?
    /// Recorded in the manifest as `generator_version`. The library cannot know the CLI's version.
    public var toolVersion: String?

    public init(catalog: Catalog, filter: ProjectFilter = ProjectFilter(), options: Options = Options(),
                mode: OutputPermissions? = nil, toolVersion: String? = nil) {
        self.catalog = catalog
        self.filter = filter
        self.options = options
        self.mode = mode
        self.toolVersion = toolVersion
    }

    private var filePermissions: mode_t { (mode ?? .private).file }
    private var directoryPermissions: mode_t { (mode ?? .private).directory }

    /// Writes a new bundle into `directory` (created when missing), points `latest` at it, and
    /// removes all but the newest `keep` bundles when `keep` is given.
    /// Removes `.bundle-<pid>-*` directories left by runs that were killed: their process is gone.
    /// A run still in progress (its pid alive) is left alone.
    static func removeAbandonedTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".bundle-") {
            // Only the exact names `write(into:)` gives its temporaries, `.bundle-<pid>-<number>`.
            let parts = name.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, let pid = pid_t(parts[1]), pid > 0, UInt32(parts[2]) != nil else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: "\(directory)/\(name)")
            }
        }
    }

    public func write(into directory: String, keep: Int? = nil) throws -> Result {
        if mkdir(directory, 0o700) == 0 {
            // DIR is ours only when this run created it; an existing one keeps its mode.
            try Self.setPermissions(directoryPermissions, ofDirectory: directory)
        } else if errno != EEXIST {
            throw SystemError(operation: "create the directory", path: directory, code: errno)
        }
        Self.removeAbandonedTemporaries(in: directory)
        let temporaryName = ".bundle-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = "\(directory)/\(temporaryName)"
        guard mkdir(temporary, 0o700) == 0 else {
            throw SystemError(operation: "create a temporary directory in", path: directory, code: errno)
        }
        do {
            let manifest = try writeFiles(into: temporary)
            try Self.setPermissions(directoryPermissions, ofDirectory: temporary)
            AtomicFile.syncDirectory(temporary)
            let name = try Self.publish(temporary, in: directory)
            try Self.pointLatest(at: name, in: directory)
            if let keep { Self.prune(directory, keep: keep, current: name) }
            return Result(path: "\(directory)/\(name)", manifest: manifest)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Writes a new bundle as `write(into:keep:)` does, unless the newest bundle this tool wrote
    /// in `directory` records the database's current last batch: then nothing is imported since,
    /// and nothing is written (not even a pruning).
    ///
    /// The comparison is by `last_batch_id` alone: a bundle written with other options or filters
    /// from the same data counts as current.
    public func writeIfChanged(into directory: String, keep: Int? = nil) throws -> Outcome {
        if let newest = Self.newestBundle(in: directory) {
            let current = try catalog.withSnapshot { try BatchRepository(database: catalog.database).latestBatchID() }
            if newest.lastBatchID == current {
                return .unchanged(bundle: "\(directory)/\(newest.name)", lastBatchID: current)
            }
        }
        return .written(try write(into: directory, keep: keep))
    }

    /// The newest bundle this tool wrote in `directory` whose manifest records its last batch
    /// (a manifest without the field cannot say that nothing changed).
    static func newestBundle(in directory: String) -> (name: String, lastBatchID: Int64?)? {
        for name in bundles(in: directory).reversed() {
            guard let listing = listing(ofBundleAt: "\(directory)/\(name)") else { continue }
            guard listing.recordsLastBatch else { return nil }
            return (name, listing.lastBatchID)
        }
        return nil
    }

    /// chmod, not mkdir's mode argument: the umask would narrow that.
    private static func setPermissions(_ permissions: mode_t, ofDirectory path: String) throws {
        guard chmod(path, permissions) == 0 else {
            throw SystemError(operation: "set permissions on", path: path, code: errno)
        }
    }

    /// Every file, then the manifest, then `SHA256SUMS`, from one read transaction.
    private func writeFiles(into directory: String) throws -> Manifest {
        let database = catalog.database
        return try catalog.withSnapshot {
            // The first read starts the snapshot every later statement in the transaction sees.
            let lastBatchID = try BatchRepository(database: database).latestBatchID()
            let generatedAt = Timestamp.now()
            var files: [FileEntry] = []
            let exporter = ProjectExporter(catalog: catalog)
            func export(_ name: String, _ kind: ExportKind, _ format: ExportFormat) throws {
                var options = ExportOptions()
                options.kind = kind
                options.format = format
                options.filter = filter
                if format.isDelimited {
                    options.byteOrderMark = self.options.byteOrderMark
                    options.excelSafe = self.options.excelSafe
                } else {
                    options.labels = self.options.labels && kind == .projects
                }
                files.append(try writeFile("\(directory)/\(name)", name: name, workbook: format.needsFile) { sink in
                    try exporter.export(options, to: sink).rows
                })
            }
            try export("projects.csv", .projects, .csv)
            try export("projects.ndjson", .projects, .ndjson)
            try export("prizes.csv", .prizes, .csv)
            if self.options.xlsx {
                try export("projects.xlsx", .projects, .xlsx)
                try export("prizes.xlsx", .prizes, .xlsx)
            }
            for table in try StatisticsTables(catalog: catalog, filter: filter).all() {
                let name = "stats-\(table.name).csv"
                files.append(try writeFile("\(directory)/\(name)", name: name) { sink in
                    try table.writeCSV(to: sink, byteOrderMark: self.options.byteOrderMark, excelSafe: self.options.excelSafe)
                    return table.rows.count
                })
            }
            let manifest = Manifest(generatorVersion: toolVersion, schemaVersion: Schema.version, generatedAt: generatedAt,
                                    lastBatchID: lastBatchID, options: self.options, files: files)
            let manifestEntry = try writeFile("\(directory)/\(Self.manifestName)", name: Self.manifestName) { sink in
                try sink.write(manifest.json)
                return 0
            }
            _ = try writeFile("\(directory)/\(Self.checksumsName)", name: Self.checksumsName) { sink in
                try sink.write(Self.checksums(of: files + [manifestEntry]))
                return 0
            }
            return manifest
        }
    }

    /// `sha256sum`'s format: the hex digest, two spaces (text mode), the name, LF. The names are
    /// the bundle's own fixed ASCII names, which need none of sha256sum's escaping.
    static func checksums(of files: [FileEntry]) -> String {
        files.map { "\($0.sha256)  \($0.name)\n" }.joined()
    }

    /// Writes one file atomically and describes it: `body` returns the number of rows. With
    /// `workbook`, `body` writes the first sheet of an xlsx workbook.
    private func writeFile(_ path: String, name: String, workbook: Bool = false, _ body: (FileSink) throws -> Int) throws -> FileEntry {
        let file = try AtomicFile(targetPath: path, permissions: .always(filePermissions))
        if workbook {
            let output = try WorkbookOutput(descriptor: file.descriptor, path: path)
            output.toolVersion = toolVersion
            let rows = try body(output.sink)
            try output.finish()
            try file.commit()
            let (bytes, digest) = try Self.sha256(ofFileAt: path)
            return FileEntry(name: name, rows: rows, bytes: bytes, sha256: digest)
        }
        let rows = try body(file.sink)
        try file.commit()
        let (bytes, digest) = try Self.sha256(ofFileAt: path)
        return FileEntry(name: name, rows: rows, bytes: bytes, sha256: digest)
    }

    /// The size and SHA-256 of a file, read back in 1 MiB chunks.
    public static func sha256(ofFileAt path: String) throws -> (bytes: Int, hex: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var hasher = SHA256()
        var total = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError(operation: "read", path: path, code: errno)
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += count
        }
        return (total, hasher.finalize().hexString)
    }

    /// Renames the finished temporary directory to a UTC timestamp (`-2`, `-3`… when one exists
    /// already: rename cannot replace a non-empty directory) and returns the name.
    private static func publish(_ temporary: String, in directory: String) throws -> String {
        let base = Timestamp.compactNow()
        // Names must sort in the order bundles were written (pruning relies on it): after `--keep`
        // removed `T` but kept `T-2`, the next bundle of that second is `T-3`, not `T` again.
        let highest = bundles(in: directory).filter { $0.hasPrefix(base) }.map { sequenceKey($0).number }.max() ?? 0
        var number = highest + 1
        var name = number == 1 ? base : "\(base)-\(number)"
        while true {
            if rename(temporary, "\(directory)/\(name)") == 0 { break }
            guard errno == EEXIST || errno == ENOTEMPTY, number < highest + 100 else {
                throw SystemError(operation: "rename the bundle to", path: "\(directory)/\(name)", code: errno)
            }
            number += 1
            name = "\(base)-\(number)"
        }
        AtomicFile.syncDirectory(directory)
        return name
    }

    /// Points `directory/latest` at `name` with a relative symlink, replaced in one rename.
    private static func pointLatest(at name: String, in directory: String) throws {
        try checkLatestIsReplaceable(in: directory)
        let temporary = "\(directory)/.latest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard symlink(name, temporary) == 0 else {
            throw SystemError(operation: "create a symlink in", path: directory, code: errno)
        }
        guard rename(temporary, "\(directory)/\(latestName)") == 0 else {
            let code = errno
            unlink(temporary)
            throw SystemError(operation: "replace", path: "\(directory)/\(latestName)", code: code)
        }
        AtomicFile.syncDirectory(directory)
    }

    /// `DIR/latest` is replaced by a rename, which would replace whatever is there: only a symlink
    /// (from an earlier run) or nothing may be.
    static func checkLatestIsReplaceable(in directory: String) throws(OutputRefused) {
        var info = stat()
        if lstat("\(directory)/\(latestName)", &info) == 0 && info.st_mode & S_IFMT != S_IFLNK {
            throw OutputRefused("\(directory)/\(latestName) is not the symlink a bundle writes; move it away or choose another directory")
        }
    }

    /// The bundle directories in `directory`, oldest first.
    public static func bundles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(isBundleName).sorted { sequenceKey($0) < sequenceKey($1) }
    }

    /// Orders bundle names: by timestamp, then by number within the second (`T` is 1, `T-2`
    /// before `T-10`, which plain string order would get wrong).
    static func sequenceKey(_ name: String) -> (timestamp: Substring, number: Int) {
        let timestamp = name.prefix(16)
        return (timestamp, Int(name.dropFirst(17)) ?? 1)
    }

    /// `20261129T044012Z` or `20261129T044012Z-2`.
    static func isBundleName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return false }
        let digits = bytes[0..<8] + bytes[9..<15]
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        if bytes.count == 16 { return true }
        return bytes[16] == UInt8(ascii: "-") && bytes.count > 17 && bytes[17...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Removes all but the newest `keep` bundles this tool wrote; never the one `latest` points
    /// to, and never anything else in the directory, whatever its name.
    private static func prune(_ directory: String, keep: Int, current: String) {
        let ours = bundles(in: directory).filter { isBundleWrittenByThisTool("\(directory)/\($0)") }
        guard ours.count > keep else { return }
        for name in ours.dropLast(keep) where name != current {
            try? FileManager.default.removeItem(atPath: "\(directory)/\(name)")
        }
    }

    /// The part of a manifest that identifies a bundle and lists its files.
    private struct ManifestListing: Decodable {
        struct File: Decodable {
            let name: String
            let bytes: Int
        }

        /// Absent in manifests written before the field was added; those still list their files.
        let generator: String?
        let schemaVersion: String
        let generatedAt: String
        let files: [File]
        let lastBatchID: Int64?
        /// False when the key is missing, as opposed to null (a database with no import yet).
        let recordsLastBatch: Bool

        enum CodingKeys: String, CodingKey {
            case generator, files
            case schemaVersion = "schema_version"
            case generatedAt = "generated_at"
            case lastBatchID = "last_batch_id"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            generator = try container.decodeIfPresent(String.self, forKey: .generator)
            schemaVersion = try container.decode(String.self, forKey: .schemaVersion)
            generatedAt = try container.decode(String.self, forKey: .generatedAt)
            files = try container.decode([File].self, forKey: .files)
            lastBatchID = try container.decodeIfPresent(Int64.self, forKey: .lastBatchID)
            recordsLastBatch = container.contains(.lastBatchID)
        }
    }

    /// True when `path` is a directory (not a link to one) holding a manifest.json written by this
    /// tool and nothing but the regular files it lists, at the sizes it lists (and SHA256SUMS,
    /// which bundles written before it was added lack). A timestamp-named directory of someone
    /// else's files fails this and is never deleted.
    static func isBundleWrittenByThisTool(_ path: String) -> Bool {
        listing(ofBundleAt: path) != nil
    }

    /// The manifest of the bundle at `path`, when `isBundleWrittenByThisTool(path)`.
    private static func listing(ofBundleAt path: String) -> ManifestListing? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
              let data = FileManager.default.contents(atPath: "\(path)/\(manifestName)"),
              let listing = try? JSONDecoder().decode(ManifestListing.self, from: data),
              listing.generator == nil || listing.generator == Manifest.generator,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return nil }
        let listed = Set(listing.files.map(\.name))
        var present = Set(names)
        if present.contains(checksumsName) && !listed.contains(checksumsName) {
            guard lstat("\(path)/\(checksumsName)", &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            present.remove(checksumsName)
        }
        guard listed.count == listing.files.count, present == listed.union([manifestName]) else { return nil }
        let filesMatch = listing.files.allSatisfy { file in
            var info = stat()
            return lstat("\(path)/\(file.name)", &info) == 0 && info.st_mode & S_IFMT == S_IFREG && Int(info.st_size) == file.bytes
        }
        return filesMatch ? listing : nil
    }
}
