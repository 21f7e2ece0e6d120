extension OutputFormat {
    /// A plain-text table for people at a terminal (`TableLayout`); not for export.
    public static let table = OutputFormat(name: "table", forExport: false) { TableEncoder(settings: $0) }
}

/// A table sized to `EncoderSettings.width` from the first `tableWindow` rows, then streamed: the
/// first screen appears at once (`takeFlushRequest`) and memory stays flat however many rows follow.
///
/// Cells are shown as `TableLayout.displayed(_:)` (one line, control characters escaped). A column
/// whose values in the window are all numbers (NULLs aside) is right-aligned and never cut. When
/// the table cannot fit the width, `EncoderSettings.note` is told so once.
final class TableEncoder: FormatEncoder {
    let columns: [String]
    let width: Int
    let window: Int
    let note: (String) -> Void
    /// The current record's cells, already displayed.
    private var cells: [String] = []
    /// Rows held back to size the table's columns; empty once the header is out.
    private var heldRows: [[String]] = []
    private var records = 0
    private var layout: TableLayout?
    /// Per column: every value seen in the window was a number (nil before the first value).
    private var numericColumns: [Bool?]
    private var flushRequested = false

    init(settings: EncoderSettings) {
        columns = settings.columns
        width = settings.width
        window = max(1, settings.tableWindow)
        note = settings.note
        numericColumns = Array(repeating: nil, count: settings.columns.count)
    }

    func start(byteOrderMark: Bool, header: Bool, into buffer: inout [UInt8]) {}

    /// A value; `number` nil leaves the column's kind as it was (NULL), else says whether it is a number.
    private func cell(_ text: String, number: Bool?) {
        if layout == nil, let number, cells.count < numericColumns.count {
            numericColumns[cells.count] = number ? (numericColumns[cells.count] ?? true) : false
        }
        cells.append(TableLayout.displayed(text))
    }

    func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        text(bytes.map { String(decoding: $0, as: UTF8.self) }, &buffer)
    }

    func text(_ string: String?, _ buffer: inout [UInt8]) {
        cell(string ?? "", number: string == nil ? nil : false)
    }

    func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        cell(value.map { String($0) } ?? "", number: value == nil ? nil : true)
    }

    func real(_ value: Double?, _ buffer: inout [UInt8]) {
        cell(value?.description ?? "", number: value == nil ? nil : true)
    }

    func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        cell(value ? "true" : "", number: false)
    }

    func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        list(strings: items.map { String(decoding: $0, as: UTF8.self) }, &buffer)
    }

    func list(strings items: [String], _ buffer: inout [UInt8]) {
        cell(items.joined(separator: ";"), number: false)
    }

    func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        cell(items.map(String.init).joined(separator: ";"), number: false)
    }

    func endRecord(_ buffer: inout [UInt8]) {
        defer {
            cells.removeAll(keepingCapacity: true)
            records += 1
        }
        if let layout {
            buffer.append(contentsOf: layout.line(cells).utf8)
            return
        }
        heldRows.append(cells)
        if records + 1 >= window { startTable(&buffer) }
    }

    func finish(into buffer: inout [UInt8]) {
        if layout == nil { startTable(&buffer) }
    }

    /// Sizes the table from the rows held back, writes them, and from then on writes rows as they come.
    private func startTable(_ buffer: inout [UInt8]) {
        let layout = TableLayout(columns: columns, sizedBy: heldRows, width: width, numeric: numericColumns.map { $0 ?? false })
        self.layout = layout
        if layout.neededWidth > width {
            note("""
                the table needs \(layout.neededWidth) columns and the terminal has \(width), so its lines wrap; \
                --format csv (or tsv, json) prints every value in full
                """)
        }
        buffer.append(contentsOf: layout.header().utf8)
        for row in heldRows { buffer.append(contentsOf: layout.line(row).utf8) }
        heldRows = []
        // Show the first screen now, not when the output buffer fills.
        flushRequested = true
    }

    func takeFlushRequest() -> Bool {
        defer { flushRequested = false }
        return flushRequested
    }
}
