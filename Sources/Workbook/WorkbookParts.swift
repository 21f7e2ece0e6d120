/// A handler that collects what one small XML part says (workbook, relationships, styles), fed by
/// `ZipArchive.stream` through an `XMLStream`.
private func parse(_ archive: ZipArchive, part: String, handler: some XMLEventHandler) throws(WorkbookError) {
    let stream = XMLStream(partName: part, handler: handler)
    try archive.stream(part) { (bytes, isFinal) throws(WorkbookError) in try stream.feed(bytes, isFinal: isFinal) }
}

/// A sheet as the workbook lists it.
public struct SheetInfo: Sendable, Equatable {
    public let name: String
    /// 1-based position in the workbook's tab order.
    public let index: Int
    public let hidden: Bool
    /// The zip entry holding its cells.
    let part: String
}

/// `xl/workbook.xml`: the sheets in tab order with their visibility, and the date system.
final class WorkbookPartHandler: XMLEventHandler {
    struct Sheet { let name: String; let hidden: Bool; let relationshipID: String }
    var sheets: [Sheet] = []
    var uses1904 = false

    func startElement(_ name: XMLName, _ attributes: XMLAttributes, stream: XMLStream) {
        if name.is("sheet") {
            let state = attributes.string("state") ?? "visible"
            sheets.append(Sheet(
                name: attributes.string("name") ?? "Sheet\(sheets.count + 1)", hidden: state != "visible",
                relationshipID: attributes.string("id", namespaced: true) ?? ""))
        } else if name.is("workbookPr") {
            let value = attributes.string("date1904")
            uses1904 = value == "1" || value == "true"
        }
    }

    func endElement(_ name: XMLName, stream: XMLStream) {}
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}

    static func read(_ archive: ZipArchive) throws(WorkbookError) -> WorkbookPartHandler {
        let handler = WorkbookPartHandler()
        try parse(archive, part: "xl/workbook.xml", handler: handler)
        return handler
    }
}

/// `xl/_rels/workbook.xml.rels`: relationship id → part, and the shared strings and styles parts.
final class RelationshipsHandler: XMLEventHandler {
    var targetByID: [String: String] = [:]
    var sharedStringsPart: String?
    var stylesPart: String?

    func startElement(_ name: XMLName, _ attributes: XMLAttributes, stream: XMLStream) {
        guard name.is("Relationship"), let id = attributes.string("Id"), let target = attributes.string("Target"),
              attributes.string("TargetMode") != "External" else { return }
        let part = Self.resolve(target)
        targetByID[id] = part
        let type = attributes.string("Type") ?? ""
        if type.hasSuffix("/sharedStrings") { sharedStringsPart = part }
        if type.hasSuffix("/styles") { stylesPart = part }
    }

    func endElement(_ name: XMLName, stream: XMLStream) {}
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}

    /// A target relative to `xl/` (`worksheets/sheet1.xml`) or absolute (`/xl/worksheets/sheet1.xml`).
    static func resolve(_ target: String) -> String {
        var components: [Substring] = target.hasPrefix("/") ? [] : ["xl"]
        for component in target.split(separator: "/") {
            if component == ".." { _ = components.popLast() } else if component != "." { components.append(component) }
        }
        return components.joined(separator: "/")
    }

    static func read(_ archive: ZipArchive) throws(WorkbookError) -> RelationshipsHandler {
        let handler = RelationshipsHandler()
        if archive.contains("xl/_rels/workbook.xml.rels") {
            try parse(archive, part: "xl/_rels/workbook.xml.rels", handler: handler)
        }
        return handler
    }
}

/// `xl/styles.xml`: which cell formats (`<c s="N">`) show numbers as dates.
final class StylesHandler: XMLEventHandler {
    private var customFormats: [Int: String] = [:]
    private var formatIDs: [Int] = []
    private var inCellFormats = false

