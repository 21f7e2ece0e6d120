import CSV
import FoundationEssentials
import Glibc
import SafeText
import Stocktaking

/// One value in a printed row.
enum Cell: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    /// A link list: `;`-joined in text formats, an array in JSON.
    case list([String])
    case blob([UInt8])

    /// The value in text formats (CSV, TSV, table, Markdown); nil for NULL.
    var plainText: String? {
        switch self {
        case .null: nil
        case .text(let text): text
        case .integer(let value): String(value)
        // Swift prints the shortest representation that reads back to the same Double.
        case .real(let value): value.description
        case .list(let items): items.isEmpty ? nil : items.joined(separator: ";")
        case .blob(let bytes): Data(bytes).base64EncodedString()
        }
    }

    func appendJSON(to buffer: inout [UInt8]) {
        switch self {
        case .null: buffer.append(contentsOf: "null".utf8)
        case .text(let text): JSONText.appendString(text, to: &buffer)
        case .integer(let value): buffer.append(contentsOf: String(value).utf8)
        case .real(let value):
            buffer.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
        case .list(let items):
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                JSONText.appendString(item, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .blob(let bytes): JSONText.appendString(Data(bytes).base64EncodedString(), to: &buffer)
        }
    }
}

/// Prints rows in one of the output formats, streaming in all of them.
///
/// CSV, TSV, JSON and NDJSON keep every value's exact text. Table and Markdown are for people
/// reading on a terminal: control characters are shown as escapes (`TerminalText`), and a table
/// sizes its columns from the first `tableWindow` rows, then prints each row as it comes, so the
/// first line appears at once and memory stays flat however many rows follow.
final class RowPrinter {
    let format: OutputFormat
    let columns: [String]
    /// CSV/TSV: print the header line (`--no-header` turns it off).
    let header: Bool
    private let sink: FileSink
    private var rowCount = 0
    private let csvWriter: CSVWriter
    private let terminalWidth: Int
    /// Rows held back to size the table's columns; nil once the header is out.
    private var tableWindowRows: [[String]]? = []
    private let tableWindow: Int
    private var table: TableLayout?
    /// Per column: every value seen in the window was a number (nil before the first value).
    private var numericColumns: [Bool?]
    /// Where the "table does not fit" note goes (stderr; a test may collect it).
    private let note: (String) -> Void

    /// Rows a table is sized from: enough to see typical widths, few enough to start printing at once.
    static let defaultTableWindow = 200

    init(
        format: OutputFormat, columns: [String], header: Bool = true, sink: FileSink = .standardOutput(),
        terminalWidth: Int? = nil, tableWindow: Int = RowPrinter.defaultTableWindow, note: @escaping (String) -> Void = printError
    ) {
        self.format = format
        self.columns = columns
        self.header = header
        self.sink = sink
        self.csvWriter = format == .tsv ? .tsv : .csv
        self.terminalWidth = terminalWidth ?? Terminal.width()
        self.tableWindow = max(1, tableWindow)
        self.numericColumns = Array(repeating: nil, count: columns.count)
        self.note = note
    }

    func start() throws {
        switch format {
        case .csv, .tsv:
            if header { try sink.withBuffer { csvWriter.append(record: columns, to: &$0) } }
        case .json:
            try sink.write("[")
        case .markdown:
            try sink.write("| " + columns.map(MarkdownText.escaped).joined(separator: " | ") + " |\n")
            try sink.write("|" + String(repeating: " --- |", count: columns.count) + "\n")
        case .ndjson, .table:
            break
        }
    }

    func add(_ row: [Cell]) throws {
        defer { rowCount += 1 }
        switch format {
        case .csv, .tsv:
            try sink.withBuffer { csvWriter.append(record: row.map(\.plainText), to: &$0) }
        case .json, .ndjson:
            try sink.withBuffer { buffer in
                if format == .json { buffer.append(contentsOf: (rowCount == 0 ? "\n" : ",\n").utf8) }
                buffer.append(UInt8(ascii: "{"))
                for (index, column) in columns.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    JSONText.appendString(column, to: &buffer)
                    buffer.append(UInt8(ascii: ":"))
                    row[index].appendJSON(to: &buffer)
                }
                buffer.append(UInt8(ascii: "}"))
                if format == .ndjson { buffer.append(UInt8(ascii: "\n")) }
            }
        case .markdown:
            try sink.write("| " + row.map { MarkdownText.escaped($0.plainText ?? "") }.joined(separator: " | ") + " |\n")
        case .table:
            let cells = row.map { TableLayout.displayed($0.plainText ?? "") }
            if let table {
                try sink.write(table.line(cells))
            } else {
                for (index, cell) in row.enumerated() where index < numericColumns.count {
                    switch cell {
                    case .null: break
                    case .integer, .real: numericColumns[index] = numericColumns[index] ?? true
                    default: numericColumns[index] = false
                    }
                }
                tableWindowRows?.append(cells)
                if rowCount + 1 >= tableWindow { try startTable() }
            }
        }
    }

    /// Sizes the table from the rows seen so far, prints them, and from then on prints rows as they come.
    private func startTable() throws {
        let window = tableWindowRows ?? []
        tableWindowRows = nil
        let layout = TableLayout(columns: columns, sizedBy: window, width: terminalWidth, numeric: numericColumns.map { $0 ?? false })
        table = layout
        if layout.neededWidth > terminalWidth {
            note("""
                the table needs \(layout.neededWidth) columns and the terminal has \(terminalWidth), so its lines wrap; \
                --format csv (or tsv, json) prints every value in full
                """)
        }
        try sink.write(layout.header())
        for cells in window { try sink.write(layout.line(cells)) }
        // Show the first screen now, not when the output buffer fills.
        try sink.flush()
    }

    func finish() throws {
        switch format {
        case .json:
            try sink.write(rowCount == 0 ? "]\n" : "\n]\n")
        case .table:
            if table == nil { try startTable() }
        default:
            break
        }
        try sink.flush()
    }

    /// Prints a whole result in one call.
    static func print(format: OutputFormat, header: Bool = true, columns: [String], rows: [[Cell]]) throws {
        let printer = RowPrinter(format: format, columns: columns, header: header)
        try printer.start()
        for row in rows { try printer.add(row) }
        try printer.finish()
    }
}

