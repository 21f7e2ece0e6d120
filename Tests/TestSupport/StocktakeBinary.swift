import Foundation

/// The built `stocktake` executable, for end-to-end tests.
///
/// SwiftPM on Linux puts the test runner (`…/debug/stocktakePackageTests.xctest`) in the build
/// products directory, next to the `stocktake` executable; `swift build --build-tests` builds both.
/// `STOCKTAKE_BINARY` overrides the search.
public enum StocktakeBinary {
    public struct NotFound: Error, CustomStringConvertible {
        public let searched: [String]
        public var description: String {
            "the stocktake executable was not found (searched \(searched.joined(separator: ", "))); build it with `swift build --build-tests`"
        }
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// The non-empty lines of stdout, whether they end in LF or CRLF (CSV output uses CRLF).
        public var stdoutLines: [String] {
            stdout.split(whereSeparator: \.isNewline).map(String.init)
        }
    }

    public static func url() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["STOCKTAKE_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var starts: [URL] = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        starts.append(Bundle.main.bundleURL)
        starts.append(Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL)
        var searched: [String] = []
        for start in starts {
            var directory = start.standardizedFileURL
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("stocktake")
                searched.append(candidate.path)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw NotFound(searched: searched)
    }

    public static var isAvailable: Bool { (try? url()) != nil }

    /// True when `stocktake --help` lists `name` as a subcommand (for tests of commands still being written).
    public static func hasSubcommand(_ name: String) -> Bool {
        guard let help = try? run(arguments: ["--help"]), help.status == 0 else { return false }
        return help.stdout.split(separator: "\n").contains { line in
            line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) == name
        }
    }

    /// Runs `stocktake arguments…` and waits for it.
    ///
    /// The environment is the test process's without `STOCKTAKE_DB` (so a developer's setting never
    /// leaks in), plus `environment`. Output goes to temporary files, so large outputs cannot
    /// deadlock on a full pipe. A run longer than `timeout` seconds is killed and recorded as such.
    public static func run(
        arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil, timeout: Double = 60
    ) throws -> Result {
        let scratch = try TemporaryDirectory(prefix: "stocktake-run")
        defer { scratch.remove() }
        let stdoutPath = scratch.path("stdout")
        let stderrPath = scratch.path("stderr")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderrHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "STOCKTAKE_DB")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var stdinHandle: FileHandle?
        if let stdin {
            let stdinPath = scratch.path("stdin")
            _ = FileManager.default.createFile(atPath: stdinPath, contents: stdin)
            stdinHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinPath))
            process.standardInput = stdinHandle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        defer { try? stdinHandle?.close() }

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            finished.wait()
            throw TimedOut(arguments: arguments, seconds: timeout)
        }
        process.waitUntilExit()
        let out = String(decoding: fileContents(stdoutPath) ?? Data(), as: UTF8.self)
        let err = String(decoding: fileContents(stderrPath) ?? Data(), as: UTF8.self)
        return Result(status: process.terminationStatus, stdout: out, stderr: err)
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public let arguments: [String]
        public let seconds: Double
        public var description: String { "stocktake \(arguments.joined(separator: " ")) did not finish within \(seconds) s" }
    }
}
