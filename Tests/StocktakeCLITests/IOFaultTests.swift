import Foundation
import Glibc
import SQLite
import TestSupport
import Testing

/// Writes that fail part-way (a file-size limit, as on a full disk) and targets in a read-only
/// directory: every command ends with a short error and exit 1 (never a signal), the database
/// passes `PRAGMA integrity_check` and holds exactly what it held, and every file around it — the
/// previous export, backup and bundles — is as it was, with no temporary left behind.
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct IOFaultTests {
    /// The commands that write files, each with its target inside `out/`.
    enum Operation: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case importWithReportAndRejects, export, bundle, backup

        var testDescription: String { rawValue }

        func arguments(in fixture: Fixture) -> [String] {
            switch self {
            case .importWithReportAndRejects:
                ["import", "--db", fixture.database, "--skip-invalid", "--report", fixture.out + "/report.json",
                 "--rejects", fixture.out + "/rejects.csv", fixture.input]
            case .export: ["export", "--db", fixture.database, "--out", fixture.out + "/out.csv"]
            case .bundle: ["export", "--db", fixture.database, "--bundle", fixture.out + "/bundles"]
            case .backup: ["backup", "--db", fixture.database, fixture.out + "/copy.db"]
            }
        }
    }

    /// A database holding the 1,200-project sample, a file of 4,000 new projects, and `out/` with a
    /// previous export (mode 0640), a previous backup and a previous bundle.
    struct Fixture {
        let directory: TemporaryDirectory
        var database: String { directory.path("x.db") }
        var input: String { directory.path("in.csv") }
        var out: String { directory.path("out") }

        init() throws {
            directory = try TemporaryDirectory(prefix: "stocktake-io-faults")
            try Self.succeed(["import", "--quiet", "--db", directory.path("x.db"), Fixtures.url("projects-sample.csv").path])
            try GeneratedProjects.write(ids: 1...4_000, variant: 0, to: directory.path("in.csv"))
            try FileManager.default.createDirectory(atPath: directory.path("out"), withIntermediateDirectories: false)
            try Data("the previous export\r\n".utf8).write(to: URL(fileURLWithPath: directory.path("out/out.csv")))
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: directory.path("out/out.csv"))
            try Data("the previous backup".utf8).write(to: URL(fileURLWithPath: directory.path("out/copy.db")))
            try Self.succeed(["export", "--db", directory.path("x.db"), "--bundle", directory.path("out/bundles")])
        }

        static func succeed(_ arguments: [String]) throws {
            let result = try StocktakeBinary.run(arguments: arguments)
            try #require(result.status == 0, "stocktake \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    /// `ulimit -f` counts 512-byte blocks in dash and POSIX shells: 64 KiB, less than every target
    /// (the sample's export is over 1 MiB) and less than the write-ahead log of the import.
    static let fileSizeLimitBlocks = 128

    /// False only when the binary's own runtime cannot start under the limit: ThreadSanitizer's
    /// runtime dies of SIGBUS there (`Tests/Scripts/sanitizers.sh thread`), before stocktake runs.
    /// The probe's report goes to its stderr, not to the script's sanitizer logs.
    static let fileSizeLimitIsUsable: Bool = {
        guard let stocktake = try? StocktakeBinary.url().path,
              let probe = try? ChildProcess(
                  executable: URL(fileURLWithPath: "/bin/sh"),
                  arguments: ["-c", "ulimit -f \(fileSizeLimitBlocks); exec \"$0\" \"$@\"", stocktake, "--version"],
                  unsetting: ["TSAN_OPTIONS", "ASAN_OPTIONS"]
              ).wait()
        else { return true }
        return !probe.stderr.contains("Sanitizer")
    }()

    @Test(.enabled(if: fileSizeLimitIsUsable, "the sanitizer runtime cannot start under a file-size limit"),
          arguments: Operation.allCases)
    func aFileSizeLimitFailsCleanly(_ operation: Operation) throws {
        let fixture = try Fixture()
        let before = try Observed(fixture)
        let outcome = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "ulimit -f \(Self.fileSizeLimitBlocks); exec \"$0\" \"$@\"", try StocktakeBinary.url().path]
                + operation.arguments(in: fixture)
        ).wait()
        // In plain words (SystemFailure): the limit is named even when SQLite lost the errno
        // (a failed COMMIT), never SQLite's bare "disk I/O error".
        try expectCleanFailure(outcome, mentioning: ["the file would grow past the file-size limit (ulimit -f)",
                                                     "the disk is full or the file-size limit (ulimit -f) was reached",
                                                     "a disk I/O error, with a file-size limit (ulimit -f) in effect"])
        #expect(outcome.stderr.contains("(SQLite error ") || outcome.stderr.contains("(EFBIG)"), "\(outcome)")
        try expectUnchanged(fixture, before)
    }

    /// Root ignores directory permissions; `setpriv` drops the capabilities that let it.
    static let canDenyWrites = getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test(.enabled(if: canDenyWrites, "running as root without setpriv: a read-only directory cannot be enforced"),
          arguments: Operation.allCases)
    func aReadOnlyTargetDirectoryFailsCleanly(_ operation: Operation) throws {
        let fixture = try Fixture()
        let readOnly = [fixture.out, fixture.out + "/bundles"]
        for path in readOnly { try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: path) }
        defer {
            for path in readOnly { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path) }
        }
        let before = try Observed(fixture)
        let outcome = try Self.runWithoutWriteAccess(operation.arguments(in: fixture))
        try expectCleanFailure(outcome, mentioning: ["permission denied (EACCES)", "permission denied (SQLite error"])
        try expectUnchanged(fixture, before)
    }

    @Test(.enabled(if: canDenyWrites, "running as root without setpriv: a read-only directory cannot be enforced"))
    func aBundleIntoAMissingDirectoryOfAReadOnlyOneFailsCleanly() throws {
        let fixture = try Fixture()
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: fixture.out)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: fixture.out) }
        let before = try Observed(fixture)
        let outcome = try Self.runWithoutWriteAccess(["export", "--db", fixture.database, "--bundle", fixture.out + "/new-bundles"])
        try expectCleanFailure(outcome, mentioning: ["permission denied (EACCES)", "permission denied (SQLite error"])
        try expectUnchanged(fixture, before)
    }

    /// Runs stocktake so that directory permissions bind it: as root, through `setpriv` without the
    /// capabilities that bypass them (the files stay readable and writable by their owner).
    static func runWithoutWriteAccess(_ arguments: [String]) throws -> ChildProcess.Outcome {
        guard getuid() == 0 else { return try ChildProcess(stocktake: arguments).wait() }
        let dropped = "-dac_override,-dac_read_search"
        return try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/setpriv"),
            arguments: ["--inh-caps=" + dropped, "--bounding-set=" + dropped, try StocktakeBinary.url().path] + arguments
        ).wait()
    }

    /// Exit 1 with one short diagnostic on stderr, nothing on stdout, no death by signal (SIGXFSZ).
    func expectCleanFailure(_ outcome: ChildProcess.Outcome, mentioning reasons: [String]) throws {
        #expect(outcome.killedBySignal == nil, "\(outcome)")
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("stocktake: "), "\(outcome)")
        #expect(outcome.stderr.utf8.count < 2_000, "\(outcome)")
        #expect(reasons.contains { outcome.stderr.contains($0) }, "\(outcome)")
        #expect(outcome.stdout.isEmpty)
    }

    func expectUnchanged(_ fixture: Fixture, _ before: Observed) throws {
        let after = try Observed(fixture)
        #expect(after.contents == before.contents, "the database changed")
        #expect(after.mainFile == before.mainFile, "the database file changed")
        let changed = Set(before.files.keys).symmetricDifference(after.files.keys)
            .union(before.files.keys.filter { before.files[$0] != after.files[$0] })
        #expect(changed.isEmpty, "changed, created or removed: \(changed.sorted())")
        #expect(try BundleCheck.problems(inBundle: fixture.out + "/bundles/latest").isEmpty)
        #expect(try DatabaseState.integrityProblems(databaseAt: fixture.database).isEmpty)
    }

    /// Everything a failed command must leave as it was.
    struct Observed {
        /// Every table's rows, sorted (virtual tables are read through their shadow tables).
        let contents: [String: [String]]
        let mainFile: Data?
        /// Every file, directory and symlink under the fixture except the database's own files.
        let files: [String: Entry]

        enum Entry: Equatable {
            case directory(mode: Int)
            case symlink(target: String)
            case file(mode: Int, contents: Data)
        }

        init(_ fixture: Fixture) throws {
            contents = try Self.tableContents(fixture.database)
            mainFile = fileContents(fixture.database)
            var files: [String: Entry] = [:]
            try Self.walk(fixture.directory.path, relative: "", into: &files)
            for name in ["x.db", "x.db-wal", "x.db-shm"] { files.removeValue(forKey: name) }
            self.files = files
        }

        static func tableContents(_ path: String) throws -> [String: [String]] {
            let database = try Database(path: path, mode: .readOnly)
            defer { database.close() }
            let tables = try database.column(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
            var contents: [String: [String]] = [:]
            for case let table? in tables {
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                contents[table] = try database.rows("SELECT * FROM \(quoted)").map { "\($0)" }.sorted()
            }
            return contents
        }

        static func walk(_ root: String, relative: String, into files: inout [String: Entry]) throws {
            let directory = relative.isEmpty ? root : root + "/" + relative
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + path)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?:
                    files[path] = .directory(mode: mode)
                    try walk(root, relative: path, into: &files)
                case .typeSymbolicLink?:
                    files[path] = .symlink(target: try FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + path))
                default:
                    files[path] = .file(mode: mode, contents: fileContents(root + "/" + path) ?? Data())
                }
            }
        }
    }
}

