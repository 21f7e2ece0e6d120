// swift-tools-version: 6.1
import PackageDescription

/// The web server (`stocktake-server`, on Hummingbird and SwiftNIO) is left out of the package when
/// STOCKTAKE_WITHOUT_SERVER is set: the sanitizer runs set it, because building SwiftNIO again under
/// AddressSanitizer costs CI minutes for code that is not this project's (its tests skip themselves
/// when the server binary is missing; the facet index they rely on is library code and stays).
let withServer = Context.environment["STOCKTAKE_WITHOUT_SERVER"] == nil

let package = Package(
    name: "stocktake",
    products: [
        .executable(name: "stocktake", targets: ["stocktake"]),
        .library(name: "Stocktaking", targets: ["Stocktaking"]),
    ] + (withServer ? [
        // The web front end (`stocktake serve` runs it from beside itself): its own executable, so the
        // command-line tool does not carry SwiftNIO's protocol conformances, which argument-parser's
        // start-up scans (measured in docs/performance.md).
        .executable(name: "stocktake-server", targets: ["stocktake-server"]),
    ] : []),
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ] + (withServer ? [
        // No traits: the default ones import all of Foundation (which does not link statically with
        // the release flags below) and swift-configuration, neither of which the server uses.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Already in Hummingbird's graph; named for the server's thread pool and its logger.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
    ] : []),
    targets: [
        // libsqlite3 from the system (Debian: libsqlite3-dev). Only the SQLite target imports it.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "SQLite", dependencies: ["CSQLite", "Digest"]),
        // Expat (Debian: libexpat1-dev), the streaming XML parser, and minizip over zlib (libminizip-dev,
        // zlib1g-dev), the zip directory and inflater: what an .xlsx workbook is made of. Only the
        // Workbook target imports them; release builds link their static archives like SQLite's.
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .systemLibrary(name: "CMinizip", pkgConfig: "minizip", providers: [.apt(["libminizip-dev", "zlib1g-dev"])]),
        // Streaming reader of .xlsx workbooks: sheets, shared strings, dates, cell values as text.
        // Knows nothing of SQLite or projects.
        .target(name: "Workbook", dependencies: ["CExpat", "CMinizip"]),
        // SHA-256 for migration checksums, import batch fingerprints and bundle manifests.
        .target(name: "Digest"),
        // Streaming RFC 4180 reader and writer over bytes; knows nothing of SQLite or projects.
        .target(name: "CSV", dependencies: ["SafeText"]),
        // Escaping of control characters for terminals and messages, shared by every layer that prints.
        .target(name: "SafeText"),
        .target(
            name: "Stocktaking",
            dependencies: ["SQLite", "CSV", "Digest", "SafeText", "Workbook"],
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .target(
            name: "StocktakeCLI",
            dependencies: [
                "Stocktaking", "CSV", "SafeText", "SQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "stocktake",
            dependencies: ["StocktakeCLI"],
            // Release binaries are fully static: the Swift runtime, libc and SQLite (libsqlite3.a from
            // the same libsqlite3-dev, same version and compile options) are linked in. They install
            // by copying one file, and start ~1.5 ms faster because there is no dynamic loader work
            // at all (measured in the README). Debug and test builds stay dynamic.
            linkerSettings: [.unsafeFlags(["-static-executable", "-l_FoundationCShims", "-l_FoundationCollections"], .when(platforms: [.linux], configuration: .release))]
        ),
        // Build-time embedding of Migrations/*.sql into the Stocktaking module, so the binary
        // carries its schema and does not depend on the working directory.
        .executableTarget(name: "MigrationEmbedder", dependencies: ["Digest"]),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["MigrationEmbedder"],
            path: "Sources/EmbedMigrationsPlugin"
        ),

        // Test helpers of every layer: temporary directories, fixtures, the built binary, time bounds,
        // a seeded generator. Foundation only, so the CSV tests use it without the library above them.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Temporary databases, migrated or not, and assertions on their rows.
        .target(
            name: "DatabaseTestSupport",
            dependencies: ["TestSupport", "SQLite", "Stocktaking"],
            path: "Tests/DatabaseTestSupport"
        ),
        // What each fuzzer checks for one input: Tests/Fuzz/run.sh builds them into the libFuzzer
        // targets, and the fuzz regression tests replay the kept inputs with the same code.
        .target(name: "CSVReaderFuzzChecks", dependencies: ["CSV"], path: "Tests/Fuzz/CSVReaderFuzzChecks"),
        .target(name: "ResolverFuzzChecks", dependencies: ["Stocktaking"], path: "Tests/Fuzz/ResolverFuzzChecks"),
        .target(name: "WorkbookFuzzChecks", dependencies: ["Workbook", "CMinizip"], path: "Tests/Fuzz/WorkbookFuzzChecks"),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport", "DatabaseTestSupport"]),
        .testTarget(name: "CSVTests", dependencies: ["CSV", "TestSupport", "CSVReaderFuzzChecks"]),
        .testTarget(name: "SafeTextTests", dependencies: ["SafeText"]),
        .testTarget(name: "WorkbookTests", dependencies: ["Workbook", "TestSupport", "WorkbookFuzzChecks"]),
        .testTarget(
            name: "StocktakingTests",
            dependencies: ["Stocktaking", "SQLite", "CSV", "Workbook", "TestSupport", "DatabaseTestSupport", "ResolverFuzzChecks"]
        ),
        // The real stocktake-server over loopback: no dependency on Hummingbird (its test module
        // would bring an HTTP client and TLS into every build); a small HTTP client in the tests.
        .testTarget(
            name: "StocktakeServerTests",
            dependencies: ["TestSupport", "DatabaseTestSupport", "Stocktaking", "SQLite"]
        ),
        .testTarget(
            name: "StocktakeCLITests",
            dependencies: ["StocktakeCLI", "Stocktaking", "SQLite", "CSV", "Workbook", "TestSupport", "DatabaseTestSupport"]
        ),
    ] + (withServer ? serverTargets : []),
    swiftLanguageModes: [.v6]
)

/// The server's targets (see `withServer`).
var serverTargets: [Target] {
    [
        // The web front end: routes, HTML pages, the facet index's generations, downloads. Depends on
        // the library, never on the CLI.
        .target(
            name: "StocktakeServer",
            dependencies: [
                "Stocktaking", "SafeText", "SQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "stocktake-server",
            dependencies: ["StocktakeServer"],
            // Fully static in release, like stocktake.
            linkerSettings: [.unsafeFlags(["-static-executable", "-l_FoundationCShims", "-l_FoundationCollections"], .when(platforms: [.linux], configuration: .release))]
        ),
    ]
}
