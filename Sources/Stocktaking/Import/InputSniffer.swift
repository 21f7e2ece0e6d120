import CSV

/// What the first bytes of an import file say about it, before it is parsed as CSV.
enum InputSniffer {
    /// How far ahead an import looks: enough for any real header line.
    static let peekLimit = 64 << 10

    /// A workbook or other binary container given where CSV is expected, by its signature.
    static func container(_ head: [UInt8]) -> String? {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // An .xlsx (Office Open XML) workbook or an .ods spreadsheet is a zip file; a zip file
            // with the workbook part is almost always Excel's.
            let text = String(decoding: head.prefix(4096), as: UTF8.self)
            if text.contains("xl/") || text.contains("[Content_Types].xml") { return "an Excel workbook (.xlsx, a zip file)" }
            if text.contains("opendocument.spreadsheet") { return "an OpenDocument spreadsheet (.ods, a zip file)" }
            return "a zip file"
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return "an old-style Excel workbook (.xls, an OLE2 compound file)"
        }
        if head.starts(with: Array("%PDF".utf8)) { return "a PDF document" }
        return nil
    }

    /// Candidate delimiters, in order of preference when they tie.
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// The delimiter that splits the header line into the most known column names; nil when none
    /// finds any (the header is then reported as it is, with a hint to pass --delimiter).
    static func delimiter(head: [UInt8], options: CSVReaderOptions, knownColumns: ([String]) -> Int) -> UInt8? {
        var best: (delimiter: UInt8, known: Int)?
        for candidate in delimiters {
            var candidateOptions = options
            candidateOptions.dialect = CSVDialect(delimiter: candidate)
            let reader = CSVReader(source: MemoryByteSource(head), options: candidateOptions)
            // A header cut short by the peek limit still counts its whole names.
            guard let header = try? reader.next(), header.fields.count > 1 else { continue }
            let known = knownColumns(header.fields)
            if known > 0, known > (best?.known ?? 0) { best = (candidate, known) }
        }
        return best?.delimiter
    }

    /// `","`, `";"`, `tab`, `"|"`: how a delimiter is named in messages.
    static func name(of delimiter: UInt8) -> String {
        delimiter == UInt8(ascii: "\t") ? "tab" : "\"" + String(UnicodeScalar(delimiter)) + "\""
    }
}
