import Stocktaking
import Testing

@Suite struct TableEncoderTests {
    static func table(_ columns: [String], _ rows: [[QueryValue]], width: Int = 100) -> [String] {
        var encoder = RecordEncoder(format: .table, settings: EncoderSettings(columns: columns, width: width))
        var buffer: [UInt8] = []
        encoder.start(byteOrderMark: false, header: true, into: &buffer)
        for row in rows { encoder.record(row, &buffer) }
        encoder.finish(into: &buffer)
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func numbersAreRightAlignedButListsOfNumbersAreText() {
        let lines = Self.table(["code", "sdgs", "projects"], [[.text("C5"), .numbers([4, 5]), .integer(7)], [.text("C7"), .numbers([17]), .integer(1200)]])
        #expect(lines == [
            "code  sdgs  projects",
            "────  ────  ────────",
            "C5    4;5          7",
            "C7    17        1200",
            "",
        ])
    }

    @Test func aNullLeavesAColumnNumericAndAnEmptyCell() {
        let lines = Self.table(["code", "share"], [[.text("A"), .real(12.5)], [.text("B"), .null], [.text("C"), .real(100)]])
        #expect(lines[2] == "A      12.5")
        #expect(lines[3] == "B")
        #expect(lines[4] == "C     100.0")
    }

    @Test func controlCharactersAndLineBreaksKeepToOneLine() {
        let lines = Self.table(["external_id", "title"], [[.text("X-1"), .text("a\u{1B}[2J\nb")], [.text("X-2"), .list(["KE", "TZ"])]])
        #expect(lines[2] == "X-1          a\\u{1B}[2J↵b")
        #expect(lines[3] == "X-2          KE;TZ")
    }

    @Test func everyKindOfValueInOneRecord() {
        let lines = Self.table(Encoded.everyKindColumns, [Encoded.everyKind], width: 200)
        #expect(lines[2].hasPrefix("          -42  12.5  a \"quoted\", value  AAEC/w==  C5;C7.a  4;5"))
    }
}
