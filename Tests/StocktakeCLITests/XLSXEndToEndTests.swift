import CSV
import Foundation
import Testing
import TestSupport
import Workbook

/// `--format xlsx` with the real binary: export → import → export CSV is byte-identical to the
/// direct CSV export, on the sample and on a generated set; the workbook is read back with the
/// project's own reader; refusals, limits, `find`, `stats` and bundles.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct XLSXEndToEndTests {
    static func run(_ arguments: [String]) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: arguments, timeout: 180)
    }

    /// Imports `file` into a new database `name`.db in `directory` and returns its path.
    static func imported(_ file: String, as name: String, in directory: TemporaryDirectory) throws -> String {
        let db = directory.path(name + ".db")
        let result = try run(["import", "--db", db, file])
        #expect(result.status == 0, "\(result.stderr)")
        return db
    }

    /// export --format xlsx → import → export --format csv, against the direct CSV export.
    static func checkRoundTrip(of file: String, in directory: TemporaryDirectory) throws -> (db: String, csv: String) {
        let db = try imported(file, as: "source", in: directory)
        let direct = directory.path("direct.csv")
        #expect(try run(["export", "--db", db, "--out", direct]).status == 0)
        let workbook = directory.path("projects.xlsx")
        let exported = try run(["export", "--db", db, "--format", "xlsx", "--out", workbook])
        #expect(exported.status == 0, "\(exported.stderr)")
        let again = try imported(workbook, as: "again", in: directory)
        let through = directory.path("through.csv")
        #expect(try run(["export", "--db", again, "--out", through]).status == 0)
        let directBytes = try #require(fileContents(direct))
        #expect(directBytes.count > 200)
        #expect(fileContents(through) == directBytes)
        return (db, direct)
    }

    @Test func theSampleRoundTripsByteForByte() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.checkRoundTrip(of: Fixtures.url("projects-sample.csv").path, in: directory)
    }

    /// Projects with multi-line text (CRLF, LF, CR), quotes, non-ASCII, formula-like values,
    /// `_xHHHH_`-like text and ids of digits with leading zeros.
    static func generatedCSV(rows: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let words = ["Genève", "Łódź", "北京", "عربى", "🌍", "naïve", "\"quoted\"", "it's", "a,b", "_x0041_", "&<>", "tab\there", "x"]
        let formulas = ["=1+1", "+44 20 7946 0000", "-minus", "@SUM(A1)", "=HYPERLINK(\"http://evil\")", "-", "="]
        let breaks = ["\r\n", "\n", "\r"]
        func csvField(_ text: String) -> String {
            text.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = ["external_id,title,description,organization,countries,start_date,end_date,partners,action_lines,sdgs,submitted_on"]
        for index in 0..<rows {
            let id = index % 3 == 0 ? String(format: "%06d", index) : (index % 3 == 1 ? "0\(index)" : "GEN-\(index)")
            var description = ""
            for part in 0..<Int(random.next() % 6) + 1 {
                if part > 0 { description += pick([" ", pick(breaks)]) }
                description += pick(words) + " " + pick(words)
            }
            let title = index % 4 == 0 ? pick(formulas) : pick(words) + " " + pick(formulas)
            let year = 1995 + Int(random.next() % 30)
            let start = index % 5 == 0 ? "\(year)" : String(format: "%04d-%02d-%02d", year, Int(random.next() % 12) + 1, Int(random.next() % 28) + 1)
            let fields = [
                id, title, description, pick(words) + " Org", pick(["DE;FR", "BR", "CN;EG", ""]), start, index % 2 == 0 ? "" : "2030-12-31",
                pick(formulas), pick(["C1", "C7.e-health;C11", "C2;C3"]), pick(["4", "3;4;17", ""]), "2024-03-01",
            ]
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    @Test func aGeneratedSetOfHostileValuesRoundTripsByteForByte() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("generated.csv")
        try Data(Self.generatedCSV(rows: 300, seed: 15).utf8).write(to: URL(fileURLWithPath: file))
        let (db, direct) = try Self.checkRoundTrip(of: file, in: directory)
        let text = String(decoding: try #require(fileContents(direct)), as: UTF8.self)
        #expect(text.contains("\n000003,") && text.contains("=1+1"))
        // Ids of digits stay text (leading zeros kept) and formula-like values stay strings.
        let workbook = try Workbook(path: directory.path("projects.xlsx"))
        let rows = try workbook.rows(of: workbook.sheets[0])
        _ = try rows.next()
        let first = try #require(try rows.next())
        #expect(first.cells[0].column == 1 && first.cells[0].value == .text("000000"))
        _ = db
    }

    @Test func twoExportsOfTheSameDataAreByteIdentical() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Self.imported(Fixtures.url("projects-sample.csv").path, as: "t", in: directory)
        for name in ["a.xlsx", "b.xlsx"] {
            #expect(try Self.run(["export", "--db", db, "--format", "xlsx", "--out", directory.path(name)]).status == 0)
        }
        let first = try #require(fileContents(directory.path("a.xlsx")))
        #expect(first == fileContents(directory.path("b.xlsx")))
    }

    @Test func aWorkbookIsNeverWrittenToStandardOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Self.imported(Fixtures.url("projects-sample.csv").path, as: "t", in: directory)
        for arguments in [["export", "--format", "xlsx"], ["export", "--format", "xlsx", "--out", "-"], ["find", "--format", "xlsx"],
                          ["stats", "--by", "sdg", "--format", "xlsx"]] {
            let result = try Self.run(arguments + ["--db", db])
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains("give --out FILE"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let wrongFlag = try Self.run(["export", "--db", db, "--truncate-long-cells", "--out", directory.path("x.csv")])
        #expect(wrongFlag.status == 64)
        #expect(wrongFlag.stderr.contains("--truncate-long-cells is for --format xlsx"))
    }

    @Test func aTooLongCellFailsWithExit1AndLeavesTheFileUnlessTruncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("long.csv")
        let long = String(repeating: "y", count: 40_000)
        try Data("external_id,title,description,action_lines\r\nLONG-1,Long,\(long),C1\r\nOK-2,Fine,short,C2\r\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        let db = try Self.imported(file, as: "t", in: directory)
        let out = directory.path("out.xlsx")
        try Data("previous".utf8).write(to: URL(fileURLWithPath: out))
        let failed = try Self.run(["export", "--db", db, "--format", "xlsx", "--out", out])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("project LONG-1: description has 40000 characters"), "\(failed.stderr)")
        #expect(failed.stderr.contains("--truncate-long-cells"))
        #expect(fileContents(out) == Data("previous".utf8))

        let truncated = try Self.run(["export", "--db", db, "--format", "xlsx", "--truncate-long-cells", "--out", out])
        #expect(truncated.status == 0, "\(truncated.stderr)")
        #expect(truncated.stderr.contains("truncated 1 cell(s)"))
        #expect(truncated.stderr.contains("project LONG-1: description (40000 characters)"))
        let workbook = try Workbook(path: out)
        let rows = try workbook.rows(of: workbook.sheets[0])
        _ = try rows.next()
        let row = try #require(try rows.next())
        #expect(row.cells[2].value == .text(String(repeating: "y", count: 32_767)))
        let about = try workbook.rows(of: workbook.sheets[1])
        var aboutTexts: [String] = []
        while let line = try about.next() { for cell in line.cells { if case .text(let text) = cell.value { aboutTexts.append(text) } } }
        #expect(aboutTexts.contains("project LONG-1: description had 40000 characters, cut to 32767"))
        #expect(aboutTexts.contains { $0.hasPrefix("stocktake ") })
    }

    @Test func findAndStatsWriteWorkbooksWithOut() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Self.imported(Fixtures.url("projects-sample.csv").path, as: "t", in: directory)
        let found = directory.path("found.xlsx")
        let find = try Self.run(["find", "--db", db, "--sdg", "4", "--columns", "external_id,title,start_date,sdgs", "--format", "xlsx", "--out", found])
        #expect(find.status == 0, "\(find.stderr)")
        #expect(find.stdout.isEmpty)
        let csv = try Self.run(["find", "--db", db, "--sdg", "4", "--columns", "external_id,title,start_date,sdgs", "--format", "csv"])
        let workbook = try Workbook(path: found)
        #expect(workbook.sheets.map(\.name) == ["Results", "About"])
        let rows = try workbook.rows(of: workbook.sheets[0])
        var count = 0
        var firstData: SheetRow?
        while let row = try rows.next() {
            if count == 1 { firstData = row }
            count += 1
        }
        #expect(count == csv.stdoutLines.count)
        let expected = csv.stdoutLines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(firstData.map { $0.cells.map { cell -> String in if case .text(let t) = cell.value { t } else if case .number(let t) = cell.value { t } else { "?" } } }
            == expected.filter { !$0.isEmpty })

        let stats = directory.path("stats.xlsx")
        let result = try Self.run(["stats", "--db", db, "--by", "region", "--format", "xlsx", "--out", stats])
        #expect(result.status == 0, "\(result.stderr)")
        let statsRows = try Workbook(path: stats).rows(of: try Workbook(path: stats).sheets[0])
        let header = try #require(try statsRows.next())
        #expect(header.cells.map(\.value) == [.text("region"), .text("label"), .text("projects")])
        let first = try #require(try statsRows.next())
        if case .number = first.cells.last?.value {} else { Issue.record("the count is not a number cell: \(first)") }
        // --out with the database's path is refused like every other output.
        let refused = try Self.run(["stats", "--db", db, "--by", "region", "--format", "xlsx", "--out", db])
        #expect(refused.status == 64)
    }

    @Test func aBundleWithFormatXlsxAddsWorkbooksToTheManifest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Self.imported(Fixtures.url("projects-sample.csv").path, as: "t", in: directory)
        #expect(try Self.run(["import", "--db", db, "--kind", "prizes", Fixtures.url("prizes-sample.csv").path]).status != 64)
        let bundles = directory.path("bundles")
        let result = try Self.run(["export", "--db", db, "--bundle", bundles, "--format", "xlsx"])
        #expect(result.status == 0, "\(result.stderr)")
        let latest = bundles + "/latest"
        let manifest = String(decoding: try #require(fileContents(latest + "/manifest.json")), as: UTF8.self)
        #expect(manifest.contains("\"name\":\"projects.xlsx\",\"rows\":1200"))
        #expect(manifest.contains("\"name\":\"prizes.xlsx\""))
        #expect(manifest.contains("\"xlsx\":true"))
        let sums = String(decoding: try #require(fileContents(latest + "/SHA256SUMS")), as: UTF8.self)
        #expect(sums.contains("  projects.xlsx\n") && sums.contains("  prizes.xlsx\n"))
        #expect(try Workbook(path: latest + "/projects.xlsx").sheets.map(\.name) == ["Projects", "About", "Reference"])
        let csvOnly = try Self.run(["export", "--db", db, "--bundle", bundles, "--format", "json"])
        #expect(csvOnly.status == 64)
    }
}

/// A real consumer: LibreOffice converts the exported workbook to CSV, and every cell must equal
/// the CSV export's. Slow (LibreOffice starts in seconds), so `swift test` leaves it to
/// `Tests/Scripts/libreoffice-check.sh`, which sets STOCKTAKE_LIBREOFFICE_CHECK=1.
@Suite(
    .enabled(if: StocktakeBinary.isAvailable),
    .enabled(if: LibreOffice.isRequested, "the LibreOffice check runs from Tests/Scripts/libreoffice-check.sh (STOCKTAKE_LIBREOFFICE_CHECK=1)"),
    .enabled(if: LibreOffice.soffice != nil, "soffice is not on PATH (Debian: apt-get install --no-install-recommends libreoffice-calc-nogui): LibreOffice check skipped"))
struct LibreOfficeCheckTests {
    @Test(arguments: ["sample", "generated"])
    func libreOfficeReadsEveryCellAsTheCSVExportHasIt(set: String) throws {
        try LibreOffice.check(set: set)
    }
}

enum LibreOffice {
    static var isRequested: Bool { ProcessInfo.processInfo.environment["STOCKTAKE_LIBREOFFICE_CHECK"] == "1" }

    static var soffice: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/soffice"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// LibreOffice splits a cell with a line feed into paragraphs and writes each break as LF:
    /// there CRLF, LF CR and a lone CR all become LF (observed with LibreOffice 7.4 on cells
    /// written as `_x000D_` and LF). A cell without LF keeps its CRs.
    static func asLibreOfficeKeepsIt(_ text: String) -> String {
        guard text.unicodeScalars.contains("\n") else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n\r", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
    }

    /// Every record of a CSV file, parsed by the project's reader.
    static func records(_ path: String) throws -> [[String]] {
        let reader = CSVReader(source: try FileByteSource(path: path))
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record.fields) }
        return records
    }

    static func check(set: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var source = Fixtures.url("projects-sample.csv").path
        if set == "generated" {
            source = directory.path("generated.csv")
            try Data(XLSXEndToEndTests.generatedCSV(rows: 300, seed: 15).utf8).write(to: URL(fileURLWithPath: source))
        }
        let db = try XLSXEndToEndTests.imported(source, as: "t", in: directory)
        let csv = directory.path("direct.csv"), workbook = directory.path("projects.xlsx")
        #expect(try XLSXEndToEndTests.run(["export", "--db", db, "--out", csv]).status == 0)
        #expect(try XLSXEndToEndTests.run(["export", "--db", db, "--format", "xlsx", "--out", workbook]).status == 0)

        // UTF-8 (76), comma, double quote, cells as shown (dates as yyyy-mm-dd, ids as text).
        let converted = directory.path("converted")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.soffice))
        process.arguments = [
            "-env:UserInstallation=file://" + directory.path("profile"), "--headless",
            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false", "--outdir", converted, workbook,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let fromLibreOffice = try Self.records(converted + "/projects.csv")
        let fromCSV = try Self.records(csv)
        #expect(fromLibreOffice.count == fromCSV.count)
        var compared = 0
        for (row, (theirs, ours)) in zip(fromLibreOffice, fromCSV).enumerated() {
            #expect(theirs.count == ours.count, "row \(row + 1)")
            for (column, (cell, expected)) in zip(theirs, ours).enumerated() {
                #expect(cell == Self.asLibreOfficeKeepsIt(expected), "row \(row + 1), column \(column + 1)")
                compared += 1
            }
        }
        #expect(compared > 3000)
    }
}
