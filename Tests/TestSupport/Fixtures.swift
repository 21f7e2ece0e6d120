import Foundation

/// Files of the package itself, found from this source file's location
/// (`Tests/TestSupport/Fixtures.swift` → the package root two levels up).
public enum Fixtures {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    public static let directory: URL = packageRoot.appendingPathComponent("Fixtures", isDirectory: true)

    public static let migrationsDirectory: URL = packageRoot.appendingPathComponent("Migrations", isDirectory: true)

    /// `Fixtures/<name>`.
    public static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// The inputs `Tests/Fuzz/run.sh` kept for a fuzz target (`Fixtures/fuzz-regressions/<target>/`),
    /// in name order; none when the folder does not exist.
    public static func fuzzRegressionInputs(_ target: String) -> [URL] {
        let folder = url("fuzz-regressions/" + target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