    func startElement(_ name: XMLName, _ attributes: XMLAttributes, stream: XMLStream) {
        if name.is("numFmt"), let id = attributes.integer("numFmtId") {
            customFormats[id] = attributes.string("formatCode") ?? ""
        } else if name.is("cellXfs") {
            inCellFormats = true
        } else if name.is("xf") && inCellFormats {
            formatIDs.append(attributes.integer("numFmtId") ?? 0)
        }
    }

    func endElement(_ name: XMLName, stream: XMLStream) {
        if name.is("cellXfs") { inCellFormats = false }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}

    /// For each cell format index, whether it is a date format.
    var dateStyles: [Bool] {
        formatIDs.map { id in customFormats[id].map(Self.isDateFormat) ?? Self.isBuiltInDateFormat(id) }
    }

    /// Excel's built-in date formats: 14–17 and 22 (dates, date-times), 27–36 and 50–58 (East Asian
    /// dates). Times only (18–21, 45–47) are not dates.
    static func isBuiltInDateFormat(_ id: Int) -> Bool {
        (14...17).contains(id) || id == 22 || (27...36).contains(id) || (50...58).contains(id)
    }

    /// A custom format shows a date when, outside quoted text, escapes and `[…]` sections (colours,
    /// conditions, locales), it has a day or year code, or a month code `m` not between hours and
    /// seconds (where `m` means minutes).
    static func isDateFormat(_ code: String) -> Bool {
        var plain: [Character] = []
        var iterator = code.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"": while let next = iterator.next(), next != "\"" {}
            case "\\", "_", "*": _ = iterator.next()
            case "[": while let next = iterator.next(), next != "]" {}
            default: plain.append(Character(character.lowercased()))
            }
        }
        // Only the first section (positive numbers) decides.
        let section = plain.split(separator: ";", omittingEmptySubsequences: false).first ?? []
        if section.contains("d") || section.contains("y") { return true }
        if section.contains("m") { return !section.contains("h") && !section.contains("s") }
        return false
    }

    static func read(_ archive: ZipArchive, part: String?) throws(WorkbookError) -> [Bool] {
        guard let part, archive.contains(part) else { return [] }
        let handler = StylesHandler()
        try parse(archive, part: part, handler: handler)
        return handler.dateStyles
    }
}

/// The shared-strings table, held compactly: every string's UTF-8 in one buffer, and where each
/// one ends. A workbook of 100,000 rows holds hundreds of thousands of them; one Swift string
/// each would cost several times the text.
struct SharedStrings {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []

    var count: Int { ends.count }

    mutating func append(_ text: [UInt8]) {
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
    }

    func string(at index: Int) -> String? {
        guard index >= 0, index < ends.count else { return nil }
        let start = index == 0 ? 0 : ends[index - 1]
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<ends[index]]), as: UTF8.self) }
    }
}

/// `xl/sharedStrings.xml`: each `<si>`, its rich-text runs (`<r><t>`) joined, phonetic guides
/// (`<rPh>`) left out, `_xHHHH_` escapes decoded.
final class SharedStringsHandler: XMLEventHandler {
    var table = SharedStrings()
    private var current: [UInt8] = []
    private var inText = false
    private var phoneticDepth = 0

    func startElement(_ name: XMLName, _ attributes: XMLAttributes, stream: XMLStream) {
        if name.is("t") { inText = phoneticDepth == 0 }
        else if name.is("si") { current.removeAll(keepingCapacity: true) }
        else if name.is("rPh") { phoneticDepth += 1 }
    }

    func endElement(_ name: XMLName, stream: XMLStream) {
        if name.is("t") { inText = false }
        else if name.is("rPh") { phoneticDepth -= 1 }
        else if name.is("si") {
            CellText.decodeEscapes(&current)
            table.append(current)
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if inText { current.append(contentsOf: bytes) }
    }

    static func read(_ archive: ZipArchive, part: String?) throws(WorkbookError) -> SharedStrings {
        guard let part, archive.contains(part) else { return SharedStrings() }
        let handler = SharedStringsHandler()
        try parse(archive, part: part, handler: handler)
        return handler.table
    }
}
