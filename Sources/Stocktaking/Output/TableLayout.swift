import SafeText

/// A plain-text table sized to a width: long text cells are cut with "…", line breaks shown as
/// "↵", control characters as escapes, numbers right-aligned.
///
/// The key column (`external_id`, else the first column: a batch number, an Action Line, a table
/// name) is never cut, and neither is a number: a cut id or count reads as another one. A longer
/// value than the sized rows had shifts the rest of its line rather than lose characters. Text
/// columns give up width first, widest first, but not below `minimumTextWidth` (or their header):
/// five characters (`proj…`, `2026…`) say nothing. A table that still does not fit is printed
/// whole, lines wrapping, and `neededWidth` tells the printer to say so.
public struct TableLayout {
    public let columns: [String]
    public let widths: [Int]
    /// The index of the column never cut.
    public let keyColumn: Int?
    /// Columns whose values are all numbers: right-aligned, never cut.
    public let numeric: [Bool]
    /// The width of a line at these widths.
    public let neededWidth: Int

    public static let keyColumnName = "external_id"
    public static let minimumTextWidth = 12
    public static let gap = 2

    /// Sizes the columns to fit `rows` (already `displayed(_:)`) and `width`.
    public init(columns: [String], sizedBy rows: [[String]], width: Int, numeric: [Bool]? = nil) {
        let headers = columns.map(Self.displayed)
        self.columns = headers
        let keyColumn = columns.firstIndex(of: Self.keyColumnName) ?? (columns.isEmpty ? nil : 0)
        self.keyColumn = keyColumn
        let numeric = numeric ?? Array(repeating: false, count: columns.count)
        self.numeric = numeric
        var widths = headers.map { DisplayWidth.of($0) }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        let floors = widths.indices.map { index in
            index == keyColumn || numeric[index]
                ? widths[index] : min(widths[index], max(Self.minimumTextWidth, DisplayWidth.of(headers[index])))
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
    public static func displayed(_ text: String) -> String {
        TerminalText.visible(oneLine(text))
    }

    /// The column names and the rule under them.
    public func header() -> String {
        guard !columns.isEmpty else { return "" }
        return line(columns) + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
    }

    /// One row; `cells` must already be `displayed(_:)`.
    public func line(_ cells: [String]) -> String {
        guard !columns.isEmpty else { return "" }
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let whole = index == keyColumn || (index < numeric.count && numeric[index])
            let fitted = whole ? cell : Self.fit(cell, to: widths[index])
            let padding = String(repeating: " ", count: max(0, widths[index] - DisplayWidth.of(fitted)))
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

    /// Line breaks as "↵" and tabs as a space, so a value keeps to one line.
    public static func oneLine(_ text: String) -> String {
        // Printable ASCII has no line break or tab: skip the Character scan, which is most of a row's cost.
        guard !DisplayWidth.isPrintableASCII(text), text.contains(where: \.isNewline) || text.contains("\t") else { return text }
        return text.replacingEvery("\r\n", with: "↵").replacingEvery("\n", with: "↵")
            .replacingEvery("\r", with: "↵").replacingEvery("\t", with: " ")
    }

    static func fit(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        if DisplayWidth.isPrintableASCII(text) { return String(decoding: text.utf8.prefix(max(0, width - 1)), as: UTF8.self) + "…" }
        var out = ""
        var used = 0
        for character in text {
            let characterWidth = DisplayWidth.of(String(character))
            if used + characterWidth > width - 1 { break }
            out.append(character)
            used += characterWidth
        }
        return out + "…"
    }
}

/// How many terminal columns text occupies.
public enum DisplayWidth {
    /// Columns a string occupies: East Asian wide characters take two, combining marks none.
    public static func of(_ text: String) -> Int {
        // Most cells are printable ASCII: one column per byte, no Unicode property lookups.
        if isPrintableASCII(text) { return text.utf8.count }
        return text.unicodeScalars.reduce(0) { width, scalar in
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return width }
            return width + (isWide(scalar) ? 2 : 1)
        }
    }

    public static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    public static func isWide(_ scalar: Unicode.Scalar) -> Bool {
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
