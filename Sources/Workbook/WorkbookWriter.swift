import CMinizip

/// Writes an Excel workbook (.xlsx) into an open file descriptor, streaming: a sheet's XML goes
/// through `write` into its deflating zip entry as it is produced, so memory does not grow with
/// the rows. The parts every workbook needs (workbook, relationships, content types, styles,
/// document properties) are written by `finish`, once the sheets are known.
///
/// ```swift
/// let writer = try WorkbookWriter(descriptor: fd)
/// try writer.beginSheet()
/// try writer.write(WorksheetXML.start(frozenHeader: true, columnWidths: [12, 40]))
/// … rows from SheetRowWriter …
/// try writer.write(WorksheetXML.end(autoFilter: (rows: 1201, columns: 2)))
/// try writer.endSheet(name: "Projects", filterRange: (rows: 1201, columns: 2))
/// try writer.finish()
/// ```
///
/// The bytes depend only on what is written: entries carry a fixed timestamp, and the document
/// properties carry only the date given to `finish`.
public final class WorkbookWriter {
    struct Sheet {
        let name: String
        let filterRange: (rows: Int, columns: Int)?
    }

    /// zlib's level for the sheets: 1, the fastest (the XML compresses ~10× even so).
    public static let defaultLevel: Int32 = 1

    private let zip: ZipWriter
    private let level: Int32
    private var sheets: [Sheet] = []
    private var sheetOpen = false

    public init(descriptor: Int32, level: Int32 = WorkbookWriter.defaultLevel) throws(WorkbookWriteError) {
        zip = try ZipWriter(descriptor: descriptor)
        self.level = level
    }

    /// Bytes of the workbook file written so far.
    public var bytesWritten: UInt64 { zip.bytesWritten }

    /// Starts the next sheet; it is named when it ends.
    public func beginSheet() throws(WorkbookWriteError) {
        precondition(!sheetOpen, "a sheet is already open")
        try zip.beginEntry("xl/worksheets/sheet\(sheets.count + 1).xml", level: level, inBackground: true)
        sheetOpen = true
    }

    /// More of the open sheet's XML.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(WorkbookWriteError) {
        try zip.write(bytes)
    }

    public func write(_ bytes: [UInt8]) throws(WorkbookWriteError) {
        try zip.write(bytes)
    }

    /// Ends the open sheet, naming its tab (at most 31 characters, none of `[]:*?/\`).
    /// `filterRange` is the extent of its autofilter, when it has one.
    public func endSheet(name: String, filterRange: (rows: Int, columns: Int)? = nil) throws(WorkbookWriteError) {
        precondition(sheetOpen, "no sheet is open")
        try zip.endEntry()
        sheets.append(Sheet(name: name, filterRange: filterRange))
        sheetOpen = false
    }

    /// A whole sheet at once (small ones: About, Reference).
    public func addSheet(name: String, xml: [UInt8], filterRange: (rows: Int, columns: Int)? = nil) throws(WorkbookWriteError) {
        try beginSheet()
        try write(xml)
        try endSheet(name: name, filterRange: filterRange)
    }

    /// Writes the workbook's other parts and the zip directory: the file is complete.
    ///
    /// - Parameter modified: the document's date (`2025-06-01T10:00:00Z`), recorded in its
    ///   properties; nil records none.
    public func finish(creator: String = "stocktake", modified: String? = nil) throws(WorkbookWriteError) {
        precondition(!sheetOpen, "a sheet is still open")
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", Self.packageRelationships),
            ("docProps/app.xml", appProperties(creator: creator)),
            ("docProps/core.xml", coreProperties(creator: creator, modified: modified)),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/styles.xml", Self.styles),
        ]
        for (name, text) in parts { try zip.addEntry(name, Array(text.utf8), level: level) }
        try zip.close()
    }

    // MARK: Parts

    private static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    private static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    private var contentTypes: String {
        var text = Self.declaration
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        for index in sheets.indices {
            text += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        text += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
            + "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
            + "</Types>"
        return text
    }

    private static let packageRelationships = declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        + "<Relationship Id=\"rId3\" Type=\"\(relationshipNamespace)/extended-properties\" Target=\"docProps/app.xml\"/>"
        + "</Relationships>"

    private func appProperties(creator: String) -> String {
        var text = Self.declaration
            + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
            + "<Application>\(Self.escaped(creator))</Application>"
            + "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>\(sheets.count)</vt:i4></vt:variant></vt:vector></HeadingPairs>"
            + "<TitlesOfParts><vt:vector size=\"\(sheets.count)\" baseType=\"lpstr\">"
        for sheet in sheets { text += "<vt:lpstr>\(Self.escaped(sheet.name))</vt:lpstr>" }
        text += "</vt:vector></TitlesOfParts></Properties>"
        return text
    }

    private func coreProperties(creator: String, modified: String?) -> String {
        var text = Self.declaration
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<dc:creator>\(Self.escaped(creator))</dc:creator>"
        if let modified {
            text += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(Self.escaped(modified))</dcterms:created>"
                + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(Self.escaped(modified))</dcterms:modified>"
        }
        text += "</cp:coreProperties>"
        return text
    }

    private var workbook: String {
        var text = Self.declaration
            + "<workbook xmlns=\"\(Self.mainNamespace)\" xmlns:r=\"\(Self.relationshipNamespace)\">"
            + "<workbookPr/><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (index, sheet) in sheets.enumerated() {
            text += "<sheet name=\"\(Self.escaped(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        text += "</sheets>"
        let filtered = sheets.enumerated().filter { $0.element.filterRange != nil }
        if !filtered.isEmpty {
            // Excel records an autofilter's range as this hidden name too.
            text += "<definedNames>"
            for (index, sheet) in filtered {
                let range = sheet.filterRange!
                let quoted = "'" + Self.replacing(sheet.name, "'", with: "''") + "'"
                text += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(index)\" hidden=\"1\">"
                    + Self.escaped("\(quoted)!$A$1:$\(CellText.columnLetters(max(range.columns, 1)))$\(max(range.rows, 1))")
                    + "</definedName>"
            }
            text += "</definedNames>"
        }
        text += "</workbook>"
        return text
    }

    private var workbookRelationships: String {
        var text = Self.declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for index in sheets.indices {
            text += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(Self.relationshipNamespace)/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        text += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(Self.relationshipNamespace)/styles\" Target=\"styles.xml\"/>"
        text += "</Relationships>"
        return text
    }

    /// The cell formats of `CellStyle`, in its order: normal, bold, date.
    private static let styles = declaration
        + "<styleSheet xmlns=\"\(mainNamespace)\">"
        + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/></numFmts>"
        + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"

    static func replacing(_ text: String, _ character: Character, with replacement: String) -> String {
        var result = ""
        for each in text { if each == character { result += replacement } else { result.append(each) } }
        return result
    }

    /// Text for XML content or a double-quoted attribute.
    static func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        var text = text
        text.withUTF8 { SheetRowWriter.appendEscaped(UnsafeRawBufferPointer($0), to: &bytes) }
        var result = String(decoding: bytes, as: UTF8.self)
        if result.contains("\"") { result = replacing(result, "\"", with: "&quot;") }
        return result
    }
}

