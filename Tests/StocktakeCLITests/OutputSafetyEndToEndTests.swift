import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

/// Every file a command writes, through the built binary, attacked the way a slip of the shell
/// would: the database under another name, the input, a device, a FIFO, a directory, a socket.
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct OutputSafetyEndToEndTests {
    let directory: TemporaryDirectory

    static let header = ProjectColumn.fileColumns.map(\.rawValue).joined(separator: ",")
    /// A formula a spreadsheet would run, and a row that fails validation (no Action Line).
    static let projects = header + "\r\n"
        + "F-1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,Org,,KE,,,,,,,,,C1,4,,\r\n"
        + "F-2,Plain,,Org,,KE,,,,,,,,,C2,5,,\r\n"
    static let invalid = header + "\r\nB-1,No action line,,,,,,,,,,,,,,,,\r\nB-2,Fine,,,,,,,,,,,,,C1,,,\r\n"

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-outputs-e2e")
        try Data(Self.projects.utf8).write(to: directory.url.appendingPathComponent("in.csv"))
        try Data(Self.invalid.utf8).write(to: directory.url.appendingPathComponent("bad.csv"))
    }

    @discardableResult
    func stocktake(_ arguments: [String]) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: arguments, currentDirectory: directory.url)
    }

    /// `a.db` with two projects, a symlink and a hard link to it.
    func loadedDatabase() throws {
        let result = try stocktake(["import", "--db", "a.db", "in.csv"])
        try #require(result.status == 0, "\(result.stderr)")
        try FileManager.default.createSymbolicLink(atPath: directory.path("link.db"), withDestinationPath: "a.db")
        try FileManager.default.linkItem(atPath: directory.path("a.db"), toPath: directory.path("hard.db"))
    }

    func fileType(_ name: String, following: Bool = false) -> mode_t? {
        var info = stat()
        let found = following ? stat(directory.path(name), &info) : lstat(directory.path(name), &info)
        return found == 0 ? info.st_mode & S_IFMT : nil
    }

    // MARK: Finding 1: an output that is the database, an input or another output

    static let outputsOntoTheDatabase: [[String]] = [
        ["export", "--out", "a.db"],
        ["export", "--out", "./a.db"],
        ["export", "--out", "link.db"],
        ["export", "--out", "hard.db"],
        ["export", "--out", "a.db-wal"],
        ["export", "--out", "a.db-journal"],
        ["export", "--bundle", "a.db"],
        ["export", "--bundle", "a.db-wal"],
        ["report", "--out", "a.db"],
        ["report", "--out", "hard.db"],
        ["import", "--skip-invalid", "--rejects", "a.db", "bad.csv"],
        ["import", "--report", "a.db", "bad.csv"],
        ["import", "--report", "link.db", "bad.csv"],
        ["backup", "a.db"],
        ["backup", "hard.db"],
    ]

    @Test(arguments: outputsOntoTheDatabase)
    func anOutputThatIsTheDatabaseIsRefusedAndTheDatabaseStaysByteForByte(arguments: [String]) throws {
        try loadedDatabase()
        let before = snapshot(ofDatabaseAt: directory.path("a.db"))
        let result = try stocktake(arguments + ["--db", "a.db"])
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("refusing to overwrite") || result.stderr.contains("not a directory"), "\(result.stderr)")
        #expect(snapshot(ofDatabaseAt: directory.path("a.db")) == before)
        #expect(fileType("link.db") == S_IFLNK)
        // Refused before the database was opened: not even a journal was created under its name.
        #expect(!directory.fileExists("a.db-journal"))
        #expect(fileType("a.db-wal") != S_IFDIR)
    }

    @Test func importOutputsThatAreTheInputOrEachOtherAreRefusedBeforeTheDatabaseIsCreated() throws {
        let input = try #require(fileContents(directory.path("bad.csv")))
        let sameAsInput = try stocktake(["import", "--db", "new.db", "--skip-invalid", "--rejects", "bad.csv", "bad.csv"])
        #expect(sameAsInput.status == 64, "\(sameAsInput.stderr)")
        #expect(sameAsInput.stderr.contains("the input file"))
        #expect(fileContents(directory.path("bad.csv")) == input)
        let relative = try stocktake(["import", "--db", "new.db", "--report", "./bad.csv", "bad.csv"])
        #expect(relative.status == 64, "\(relative.stderr)")
        #expect(fileContents(directory.path("bad.csv")) == input)

        let sameTwice = try stocktake(["import", "--db", "new.db", "--skip-invalid", "--rejects", "x.out", "--report", "x.out", "bad.csv"])
        #expect(sameTwice.status == 64, "\(sameTwice.stderr)")
        #expect(sameTwice.stderr.contains("same file"))
        #expect(!directory.fileExists("x.out"))

        let bothStandardOutput = try stocktake(["import", "--db", "new.db", "--skip-invalid", "--rejects", "-", "--report", "-", "bad.csv"])
        #expect(bothStandardOutput.status == 64, "\(bothStandardOutput.stderr)")
        #expect(!directory.fileExists("-"))
        // Nothing was written: not even the database.
        #expect(!directory.fileExists("new.db"))
    }

    // MARK: Finding 2: links, devices, FIFOs, sockets, directories and `-`

    @Test func dashIsStandardOutputForRejectsReportAndBackup() throws {
        try loadedDatabase()
        let rejects = try stocktake(["import", "--db", "a.db", "--skip-invalid", "--rejects", "-", "bad.csv"])
        #expect(rejects.status == 2, "\(rejects.stderr)")
        #expect(rejects.stdoutLines.first == Self.header + ",error")
        #expect(rejects.stdoutLines.count == 2)
        let report = try stocktake(["import", "--db", "a.db", "--report", "-", "bad.csv"])
        #expect(report.status == 65, "\(report.stderr)")
        #expect(report.stdout.hasPrefix("{\"file\":\"bad.csv\""))
        #expect(report.stdout.contains("\"status\":\"rejected\""))
        let backup = try stocktake(["backup", "-", "--db", "a.db"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.hasPrefix("SQLite format 3"))
        #expect(!directory.fileExists("-"))
    }

    @Test func aSymlinkedOutputReplacesItsTargetAndKeepsTheLink() throws {
        try loadedDatabase()
        let expected = try stocktake(["export", "--db", "a.db"]).stdout
        try Data("old\n".utf8).write(to: directory.url.appendingPathComponent("real.csv"))
        try FileManager.default.createSymbolicLink(atPath: directory.path("out.csv"), withDestinationPath: "real.csv")
        try FileManager.default.createSymbolicLink(atPath: directory.path("new.csv"), withDestinationPath: "not-yet.csv")
        #expect(try stocktake(["export", "--db", "a.db", "--out", "out.csv"]).status == 0)
        #expect(try stocktake(["report", "--db", "a.db", "--format", "markdown", "--out", "new.csv"]).status == 0)
        #expect(fileType("out.csv") == S_IFLNK)
        #expect(fileType("new.csv") == S_IFLNK)
        #expect(fileContents(directory.path("real.csv")).map { String(decoding: $0, as: UTF8.self) } == expected)
        #expect(fileType("not-yet.csv") == S_IFREG)
    }

    /// Makes a device node in the test directory (root only), so a regression replaces a node of
    /// the test's own and never the machine's /dev/null.
    func makeDevice(_ name: String, type: mode_t, major: UInt32, minor: UInt32) throws {
        // glibc's makedev() for numbers below 256: major in bits 8–19, minor in bits 0–7.
        let device = dev_t(major) << 8 | dev_t(minor)
        try #require(mknod(directory.path(name), type | 0o666, device) == 0, "mknod: \(String(cString: strerror(errno)))")
    }

    @Test(.enabled(if: getuid() == 0, "mknod needs root"))
    func aCharacterDeviceIsWrittenInPlaceAndStaysADevice() throws {
        try loadedDatabase()
        try makeDevice("null", type: S_IFCHR, major: 1, minor: 3)
        try FileManager.default.createSymbolicLink(atPath: directory.path("to-dev-null"), withDestinationPath: "/dev/null")
        for arguments in [
            ["export", "--out", "null"], ["report", "--out", "null"], ["backup", "null"],
            ["import", "--skip-invalid", "--rejects", "null", "--report", "null", "bad.csv"],
            ["export", "--out", "to-dev-null"], ["backup", "to-dev-null"],
        ] {
            let result = try stocktake(arguments + ["--db", "a.db"])
            #expect([0, 2].contains(result.status), "\(arguments): \(result.stderr)")
            #expect(fileType("null") == S_IFCHR, "\(arguments)")
            #expect(fileType("to-dev-null") == S_IFLNK, "\(arguments)")
            #expect(fileType("to-dev-null", following: true) == S_IFCHR, "\(arguments)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "mknod needs root"))
    func aWriteErrorOnADeviceExitsOneAndLeavesTheDevice() throws {
        try loadedDatabase()
        try makeDevice("full", type: S_IFCHR, major: 1, minor: 7)
        for arguments in [["export", "--out", "full"], ["backup", "full"]] {
            let result = try stocktake(arguments + ["--db", "a.db"])
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("the disk is full (ENOSPC)"), "\(result.stderr)")
            #expect(fileType("full") == S_IFCHR)
        }
    }

    /// Runs stocktake writing into the FIFO `name` while `cat` reads it; returns what cat got.
    ///
    /// The test holds the FIFO open read-write first: cat's open does not wait for a writer, and
    /// cat sees end-of-file only once that descriptor is closed after stocktake exits, so a
    /// stocktake that never opens the FIFO makes the reader get nothing instead of hanging.
    func readThroughFIFO(_ name: String, _ arguments: [String]) throws -> (StocktakeBinary.Result, Data) {
        let fifo = directory.path(name)
        if fileType(name) == nil { try #require(mkfifo(fifo, 0o600) == 0) }
        let keeper = open(fifo, O_RDWR | O_CLOEXEC)
        try #require(keeper >= 0)
        let received = directory.path(name + ".received")
        _ = FileManager.default.createFile(atPath: received, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: received))
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        reader.standardOutput = output
        try reader.run()
        let result: StocktakeBinary.Result
        do {
            result = try stocktake(arguments)
        } catch {
            close(keeper)
            reader.waitUntilExit()
            throw error
        }
        close(keeper)
        reader.waitUntilExit()
        try output.close()
        return (result, fileContents(received) ?? Data())
    }

    @Test func aFIFOReaderReceivesTheWholeOutputAndTheFIFOStays() throws {
        try loadedDatabase()
        let expected = try stocktake(["export", "--db", "a.db"]).stdout
        let (export, exported) = try readThroughFIFO("pipe", ["export", "--db", "a.db", "--out", "pipe"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(String(decoding: exported, as: UTF8.self) == expected)
        #expect(fileType("pipe") == S_IFIFO)

        let (backup, copy) = try readThroughFIFO("pipe", ["backup", "pipe", "--db", "a.db"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(fileType("pipe") == S_IFIFO)
        try copy.write(to: directory.url.appendingPathComponent("copy.db"))
        let database = try Database(path: directory.path("copy.db"), mode: .readOnly)
        defer { database.close() }
        #expect(try database.count("project") == 2)
    }

    /// What must never be written to, and how to make one.
    enum Unwritable: String, CaseIterable, Sendable {
        case directory, socket, blockDevice
    }

    @Test(arguments: Unwritable.allCases)
    func aDirectorySocketOrBlockDeviceIsRefused(kind: Unwritable) throws {
        try loadedDatabase()
        let name = "target"
        var socketDescriptor: Int32 = -1
        defer { if socketDescriptor >= 0 { close(socketDescriptor) } }
        let expectedType: mode_t
        switch kind {
        case .directory:
            try FileManager.default.createDirectory(atPath: directory.path(name), withIntermediateDirectories: false)
            expectedType = S_IFDIR
        case .socket:
            socketDescriptor = try Self.listeningSocket(at: directory.path(name))
            expectedType = S_IFSOCK
        case .blockDevice:
            guard getuid() == 0 else { return }
            try makeDevice(name, type: S_IFBLK, major: 7, minor: 0)
            expectedType = S_IFBLK
        }
        for arguments in [["export", "--out", name], ["report", "--out", name], ["backup", name],
                          ["import", "--report", name, "in.csv"]] {
            let result = try stocktake(arguments + ["--db", "a.db"])
            #expect(result.status == 64, "\(kind) \(arguments): \(result.stderr)")
            #expect(fileType(name) == expectedType, "\(kind) \(arguments)")
        }
    }

    /// A Unix socket bound at `path`.
    static func listeningSocket(at path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0, "bind: \(String(cString: strerror(errno)))")
        return descriptor
    }

    // MARK: Finding 3: no option silently ignored

    @Test func aBundleAppliesExcelSafeAndTheBOMToEveryCSVFileAndRecordsThem() throws {
        try loadedDatabase()
        let result = try stocktake(["export", "--db", "a.db", "--bundle", "nightly", "--excel-safe", "--bom", "--labels"])
        #expect(result.status == 0, "\(result.stderr)")
        let bundle = directory.path("nightly/latest")
        let manifestData = try #require(fileContents(bundle + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let options = try #require(manifest["options"] as? [String: Bool])
        #expect(options == ["bom": true, "excel_safe": true, "labels": true])
        #expect(manifest["generator"] as? String == "stocktake")
        let names = try #require(manifest["files"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        let csvNames = names.filter { $0.hasSuffix(".csv") }
        #expect(csvNames.count >= 3)
        for name in csvNames {
            let bytes = try #require(fileContents(bundle + "/" + name))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(name) has no byte order mark")
        }
        let projects = String(decoding: try #require(fileContents(bundle + "/projects.csv")), as: UTF8.self)
        #expect(projects.contains("\"'=HYPERLINK("))
        #expect(!projects.contains(",\"=HYPERLINK("))
        let ndjson = String(decoding: try #require(fileContents(bundle + "/projects.ndjson")), as: UTF8.self)
        #expect(ndjson.contains("\"sdg_titles\":["))
    }

    /// Options that would be accepted and then ignored in this combination: usage errors.
    static let ignoredOptions: [[String]] = [
        ["export", "--bundle", "b", "--format", "json"],
        ["export", "--bundle", "b", "--out", "x.csv"],
        ["export", "--bundle", "b", "--out", "-"],
        ["export", "--bundle", "b", "--kind", "projects"],
        ["export", "--kind", "prizes", "--format", "json", "--labels"],
        ["find", "--count", "--format", "json"],
        ["find", "--count", "--limit", "1"],
        ["find", "--count", "--columns", "title"],
        ["find", "--count", "--sort", "title"],
        ["find", "--fts-syntax"],
        ["stats", "--matrix", "--sort", "count"],
        ["stats", "--by", "region", "--by", "sdg", "--sort", "count"],
        ["migrate", "--format", "json"],
        ["import", "--kind", "prizes", "--trim-text", "in.csv"],
        ["import", "--kind", "prizes", "--date-format", "DD/MM/YYYY", "in.csv"],
        ["import", "--kind", "prizes", "--insert-only", "in.csv"],
        ["import", "--tsv", "--delimiter", ";", "in.csv"],
    ]

    @Test(arguments: ignoredOptions)
    func anOptionThatWouldBeIgnoredIsAUsageError(arguments: [String]) throws {
        try loadedDatabase()
        let before = snapshot(ofDatabaseAt: directory.path("a.db"))
        let result = try stocktake(arguments + ["--db", "a.db"])
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(snapshot(ofDatabaseAt: directory.path("a.db")) == before)
        #expect(!directory.fileExists("b"))
    }

    // MARK: Finding 4: --keep prunes only this tool's bundles

    @Test func keepNeverDeletesWhatThisToolDidNotWrite() throws {
        try loadedDatabase()
        let fileManager = FileManager.default
        let userDirectory = directory.path("nightly/20200101T000000Z")
        try fileManager.createDirectory(atPath: userDirectory, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: userDirectory + "/mine.txt"))
        try Data("a file\n".utf8).write(to: URL(fileURLWithPath: directory.path("nightly/20200102T000000Z")))
        for _ in 0..<3 {
            let result = try stocktake(["export", "--db", "a.db", "--bundle", "nightly", "--keep", "1"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(fileContents(userDirectory + "/mine.txt") == Data("mine\n".utf8))
        #expect(fileContents(directory.path("nightly/20200102T000000Z")) == Data("a file\n".utf8))
        let bundles = ExportBundle.bundles(in: directory.path("nightly")).filter { !$0.hasPrefix("2020") }
        #expect(bundles.count == 1, "\(bundles)")
    }
}