enum Terminal {
    /// The terminal's width in columns ($COLUMNS, else the tty size, else 100).
    static func width() -> Int {
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 20 { return columns }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 100
    }

    /// Columns a string occupies: East Asian wide characters take two.
    static func displayWidth(_ text: String) -> Int {
        // Most cells are printable ASCII: one column per byte, no Unicode property lookups.
        if isPrintableASCII(text) { return text.utf8.count }
        return text.unicodeScalars.reduce(0) { width, scalar in
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return width }
            return width + (isWide(scalar) ? 2 : 1)
        }
    }

    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }
}

/// A plain-text table sized to the terminal: long text cells are cut with "…", line breaks shown as
/// "↵", control characters as escapes, numbers right-aligned.
///
/// The key column (`external_id`, else the first column: a batch number, an Action Line, a table
/// name) is never cut, and neither is a number: a cut id or count reads as another one. A longer
/// value than the sized rows had shifts the rest of its line rather than lose characters. Text
/// columns give up width first, widest first, but not below `minimumTextWidth` (or their header):
/// five characters (`proj…`, `2026…`) say nothing. A table that still does not fit is printed
/// whole, lines wrapping, and `neededWidth` tells the printer to say so.
struct TableLayout {
    let columns: [String]
    let widths: [Int]
    /// The index of the column never cut.
    let keyColumn: Int?
    /// Columns whose values are all numbers: right-aligned, never cut.
    let numeric: [Bool]
    /// The width of a line at these widths.
    let neededWidth: Int

    static let keyColumnName = "external_id"
    static let minimumTextWidth = 12
    static let gap = 2

    /// Sizes the columns to fit `rows` (already `displayed(_:)`) and the terminal's `width`.
    init(columns: [String], sizedBy rows: [[String]], width: Int, numeric: [Bool]? = nil) {
        let headers = columns.map(Self.displayed)
        self.columns = headers
        let keyColumn = columns.firstIndex(of: Self.keyColumnName) ?? (columns.isEmpty ? nil : 0)
        self.keyColumn = keyColumn
        let numeric = numeric ?? Array(repeating: false, count: columns.count)
        self.numeric = numeric
        var widths = headers.map { Terminal.displayWidth($0) }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Terminal.displayWidth(cell)) }
        }
        let floors = widths.indices.map { index in
            index == keyColumn || numeric[index]
                ? widths[index] : min(widths[index], max(Self.minimumTextWidth, Terminal.displayWidth(headers[index])))
        }
        let gaps = Self.gap * max(0, columns.count - 1)
        // Shrink the widest text column, one character at a time, until the table fits or every
        // text column is at its floor.
        while widths.reduce(0, +) + gaps > width {
            let shrinkable = widths.indices.filter { widths[$0] > floors[$0] }
            guard let widest = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        self.widths = widths
        neededWidth = widths.reduce(0, +) + gaps
    }

    /// A cell as a table shows it: one line, control characters escaped.
    static func displayed(_ text: String) -> String {
        TerminalText.visible(oneLine(text))
    }

    /// The column names and the rule under them.
    func header() -> String {
        guard !columns.isEmpty else { return "" }
        return line(columns) + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
    }

    /// One row; `cells` must already be `displayed(_:)`.
    func line(_ cells: [String]) -> String {
        guard !columns.isEmpty else { return "" }
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let whole = index == keyColumn || (index < numeric.count && numeric[index])
            let fitted = whole ? cell : Self.fit(cell, to: widths[index])
            let padding = String(repeating: " ", count: max(0, widths[index] - Terminal.displayWidth(fitted)))
            if index < numeric.count && numeric[index] {
                parts.append(padding + fitted)
            } else {
                parts.append(index == cells.count - 1 ? fitted : fitted + padding)
            }
        }
        // Empty cells at the end of a line would leave trailing blanks.
        var line = parts.joined(separator: "  ")
        while line.utf8.last == UInt8(ascii: " ") { line.removeLast() }
        return line + "\n"
    }

    static func oneLine(_ text: String) -> String {
        // Printable ASCII has no line break or tab: skip the Character scan, which is most of a row's cost.
        guard !Terminal.isPrintableASCII(text), text.contains(where: \.isNewline) || text.contains("\t") else { return text }
        return text.replacingEvery("\r\n", with: "↵").replacingEvery("\n", with: "↵")
            .replacingEvery("\r", with: "↵").replacingEvery("\t", with: " ")
    }

    static func fit(_ text: String, to width: Int) -> String {
        guard Terminal.displayWidth(text) > width else { return text }
        if Terminal.isPrintableASCII(text) { return String(decoding: text.utf8.prefix(max(0, width - 1)), as: UTF8.self) + "…" }
        var out = ""
        var used = 0
        for character in text {
            let characterWidth = Terminal.displayWidth(String(character))
            if used + characterWidth > width - 1 { break }
            out.append(character)
            used += characterWidth
        }
        return out + "…"
    }
}
