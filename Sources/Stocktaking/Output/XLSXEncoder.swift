import Workbook

extension OutputFormat {
    /// An Excel workbook: typed cells, a bold frozen header with an autofilter, an About sheet. A
    /// zip package, so it is written into a file (`WorkbookOutput`), never to standard output.
    public static let xlsx = OutputFormat(name: "xlsx", needsFile: true) { XLSXEncoder(settings: $0) }
}

/// What an xlsx sheet's encoder reports to the workbook it goes into: how many rows and columns it
/// wrote, the cells it truncated, and why it cannot be written when it cannot (a cell or a sheet
/// beyond Excel's limits). Shared between `XLSXEncoder` and `WorkbookOutput`.
public final class WorkbookSheetLog {
    /// A cell longer than Excel's 32,767 characters that was cut to that length.
    public struct TruncatedCell: Sendable, Equatable {
        /// `project WSIS-0000000042`, or `row 12`.
        public let record: String
        public let column: String
        /// Its length before truncation, in characters (UTF-16 code units, as Excel counts).
        public let characters: Int

        public init(record: String, column: String, characters: Int) {
            self.record = record
            self.column = column
            self.characters = characters
        }
    }

    /// Cut cells longer than Excel allows (and list them) instead of failing.
    public var truncateLongCells: Bool
    /// The rows below the header.
    public internal(set) var dataRows = 0
    public internal(set) var columns = 0
    /// The truncated cells, the first `truncationListLimit` of them.
    public internal(set) var truncated: [TruncatedCell] = []
    public internal(set) var truncatedCount = 0
    /// Why the sheet cannot be written; the workbook throws it at its next write.
    public internal(set) var failure: WorkbookLimitError?
    /// The encoder wrote the end of the sheet.
    public internal(set) var finished = false

    /// Excel's limit on the characters of a cell (UTF-16 code units).
    public static let maximumCellCharacters = SheetRowWriter.maximumCellCharacters

    /// How many truncated cells are listed by name (the rest are counted).
    public static let truncationListLimit = 1000

    public init(truncateLongCells: Bool = false) {
        self.truncateLongCells = truncateLongCells
    }
}

/// Data that does not fit Excel's limits: a cell over 32,767 characters, more than 1,048,576 rows.
/// Nothing is written (exit 1 in the CLI).
public struct WorkbookLimitError: WordedError, Sendable {
    public let wording: Wording

    public init(_ wording: Wording) {
        self.wording = wording
    }
}

/// A worksheet's XML: the header row in bold, then one row per record with typed cells — integers
/// and reals as numbers, ISO dates in `dateColumns` as dates, booleans as TRUE/FALSE, text and
/// `;`-joined lists as inline strings (never formulas; see `SheetRowWriter`). NULL leaves the cell
/// empty. Column widths come from the header and the first rows, which are held back until
/// `widthWindow` rows (or `widthWindowBytes` of XML) are seen.
///
/// An integer of 16 digits or more is written as text: Excel keeps 15 significant digits.
final class XLSXEncoder: FormatEncoder {
    let columns: [String]
    let log: WorkbookSheetLog
    private let dateColumns: [Bool]
    private let recordName: (column: Int, noun: String)?
    private var rows = SheetRowWriter()
    private var field = 0
    /// Rows held back until the column widths are known; then everything goes straight out.
    @exclusivity(unchecked) private var held: [UInt8] = []
    private var holding = true
    private var widths: [Int]
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    private var recordLabel: [UInt8] = []
    private var longCells: [(column: Int, characters: Int)] = []
    /// Past Excel's last row: the rest is dropped (the workbook fails).
    private var stopped = false

    static let widthWindow = 100
    static let widthWindowBytes = 1 << 20
    /// Excel's last row holds the 1,048,575th record below the header.
    static let maximumDataRows = SheetBounds.maximumRows - 1

    init(settings: EncoderSettings) {
        columns = settings.columns
        log = settings.sheet ?? WorkbookSheetLog()
        dateColumns = (0..<settings.columns.count).map { settings.dateColumns.contains($0) }
        recordName = settings.recordName
        widths = settings.columns.map { $0.count + 1 }
        scratch.reserveCapacity(256)
        log.columns = columns.count
    }

    func start(byteOrderMark: Bool, header: Bool, into buffer: inout [UInt8]) {
        // Excel shows the header whatever `header` says: it is what the filter buttons sit on.
        rows.beginRow(&held)
        for column in columns { rows.text(column, style: .header, &held) }
        rows.endRow(&held)
    }

    func finish(into buffer: inout [UInt8]) {
        if holding { release(&buffer) }
        buffer.append(contentsOf: WorksheetXML.end(autoFilter: columns.isEmpty ? nil : (log.dataRows + 1, columns.count)))
        log.finished = true
    }

    /// Writes the start of the sheet with the widths seen so far, and the rows held back.
    private func release(_ buffer: inout [UInt8]) {
        buffer.append(contentsOf: WorksheetXML.start(frozenHeader: true, columnWidths: widths.map { WorksheetXML.width(characters: $0) }))
        buffer.append(contentsOf: held)
        held = []
        holding = false
    }

    /// Starts the record's row at its first value; false when past Excel's last row.
    @inline(__always)
    private func beginField(_ buffer: inout [UInt8]) -> Bool {
        if field == 0 {
            if log.dataRows >= Self.maximumDataRows {
                if !stopped {
                    stopped = true
                    log.failure = WorkbookLimitError(
                        "more than \(Self.maximumDataRows) rows: an Excel sheet holds at most \(SheetBounds.maximumRows) rows with its header; export fewer (with filters) or as CSV")
                }
            } else if holding {
                rows.beginRow(&held)
            } else {
                rows.beginRow(&buffer)
            }
            recordLabel.removeAll(keepingCapacity: true)
        }
        field += 1
        return !stopped
    }

