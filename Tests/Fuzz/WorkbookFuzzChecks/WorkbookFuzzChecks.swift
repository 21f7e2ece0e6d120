// What the workbook reader fuzzer does with one input, in one place: the libFuzzer harness
// (`Tests/Fuzz/WorkbookFuzz.swift`, built by `Tests/Fuzz/run.sh`) and the replay of kept inputs
// (`Tests/WorkbookTests/WorkbookFuzzRegressionTests.swift`, in `swift test`) both call
// `WorkbookFuzzChecks.violations(of:)`.
//
// Input layout: the first byte chooses what the rest is. Even: a whole .xlsx (zip) file, so that
// the zip directory, inflating and CRC checks are fuzzed. Odd: the XML of the first sheet, which
// the harness wraps in a minimal workbook (stored entries, correct CRCs) with two shared strings
// and a date style, so that mutations reach the XML and cell parsing instead of dying at the CRC.
//
// Every input must be read or refused with a `WorkbookError` — never a crash, a hang or an
// unbounded allocation — and what is read must be within Excel's bounds and the same when read twice.
import CMinizip
import Glibc
import Workbook

public enum WorkbookFuzzChecks {
    /// The limits the fuzzer reads with: small, so that a bomb is refused quickly.
    static var limits: ZipLimits {
        var limits = ZipLimits()
        limits.maximumTotalBytes = 32 << 20
        limits.ratioGrace = 64 << 10
        return limits
    }

    public static func violations(of bytes: [UInt8]) -> [String] {
        let file = bytes.first.map { $0 & 1 == 1 } == true ? wrap(sheetXML: Array(bytes.dropFirst())) : Array(bytes.dropFirst())
        guard let path = writeTemporaryFile(file) else { return [] }
        defer { unlink(path) }
        let first = read(path)
        var violations = first.violations
        let second = read(path)
        if second.outcome != first.outcome { violations.append("two reads of the same file differ") }
        return violations
    }

    struct Read {
        var outcome: [String] = []
        var violations: [String] = []
    }

    /// Every sheet's rows, as text, or the error that refused the workbook; and broken bounds.
    static func read(_ path: String) -> Read {
        var result = Read()
        do throws(WorkbookError) {
            let workbook = try Workbook(path: path, limits: limits)
            for sheet in workbook.sheets {
                let rows = try workbook.rows(of: sheet)
                var count = 0
                while let row = try rows.next() {
                    count += 1
                    if !(1...SheetBounds.maximumRows).contains(row.number) { result.violations.append("row number \(row.number) out of bounds") }
                    if row.cells.isEmpty { result.violations.append("row \(row.number) has no cells") }
                    for cell in row.cells where !(1...SheetBounds.maximumColumns).contains(cell.column) {
                        result.violations.append("column \(cell.column) out of bounds in row \(row.number)")
                    }
                    result.outcome.append("\(row.number): \(row.cells)")
                    if count > 200_000 { result.violations.append("more rows than the input could hold"); break }
                }
            }
        } catch {
            result.outcome.append("error: \(error)")  // a WorkbookError: the reader throws nothing else
        }
        return result
    }

    static func writeTemporaryFile(_ bytes: [UInt8]) -> String? {
        var template = Array("/tmp/stocktake-fuzz-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return written == bytes.count ? path : nil
    }

    static let workbookXML = """
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>
        """
    static let relationshipsXML = """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """
    static let sharedStringsXML = """
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si>\
        <si><r><t>b</t></r><r><t xml:space="preserve"> c_x000D_</t></r></si></sst>
        """
    static let stylesXML = """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>\
        <cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>
        """

    /// A zip of stored entries: the fixed workbook parts and `sheetXML` as its only sheet.
    public static func wrap(sheetXML: [UInt8]) -> [UInt8] {
        let entries: [(String, [UInt8])] = [
            ("xl/workbook.xml", Array(workbookXML.utf8)), ("xl/_rels/workbook.xml.rels", Array(relationshipsXML.utf8)),
            ("xl/sharedStrings.xml", Array(sharedStringsXML.utf8)), ("xl/styles.xml", Array(stylesXML.utf8)),
            ("xl/worksheets/sheet1.xml", sheetXML),
        ]
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        func little(_ value: Int, _ width: Int, into buffer: inout [UInt8]) {
            for index in 0..<width { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        for (name, data) in entries {
            let checksum = data.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, UInt32($0.count))) }
            let offset = archive.count
            var local: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
            for (value, width) in [(20, 2), (0, 2), (0, 2), (0, 2), (0, 2), (checksum, 4), (data.count, 4), (data.count, 4), (name.utf8.count, 2), (0, 2)] {
                little(value, width, into: &local)
            }
            archive += local + Array(name.utf8) + data
            var central: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
            for (value, width) in [(20, 2), (20, 2), (0, 2), (0, 2), (0, 2), (0, 2), (checksum, 4), (data.count, 4), (data.count, 4),
                                   (name.utf8.count, 2), (0, 2), (0, 2), (0, 2), (0, 2), (0, 4), (offset, 4)] {
                little(value, width, into: &central)
            }
            directory += central + Array(name.utf8)
        }
        var end: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        for (value, width) in [(0, 2), (0, 2), (entries.count, 2), (entries.count, 2), (directory.count, 4), (archive.count, 4), (0, 2)] {
            little(value, width, into: &end)
        }
        return archive + directory + end
    }
}
