import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct ExportBundleTests {
    /// Data rows in a CSV file whose fields hold no line breaks (statistics tables, prizes).
    static func csvRows(_ path: String) -> Int {
        String(decoding: fileContents(path) ?? Data(), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1
    }

    @Test func manifestDescribesEveryFileExactly() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        try ExportFixtures.importText("year,category,external_id,result\r\n2024,C11,H-001,winner\r\n",
                                      into: catalog, directory: temporary.directory, kind: .prizes)
        let reader = try Catalog(path: temporary.path, access: .read)
        defer { reader.close() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        let result = try ExportBundle(catalog: reader).write(into: directory.path)

        let manifestData = try #require(fileContents(result.path + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect(manifest["schema_version"] as? String == Schema.version)
        #expect(manifest["last_batch_id"] as? Int == 2)
        let files = try #require(manifest["files"] as? [[String: Any]])
        let names = files.compactMap { $0["name"] as? String }
        #expect(names.starts(with: ["projects.csv", "projects.ndjson", "prizes.csv"]))
        #expect(names.contains("stats-action-line.csv"))
        #expect(names.contains("stats-\(StatisticsTables.matrixName).csv"))
        for file in files {
            let name = try #require(file["name"] as? String)
            let path = result.path + "/" + name
            let (bytes, sha256) = try ExportBundle.sha256(ofFileAt: path)
            #expect(file["bytes"] as? Int == bytes, "\(name)")
            #expect(file["sha256"] as? String == sha256, "\(name)")
            let rows = file["rows"] as? Int
            switch name {
            case "projects.csv": #expect(rows == 4)
            case "projects.ndjson":
                #expect(rows == String(decoding: fileContents(path)!, as: UTF8.self).split(separator: "\n").count)
            default: #expect(rows == Self.csvRows(path), "\(name)")
            }
        }
        #expect(fileContents(result.path + "/projects.csv") == Data(ExportFixtures.hostileCSV.utf8))
        // The directory holds the bundle and the symlink, nothing temporary.
        let name = (result.path as NSString).lastPathComponent
        #expect(ExportFixtures.strayFiles(in: directory.path, expected: [name, "latest"]).isEmpty)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.path("latest")) == name)
    }

    @Test func statisticsTablesMatchTheStatisticsAPI() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let tables = try StatisticsTables(catalog: catalog).all()
        let facet = try Statistics(catalog: catalog).facet(by: .sdg)
        let sdg = try #require(tables.first { $0.name == StatisticsDimension.sdg.rawValue })
        #expect(sdg.rows.prefix(facet.rows.count).map { Int($0[2]) } == facet.rows.map(\.projects))
        let matrix = try #require(tables.first { $0.name == StatisticsTables.matrixName })
        #expect(matrix.rows.count == 19)
    }

    @Test func keepPrunesTheOldestAndLatestFollowsTheNewest() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        var paths: [String] = []
        for _ in 0..<3 { paths.append(try ExportBundle(catalog: catalog).write(into: directory.path, keep: 2).path) }
        // Same second: names get -2, -3 suffixes; all distinct.
        #expect(Set(paths).count == 3)
        let bundles = ExportBundle.bundles(in: directory.path)
        #expect(bundles.count == 2)
        let newest = (paths[2] as NSString).lastPathComponent
        #expect(bundles.contains(newest))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.path("latest")) == newest)
        #expect(fileContents(directory.path("latest/manifest.json")) != nil)
    }

    @Test func keepRecognisesBundlesWithoutSHA256SUMSButNotWithAStrangeOne() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        // Written before SHA256SUMS existed: still this tool's, still pruned.
        let old = try ExportBundle(catalog: catalog).write(into: directory.path).path
        try FileManager.default.removeItem(atPath: old + "/SHA256SUMS")
        // A SHA256SUMS that is a directory is nothing this tool writes: not a bundle, never pruned.
        let odd = try ExportBundle(catalog: catalog).write(into: directory.path).path
        try FileManager.default.removeItem(atPath: odd + "/SHA256SUMS")
        try FileManager.default.createDirectory(atPath: odd + "/SHA256SUMS", withIntermediateDirectories: false)
        let newest = try ExportBundle(catalog: catalog).write(into: directory.path, keep: 1).path
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: odd))
        #expect(FileManager.default.fileExists(atPath: newest))
    }

    @Test func ifChangedComparesTheNewestManifestsLastBatch() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        let bundle = ExportBundle(catalog: catalog, toolVersion: "9.9.9")
        guard case .written(let first) = try bundle.writeIfChanged(into: directory.path) else { Issue.record("nothing written"); return }
        #expect(first.manifest.generatorVersion == "9.9.9")
        guard case .unchanged(let path, let lastBatchID) = try bundle.writeIfChanged(into: directory.path) else {
            Issue.record("written again"); return
        }
        #expect(path == first.path && lastBatchID == first.manifest.lastBatchID)
        // A manifest that does not record its last batch cannot say nothing changed.
        let manifest = first.path + "/manifest.json"
        let text = String(decoding: try #require(fileContents(manifest)), as: UTF8.self)
        let withoutBatch = text.replacingOccurrences(of: "\"last_batch_id\":\(first.manifest.lastBatchID.map(String.init) ?? "null"),", with: "")
        #expect(withoutBatch != text)
        // Same size, so the bundle still passes as this tool's: pad with spaces JSON ignores.
        try Data((withoutBatch + String(repeating: " ", count: text.utf8.count - withoutBatch.utf8.count)).utf8).write(to: URL(fileURLWithPath: manifest))
        guard case .written = try bundle.writeIfChanged(into: directory.path) else { Issue.record("skipped"); return }
    }

    @Test func keepPrunesOnlyBundlesThisToolWrote() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        let fileManager = FileManager.default
        let ours = try ExportBundle(catalog: catalog).write(into: directory.path).path
        // A copy of a real bundle with one more file: someone else's now.
        try fileManager.copyItem(atPath: ours, toPath: directory.path("20200101T000000Z"))
        try Data("notes\n".utf8).write(to: URL(fileURLWithPath: directory.path("20200101T000000Z/notes.txt")))
        // A manifest from another generator, listing exactly its files.
        try fileManager.copyItem(atPath: ours, toPath: directory.path("20200102T000000Z"))
        let manifestData = try #require(fileContents(ours + "/manifest.json"))
        var manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        manifest["generator"] = "another-tool"
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: directory.path("20200102T000000Z/manifest.json")))
        // A bundle from before manifests named their generator: still ours, pruned.
        try fileManager.copyItem(atPath: ours, toPath: directory.path("20200103T000000Z"))
        manifest["generator"] = nil
        manifest["options"] = nil
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: directory.path("20200103T000000Z/manifest.json")))
        // A bundle whose file was changed: the sizes no longer match the manifest.
        try fileManager.copyItem(atPath: ours, toPath: directory.path("20200104T000000Z"))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: directory.path("20200104T000000Z/projects.csv")))

        let newest = try ExportBundle(catalog: catalog).write(into: directory.path, keep: 1).path
        let remaining = Set(ExportBundle.bundles(in: directory.path))
        let newestName = (newest as NSString).lastPathComponent
        #expect(remaining == ["20200101T000000Z", "20200102T000000Z", "20200104T000000Z", newestName])
        #expect(fileContents(directory.path("20200101T000000Z/notes.txt")) == Data("notes\n".utf8))
    }

    @Test func keepOneLeavesOnlyTheNewestEvenWithinOneSecond() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        // Within one second the names are T, T-2, then (T pruned) T-3, never T again, which
        // would sort before T-2 and get the newest bundle pruned instead of the older one.
        for _ in 0..<4 {
            let written = (try ExportBundle(catalog: catalog).write(into: directory.path, keep: 1).path as NSString).lastPathComponent
            #expect(ExportBundle.bundles(in: directory.path) == [written])
        }
    }

    @Test func bundlesAreOrderedByTimestampThenNumber() throws {
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        let names = ["20260101T000000Z-10", "20260101T000001Z", "20260101T000000Z-2", "20260101T000000Z"]
        for name in names { try FileManager.default.createDirectory(atPath: directory.path(name), withIntermediateDirectories: false) }
        #expect(ExportBundle.bundles(in: directory.path) == ["20260101T000000Z", "20260101T000000Z-2", "20260101T000000Z-10", "20260101T000001Z"])
    }

    @Test func temporariesOfKilledRunsAreRemovedAndLiveOnesKept() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        // A pid above Linux's maximum (2^22) cannot be alive; our own pid is.
        let abandoned = directory.path(".bundle-4194305-17")
        let live = directory.path(".bundle-\(getpid())-18")
        try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: false)
        _ = try ExportBundle(catalog: catalog).write(into: directory.path)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
    }

    @Test func aFailedBundleLeavesNothingBehind() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        let first = try ExportBundle(catalog: catalog).write(into: directory.path)
        var filter = ProjectFilter()
        filter.search = "\"unterminated"
        filter.searchUsesFTSSyntax = true
        #expect(throws: SQLiteError.self) { try ExportBundle(catalog: catalog, filter: filter).write(into: directory.path) }
        let name = (first.path as NSString).lastPathComponent
        #expect(ExportFixtures.strayFiles(in: directory.path, expected: [name, "latest"]).isEmpty)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.path("latest")) == name)
    }

    @Test func allFilesDescribeOneInstantWhileAnImportCommits() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let reader = try Catalog(path: temporary.path, access: .read)
        defer { reader.close() }
        // Start the read transaction by hand, commit a new batch from the writer, then write the bundle
        // inside the same snapshot through the same path the bundle uses.
        try reader.database.execute("BEGIN")
        _ = try reader.database.scalarInt("SELECT count(*) FROM project")
        try ExportFixtures.importText(ExportFixtures.header + "\r\nH-009,Late,,,,,,,,,,,,,C1,,,\r\n", into: catalog, directory: temporary.directory)
        let inSnapshot = try ExportFixtures.export(reader).1
        let ndjsonInSnapshot = try ExportFixtures.export(reader) { $0.format = .ndjson }.1
        try reader.database.execute("COMMIT")
        #expect(inSnapshot.rows == 4)
        #expect(ndjsonInSnapshot.rows == 4)
        // A bundle written afterwards sees the new batch in every file.
        let directory = try TemporaryDirectory(prefix: "stocktake-bundle")
        defer { directory.remove() }
        let result = try ExportBundle(catalog: reader).write(into: directory.path)
        #expect(result.manifest.lastBatchID == 2)
        #expect(result.manifest.files.first { $0.name == "projects.csv" }?.rows == 5)
        #expect(result.manifest.files.first { $0.name == "projects.ndjson" }?.rows == 5)
    }
}