    func endRecord(_ buffer: inout [UInt8]) {
        precondition(field == columns.count, "a record must have one value per column")
        field = 0
        guard !stopped else { return }
        if holding { rows.endRow(&held) } else { rows.endRow(&buffer) }
        log.dataRows += 1
        if !longCells.isEmpty { noteLongCells() }
        if holding && (log.dataRows >= Self.widthWindow || held.count >= Self.widthWindowBytes) { release(&buffer) }
    }

    private func noteLongCells() {
        let record = recordName.flatMap { name in recordLabel.isEmpty ? nil : "\(name.noun) \(String(decoding: recordLabel, as: UTF8.self))" }
            ?? "row \(rows.row)"
        for (column, characters) in longCells {
            if log.truncateLongCells {
                if log.truncated.count < WorkbookSheetLog.truncationListLimit {
                    log.truncated.append(.init(record: record, column: columns[column], characters: characters))
                }
                log.truncatedCount += 1
            } else if log.failure == nil {
                log.failure = WorkbookLimitError(
                    "\(record): \(columns[column]) has \(characters) characters; an Excel cell holds at most \(SheetRowWriter.maximumCellCharacters). Give \(option: .truncateLongCells) to cut such cells (they are listed), or export as CSV")
            }
        }
        longCells.removeAll()
    }

    /// A text value of the current field (already counted by `beginField`).
    @inline(__always)
    private func writeText(_ bytes: UnsafeRawBufferPointer, _ buffer: inout [UInt8]) {
        let column = field - 1
        if let recordName, recordName.column == column { recordLabel.append(contentsOf: bytes.prefix(200)) }
        guard bytes.count > 0 else { return rows.skipCell() }
        if dateColumns[column], let serial = CellText.serial(isoDate: bytes) {
            if holding {
                rows.date(serial: serial, &held)
                widths[column] = max(widths[column], 10)
            } else {
                rows.date(serial: serial, &buffer)
            }
            return
        }
        var value = bytes
        // A cell has at most 32,767 UTF-16 code units; no UTF-8 byte makes more than one.
        if bytes.count > SheetRowWriter.maximumCellCharacters {
            let characters = SheetRowWriter.characterCount(bytes)
            if characters > SheetRowWriter.maximumCellCharacters {
                longCells.append((column, characters))
                value = UnsafeRawBufferPointer(rebasing: bytes[0..<SheetRowWriter.prefixLength(bytes, characters: SheetRowWriter.maximumCellCharacters)])
            }
        }
        if holding {
            rows.text(value, &held)
            widths[column] = max(widths[column], Self.displayWidth(value))
        } else {
            rows.text(value, &buffer)
        }
    }

    /// The characters of the first line, up to a screenful.
    private static func displayWidth(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in bytes {
            if byte == 0x0A || count >= 80 { break }
            if byte & 0xC0 != 0x80 { count += 1 }
        }
        return count
    }

    private func writeNumber(_ digits: [UInt8], _ buffer: inout [UInt8]) {
        let column = field - 1
        if holding {
            rows.number(digits, &held)
            widths[column] = max(widths[column], digits.count)
        } else {
            rows.number(digits, &buffer)
        }
    }

    func text(_ bytes: UnsafeRawBufferPointer?, _ buffer: inout [UInt8]) {
        guard beginField(&buffer) else { return }
        guard let bytes else { return rows.skipCell() }
        writeText(bytes, &buffer)
    }

    func integer(_ value: Int64?, _ buffer: inout [UInt8]) {
        guard beginField(&buffer) else { return }
        guard let value else { return rows.skipCell() }
        scratch.removeAll(keepingCapacity: true)
        DecimalText.append(value, to: &scratch)
        if let recordName, recordName.column == field - 1 { recordLabel.append(contentsOf: scratch) }
        if value.magnitude < 1_000_000_000_000_000 {
            writeNumber(scratch, &buffer)
        } else {
            scratch.withUnsafeBytes { writeText($0, &buffer) }
        }
    }

    func real(_ value: Double?, _ buffer: inout [UInt8]) {
        guard beginField(&buffer) else { return }
        guard let value else { return rows.skipCell() }
        if value.isFinite {
            writeNumber(Array(CellText.number(value).utf8), &buffer)
        } else {
            var text = value.description
            text.withUTF8 { writeText(UnsafeRawBufferPointer($0), &buffer) }
        }
    }

    func boolean(_ value: Bool, _ buffer: inout [UInt8]) {
        guard beginField(&buffer) else { return }
        if holding { rows.boolean(value, &held) } else { rows.boolean(value, &buffer) }
    }

    func list(_ items: [[UInt8]], _ buffer: inout [UInt8]) {
        guard beginField(&buffer) else { return }
        scratch.removeAll(keepingCapacity: true)
        for (index, item) in items.enumerated() {
            if index > 0 { scratch.append(UInt8(ascii: ";")) }
            scratch.append(contentsOf: item)
        }
        scratch.withUnsafeBytes { writeText($0, &buffer) }
    }

    func numbers(_ items: [Int], _ buffer: inout [UInt8]) {
        guard beginField(&buffer) else { return }
        scratch.removeAll(keepingCapacity: true)
        DecimalText.appendList(items, separator: UInt8(ascii: ";"), to: &scratch)
        scratch.withUnsafeBytes { writeText($0, &buffer) }
    }
}
