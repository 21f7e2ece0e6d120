import Testing
@testable import Workbook

/// How cell values become text: numbers, serial dates, escapes, references.
struct CellTextTests {
    @Test(arguments: [
        (12345.0, "12345"), (123456789012.0, "123456789012"), (0.1, "0.1"), (-2.5, "-2.5"), (0.0, "0"),
        (1e-5, "0.00001"), (1.2345e20, "123450000000000000000"), (0.30000000000000004, "0.30000000000000004"),
        (-1.5e-7, "-0.00000015"), (9.007199254740993e15, "9007199254740992"),
    ] as [(Double, String)])
    func numbersAreTheShortestRoundTripDecimalWithoutExponent(_ value: Double, _ expected: String) {
        #expect(CellText.number(value) == expected)
        #expect(Double(CellText.number(value)) == value)
    }

    @Test(arguments: [
        (1.0, false, "1900-01-01"), (59.0, false, "1900-02-28"), (60.0, false, "1900-02-29"), (61.0, false, "1900-03-01"),
        (43617.0, false, "2019-06-01"), (43617.75, false, "2019-06-01"), (2_958_465.0, false, "9999-12-31"),
        (0.0, true, "1904-01-01"), (35_065.0, true, "2000-01-02"),
    ] as [(Double, Bool, String)])
    func serialDatesInBothSystems(_ serial: Double, _ uses1904: Bool, _ expected: String) {
        #expect(CellText.date(serial: serial, uses1904: uses1904) == expected)
    }

    @Test func serialsOutsideExcelsDatesAreNotDates() {
        #expect(CellText.date(serial: 0, uses1904: false) == nil)  // "1900-01-00"
        #expect(CellText.date(serial: -1, uses1904: true) == nil)
        #expect(CellText.date(serial: 2_958_466, uses1904: false) == nil)
    }

    @Test(arguments: [
        ("a_x000D_b", "a\rb"), ("_x0009_tab", "\ttab"), ("_x005F_x000D_", "_x000D_"), ("no_x00escape", "no_x00escape"),
        ("_xD83D__xDE00_", "😀"), ("lone _xD83D_ high", "lone \u{FFFD} high"), ("_x00e9_", "é"),
    ] as [(String, String)])
    func excelEscapesAreDecoded(_ raw: String, _ expected: String) {
        var bytes = Array(raw.utf8)
        CellText.decodeEscapes(&bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func columnLettersAndReferences() {
        #expect(CellText.columnLetters(1) == "A")
        #expect(CellText.columnLetters(26) == "Z")
        #expect(CellText.columnLetters(27) == "AA")
        #expect(CellText.columnLetters(16_384) == "XFD")
        #expect(CellText.parseReference("XFD1048576")! == (16_384, 1_048_576))
        #expect(CellText.parseReference("c12")! == (3, 12))
        #expect(CellText.parseReference("12") == nil)
    }

    @Test(arguments: [
        ("yyyy-mm-dd", true), ("d mmmm yyyy", true), ("mm/dd/yy;@", true), ("[$-409]mmm-yy", true), ("h:mm", false),
        ("[h]:mm:ss", false), ("mm:ss", false), ("0.00", false), ("\"day\" 0", false), ("#,##0 \"d\"", false), ("General", false),
    ] as [(String, Bool)])
    func customDateFormats(_ code: String, _ isDate: Bool) {
        #expect(StylesHandler.isDateFormat(code) == isDate)
    }
}
