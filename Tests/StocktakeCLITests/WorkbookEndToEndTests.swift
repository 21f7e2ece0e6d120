import Foundation
import SQLite
import Testing
import TestSupport

/// `stocktake import FILE.xlsx` with the real binary: workbooks recognised by content, problems
/// located by cell, hostile files refused with exit 65 and the database left byte-identical.
@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct WorkbookEndToEndTests {
    static func workbook(_ name: String) -> String { Fixtures.url("workbooks/" + name).path }

    /// A directory with an initialised database.
    static func initialised() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let db = directory.path("t.db")
        #expect(try StocktakeBinary.run(arguments: ["init", "--db", db]).status == 0)
        return (directory, db)
    }

    @Test func theSampleAsAWorkbookExportsByteForByteLikeTheSampleAsCSV() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var exports: [String] = []
        for (name, file) in [("csv", Fixtures.url("projects-sample.csv").path), ("xlsx", Self.workbook("projects-sample.xlsx"))] {
            let db = directory.path(name + ".db")
            let imported = try StocktakeBinary.run(arguments: ["import", "--db", db, file], timeout: 120)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stderr.contains("1200 rows — 1200 inserted"), "\(imported.stderr)")
            let exported = try StocktakeBinary.run(arguments: ["export", "--db", db, "--format", "csv"], timeout: 120)
            #expect(exported.status == 0)
            exports.append(exported.stdout)
        }
        #expect(exports[0].utf8.count > 100_000)
        #expect(exports[0] == exports[1])
    }

    @Test func aTitleRowAboveTheHeaderNeedsHeaderRowAndTheSummaryNamesTheSheet() throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        let file = Self.workbook("cells.xlsx")
        let withoutHeaderRow = try StocktakeBinary.run(arguments: ["import", "--db", db, file])
        #expect(withoutHeaderRow.status == 65)
        #expect(withoutHeaderRow.stderr.contains("\(file):Projects!1:1: unknown column(s)"), "\(withoutHeaderRow.stderr)")
        #expect(withoutHeaderRow.stderr.contains("pass --header-row N"))
        let imported = try StocktakeBinary.run(arguments: ["import", "--db", db, "--header-row", "3", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("2 rows — 2 inserted"))
        #expect(imported.stderr.contains("[sheet \"Projects\", the first of 2 sheets with values; choose with --sheet]"), "\(imported.stderr)")
        let found = try StocktakeBinary.run(arguments: [
            "find", "--db", db, "--format", "tsv", "--no-header", "--columns", "external_id,start_date,end_date,action_lines,sdgs",
        ])
        #expect(found.stdoutLines.sorted() == ["12345\t2019-06-01\t2024-02-29\tC5\t4", "123456789012\t2019\t\tC6\t5"])
        // Choosing the sheet says nothing more; the other sheet has no header the import knows.
        let chosen = try StocktakeBinary.run(arguments: ["import", "--db", db, "--sheet-index", "1", "--header-row", "3", file])
        #expect(chosen.status == 0)
        #expect(!chosen.stderr.contains("choose with --sheet"))
        let notes = try StocktakeBinary.run(arguments: ["import", "--db", db, "--sheet", "Notes", file])
        #expect(notes.status == 65)
        #expect(notes.stderr.contains("\(file):Notes!1:1: unknown column(s)"), "\(notes.stderr)")
        let missing = try StocktakeBinary.run(arguments: ["import", "--db", db, "--sheet", "Budget", file])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("the workbook has no sheet named \"Budget\"; its sheets are: \"Projects\", \"Notes\", \"Hidden\" (hidden)"),
                "\(missing.stderr)")
    }

    @Test func aMergedCellsValueBelongsToItsTopLeftCellOnly() throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        let imported = try StocktakeBinary.run(arguments: ["import", "--db", db, Self.workbook("merged.xlsx")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let found = try StocktakeBinary.run(arguments: [
            "find", "--db", db, "--format", "tsv", "--no-header", "--columns", "external_id,title,description,organization",
        ])
        #expect(found.stdoutLines == [
            "M-1\tTitle merged over title and description\t\tMinistry merged over two rows",
            "M-2\tSecond\tIts own description\t",
        ])
    }

    @Test func cellProblemsAreLocatedByCellInMessagesReportsAndRejects() throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        let file = Self.workbook("errors.xlsx")
        let before = snapshot(ofDatabaseAt: db)
        let rejected = try StocktakeBinary.run(arguments: ["import", "--db", db, file])
        #expect(rejected.status == 65)
        #expect(rejected.stderr.contains("\(file):Data!B3 (E-2): column title: value \"#N/A\": the cell holds the error value #N/A"), "\(rejected.stderr)")
        #expect(rejected.stderr.contains("\(file):Data!D4 (E-3): column sdgs: the cell has a formula whose result was never saved"))
        #expect(rejected.stderr.contains("\(file):Data!C5 (E-4): column action_lines: value \"#REF!\""))
        #expect(rejected.stderr.contains("rejected, nothing was written (3 problems in 3 of 4 rows)"))
        #expect(snapshot(ofDatabaseAt: db) == before)

        let report = directory.path("report.json")
        let rejects = directory.path("rejects.csv")
        let skipped = try StocktakeBinary.run(arguments: [
            "import", "--db", db, "--skip-invalid", "--rejects", rejects, "--report", report, file,
        ])
        #expect(skipped.status == 2, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("4 rows — 1 inserted, 0 updated, 0 unchanged, 3 rejected"), "\(skipped.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        let problems = json["problems"] as! [[String: Any]]
        #expect(problems.map { $0["cell"] as? String } == ["Data!B3", "Data!D4", "Data!C5"])
        #expect(problems.allSatisfy { $0["line"] == nil })
        // The rejected rows come back as CSV that imports again once fixed.
        let rejectsBytes = try Data(contentsOf: URL(fileURLWithPath: rejects))
        #expect(rejectsBytes.starts(with: [0xEF, 0xBB, 0xBF]))  // so that Excel opens it as UTF-8
        let rejectsText = String(decoding: rejectsBytes.dropFirst(3), as: UTF8.self)
        #expect(rejectsText.hasPrefix("external_id,title,action_lines,sdgs,error\r\n"), "\(rejectsText)")
        #expect(rejectsText.contains("E-3,Formula without result,C3,,\"column sdgs: the cell has a formula"), "\(rejectsText)")
    }

    @Test func aWorkbooksRejectsAreAWorkbookThatImportsBackOnceFixed() throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        let rejects = directory.path("rejects.xlsx")
        let skipped = try StocktakeBinary.run(arguments: [
            "import", "--db", db, "--skip-invalid", "--rejects", rejects, Self.workbook("errors.xlsx"),
        ])
        #expect(skipped.status == 2, "\(skipped.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: rejects))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // a zip: the workbook staff fix in Excel
        // Read back with the project's own reader: the three rows as read plus the error column,
        // which an import of the fixed file recognises and ignores.
        let inspected = try StocktakeBinary.run(arguments: ["inspect", "--format", "json", rejects])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any])
        #expect(document["rows"] as? Int == 3, "\(inspected.stdout)")
        let columns = try #require(document["columns"] as? [[String: Any]])
        #expect(columns.map { $0["name"] as? String } == ["external_id", "title", "action_lines", "sdgs", "error"])
        let sheet = (document["file"] as? [String: Any])?["sheet"] as? String
        #expect(sheet == "Rejected rows")
        let ids = try StocktakeBinary.run(arguments: ["find", "--from", rejects, "--format", "tsv", "--no-header", "--columns", "external_id"])
        #expect(ids.status == 2)  // the rows are still wrong until fixed, and are still skipped
        // Named .csv, the rejects of a workbook stay CSV.
        let csvRejects = directory.path("rejects.csv")
        _ = try StocktakeBinary.run(arguments: ["import", "--db", db, "--skip-invalid", "--rejects", csvRejects, Self.workbook("errors.xlsx")])
        #expect(try Data(contentsOf: URL(fileURLWithPath: csvRejects)).starts(with: [0xEF, 0xBB, 0xBF]))
    }

    @Test func aWorkbookOnStandardInputIsSpooledAndRead() throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.workbook("dates-1904.xlsx")))
        let imported = try StocktakeBinary.run(arguments: ["import", "--db", db, "-"], stdin: bytes)
        #expect(imported.status == 0, "\(imported.stderr)")
        let found = try StocktakeBinary.run(arguments: ["find", "--db", db, "--format", "tsv", "--no-header", "--columns", "external_id,start_date,end_date"])
        #expect(found.stdoutLines == ["D-1904\t1904-01-01\t2001-01-02"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("stocktake-workbook-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func excelsPhantomLeapDayIsRejectedNotShifted() throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        let file = Self.workbook("dates-1900.xlsx")
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, file])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file):Sheet1!D4 (S-60): column start_date: value \"1900-02-29\""), "\(result.stderr)")
        #expect(result.stderr.contains("(1 problem in 1 of 5 rows)"))
    }

    @Test(arguments: [
        ("truncated.xlsx", "the workbook is damaged or incomplete"),
        ("zip-bomb.xlsx", "inflates more than 200 times its compressed size"),
        ("xxe.xlsx", "declares a document type (DTD)"),
        ("billion-laughs.xlsx", "declares a document type (DTD)"),
        ("too-many-rows.xlsx", "has more than 1048576 rows"),
        ("too-many-columns.xlsx", "beyond column XFD"),
        ("encrypted.xlsx", "the workbook is password-protected"),
        ("legacy.xls", "old-style Excel workbook (.xls"),
        ("spreadsheet.ods", "OpenDocument spreadsheet (.ods); open it in LibreOffice or Excel and save it as .xlsx or CSV"),
    ])
    func hostileAndUnsupportedFilesExit65LeavingTheDatabaseByteIdentical(_ name: String, _ expected: String) throws {
        let (directory, db) = try Self.initialised()
        defer { directory.remove() }
        #expect(try StocktakeBinary.run(arguments: ["import", "--db", db, Self.workbook("dates-1904.xlsx")]).status == 0)
        let before = snapshot(ofDatabaseAt: db)
        let result = try StocktakeBinary.run(arguments: ["import", "--db", db, Self.workbook(name)], timeout: 30)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was written"))
        #expect(result.stderr.utf8.count < 2_000)
        #expect(snapshot(ofDatabaseAt: db) == before)
    }
}
