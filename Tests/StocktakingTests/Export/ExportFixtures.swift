import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import TestSupport

/// Small canonical project files full of hostile text, and helpers to load and export them.
enum ExportFixtures {
    static let header = ProjectColumn.fileColumns.map(\.rawValue).joined(separator: ",")

    /// Canonical form already (what the export writes): ordered by external_id without regard to
    /// case, links sorted, minimal RFC 4180 quoting, CRLF. Quotes, commas, CR, LF and CRLF inside
    /// fields, edge spaces, Arabic, Chinese, emoji and formula-looking cells.
    static let hostileCSV = ([header] + hostileRows).map { $0 + "\r\n" }.joined()

    static let hostileRows = [
        #"H-001,"Quotes ""inside"", commas, and more","Line one\#r\#nline two\#nline three\#rend",  وزارة الاتصالات  ,government,DE;FR,national,ongoing,2024-01-15,,"https://example.org/a?b=1,2",a@example.org,=1+1,Project,C1;C7.e-health;C11,3;4;17,1;5,2024-03-01"#,
        #"H-002,=1+1,中文描述，含有逗号 and emoji 🎉👩🏽‍💻,"Ministry ""of"" Tests",,INTERNATIONAL,,,,,,,,,C7.e-government,,,"#,
        #"h-003, leading space title ,  both edges  ,@org,academia,CN;EG,local,completed,2020-01-01,2021-06-30,,,-minus,+plus,C2,9,,2023-12-31"#,
        "H-004,Tab\there,\"\"\"quoted whole\"\"\",Org\tTab,civil society,BR,regional,planned,2025-02-01,,,,,,C8;C9;C10,16;17,2,2025-01-01",
    ]

    /// A migrated database with `csv` imported (as batch 1).
    static func database(importing csv: String = hostileCSV) throws -> (TemporaryDatabase, Catalog) {
        let temporary = try TemporaryDatabase()
        let catalog = try temporary.makeCatalog()
        try importText(csv, into: catalog, directory: temporary.directory)
        return (temporary, catalog)
    }

    @discardableResult
    static func importText(_ text: String, into catalog: Catalog, directory: TemporaryDirectory, kind: ImportOptions.Kind = .projects) throws -> ImportSummary {
        let path = directory.path("import-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var options = ImportOptions()
        options.kind = kind
        return try Importer(catalog: catalog, options: options).importFile(at: path)
    }

    /// The bytes an export writes, through a real file.
    static func export(_ catalog: Catalog, _ configure: (inout ExportOptions) -> Void = { _ in }) throws -> (Data, ExportSummary) {
        let directory = try TemporaryDirectory(prefix: "stocktake-export")
        defer { directory.remove() }
        var options = ExportOptions()
        configure(&options)
        let path = directory.path("out")
        let file = try AtomicFile(targetPath: path)
        let summary = try ProjectExporter(catalog: catalog).export(options, to: file.sink)
        try file.commit()
        return (fileContents(path) ?? Data(), summary)
    }

    static func exportText(_ catalog: Catalog, _ configure: (inout ExportOptions) -> Void = { _ in }) throws -> String {
        String(decoding: try export(catalog, configure).0, as: UTF8.self)
    }

    /// Names in `directory` other than `expected`: leftover temporaries.
    static func strayFiles(in directory: String, expected: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !expected.contains($0) }
    }
}
