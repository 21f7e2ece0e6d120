import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import TestSupport
import Testing

@Suite struct ExportTests {
    // MARK: Round trips

    @Test func canonicalFileExportsByteForByte() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let exported = try ExportFixtures.exportText(catalog)
        #expect(exported == ExportFixtures.hostileCSV)
    }

    @Test func exportImportExportIsByteIdentical() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let (first, summary) = try ExportFixtures.export(catalog)
        #expect(summary.rows == 4)
        #expect(summary.bytes == first.count)

        let empty = try TemporaryDatabase()
        defer { empty.remove() }
        let second = try empty.makeCatalog()
        defer { second.close() }
        let imported = try ExportFixtures.importText(String(decoding: first, as: UTF8.self), into: second, directory: empty.directory)
        #expect(imported.counts.inserted == 4)
        #expect(try ExportFixtures.export(second).0 == first)
    }

    @Test func exportedFileReimportsAsAllUnchanged() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let exported = try ExportFixtures.exportText(catalog)
        let again = try ExportFixtures.importText(exported, into: catalog, directory: temporary.directory)
        #expect(again.counts.unchanged == 4)
        #expect(again.counts.inserted == 0)
        #expect(again.counts.updated == 0)
    }

    @Test func messyInputExportsInCanonicalForm() throws {
        let messy = ExportFixtures.header + "\r\n"
            + "M-1,Title,,Org,Government,fr;de,National,Ongoing,2024-01-05,,,,,,c11;C1,17;SDG 4,,2024-03-01\r\n"
        let (temporary, catalog) = try ExportFixtures.database(importing: messy)
        defer { catalog.close(); temporary.remove() }
        let lines = try ExportFixtures.exportText(catalog).components(separatedBy: "\r\n")
        #expect(lines[1] == "M-1,Title,,Org,government,DE;FR,national,ongoing,2024-01-05,,,,,,C1;C11,4;17,,2024-03-01")
    }

    @Test func tsvQuotesTabsAndReimports() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let tsv = try ExportFixtures.exportText(catalog) { $0.format = .tsv }
        // TSV lines end in LF (for Unix tools); CSV keeps RFC 4180's CRLF.
        #expect(tsv.hasPrefix(ProjectColumn.fileColumns.map(\.rawValue).joined(separator: "\t") + "\nH-001\t"))
        #expect(tsv.contains("H-004\t\"Tab\there\"\t"))
        // Commas need no quotes in TSV.
        #expect(tsv.contains("\thttps://example.org/a?b=1,2\t"))
    }

    // MARK: JSON

    @Test(arguments: [ExportFormat.json, .ndjson])
    func jsonParsesWithNullsAndStableKeyOrder(format: ExportFormat) throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let text = try ExportFixtures.exportText(catalog) { $0.format = format }
        let objects: [[String: Any]]
        if format == .json {
            objects = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        } else {
            let lines = text.split(separator: "\n")
            #expect(lines.count == 4)
            objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }
        #expect(objects.map { $0["external_id"] as? String } == ["H-001", "H-002", "h-003", "H-004"])
        let first = objects[0]
        #expect(first["title"] as? String == #"Quotes "inside", commas, and more"#)
        #expect(first["description"] as? String == "Line one\r\nline two\nline three\rend")
        #expect(first["organization"] as? String == "  وزارة الاتصالات  ")
        #expect(first["countries"] as? [String] == ["DE", "FR"])
        #expect(first["action_lines"] as? [String] == ["C1", "C7.e-health", "C11"])
        #expect(first["sdgs"] as? [Int] == [3, 4, 17])
        #expect(first["end_date"] is NSNull)
        let second = objects[1]
        #expect(second["description"] as? String == "中文描述，含有逗号 and emoji 🎉👩🏽‍💻")
        #expect(second["stakeholder_type"] is NSNull)
        #expect(second["sdgs"] as? [Int] == [])
        #expect(second["countries"] as? [String] == ["INTERNATIONAL"])
        // Every key present in every object, in the header's order.
        for object in objects { #expect(Set(object.keys) == Set(ProjectColumn.fileColumns.map(\.rawValue))) }
        let firstLine = format == .json ? String(text.split(separator: "\n")[1]) : String(text.split(separator: "\n")[0])
        var position = firstLine.startIndex
        for column in ProjectColumn.fileColumns {
            let range = try #require(firstLine.range(of: "\"\(column.rawValue)\":", range: position..<firstLine.endIndex))
            position = range.upperBound
        }
    }

    @Test func labelsAddTitlesNextToCodes() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let text = try ExportFixtures.exportText(catalog) { $0.format = .ndjson; $0.labels = true }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.split(separator: "\n")[0].utf8)) as? [String: Any])
        #expect(object["action_lines"] as? [String] == ["C1", "C7.e-health", "C11"])
        #expect((object["action_line_titles"] as? [String])?[1] == "E-health")
        #expect((object["sdg_titles"] as? [String])?.count == 3)
        #expect((object["country_names"] as? [String])?.count == 2)
        #expect((object["gdc_objective_titles"] as? [String])?.count == 2)
    }

    @Test func labelsAreRefusedForCSV() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        #expect(throws: ExportError.self) { try ExportFixtures.export(catalog) { $0.labels = true } }
    }

    // MARK: Excel

    @Test func excelSafeNeutralizesFormulasAndBOMComesFirst() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let (data, _) = try ExportFixtures.export(catalog) { $0.excelSafe = true; $0.byteOrderMark = true }
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.contains("H-002,'=1+1,"))
        #expect(text.contains(",'@org,"))
        #expect(text.contains(",'-minus,'+plus,"))
        #expect(!text.contains(",=1+1,"))
        // Off by default: the data stay exact.
        #expect(try ExportFixtures.exportText(catalog).contains("H-002,=1+1,"))
    }

    // MARK: Filters and order

    @Test func filtersSelectASubsetInExternalIDOrder() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        var request = ProjectFilterRequest()
        request[.sdg] = ["17"]
        let filter = try request.resolve(catalog.reference)
        let text = try ExportFixtures.exportText(catalog) { $0.filter = filter; $0.format = .ndjson }
        let ids = try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["external_id"] as? String
        }
        #expect(ids == ["H-001", "H-004"])
    }

    @Test func projectIDsOutOfExternalIDOrderStillJoinTheRightLinks() throws {
        // Inserted in reverse order, so project ids fall while external_ids rise: the link cursors seek.
        var rows: [String] = []
        for number in (1...120).reversed() {
            let sdg = number % 17 + 1
            rows.append("R-\(String(format: "%03d", number)),Title \(number),,,,,,,,,,,,,C\(number % 6 + 1),\(sdg),,")
        }
        let csv = ExportFixtures.header + "\r\n" + rows.map { $0 + "\r\n" }.joined()
        let (temporary, catalog) = try ExportFixtures.database(importing: csv)
        defer { catalog.close(); temporary.remove() }
        let exported = try ExportFixtures.exportText(catalog)
        let sortedRows = rows.sorted().map { $0 + "\r\n" }.joined()
        #expect(exported == ExportFixtures.header + "\r\n" + sortedRows)
        // And with a filter that skips most projects.
        var request = ProjectFilterRequest()
        request[.sdg] = ["5"]
        let filter = try request.resolve(catalog.reference)
        let filtered = try ExportFixtures.exportText(catalog) { $0.filter = filter }
        let expected = rows.sorted().filter { $0.hasSuffix(",5,,") }
        #expect(filtered == ExportFixtures.header + "\r\n" + expected.map { $0 + "\r\n" }.joined())
    }

    // MARK: --since-batch

    @Test func sinceBatchListsChangedRowsAndTombstones() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        // Batch 2 changes H-002 and adds H-005; batch 3 deletes H-004; H-001 and h-003 stay as batch 1 wrote them.
        let update = ExportFixtures.header + "\r\n"
            + "H-002,Changed title,,,,INTERNATIONAL,,,,,,,,,C7.e-government,,,\r\n"
            + "H-005,New project,,,,,,,,,,,,,C3,,,\r\n"
            + ExportFixtures.hostileRows[2] + "\r\n"
        let batch2 = try ExportFixtures.importText(update, into: catalog, directory: temporary.directory)
        #expect(batch2.counts.updated == 1 && batch2.counts.inserted == 1 && batch2.counts.unchanged == 1)
        _ = try BatchOperations(catalog: catalog).delete(externalIDs: ["H-004"])

        let text = try ExportFixtures.exportText(catalog) { $0.sinceBatch = 1 }
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines[0] == ExportFixtures.header + ",deleted")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("H-002,Changed title,"))
        #expect(lines[1].hasSuffix(","))
        #expect(lines[2] == "H-004" + String(repeating: ",", count: ProjectColumn.fileColumns.count - 1) + ",true")
        #expect(lines[3].hasPrefix("H-005,New project,"))

        let (_, summary) = try ExportFixtures.export(catalog) { $0.sinceBatch = 2 }
        #expect(summary.rows == 0 && summary.tombstones == 1)
        let (_, everything) = try ExportFixtures.export(catalog) { $0.sinceBatch = 0 }
        #expect(everything.rows == 4 && everything.tombstones == 1)
        let (_, nothing) = try ExportFixtures.export(catalog) { $0.sinceBatch = 3 }
        #expect(nothing.rows == 0 && nothing.tombstones == 0)

        let json = try ExportFixtures.exportText(catalog) { $0.sinceBatch = 1; $0.format = .json }
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["deleted"] as? Bool } == [false, true, false])
        #expect(objects[1]["title"] is NSNull)
    }

    @Test func aReinsertedProjectIsARowNotATombstone() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let delete = try BatchOperations(catalog: catalog).delete(externalIDs: ["H-004"])
        _ = try BatchOperations(catalog: catalog).revert(batchID: try #require(delete.batchID))
        let (text, summary) = try ExportFixtures.export(catalog) { $0.sinceBatch = 1 }
        #expect(summary.tombstones == 0)
        #expect(summary.rows == 1)
        #expect(String(decoding: text, as: UTF8.self).contains("H-004,"))
    }

    // MARK: Other kinds

    @Test func prizesExportInTheImportColumnsAndReimportUnchanged() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        try ExportFixtures.importText("year,category,external_id,result\r\n2024,C11,H-001,winner\r\n2023,C2,h-003,champion\r\n",
                                      into: catalog, directory: temporary.directory, kind: .prizes)
        let text = try ExportFixtures.exportText(catalog) { $0.kind = .prizes }
        #expect(text == "year,category,external_id,result\r\n2023,C2,h-003,champion\r\n2024,C11,H-001,winner\r\n")
        let again = try ExportFixtures.importText(text, into: catalog, directory: temporary.directory, kind: .prizes)
        #expect(again.counts.unchanged == 2)
    }

    @Test func organizationsAndImportsExport() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let organizations = try ExportFixtures.exportText(catalog) { $0.kind = .organizations; $0.format = .ndjson }
        #expect(organizations.split(separator: "\n").count == 4)
        let imports = try ExportFixtures.exportText(catalog) { $0.kind = .imports; $0.format = .json }
        let batches = try #require(try JSONSerialization.jsonObject(with: Data(imports.utf8)) as? [[String: Any]])
        #expect(batches.count == 1)
        #expect(batches[0]["inserted"] as? Int == 4)
    }

    // MARK: Atomicity

    @Test func aFailureMidWriteLeavesThePreviousFileAndNoTemporary() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let directory = try TemporaryDirectory(prefix: "stocktake-atomic")
        defer { directory.remove() }
        let target = directory.path("projects.csv")
        try Data("previous contents\n".utf8).write(to: URL(fileURLWithPath: target))
        let file = try AtomicFile(targetPath: target)
        var options = ExportOptions()
        options.filter.search = "\"unterminated"
        options.filter.searchUsesFTSSyntax = true
        // Some bytes reach the temporary file before the query fails.
        try file.sink.write(String(repeating: "x", count: 100_000))
        try file.sink.flush()
        #expect(throws: SQLiteError.self) { try ProjectExporter(catalog: catalog).export(options, to: file.sink) }
        file.discard()
        #expect(fileContents(target) == Data("previous contents\n".utf8))
        #expect(ExportFixtures.strayFiles(in: directory.path, expected: ["projects.csv"]).isEmpty)
    }

    @Test func anExportIntoAMissingDirectoryFailsWithoutTouchingAnything() throws {
        let directory = try TemporaryDirectory(prefix: "stocktake-atomic")
        defer { directory.remove() }
        #expect(throws: SystemError.self) { try AtomicFile(targetPath: directory.path("missing/projects.csv")) }
        #expect(ExportFixtures.strayFiles(in: directory.path, expected: []).isEmpty)
    }
}
