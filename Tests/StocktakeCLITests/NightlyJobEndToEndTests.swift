import Foundation
import Glibc
import TestSupport
import Testing

/// The options a nightly job relies on, through the built binary: bundles `sha256sum -c` can
/// check, `--mode`, `--if-changed`, `backup --keep`, and plain words for I/O failures.
@Suite(.enabled(if: StocktakeBinary.isAvailable, "the stocktake executable is not built"))
struct NightlyJobEndToEndTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-nightly")
    }

    @discardableResult
    func stocktake(_ arguments: String...) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: arguments, currentDirectory: directory.url)
    }

    /// `x.db` holding `count` generated projects (import batch 1).
    func loadedDatabase(projects count: Int = 20) throws {
        try GeneratedProjects.write(ids: 1...count, variant: 0, to: directory.path("in.csv"))
        let result = try stocktake("import", "--quiet", "--db", "x.db", "in.csv")
        try #require(result.status == 0, "\(result.stderr)")
    }

    /// Runs `executable arguments…` in `currentDirectory`; returns its exit status.
    func run(_ executable: String, _ arguments: [String], in currentDirectory: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs stocktake through `/bin/sh -c "SETUP; exec stocktake …"` (a umask, a ulimit).
    func stocktake(after setup: String, _ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "\(setup); exec \"$0\" \"$@\"", try StocktakeBinary.url().path] + arguments,
            currentDirectory: directory.url
        ).wait()
    }

    func mode(_ name: String) -> String? {
        filePermissions(directory.path(name)).map { String($0, radix: 8) }
    }

    func bundleNames(_ name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path(name)).filter { $0 != "latest" }.sorted()
    }

    // MARK: 1. SHA256SUMS

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum"), "no sha256sum"))
    func sha256sumChecksTheBundleAndCatchesATamperedFile() throws {
        try loadedDatabase()
        let result = try stocktake("export", "--db", "x.db", "--bundle", "b")
        try #require(result.status == 0, "\(result.stderr)")
        let bundle = directory.path("b/latest")

        // Every file of the bundle, manifest included, in sha256sum's own format.
        let sums = String(decoding: try #require(fileContents(bundle + "/SHA256SUMS")), as: UTF8.self)
        let listed = sums.split(separator: "\n").map { line in
            #expect(line.range(of: #"^[0-9a-f]{64}  [^ /]+$"#, options: .regularExpression) != nil, "\(line)")
            return String(line.dropFirst(66))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: bundle).filter { $0 != "SHA256SUMS" }
        #expect(Set(listed) == Set(files) && listed.count == files.count)
        #expect(listed.contains("manifest.json"))
        #expect(try run("/usr/bin/sha256sum", ["-c", "--quiet", "--strict", "SHA256SUMS"], in: bundle) == 0)

        // The manifest names the version of the tool that wrote it.
        let version = try stocktake("--version").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let manifest = try JSONSerialization.jsonObject(with: try #require(fileContents(bundle + "/manifest.json"))) as? [String: Any]
        #expect(!version.isEmpty && manifest?["generator_version"] as? String == version)
        #expect(manifest?["last_batch_id"] as? Int == 1)

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bundle + "/prizes.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("x".utf8))
        try handle.close()
        #expect(try run("/usr/bin/sha256sum", ["-c", "--quiet", "SHA256SUMS"], in: bundle) != 0)
    }

    // MARK: 2. --mode

    /// Under `umask 077`, which would strip group and other bits from anything created with them.
    @Test func modeSetsFilesAndBundleDirectoriesWhateverTheUmaskAndTheReplacedFile() throws {
        try loadedDatabase()
        for name in ["out.csv", "report.html"] {
            try Data("previous".utf8).write(to: URL(fileURLWithPath: directory.path(name)))
            try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: directory.path(name))
        }
        let runs: [[String]] = [
            ["export", "--db", "x.db", "--out", "out.csv", "--mode", "0640"],
            ["export", "--db", "x.db", "--out", "new.ndjson", "--format", "ndjson", "--mode", "644"],
            ["report", "--db", "x.db", "--out", "report.html", "--mode", "0640"],
            ["backup", "--db", "x.db", "copy.db", "--mode", "0640"],
            ["export", "--db", "x.db", "--bundle", "b", "--mode", "0640"],
        ]
        for arguments in runs {
            let outcome = try stocktake(after: "umask 077", arguments)
            #expect(outcome.killedBySignal == nil && outcome.status == 0, "\(arguments): \(outcome)")
        }
        // --mode wins over the mode of the file replaced (0666 here).
        #expect(mode("out.csv") == "640")
        #expect(mode("report.html") == "640")
        #expect(mode("new.ndjson") == "644")
        #expect(mode("copy.db") == "640")
        // Directories: r becomes rx for each class.
        #expect(mode("b") == "750")
        let bundle = try #require(try bundleNames("b").first)
        #expect(mode("b/" + bundle) == "750")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path("b/" + bundle)) {
            #expect(mode("b/\(bundle)/\(file)") == "640", "\(file)")
        }
        // The database itself never follows --mode.
        #expect(mode("x.db") == "600")

        // Without --mode, private again, even for a file --mode opened up before.
        let again = try stocktake(after: "umask 000", ["export", "--db", "x.db", "--bundle", "c"])
        #expect(again.status == 0, "\(again)")
        #expect(mode("c") == "700")
    }

    @Test(arguments: ["0999", "1640", "4755", "0400", "0200", "abc", "10000", "", "-640", "0o640"])
    func anInvalidModeIsAUsageErrorAndWritesNothing(_ value: String) throws {
        try loadedDatabase()
        for arguments in [["export", "--db", "x.db", "--out", "out.csv"], ["backup", "--db", "x.db", "copy.db"],
                          ["export", "--db", "x.db", "--bundle", "b"], ["report", "--db", "x.db", "--out", "r.html"]] {
            let result = try StocktakeBinary.run(arguments: arguments + ["--mode=\(value)"], currentDirectory: directory.url)
            #expect(result.status == 64, "\(arguments) --mode=\(value): \(result.stderr)")
            #expect(result.stderr.contains("--mode"), "\(result.stderr)")
        }
        for name in ["out.csv", "copy.db", "b", "r.html"] { #expect(!directory.fileExists(name), "\(name)") }
    }

    @Test func modeIsRefusedForStandardOutputAndDevices() throws {
        try loadedDatabase()
        for arguments in [["export", "--db", "x.db", "--mode", "0640"], ["backup", "--db", "x.db", "-", "--mode", "0640"],
                          ["export", "--db", "x.db", "--out", "/dev/null", "--mode", "0640"]] {
            let result = try StocktakeBinary.run(arguments: arguments, currentDirectory: directory.url)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("--mode 0640 applies to files"), "\(result.stderr)")
        }
        #expect(filePermissions("/dev/null") == 0o666)
    }

    // MARK: 3. --if-changed

    @Test func ifChangedWritesOnlyAfterAnImport() throws {
        try loadedDatabase()
        let first = try stocktake("export", "--db", "x.db", "--bundle", "b", "--if-changed")
        #expect(first.status == 0 && first.stderr.contains("wrote bundle"), "\(first.stderr)")
        let written = try bundleNames("b")
        #expect(written.count == 1)

        let unchanged = try stocktake("export", "--db", "x.db", "--bundle", "b", "--if-changed", "--keep", "1")
        #expect(unchanged.status == 0)
        #expect(unchanged.stderr == "stocktake: no import since bundle b/\(written[0]) (last batch 1); nothing written\n")
        #expect(try bundleNames("b") == written)

        try GeneratedProjects.write(ids: 21...30, variant: 0, to: directory.path("more.csv"))
        #expect(try stocktake("import", "--quiet", "--db", "x.db", "more.csv").status == 0)
        let changed = try stocktake("export", "--db", "x.db", "--bundle", "b", "--if-changed")
        #expect(changed.status == 0 && changed.stderr.contains("last batch 2"), "\(changed.stderr)")
        #expect(try bundleNames("b").count == 2)

        // Without --if-changed a bundle is always written.
        #expect(try stocktake("export", "--db", "x.db", "--bundle", "b").status == 0)
        #expect(try bundleNames("b").count == 3)
        #expect(try stocktake("export", "--db", "x.db", "--out", "o.csv", "--if-changed").status == 64)
    }

    // MARK: 4. backup --keep

    @Test func backupKeepPrunesOnlyTheBackupsItRecorded() throws {
        try loadedDatabase()
        try FileManager.default.createDirectory(atPath: directory.path("backups"), withIntermediateDirectories: false)
        func backup(_ name: String, database: String = "x.db", keep: Int = 2) throws -> StocktakeBinary.Result {
            let result = try stocktake("backup", "--db", database, "backups/\(name)", "--keep", String(keep))
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }
        // The user's own files: a copy made by hand, named like the backups, and one with a forged
        // record whose checksum does not match (as after the file was edited or replaced).
        #expect(try stocktake("backup", "--db", "x.db", "backups/nightly-0.db").status == 0)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: directory.path("backups/nightly-00.db")))
        let resolved = try #require(realpath(directory.path("x.db"), nil))
        let resolvedDatabase = String(cString: resolved)
        free(resolved)
        let forged = """
            {"generator":"stocktake","generator_version":"0.1.0","database":"\(resolvedDatabase)","file":"nightly-00.db",\
            "written_at":"2000-01-01T00:00:00.000000000Z","bytes":4,"sha256":"\(String(repeating: "0", count: 64))"}
            """
        try Data(forged.utf8).write(to: URL(fileURLWithPath: directory.path("backups/nightly-00.db.stocktake-backup.json")))
        // A backup of another database in the same directory is neither counted nor removed.
        #expect(try stocktake("backup", "--db", "x.db", "other.db").status == 0)
        _ = try backup("other-1.db", database: "other.db", keep: 1)

        _ = try backup("nightly-1.db")
        #expect(directory.fileExists("backups/nightly-1.db.stocktake-backup.json"))
        _ = try backup("nightly-2.db")
        let third = try backup("nightly-3.db")
        #expect(third.stderr.contains("removed 1 older backup"), "\(third.stderr)")

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path("backups")))
        #expect(!left.contains("nightly-1.db") && !left.contains("nightly-1.db.stocktake-backup.json"))
        for kept in ["nightly-2.db", "nightly-3.db", "nightly-0.db", "nightly-00.db", "nightly-00.db.stocktake-backup.json", "other-1.db"] {
            #expect(left.contains(kept), "\(kept) was removed")
        }
        #expect(fileContents(directory.path("backups/nightly-00.db")) == Data("mine".utf8))

        let record = try JSONSerialization.jsonObject(with: try #require(fileContents(directory.path("backups/nightly-3.db.stocktake-backup.json")))) as? [String: Any]
        #expect(record?["file"] as? String == "nightly-3.db")
        #expect(record?["database"] as? String == resolvedDatabase)
        let size = try FileManager.default.attributesOfItem(atPath: directory.path("backups/nightly-3.db"))[.size] as? Int
        #expect(record?["bytes"] as? Int == size)

        // Standard output has no directory of backups.
        #expect(try stocktake("backup", "--db", "x.db", "-", "--keep", "2").status == 64)
    }

    // MARK: 5. Plain words for I/O failures

    /// 128 blocks of 512 bytes: 64 KiB, a whole number of SQLite pages, so the backup's first write
    /// past the limit fails with EFBIG (a write across it would be short: SQLITE_FULL).
    @Test(.enabled(if: IOFaultTests.fileSizeLimitIsUsable, "the sanitizer runtime cannot start under a file-size limit"))
    func aFileSizeLimitIsNamedInPlainWords() throws {
        try loadedDatabase(projects: 1_000)
        let backup = try stocktake(after: "ulimit -f 128", ["backup", "--db", "x.db", "copy.db"])
        #expect(backup.killedBySignal == nil && backup.status == 1, "\(backup)")
        #expect(backup.stderr.hasPrefix("stocktake: cannot write "), "\(backup.stderr)")
        #expect(backup.stderr.contains("/copy.db: "), "\(backup.stderr)")
        #expect(backup.stderr.contains("file-size limit (ulimit -f)"), "\(backup.stderr)")
        #expect(backup.stderr.contains("(SQLite error "), "\(backup.stderr)")
        #expect(!backup.stderr.contains("disk I/O error"), "\(backup.stderr)")

        let export = try stocktake(after: "ulimit -f 128", ["export", "--db", "x.db", "--out", "out.csv"])
        #expect(export.status == 1, "\(export)")
        #expect(export.stderr.contains("out.csv: the file would grow past the file-size limit (ulimit -f) or the file system's maximum (EFBIG)"),
                "\(export.stderr)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func aFullDiskIsNamedInPlainWords() throws {
        try loadedDatabase()
        for arguments in [["export", "--db", "x.db", "--out", "/dev/full"], ["backup", "--db", "x.db", "/dev/full"]] {
            let result = try StocktakeBinary.run(arguments: arguments, currentDirectory: directory.url)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "stocktake: cannot write /dev/full: the disk is full (ENOSPC)\n", "\(result.stderr)")
        }
    }
}
