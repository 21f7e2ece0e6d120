import Foundation
import Stocktaking
import TestSupport
import Testing

/// `OutputGuard` and `OutputTarget`: outputs compared as files, not strings, and classified by
/// what is at the path.
@Suite struct OutputGuardTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "stocktake-output-guard")
        _ = FileManager.default.createFile(atPath: directory.path("a.db"), contents: Data("db".utf8))
        _ = FileManager.default.createFile(atPath: directory.path("in.csv"), contents: Data("csv".utf8))
        try FileManager.default.createDirectory(atPath: directory.path("sub"), withIntermediateDirectories: false)
    }

    var guardian: OutputGuard {
        OutputGuard(database: directory.path("a.db"), inputs: [directory.path("in.csv")])
    }

    /// The refusal's message, its options spelled `<name>` to show that a front end spells them.
    func refusal(_ outputs: [(option: OptionName, path: String)]) -> String? {
        do {
            _ = try guardian.check(outputs)
            return nil
        } catch {
            return error.message(spelledBy: FrontEndSpelling(option: { "<\($0.rawValue)>" }, guidance: { _ in nil }))
        }
    }

    /// Every spelling of the database, its companions and the input, existing or not.
    @Test(arguments: [
        ("a.db", "the database"),
        ("sub/../a.db", "the database"),
        ("link-to-db", "the database"),
        ("hard-link-to-db", "the database"),
        ("a.db-wal", "-wal"),
        ("a.db-shm", "-shm"),
        ("a.db-journal", "-journal"),
        ("dangling-link-to-wal", "-wal"),
        ("sub-link/../a.db-journal", "-journal"),
        ("in.csv", "the input file"),
        ("link-to-input", "the input file"),
    ])
    func outputsThatAreTheDatabaseOrAnInputAreRefused(name: String, expected: String) throws {
        try FileManager.default.createSymbolicLink(atPath: directory.path("link-to-db"), withDestinationPath: "a.db")
        try FileManager.default.linkItem(atPath: directory.path("a.db"), toPath: directory.path("hard-link-to-db"))
        try FileManager.default.createSymbolicLink(atPath: directory.path("dangling-link-to-wal"), withDestinationPath: "a.db-wal")
        try FileManager.default.createSymbolicLink(atPath: directory.path("link-to-input"), withDestinationPath: directory.path("in.csv"))
        try FileManager.default.createSymbolicLink(atPath: directory.path("sub-link"), withDestinationPath: directory.path("sub"))
        let message = try #require(refusal([(.out, directory.path(name))]))
        #expect(message.contains(expected), "\(message)")
    }

    @Test func otherFilesAndNewPathsPass() throws {
        let targets = try guardian.check([(.rejects, directory.path("rejects.csv")), (.report, directory.path("sub/report.json"))])
        #expect(targets.map(\.kind) == [
            .replaceFile(resolvedPath: directory.path("rejects.csv")), .replaceFile(resolvedPath: directory.path("sub/report.json")),
        ])
    }

    @Test func twoOutputsThatAreOneFileAreRefused() throws {
        try FileManager.default.createSymbolicLink(atPath: directory.path("alias.json"), withDestinationPath: "x.json")
        // Neither exists yet: compared by resolved location.
        let message = try #require(refusal([(.rejects, directory.path("x.json")), (.report, directory.path("alias.json"))]))
        #expect(message.contains("<rejects>") && message.contains("<report>") && message.contains("same file"))
        #expect(refusal([(.rejects, directory.path("x.json")), (.report, directory.path("sub/../x.json"))]) != nil)
    }

    @Test func onlyOneOutputMayBeStandardOutput() throws {
        let message = try #require(refusal([(.rejects, "-"), (.report, "-")]))
        #expect(message.contains("only one output can be -"))
        #expect(try guardian.check([(.rejects, "-"), (.report, directory.path("r.json"))]).first?.kind == .standardOutput)
    }

    @Test func twoOutputsIntoACharacterDeviceOverwriteNothing() throws {
        let targets = try guardian.check([(.rejects, "/dev/null"), (.report, "/dev/null")])
        #expect(targets.map(\.kind) == [.stream, .stream])
    }

    @Test func aSymlinkIsReplacedThroughItsTarget() throws {
        try FileManager.default.createSymbolicLink(atPath: directory.path("out-link"), withDestinationPath: "sub/real.csv")
        // The target does not exist yet either: it is created where the link points.
        let target = try OutputTarget(path: directory.path("out-link"), option: .out)
        #expect(target.kind == .replaceFile(resolvedPath: directory.path("sub/real.csv")))
    }

    @Test func kindsFollowWhatIsAtThePath() throws {
        #expect(try OutputTarget(path: "-", option: .out).kind == .standardOutput)
        #expect(try OutputTarget(path: "/dev/null", option: .out).kind == .stream)
        #expect(mkfifo(directory.path("fifo"), 0o600) == 0)
        #expect(try OutputTarget(path: directory.path("fifo"), option: .out).kind == .stream)
        let refused = #expect(throws: OutputRefused.self) { try OutputTarget(path: directory.path("sub"), option: .out) }
        #expect(refused?.description.contains("is a directory") == true)
    }

    @Test func aBundleDirectoryMustNotBeTheDatabaseNorHideAForeignLatest() throws {
        #expect(throws: OutputRefused.self) { try guardian.checkBundleDirectory(directory.path("a.db")) }
        #expect(throws: OutputRefused.self) { try guardian.checkBundleDirectory(directory.path("a.db-wal")) }
        #expect(throws: Never.self) { try guardian.checkBundleDirectory(directory.path("sub")) }
        _ = FileManager.default.createFile(atPath: directory.path("sub/latest"), contents: Data("mine".utf8))
        #expect(throws: OutputRefused.self) { try guardian.checkBundleDirectory(directory.path("sub")) }
    }
}
