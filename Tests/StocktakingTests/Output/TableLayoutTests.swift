import Glibc
import Stocktaking
import Testing

@Suite struct TableLayoutTests {
    static func devNull() -> FileSink {
        FileSink(descriptor: open("/dev/null", O_WRONLY | O_CLOEXEC), closesDescriptor: true)
    }

    @Test func theFirstColumnIsTheKeyWhenThereIsNoExternalIDAndIsNeverCut() {
        let rows = (0..<8).map { ["C7.e-application-\($0)", "a long description of the line \($0)", "\($0 * 10)"] }
        let layout = TableLayout(columns: ["action_line", "title", "projects"], sizedBy: rows, width: 40, numeric: [false, false, true])
        #expect(layout.keyColumn == 0)
        let lines = rows.map(layout.line)
        // Eight distinct labels, not eight `C7.e-a…`.
        #expect(Set(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" }).count == 8)
        #expect(lines[0].hasPrefix("C7.e-application-0  "))
    }

    @Test func numbersAreRightAlignedAndNeverCut() {
        let layout = TableLayout(columns: ["code", "projects"], sizedBy: [["C1", "7"], ["C2", "1200"]], width: 100, numeric: [false, true])
        #expect(layout.line(["C1", "7"]) == "C1           7\n")
        #expect(layout.line(["C2", "1200"]) == "C2        1200\n")
        #expect(layout.header().hasPrefix("code  projects\n"))
        // A number longer than the window's is printed whole.
        #expect(layout.line(["C3", "123456789"]).contains("123456789"))
    }

    @Test func textColumnsStopShrinkingAtAReadableWidthAndTheOverflowIsReported() {
        let rows = [["WSIS-0000000001", "projects", "/very/long/path/to/the/imported/file.csv", "2026-01-02T03:04:05Z"]]
        let layout = TableLayout(columns: ["external_id", "kind", "file", "started_at"], sizedBy: rows, width: 40)
        // `proj…` and `2026…` said nothing: text keeps at least 12 characters (or all of a shorter value).
        #expect(layout.widths == [15, 8, 12, 12])
        #expect(layout.neededWidth == 15 + 8 + 12 + 12 + 6)
        #expect(layout.line(rows[0]) == "WSIS-0000000001  projects  /very/long/…  2026-01-02T…\n")
    }

    @Test func aTableWiderThanTheTerminalSaysSoAndSuggestsCSV() throws {
        var notes: [String] = []
        let columns = ["external_id", "n1", "n2", "n3"]
        let printer = RowWriter(
            format: .table, columns: columns, sink: Self.devNull(),
            settings: EncoderSettings(columns: columns, width: 30, note: { notes.append($0) }))
        try printer.start()
        try printer.add([.text("WSIS-0000000001"), .integer(1_000_000), .integer(2_000_000), .integer(3_000_000)])
        try printer.finish()
        #expect(notes.count == 1)
        #expect(notes.first?.contains("--format csv") == true && notes.first?.contains("needs 42 columns") == true)
        // One that fits says nothing.
        notes = []
        let narrow = RowWriter(
            format: .table, columns: ["external_id", "n"], sink: Self.devNull(),
            settings: EncoderSettings(columns: ["external_id", "n"], width: 30, note: { notes.append($0) }))
        try narrow.start()
        try narrow.add([.text("WSIS-0000000001"), .integer(1)])
        try narrow.finish()
        #expect(notes.isEmpty)
    }
}
