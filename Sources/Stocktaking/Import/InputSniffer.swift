import CSV

/// What the first bytes of an import file say about it, before it is parsed as CSV.
enum InputSniffer {
    /// How far ahead an import looks: enough for any real header line.
    static let peekLimit = 64 << 10

    /// A zip file: an .xlsx workbook (read as one), or an .ods or other zip (refused by the
    /// workbook reader, which looks inside). An empty zip starts with its end record.
    static func isZip(_ head: [UInt8]) -> Bool {
        head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
    }

    /// An OLE2 compound file: a legacy .xls workbook, or an encrypted (password-protected) .xlsx,
    /// which Office wraps in one with an `EncryptedPackage` stream.
    static let ole2Signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// What to tell about an OLE2 file: the problem and what to do.
    static func compoundFileRefusal(_ head: [UInt8]) -> (problem: String, suggestion: String) {
        // Directory entry names are UTF-16LE.
        let encryptedPackage = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        if head.firstRange(of: encryptedPackage) != nil {
            return ("the workbook is password-protected (encrypted)",
                    "open it in Excel, remove the password (File › Info › Protect Workbook), save it and import that file")
        }
        return ("the file is an old-style Excel workbook (.xls, an OLE2 compound file), which cannot be read",
                "open it in Excel or LibreOffice and save it as .xlsx or CSV, then import that file")
    }

    /// A binary container given where CSV is expected (workbooks are recognised before this).
    static func container(_ head: [UInt8]) -> String? {
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
