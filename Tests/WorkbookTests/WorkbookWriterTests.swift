import Foundation
import Glibc
import Testing
import TestSupport
@testable import Workbook

/// The workbook writer: cells escaped and typed so that the project's own reader (and Excel's
/// rules, which it follows) gives back exactly what was written, and the same bytes every time.
struct WorkbookWriterTests {
    /// Writes a workbook whose first sheet has `rows` (via `body`) into `path`.
    static func write(to path: String, _ body: (inout SheetRowWriter, inout [UInt8]) -> Void) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        let writer = try WorkbookWriter(descriptor: fd)
        try writer.beginSheet()
        var buffer = WorksheetXML.start(frozenHeader: true, columnWidths: [10, 20])
        var rows = SheetRowWriter()
        body(&rows, &buffer)
        buffer += WorksheetXML.end(autoFilter: (rows.row, 2))
        try writer.write(buffer)
        try writer.endSheet(name: "Data", filterRange: (rows.row, 2))
        try writer.addSheet(name: "About", xml: SmallSheet(rows: [[.bold("Rows"), .integer(Int64(rows.row))]]).xml)
        try writer.finish(modified: "2025-01-02T03:04:05Z")
    }

    static func readRows(_ path: String, sheet: Int = 0) throws -> [SheetRow] {
        let workbook = try Workbook(path: path)
        let rows = try workbook.rows(of: workbook.sheets[sheet])
        var result: [SheetRow] = []
        while let row = try rows.next() { result.append(row) }
        return result
    }

    /// The XML of one part, inflated with the reader's zip code.
    static func part(_ name: String, of path: String) throws -> String {
        let archive = try ZipArchive(path: path, limits: ZipLimits())
        var bytes: [UInt8] = []
        try archive.stream(name) { chunk, _ in bytes.append(contentsOf: chunk) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let hostileTexts: [String] = [
        "plain", "  leading and trailing  ", "\ttab first", "last newline\n", "two\nlines", "carriage\r\nreturn",
        "<b>&amp; \"quotes\" 'single' &lt;</b>", "=SUM(A1:A9)", "+44 20 7946 0000", "-12", "@cmd", "=1+1",
        "control \u{01}\u{08}\u{0B}\u{0C}\u{1F} chars", "literal _x0041_ and _x000D_ and _x005F_", "_x0041_", "a_b_x12_",
        "non-ASCII: Genève, Łódź, 北京, عربى, 🌍", "noncharacters \u{FFFE} \u{FFFF}", "007", "1e5", "TRUE",
        String(repeating: "long ", count: 2000),
    ]

    @Test func textComesBackExactlyThroughTheReader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("t.xlsx")
        try Self.write(to: path) { rows, buffer in
            rows.beginRow(&buffer)
            rows.text("value", style: .header, &buffer)
            rows.endRow(&buffer)
            for text in Self.hostileTexts {
                rows.beginRow(&buffer)
                rows.text(text, &buffer)
                rows.endRow(&buffer)
            }
        }
        let read = try Self.readRows(path)
        #expect(read.count == Self.hostileTexts.count + 1)
        for (index, text) in Self.hostileTexts.enumerated() {
            #expect(read[index + 1].cells == [Cell(column: 1, value: .text(text))], "row \(index + 2): \(text.debugDescription)")
        }
    }

    @Test func formulaLikeTextIsAnInlineStringAndNeverAFormula() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("t.xlsx")
        try Self.write(to: path) { rows, buffer in
            for text in ["=SUM(A1:A9)", "+1", "-1", "@x", "=HYPERLINK(\"http://x\")"] {
                rows.beginRow(&buffer)
                rows.text(text, &buffer)
                rows.endRow(&buffer)
            }
        }
        let xml = try Self.part("xl/worksheets/sheet1.xml", of: path)
        #expect(!xml.contains("<f>") && !xml.contains("<f "))
        #expect(xml.contains("<c r=\"A1\" t=\"inlineStr\"><is><t>=SUM(A1:A9)</t></is></c>"))
        #expect(xml.contains("<c r=\"A5\" t=\"inlineStr\"><is><t>=HYPERLINK(\"http://x\")</t></is></c>"))
    }

    @Test func escapesAreExcelsAndEdgeSpacesArePreserved() {
        func escaped(_ text: String) -> String {
            var buffer: [UInt8] = []
            var rows = SheetRowWriter()
            rows.beginRow(&buffer)
            rows.text(text, &buffer)
            let xml = String(decoding: buffer, as: UTF8.self)
            return String(xml[xml.range(of: "<is>")!.lowerBound...])
        }
        #expect(escaped("a&b<c>d") == "<is><t>a&amp;b&lt;c&gt;d</t></is></c>")
        #expect(escaped("x\r\ny") == "<is><t>x_x000D_\ny</t></is></c>")
        #expect(escaped("\u{01}\u{1F}") == "<is><t>_x0001__x001F_</t></is></c>")
        #expect(escaped("_x0041_") == "<is><t>_x005F_x0041_</t></is></c>")
        #expect(escaped("_x00G1_ _x12_") == "<is><t>_x00G1_ _x12_</t></is></c>")
        #expect(escaped(" a") == "<is><t xml:space=\"preserve\"> a</t></is></c>")
        #expect(escaped("a\n") == "<is><t xml:space=\"preserve\">a\n</t></is></c>")
        #expect(escaped("\u{FFFF}") == "<is><t>_xFFFF_</t></is></c>")
    }

    @Test func invalidUTF8BecomesTheReplacementCharacter() {
        var buffer: [UInt8] = []
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x8C, 0x8D]
        bytes.withUnsafeBytes { SheetRowWriter.appendEscaped($0, to: &buffer) }
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text == "a\u{FFFD}b\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}🌍")
        #expect(String(validating: buffer, as: UTF8.self) != nil)
    }

    @Test func numbersDatesAndBooleansAreTyped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("t.xlsx")
        let dates = ["1900-03-01", "1999-12-31", "2000-02-29", "2024-02-29", "9999-12-31"]
        try Self.write(to: path) { rows, buffer in
            rows.beginRow(&buffer)
            rows.number(Array("42".utf8), &buffer)
            rows.number(0.1, &buffer)
            rows.number(-123456789.25, &buffer)
            rows.boolean(true, &buffer)
            rows.skipCell()
            rows.number(1e-7, &buffer)
            rows.endRow(&buffer)
            for date in dates {
                rows.beginRow(&buffer)
                date.utf8CString.withUnsafeBytes { raw in
                    rows.date(serial: CellText.serial(isoDate: UnsafeRawBufferPointer(rebasing: raw.dropLast()))!, &buffer)
                }
                rows.endRow(&buffer)
            }
        }
        let read = try Self.readRows(path)
        #expect(read[0].cells == [
            Cell(column: 1, value: .number("42")), Cell(column: 2, value: .number("0.1")), Cell(column: 3, value: .number("-123456789.25")),
            Cell(column: 4, value: .text("TRUE")), Cell(column: 6, value: .number("0.0000001")),
        ])
        #expect(read.dropFirst().map(\.cells) == dates.map { [Cell(column: 1, value: .text($0))] })
        let styles = try Self.part("xl/styles.xml", of: path)
        #expect(styles.contains("formatCode=\"yyyy\\-mm\\-dd\""))
    }

    @Test func serialsAndDatesAreInverses() {
        func serial(_ text: String) -> Int? {
            Array(text.utf8).withUnsafeBytes { CellText.serial(isoDate: $0) }
        }
        #expect(serial("1900-03-01") == 61)
        #expect(serial("1970-01-01") == 25_569)
        #expect(serial("2024-02-29") == 45_351)
        for text in ["1900-02-28", "1899-12-31", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "2024-01-0a", "", "2024-01-01T00"] {
            #expect(serial(text) == nil, "\(text)")
        }
        for day in stride(from: 61, through: 2_958_465, by: 997) {
            let date = CellText.date(serial: Double(day), uses1904: false)!
            #expect(serial(date) == day, "\(day) \(date)")
        }
    }

    @Test func excelCountsUTF16UnitsAndTruncationEndsBetweenCharacters() {
        let text = "a🌍é"  // 1 + 2 + 1 units; 1 + 4 + 2 bytes
        Array(text.utf8).withUnsafeBytes { bytes in
            #expect(SheetRowWriter.characterCount(bytes) == 4)
            #expect(SheetRowWriter.prefixLength(bytes, characters: 1) == 1)
            #expect(SheetRowWriter.prefixLength(bytes, characters: 2) == 1)
            #expect(SheetRowWriter.prefixLength(bytes, characters: 3) == 5)
            #expect(SheetRowWriter.prefixLength(bytes, characters: 4) == 7)
        }
    }

    @Test func theSameRowsGiveTheSameBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["a.xlsx", "b.xlsx"] {
            try Self.write(to: directory.path(name)) { rows, buffer in
                for (index, text) in Self.hostileTexts.enumerated() {
                    rows.beginRow(&buffer)
                    rows.text(text, &buffer)
                    rows.number(Double(index) / 3, &buffer)
                    rows.endRow(&buffer)
                }
            }
        }
        let first = try #require(fileContents(directory.path("a.xlsx")))
        #expect(first.count > 500)
        #expect(first == fileContents(directory.path("b.xlsx")))
        // Every entry carries the zip's earliest time, 1980-01-01 00:00 (DOS date 0x0021, time 0).
        let bytes = [UInt8](first)
        #expect(bytes[0..<4] == [0x50, 0x4B, 0x03, 0x04])
        #expect(bytes[10..<14] == [0x00, 0x00, 0x21, 0x00])
    }

    @Test func theWorkbookListsItsSheetsStylesAndFilter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("t.xlsx")
        try Self.write(to: path) { rows, buffer in
            rows.beginRow(&buffer)
            rows.text("id", style: .header, &buffer)
            rows.text("name", style: .header, &buffer)
            rows.endRow(&buffer)
        }
        let workbook = try Workbook(path: path)
        #expect(workbook.sheets.map(\.name) == ["Data", "About"])
        let sheet = try Self.part("xl/worksheets/sheet1.xml", of: path)
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(sheet.contains("<autoFilter ref=\"A1:B1\"/>"))
        #expect(sheet.contains("<c r=\"A1\" s=\"1\" t=\"inlineStr\">"))
        #expect(try Self.part("xl/workbook.xml", of: path).contains("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'Data'!$A$1:$B$1</definedName>"))
        #expect(try Self.part("docProps/core.xml", of: path).contains("2025-01-02T03:04:05Z"))
        #expect(try Self.readRows(path, sheet: 1) == [SheetRow(number: 1, cells: [Cell(column: 1, value: .text("Rows")), Cell(column: 2, value: .number("1"))])])
    }

    /// The sheet is deflated on a second thread (`DeflateThread`): many more buffers than its queue
    /// holds come back in order, byte for byte.
    @Test func aSheetDeflatedInTheBackgroundKeepsItsBytesInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("big.xlsx")
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        let writer = try WorkbookWriter(descriptor: fd)
        try writer.beginSheet()
        try writer.write(WorksheetXML.start(frozenHeader: false, columnWidths: [10]))
        let rowCount = 20_000
        var rows = SheetRowWriter()
        var buffer: [UInt8] = []
        var writes = 0
        for index in 0..<rowCount {
            rows.beginRow(&buffer)
            rows.text("row \(index) " + String(repeating: "x", count: index % 97), &buffer)
            rows.endRow(&buffer)
            if buffer.count > 16 << 10 {
                try writer.write(buffer)
                buffer.removeAll(keepingCapacity: true)
                writes += 1
            }
        }
        try writer.write(buffer + WorksheetXML.end(autoFilter: nil))
        try writer.endSheet(name: "Data")
        try writer.finish(modified: "2025-01-02T03:04:05Z")
        #expect(writes > DeflateThread.capacity * 4)
        let read = try Self.readRows(path)
        #expect(read.count == rowCount)
        for (index, row) in read.enumerated() where index % 997 == 0 || index == rowCount - 1 {
            #expect(row.cells == [Cell(column: 1, value: .text("row \(index) " + String(repeating: "x", count: index % 97)))])
        }
    }

    /// A full disk while the background thread deflates is reported with its errno, not lost.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func aFullDiskDuringTheSheetIsReported() throws {
        let fd = open("/dev/full", O_WRONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        var caught: WorkbookWriteError?
        do {
            let writer = try WorkbookWriter(descriptor: fd)
            try writer.beginSheet()
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 10)
            for _ in 0..<64 { try writer.write(chunk) }
            try writer.endSheet(name: "Data")
            try writer.finish()
        } catch {
            caught = error as? WorkbookWriteError
        }
        #expect(caught?.code == ENOSPC, "\(String(describing: caught))")
    }

    @Test func aPipeIsRefused() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        #expect(throws: WorkbookWriteError.self) { try WorkbookWriter(descriptor: ends[1]) }
    }
}