/// The XML around a worksheet's rows.
public enum WorksheetXML {
    /// Everything before the first row: the frozen header row (when asked), the column widths (in
    /// characters), and the start of the cells.
    public static func start(frozenHeader: Bool, columnWidths: [Double]) -> [UInt8] {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        if frozenHeader {
            text += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
                + "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
        } else {
            text += "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
        }
        text += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if !columnWidths.isEmpty {
            text += "<cols>"
            for (index, width) in columnWidths.enumerated() {
                text += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(CellText.number(width))\" customWidth=\"1\"/>"
            }
            text += "</cols>"
        }
        text += "<sheetData>"
        return Array(text.utf8)
    }

    /// Everything after the last row, with an autofilter over the header and `rows` rows (header
    /// included) of `columns` columns when asked.
    public static func end(autoFilter: (rows: Int, columns: Int)?) -> [UInt8] {
        var text = "</sheetData>"
        if let autoFilter, autoFilter.columns > 0 {
            text += "<autoFilter ref=\"A1:\(CellText.columnLetters(autoFilter.columns))\(max(autoFilter.rows, 1))\"/>"
        }
        text += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
        return Array(text.utf8)
    }

    /// The width Excel gives a column that shows `characters` characters, padded for the filter
    /// button, between 8 and 60.
    public static func width(characters: Int) -> Double {
        Double(min(max(characters + 3, 8), 60))
    }
}

/// A value of a small sheet written whole (`SmallSheet`).
public enum SheetCell: Sendable, Equatable {
    case empty
    case text(String)
    case integer(Int64)
    case bold(String)
}

/// A small sheet built in memory (the About and Reference sheets): rows of cells.
public struct SmallSheet {
    public var rows: [[SheetCell]] = []
    public var columnWidths: [Double] = []
    /// The first row is a bold header, frozen, with an autofilter.
    public var header = false

    public init(rows: [[SheetCell]] = [], columnWidths: [Double] = [], header: Bool = false) {
        self.rows = rows
        self.columnWidths = columnWidths
        self.header = header
    }

    public var columnCount: Int { rows.map(\.count).max() ?? 0 }

    public var xml: [UInt8] {
        var buffer = WorksheetXML.start(frozenHeader: header, columnWidths: columnWidths)
        var writer = SheetRowWriter()
        for (index, row) in rows.enumerated() {
            writer.beginRow(&buffer)
            for cell in row {
                switch cell {
                case .empty: writer.skipCell()
                case .text(let text): writer.text(text, style: header && index == 0 ? .header : .normal, &buffer)
                case .bold(let text): writer.text(text, style: .header, &buffer)
                case .integer(let value): writer.number(Array(String(value).utf8), &buffer)
                }
            }
            writer.endRow(&buffer)
        }
        buffer += WorksheetXML.end(autoFilter: header ? (rows.count, columnCount) : nil)
        return buffer
    }

    public var filterRange: (rows: Int, columns: Int)? { header ? (rows.count, columnCount) : nil }
}
