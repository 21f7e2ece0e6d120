import Foundation
import Glibc
import Stocktaking
import TestSupport
import Testing

/// A table prints its first line after a bounded window of rows, not after the last row, so
/// `find | head` and Ctrl-C answer at once and memory stays flat however many rows match.
@Suite struct TableEncoderStreamingTests {
    /// A table writer writing to a temporary file, and the file's size as the writer flushes.
    final class FilePrinter {
        let directory: TemporaryDirectory
        let path: String
        let sink: FileSink
        let printer: RowWriter

        init(columns: [String], width: Int = 100, window: Int = EncoderSettings.defaultTableWindow) throws {
            directory = try TemporaryDirectory(prefix: "row-printer")
            path = directory.path("out.txt")
            let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
            try #require(descriptor >= 0)
            sink = FileSink(descriptor: descriptor, closesDescriptor: true, path: path)
            printer = RowWriter(
                format: .table, columns: columns, sink: sink, settings: EncoderSettings(columns: columns, width: width, tableWindow: window))
        }

        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        deinit { directory.remove() }
    }

    @Test func theFirstLineIsWrittenAfterTheWindowNotAfterTheLastRow() throws {
        let output = try FilePrinter(columns: ["external_id", "title"])
        try output.printer.start()
        var rowsPulledBeforeFirstByte: Int?
        for index in 1...20_000 {
            try output.printer.add([.text("ID-\(index)"), .text("Title \(index)")])
            if rowsPulledBeforeFirstByte == nil && output.sink.bytesWritten > 0 { rowsPulledBeforeFirstByte = index }
        }
        try output.printer.finish()
        #expect(rowsPulledBeforeFirstByte == EncoderSettings.defaultTableWindow)
        let lines = output.text.split(separator: "\n")
        #expect(lines.count == 20_002)
        #expect(lines.last?.hasPrefix("ID-20000") == true)
    }

    @Test func aLaterWideCellIsCutButALaterLongKeyIsPrintedWhole() throws {
        let output = try FilePrinter(columns: ["external_id", "title", "sdgs"], width: 60, window: 2)
        try output.printer.start()
        try output.printer.add([.text("A-1"), .text("short"), .text("4")])
        try output.printer.add([.text("A-2"), .text("short"), .text("4")])
        let longID = "A-" + String(repeating: "9", count: 40)
        try output.printer.add([.text(longID), .text(String(repeating: "w", count: 80)), .text("4")])
        try output.printer.finish()
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[4].hasPrefix(longID + "  "))
        #expect(lines[4].contains("shor…") || lines[4].contains("…"))
        #expect(!lines[4].contains(String(repeating: "w", count: 80)))
    }

    @Test func fewerRowsThanTheWindowAreStillPrinted() throws {
        let output = try FilePrinter(columns: ["external_id"])
        try output.printer.start()
        try output.printer.add([.text("ONLY-1")])
        #expect(output.sink.bytesWritten == 0)
        try output.printer.finish()
        #expect(output.text.split(separator: "\n").map(String.init) == ["external_id", "───────────", "ONLY-1"])
    }

    @Test func columnsAreSizedFromTheEscapedText() throws {
        let output = try FilePrinter(columns: ["external_id", "title", "sdgs"], width: 200)
        try output.printer.start()
        try output.printer.add([.text("E-1"), .text("\u{1B}[2J\u{1B}[2J"), .text("4")])
        try output.printer.add([.text("E-2"), .text("plain"), .text("5")])
        try output.printer.finish()
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(!output.text.contains("\u{1B}"))
        #expect(lines[2] == "E-1          \\u{1B}[2J\\u{1B}[2J  4")
        // The sdgs column starts at the same place in both rows.
        #expect(lines[3] == "E-2          plain               5")
    }
}
