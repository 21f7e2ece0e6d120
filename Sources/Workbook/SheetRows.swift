/// Excel's limits: a sheet has at most 1,048,576 rows and 16,384 columns (XFD).
public enum SheetBounds {
    public static let maximumRows = 1_048_576
    public static let maximumColumns = 16_384
}

/// The rows of one sheet, parsed by Expat from the inflating zip entry a chunk at a time: memory
/// stays at one chunk plus the rows it completes, whatever the sheet's size.
public final class SheetRows {
    private let workbook: Workbook
    private let collector: SheetCollector
    private let stream: XMLStream
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
    private var finished = false

    init(workbook: Workbook, sheet: SheetInfo) throws(WorkbookError) {
        self.workbook = workbook
        collector = SheetCollector(
            sheetName: sheet.name, sharedStrings: workbook.sharedStrings, dateStyles: workbook.dateStyles,
            uses1904: workbook.uses1904DateSystem)
        stream = XMLStream(partName: sheet.part, handler: collector)
        try workbook.archive.open(sheet.part)
    }

    deinit {
        buffer.deallocate()
    }

    /// The next row with a value, nil at the end of the sheet.
    public func next() throws(WorkbookError) -> SheetRow? {
        while collector.readyIndex == collector.ready.count {
            collector.ready.removeAll(keepingCapacity: true)
            collector.readyIndex = 0
            if finished { return nil }
            let count = try workbook.archive.read(into: buffer)
            if count == 0 { finished = true }
            try stream.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), isFinal: count == 0)
        }
        defer { collector.readyIndex += 1 }
        return collector.ready[collector.readyIndex]
    }
}

/// Turns the events of a worksheet part into rows of cell values.
final class SheetCollector: XMLEventHandler {
    let sheetName: String
    let sharedStrings: SharedStrings
    let dateStyles: [Bool]
    let uses1904: Bool
    /// Rows completed by the last chunk, handed out from `readyIndex` on.
    var ready: [SheetRow] = []
    var readyIndex = 0

    private enum TextTarget { case none, value, inlineText }
    private var target = TextTarget.none
    private var inSheetData = false
    private var inInlineString = false
    private var phoneticDepth = 0
    private var rowNumber = 0
    private var cells: [Cell] = []
    private var column = 0
    private var cellType = CellType.number
    private var cellStyle = 0
    private var hasFormula = false
    private var hasValue = false
    private var text: [UInt8] = []

    private enum CellType { case number, sharedString, inlineString, boolean, error, formulaString, isoDate }

    init(sheetName: String, sharedStrings: SharedStrings, dateStyles: [Bool], uses1904: Bool) {
        self.sheetName = sheetName
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.uses1904 = uses1904
    }

    func startElement(_ name: XMLName, _ attributes: XMLAttributes, stream: XMLStream) {
        let local = name.local
        if XMLName.equal(local, "c") {
            guard inSheetData else { return }
            if let reference = attributes.value("r") {
                guard let parsed = CellText.parseReference(reference) else {
                    return stream.stop(WorkbookError(.damaged, "sheet \"\(sheetName)\": a cell has an invalid reference \"\(String(cString: reference))\""))
                }
                column = parsed.column
            } else {
                column += 1
            }
            guard column <= SheetBounds.maximumColumns else {
                return stream.stop(WorkbookError(.outOfBounds, "sheet \"\(sheetName)\" has a cell beyond column XFD (\(SheetBounds.maximumColumns)), Excel's last column"))
            }
            cellType = Self.type(attributes.value("t"))
            cellStyle = attributes.integer("s") ?? 0
            hasFormula = false
            hasValue = false
            text.removeAll(keepingCapacity: true)
        } else if XMLName.equal(local, "v") {
            target = .value
            hasValue = true
        } else if XMLName.equal(local, "t") {
            if inInlineString && phoneticDepth == 0 {
                target = .inlineText
                hasValue = true
            }
        } else if XMLName.equal(local, "row") {
            guard inSheetData else { return }
            let number = attributes.integer("r") ?? rowNumber + 1
            // Rows are numbered from 1 (a damaged or hand-made sheet may say 0 or less).
            guard number >= 1 else {
                return stream.stop(WorkbookError(.damaged, "sheet \"\(sheetName)\": a row has the invalid number \(number)"))
            }
            rowNumber = number
            guard rowNumber <= SheetBounds.maximumRows else {
                return stream.stop(WorkbookError(.outOfBounds, "sheet \"\(sheetName)\" has more than \(SheetBounds.maximumRows) rows, Excel's limit"))
            }
            column = 0
            cells.removeAll(keepingCapacity: true)
        } else if XMLName.equal(local, "f") {
            hasFormula = true
        } else if XMLName.equal(local, "is") {
            inInlineString = true
        } else if XMLName.equal(local, "rPh") {
            phoneticDepth += 1
        } else if XMLName.equal(local, "sheetData") {
            inSheetData = true
        }
    }

