/// An Excel workbook (.xlsx, Office Open XML SpreadsheetML) opened for reading: its sheets, its
/// date system, its styles and shared strings. Cells are read a row at a time with `rows(of:)`.
///
/// ```swift
/// let workbook = try Workbook(path: "submissions.xlsx")
/// let rows = try workbook.rows(of: workbook.sheets[0])
/// while let row = try rows.next() { print(row.number, row.cells) }
/// ```
public final class Workbook {
    public let sheets: [SheetInfo]
    /// Serial dates count from 1904-01-01 (old Mac Excel) instead of 1900-01-01.
    public let uses1904DateSystem: Bool
    let archive: ZipArchive
    let dateStyles: [Bool]
    let sharedStrings: SharedStrings

    public init(path: String, limits: ZipLimits = ZipLimits()) throws(WorkbookError) {
        archive = try ZipArchive(path: path, limits: limits)
        guard archive.contains("xl/workbook.xml") else {
            if archive.contains("mimetype") && archive.contains("content.xml") {
                throw WorkbookError(.notAWorkbook, "the file is an OpenDocument spreadsheet (.ods)",
                                    suggestion: "open it in LibreOffice or Excel and save it as .xlsx or CSV")
            }
            throw WorkbookError(.notAWorkbook, "the file is a zip file but not an Excel workbook (it has no xl/workbook.xml)",
                                suggestion: "save it as .xlsx or CSV")
        }
        let workbookPart = try WorkbookPartHandler.read(archive)
        let relationships = try RelationshipsHandler.read(archive)
        var sheets: [SheetInfo] = []
        for (offset, sheet) in workbookPart.sheets.enumerated() {
            let part = relationships.targetByID[sheet.relationshipID] ?? "xl/worksheets/sheet\(offset + 1).xml"
            sheets.append(SheetInfo(name: sheet.name, index: offset + 1, hidden: sheet.hidden, part: part))
        }
        self.sheets = sheets
        uses1904DateSystem = workbookPart.uses1904
        dateStyles = try StylesHandler.read(archive, part: relationships.stylesPart ?? "xl/styles.xml")
        sharedStrings = try SharedStringsHandler.read(archive, part: relationships.sharedStringsPart ?? "xl/sharedStrings.xml")
    }

    /// The rows of `sheet` that have at least one cell with a value, streamed from the zip.
    public func rows(of sheet: SheetInfo) throws(WorkbookError) -> SheetRows {
        guard archive.contains(sheet.part) else {
            throw WorkbookError(.damaged, "the sheet \"\(sheet.name)\" has no cells part (\(sheet.part))",
                                suggestion: "open the file in Excel and save it again")
        }
        return try SheetRows(workbook: self, sheet: sheet)
    }

    /// Whether `sheet` has any cell with a value; reads only as far as the first one.
    public func hasValues(_ sheet: SheetInfo) throws(WorkbookError) -> Bool {
        try rows(of: sheet).next() != nil
    }

    /// Bytes inflated so far from the zip, for progress.
    public var bytesInflated: Int { archive.totalInflated }
}

/// One cell's content as text, or why it has none that can be imported.
public enum CellValue: Sendable, Equatable {
    case text(String)
    /// A number cell (not date-formatted), as its shortest round-trip decimal: text to an import,
    /// but an id stored as a number may have lost digits (Excel keeps 15 significant digits).
    case number(String)
    /// An error value (`#N/A`, `#REF!`, `#DIV/0!`).
    case error(String)
    /// A formula whose result was never saved (files written by programs, not by Excel).
    case formulaWithoutValue
    /// A value the file says is a number (or shared string) but is not one; the text says what.
    case unreadable(String)
}

public struct Cell: Sendable, Equatable {
    /// 1-based: A is 1.
    public let column: Int
    public let value: CellValue
}

/// A row of a sheet with its non-empty cells in column order.
public struct SheetRow: Sendable, Equatable {
    /// 1-based, as Excel numbers rows.
    public let number: Int
    public var cells: [Cell]
}
