extension OutputFormat {
    /// A Markdown (GFM) table for a report or an issue; not for export, but a web list downloads as one.
    public static let markdown = OutputFormat(name: "markdown", forExport: false, forDownloads: true, fileExtension: "md") {
        MarkdownEncoder(settings: $0)
    }
}

/// A Markdown table: the header and its rule, then a line per record. Every heading and cell is
/// `MarkdownText.escaped`, so contributed text reads as text (no HTML, links, emphasis or extra
/// cells); NULL is an empty cell, lists are `;`-joined. The header is always written: a Markdown
/// table has one.
final class MarkdownEncoder: FormatEncoder {
    let columns: [String]
    private var cells: [String] = []

    init(settings: EncoderSettings) {
        columns = settings.columns
    }

    func start(byteOrderMark: Bool, header: Bool, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: ("| " + columns.map(MarkdownText.escaped).joined(separator: " | ") + " |\n").utf8)
        buffer.append(contentsOf: ("|" + String(repeating: " --- |", count: columns.count) + "\n").utf8)
    }

    func finish(into buffer: inout [UInt8]) {}

    func endRecord(_ buffer: inout [UInt8]) {
        buffer.append(contentsOf: ("| " + cells.joined(separator: " | ") + " |\n").utf8)
        cells.removeAll(keepingCapacity: true)
    }

    private func cell(_ text: String) {
        cells.append(MarkdownText.escaped(text))
    }

    func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        cell(bytes.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    func text(_ string: String?, _ buffer: inout [UInt8]) {
        cell(string ?? "")
    }

    func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        cell(value.map { String($0) } ?? "")
    }

    func real(_ value: Double?, _ buffer: inout [UInt8]) {
        cell(value?.description ?? "")
    }

    func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        cell(value ? "true" : "")
    }

    func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        cell(items.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ";"))
    }

    func list(strings items: [String], _ buffer: inout [UInt8]) {
        cell(items.joined(separator: ";"))
    }

    func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        cell(items.map(String.init).joined(separator: ";"))
    }
}