    func endElement(_ name: XMLName, stream: XMLStream) {
        let local = name.local
        if XMLName.equal(local, "c") {
            guard inSheetData else { return }
            if let value = cellValue() { cells.append(Cell(column: column, value: value)) }
        } else if XMLName.equal(local, "v") || XMLName.equal(local, "t") {
            target = .none
        } else if XMLName.equal(local, "row") {
            if !cells.isEmpty { ready.append(SheetRow(number: rowNumber, cells: cells)) }
        } else if XMLName.equal(local, "is") {
            inInlineString = false
        } else if XMLName.equal(local, "rPh") {
            phoneticDepth -= 1
        } else if XMLName.equal(local, "sheetData") {
            inSheetData = false
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if target != .none { text.append(contentsOf: bytes) }
    }

    private static func type(_ attribute: UnsafePointer<CChar>?) -> CellType {
        guard let attribute else { return .number }
        if XMLName.equal(attribute, "s") { return .sharedString }
        if XMLName.equal(attribute, "inlineStr") { return .inlineString }
        if XMLName.equal(attribute, "b") { return .boolean }
        if XMLName.equal(attribute, "e") { return .error }
        if XMLName.equal(attribute, "str") { return .formulaString }
        if XMLName.equal(attribute, "d") { return .isoDate }
        return .number
    }

    /// The finished cell's value; nil for a cell with only formatting.
    private func cellValue() -> CellValue? {
        guard hasValue else { return hasFormula ? .formulaWithoutValue : nil }
        switch cellType {
        case .sharedString:
            guard let index = Self.integer(text), let string = sharedStrings.string(at: index) else {
                return .unreadable("refers to shared string \(String(decoding: text, as: UTF8.self)), which the workbook does not have")
            }
            return string.isEmpty ? nil : .text(string)
        case .inlineString, .formulaString:
            CellText.decodeEscapes(&text)
            return text.isEmpty ? nil : .text(String(decoding: text, as: UTF8.self))
        case .boolean:
            return .text(text == [UInt8(ascii: "1")] || text == Array("true".utf8) ? "TRUE" : "FALSE")
        case .error:
            return .error(String(decoding: text, as: UTF8.self))
        case .isoDate:
            // `2019-06-01T00:00:00`: the date part is what a date column stores.
            let value = String(decoding: text, as: UTF8.self)
            return .text(value.hasSuffix("T00:00:00") || value.hasSuffix("T00:00:00Z") ? String(value.prefix(10)) : value)
        case .number:
            if text.isEmpty { return hasFormula ? .formulaWithoutValue : nil }
            guard let number = Double(String(decoding: text, as: UTF8.self)), number.isFinite else {
                return .unreadable("is marked as a number but holds \"\(String(decoding: text.prefix(40), as: UTF8.self))\"")
            }
            if cellStyle < dateStyles.count && dateStyles[cellStyle], let date = CellText.date(serial: number, uses1904: uses1904) {
                return .text(date)
            }
            return .number(CellText.number(number))
        }
    }

    private static func integer(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count < 12 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