/// Databases, their `-wal` and `-shm`, exports, backups, bundles, rejects and reports are private
/// (0600, bundle directories 0700) even under a permissive umask; a replaced file keeps its mode,
/// except a backup, which is always 0600 (without `--mode`: see NightlyJobEndToEndTests). (Defaults under the usual umask are covered in
/// ExportEndToEndTests, ImportEndToEndTests and FoundationEndToEndTests.)
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct FilePermissionTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-permissions")
    }

    /// Runs stocktake under `umask 000`, so only the modes stocktake asks for restrict access.
    @discardableResult
    func stocktakeWithOpenUmask(_ arguments: String...) throws -> ChildProcess.Outcome {
        let outcome = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "umask 000; exec \"$0\" \"$@\"", try StocktakeBinary.url().path] + arguments,
            currentDirectory: directory.url
        ).wait()
        #expect(outcome.killedBySignal == nil && outcome.status == 0, "\(arguments): \(outcome)")
        return outcome
    }

    func mode(_ name: String) -> String? {
        filePermissions(directory.path(name)).map { String($0, radix: 8) }
    }

    @Test func everyNewFileIsPrivateUnderAnOpenUmask() throws {
        try GeneratedProjects.write(ids: 1...50, variant: 0, to: directory.path("in.csv"))
        let bad = GeneratedProjects.header + "\r\nBAD-1,No action line,,,,,,,,,,,,,,,,\r\n"
        try Data(bad.utf8).write(to: directory.path("bad.csv").fileURL)
        try stocktakeWithOpenUmask("init", "--db", "x.db")
        try stocktakeWithOpenUmask("import", "--db", "x.db", "--report", "report.json", "in.csv")
        let rejected = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "umask 000; exec \"$0\" \"$@\"", try StocktakeBinary.url().path,
                        "import", "--db", "x.db", "--skip-invalid", "--rejects", "rejects.csv", "--report", "rejected.json", "bad.csv"],
            currentDirectory: directory.url
        ).wait()
        #expect(rejected.status == 2, "\(rejected)")
        try stocktakeWithOpenUmask("export", "--db", "x.db", "--out", "out.csv")
        try stocktakeWithOpenUmask("export", "--db", "x.db", "--format", "ndjson", "--out", "out.ndjson")
        try stocktakeWithOpenUmask("backup", "--db", "x.db", "copy.db")
        try stocktakeWithOpenUmask("report", "--db", "x.db", "--out", "report.html")
        try stocktakeWithOpenUmask("export", "--db", "x.db", "--bundle", "bundles")
        for name in ["x.db", "report.json", "rejects.csv", "rejected.json", "out.csv", "out.ndjson", "copy.db", "report.html"] {
            #expect(mode(name) == "600", "\(name)")
        }
        #expect(mode("bundles") == "700")
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: directory.path("bundles/latest"))
        #expect(mode("bundles/" + bundle) == "700")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path("bundles/" + bundle))
        #expect(files.contains("manifest.json") && files.contains("projects.csv"))
        for file in files {
            #expect(mode("bundles/\(bundle)/\(file)") == "600", "\(file)")
        }
    }

    /// The write-ahead log and shared-memory files exist while a writer runs (a killed one leaves them).
    @Test func theWriteAheadLogAndSharedMemoryFilesArePrivate() throws {
        try GeneratedProjects.write(ids: 1...6_000, variant: 0, to: directory.path("in.csv"))
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "umask 000; exec \"$0\" \"$@\"", try StocktakeBinary.url().path, "import", "--db", "x.db", "in.csv"],
            currentDirectory: directory.url)
        let deadline = Date().addingTimeInterval(30)
        while !(directory.fileExists("x.db-wal") && directory.fileExists("x.db-shm")) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        child.kill()
        _ = child.wait()
        #expect(mode("x.db") == "600")
        #expect(mode("x.db-wal") == "600")
        #expect(mode("x.db-shm") == "600")
    }

    @Test func aReplacedReportKeepsItsModeAndAReplacedBackupBecomesPrivate() throws {
        try GeneratedProjects.write(ids: 1...20, variant: 0, to: directory.path("in.csv"))
        try stocktakeWithOpenUmask("import", "--db", "x.db", "in.csv")
        for name in ["report.html", "copy.db", "report.json"] {
            try Data("previous".utf8).write(to: directory.path(name).fileURL)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory.path(name))
        }
        try stocktakeWithOpenUmask("report", "--db", "x.db", "--out", "report.html")
        try stocktakeWithOpenUmask("import", "--db", "x.db", "--report", "report.json", "in.csv")
        try stocktakeWithOpenUmask("backup", "--db", "x.db", "copy.db")
        #expect(mode("report.html") == "644")
        #expect(mode("report.json") == "644")
        #expect(fileContents(directory.path("report.html")) != Data("previous".utf8))
        #expect(fileContents(directory.path("report.json")) != Data("previous".utf8))
        // A backup holds the whole database: it is 0600 whatever the file it replaces allowed.
        #expect(mode("copy.db") == "600")
        #expect(fileContents(directory.path("copy.db"))?.starts(with: Data("SQLite format 3\0".utf8)) == true)
    }
}

private extension String {
    var fileURL: URL { URL(fileURLWithPath: self) }
}
