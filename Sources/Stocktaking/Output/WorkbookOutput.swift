import Glibc
import Workbook

/// An xlsx workbook written into an open file: the rows go through `sink` as the first sheet's XML
/// (written by `XLSXEncoder`, deflated into the workbook's zip as the sink drains), and `finish()`
/// adds the About sheet (what was exported, the rows, the tool, truncated cells), the Reference
/// sheet when there is one, and the workbook's other parts.
///
/// The file is the caller's: an `AtomicFile`'s temporary, which is committed (renamed over the
/// target) only after `finish()` — so a failure, or a cell beyond Excel's limits, leaves the
/// target as it was.
///
/// ```swift
/// let file = try AtomicFile(targetPath: "projects.xlsx")
/// let workbook = try WorkbookOutput(descriptor: file.descriptor, path: "projects.xlsx")
/// try ProjectExporter(catalog: catalog).export(options, to: workbook.sink)
/// try workbook.finish()
/// try file.commit()
/// ```
public final class WorkbookOutput {
    /// The first sheet's XML: give it to an exporter or a `RowWriter` in the xlsx format.
    public let sink: FileSink
    public let sheet: WorkbookSheetLog
    /// The first sheet's tab name.
    public var sheetName = "Results"
    /// Lines of the About sheet after the sheet's name and rows: what was exported, the filters.
    public var about: [(String, String)] = []
    /// Named in the About sheet (`stocktake 1.4.0`).
    public var toolVersion: String?
    /// A third sheet, "Reference" (the titles of the codes in link lists).
    public var reference: SmallSheet?
    /// The document date recorded in its properties (nil: none). Give the data's date, not the
    /// clock's, to keep the bytes the same for the same data.
    public var documentDate: String?
    private let writer: WorkbookWriter
    private let path: String
    private var finished = false

    /// - Parameters:
    ///   - descriptor: a seekable file, open for writing, empty.
    ///   - path: for messages.
    /// - Throws: `OutputRefused` when the descriptor cannot seek (a pipe, a FIFO).
    public init(descriptor: Int32, path: String, option: OptionName = .out, truncateLongCells: Bool = false) throws {
        guard lseek(descriptor, 0, SEEK_CUR) >= 0 else {
            throw OutputRefused("\(option: option) \(path) is a pipe or FIFO; an xlsx workbook is a zip file, which needs a regular file")
        }
        self.path = path
        sheet = WorkbookSheetLog(truncateLongCells: truncateLongCells)
        let writer = try Self.mapping(path) { () throws(WorkbookWriteError) in try WorkbookWriter(descriptor: descriptor) }
        self.writer = writer
        let sheet = sheet
        sink = FileSink(capacity: 1 << 20, path: path) { bytes in
            if let failure = sheet.failure { throw failure }
            try Self.mapping(path) { () throws(WorkbookWriteError) in try writer.write(bytes) }
        }
        try Self.mapping(path) { () throws(WorkbookWriteError) in try writer.beginSheet() }
        sink.workbook = self
    }

    /// The settings an xlsx encoder of this workbook's sheet is made with.
    public func settings(columns: [String]) -> EncoderSettings {
        var settings = EncoderSettings(columns: columns)
        settings.sheet = sheet
        return settings
    }

    /// Ends the first sheet, writes the others and the workbook's parts: the file is complete.
    ///
    /// - Throws: `WorkbookLimitError` when the data did not fit Excel's limits; `SystemError`.
    public func finish() throws {
        precondition(!finished, "finish() called twice")
        finished = true
        try sink.flush()
        if let failure = sheet.failure { throw failure }
        if !sheet.finished {
            // Nothing was encoded (a query with no columns): an empty sheet.
            try sink.write(WorksheetXML.start(frozenHeader: false, columnWidths: []) + WorksheetXML.end(autoFilter: nil))
            try sink.flush()
        }
        let filter = sheet.columns > 0 && sheet.finished ? (sheet.dataRows + 1, sheet.columns) : nil
        try Self.mapping(path) { () throws(WorkbookWriteError) in
            try writer.endSheet(name: sheetName, filterRange: filter)
            try writer.addSheet(name: "About", xml: aboutSheet.xml)
            if let reference { try writer.addSheet(name: "Reference", xml: reference.xml, filterRange: reference.filterRange) }
            try writer.finish(modified: documentDate)
        }
    }

    /// Bytes of the workbook file so far (all of it after `finish()`).
    public var bytesWritten: Int { Int(writer.bytesWritten) }

    var aboutSheet: SmallSheet {
        var rows: [[SheetCell]] = [
            [.bold("Sheet"), .text(sheetName)],
            [.bold("Rows"), .integer(Int64(sheet.dataRows))],
        ]
        for (name, value) in about { rows.append([.bold(name), .text(value)]) }
        rows.append([.bold("Written by"), .text("stocktake" + (toolVersion.map { " " + $0 } ?? ""))])
        if sheet.truncateLongCells {
            rows.append([.bold("Cells truncated"), .integer(Int64(sheet.truncatedCount))])
            for cell in sheet.truncated {
                rows.append([.empty, .text("\(cell.record): \(cell.column) had \(cell.characters) characters, cut to \(SheetRowWriter.maximumCellCharacters)")])
            }
            if sheet.truncatedCount > sheet.truncated.count {
                rows.append([.empty, .text("and \(sheet.truncatedCount - sheet.truncated.count) more")])
            }
        }
        return SmallSheet(rows: rows, columnWidths: [20, 100])
    }

    /// Runs `body`, turning the writer's errors into the library's: a failed write into a
    /// `SystemError` naming the file.
    static func mapping<T>(_ path: String, _ body: () throws(WorkbookWriteError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            if let code = error.code { throw SystemError(operation: "write", path: path, code: code) }
            throw WorkbookLimitError("\(error.message)")
        }
    }
}
