import CSV
import Digest
import Glibc
import Workbook

/// One sheet of an Excel workbook (.xlsx) as a `RecordSource`: the header row, then the rows
/// below it as fields, one per header column, each cell's value as text (see `Workbook`).
///
/// The header row decides the columns: from its first to its last non-empty cell. Rows without
/// any value are skipped (so trailing empty rows and formatting-only rows cost nothing), and
/// columns to the right of the header are ignored unless a row has a value there.
final class WorkbookRecordSource: RecordSource {
    private let workbook: Workbook
    private let sheet: SheetInfo
    private let rows: SheetRows
    private let nonEmptySheetCount: Int
    private let sheetChosen: Bool
    private let headerRowNumber: Int?
    private let digest: String
    private let fileSize: Int
    /// `Sheet1!` or `'Project list'!`.
    private let sheetPrefix: String
    /// The header's columns, 1-based sheet columns, and their names.
    private var firstColumn = 1
    private var headerNames: [String] = []
    /// The row the header was read from.
    private var headerRowRead = 1
    /// The last row read, where a sheet that breaks is said to stop.
    private var lastRowNumber = 0

    private init(
        workbook: Workbook, sheet: SheetInfo, rows: SheetRows, nonEmptySheetCount: Int, sheetChosen: Bool,
        headerRowNumber: Int?, digest: String, fileSize: Int
    ) {
        self.workbook = workbook
        self.sheet = sheet
        self.rows = rows
        self.nonEmptySheetCount = nonEmptySheetCount
        self.sheetChosen = sheetChosen
        self.headerRowNumber = headerRowNumber
        self.digest = digest
        self.fileSize = fileSize
        sheetPrefix = Self.referencePrefix(sheet.name)
    }

    /// Opens the workbook at `path` and the sheet the options choose (by name, by position, else
    /// the first visible sheet with values). Refuses what cannot be read as a whole.
    static func open(path: String, options: ImportOptions) throws(RecordSourceFailure) -> WorkbookRecordSource {
        func failure(_ problem: String, _ suggestion: String? = nil) -> RecordSourceFailure {
            RecordSourceFailure(problem: ImportProblem(line: 1, column: nil, value: nil, problem: problem, suggestion: suggestion))
        }
        let digest: (hex: String, size: Int)
        do {
            digest = try Self.fileDigest(path)
        } catch {
            throw failure("cannot read the file: \(error)")
        }
        do {
            let workbook = try Workbook(path: path, limits: options.zipLimits)
            let visible = workbook.sheets.filter { !$0.hidden }
            let sheet: SheetInfo
            var nonEmpty = 0
            if let name = options.sheetName {
                guard let named = workbook.sheets.first(where: { $0.name == name })
                    ?? workbook.sheets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw failure("the workbook has no sheet named \"\(name)\"", "its sheets are: " + Self.sheetList(workbook.sheets))
                }
                sheet = named
            } else if let index = options.sheetIndex {
                guard index >= 1, index <= workbook.sheets.count else {
                    throw failure("the workbook has \(workbook.sheets.count) sheet(s), so there is no sheet \(index)",
                                  "its sheets are: " + Self.sheetList(workbook.sheets))
                }
                sheet = workbook.sheets[index - 1]
            } else {
                guard let firstVisible = visible.first else {
                    throw failure("the workbook has no visible sheet", "choose one with --sheet NAME (its sheets are: \(Self.sheetList(workbook.sheets)))")
                }
                // Only as far as the first value of each sheet: enough to know which have data.
                var withValues: [SheetInfo] = []
                for candidate in visible where try workbook.hasValues(candidate) { withValues.append(candidate) }
                nonEmpty = withValues.count
                sheet = withValues.first ?? firstVisible
            }
            let rows = try workbook.rows(of: sheet)
            return WorkbookRecordSource(
                workbook: workbook, sheet: sheet, rows: rows, nonEmptySheetCount: nonEmpty,
                sheetChosen: options.sheetName != nil || options.sheetIndex != nil, headerRowNumber: options.headerRow,
                digest: digest.hex, fileSize: digest.size)
        } catch let failure as RecordSourceFailure {
            throw failure
        } catch let error as WorkbookError {
            throw failure(error.message, error.suggestion)
        } catch {
            throw failure(String(describing: error))
        }
    }

    func readHeader() throws(RecordSourceFailure) -> SourceRecord? {
        var candidate: SheetRow?
        repeat {
            candidate = try nextRow()
        } while candidate.map { row in headerRowNumber.map { row.number < $0 } ?? false } ?? false
        guard let row = candidate else {
            if let headerRowNumber {
                throw Self.failure(line: headerRowNumber, cell: sheetPrefix + "\(headerRowNumber):\(headerRowNumber)",
                                   "the sheet \"\(sheet.name)\" has no values from row \(headerRowNumber) on", "check --header-row")
            }
            return nil
        }
        if let headerRowNumber, row.number != headerRowNumber {
            throw Self.failure(line: headerRowNumber, cell: sheetPrefix + "\(headerRowNumber):\(headerRowNumber)",
                               "row \(headerRowNumber) of the sheet \"\(sheet.name)\" is empty, so it cannot be the header",
                               "--header-row names the row that holds the column names (the next row with values is \(row.number))")
        }
        let named = row.cells.filter { if case .text(let text) = $0.value { !text.isEmpty } else { true } }
        headerRowRead = row.number
        firstColumn = named.first?.column ?? 1
        let lastColumn = named.last?.column ?? 1
        headerNames = Array(repeating: "", count: lastColumn - firstColumn + 1)
        for cell in row.cells where (firstColumn...lastColumn).contains(cell.column) {
            headerNames[cell.column - firstColumn] = Self.text(of: cell.value)
        }
        return SourceRecord(fields: headerNames, line: row.number)
    }

    func next() throws(RecordSourceFailure) -> SourceRecord? {
        while let row = try nextRow() {
            var fields = Array(repeating: "", count: headerNames.count)
            var problems: [ImportProblem] = []
            for cell in row.cells {
                let index = cell.column - firstColumn
                // Only for problems: building it for every cell cost 5% of a large import.
                var reference: String { sheetPrefix + CellText.columnLetters(cell.column) + String(row.number) }
                guard index >= 0, index < headerNames.count else {
                    var problem = ImportProblem(
                        line: row.number, column: nil, value: Self.text(of: cell.value),
                        problem: "a value in column \(CellText.columnLetters(cell.column)), which has no header",
                        suggestion: "add a header for it in row \(headerRowRead), or clear the cell")
                    problem.cell = reference
                    problems.append(problem)
                    continue
                }
                let column = headerNames[index]
                switch cell.value {
                case .text(let text):
                    fields[index] = text
                case .number(let text):
                    fields[index] = text
                    if index == identifierColumn { warnIfDigitsMayBeLost(text, cell: reference, line: row.number, column: column) }
                case .error(let code):
                    var problem = ImportProblem(
                        line: row.number, column: column, value: code, problem: "the cell holds the error value \(code)",
                        suggestion: "correct the formula or type the value in Excel, then save and import again")
                    problem.cell = reference
                    problems.append(problem)
                case .formulaWithoutValue:
                    var problem = ImportProblem(
                        line: row.number, column: column, value: nil,
                        problem: "the cell has a formula whose result was never saved (the file was written by a program that does not calculate)",
                        suggestion: "open the file in Excel or LibreOffice and save it, so that the results are stored")
                    problem.cell = reference
                    problems.append(problem)
                case .unreadable(let what):
                    var problem = ImportProblem(line: row.number, column: column, value: nil, problem: "the cell " + what)
                    problem.cell = reference
                    problems.append(problem)
                }
            }
            // A row whose values are all outside the header's columns still reports them.
            if problems.isEmpty && fields.allSatisfy(\.isEmpty) { continue }
            return SourceRecord(fields: fields, line: row.number, problems: problems)
        }
        return nil
    }

    private func nextRow() throws(RecordSourceFailure) -> SheetRow? {
        do throws(WorkbookError) {
            let row = try rows.next()
            if let row { lastRowNumber = row.number }
            return row
        } catch {
            throw Self.failure(line: lastRowNumber, cell: String(sheetPrefix.dropLast()), error.message, error.suggestion)
        }
    }

    /// Inflated bytes stand in for bytes read: progress is approximate, but moves.
    var bytesConsumed: Int { min(fileSize, workbook.bytesInflated / 8) }

    /// The id column, once the header is mapped: numbers there are checked for lost digits.
    private var identifierColumn: Int?
    private var digitWarnings: [ImportProblem] = []
    private var unlistedDigitWarnings = 0

    func headerMapped(identifierColumn: Int?) {
        self.identifierColumn = identifierColumn
    }

    /// Excel keeps 15 significant digits of a number and drops leading zeros: an id typed into a
    /// number cell with 15 digits or more may already have lost its last ones in the workbook.
    private func warnIfDigitsMayBeLost(_ text: String, cell: String, line: Int, column: String) {
        let digits = text.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "0") }.filter { $0 >= 48 && $0 <= 57 }.count
        guard digits >= 15 else { return }
        guard digitWarnings.count < 20 else {
            unlistedDigitWarnings += 1
            return
        }
        var warning = ImportProblem(
            severity: .warning, line: line, column: column, value: text,
            problem: "the id is stored as a number of \(digits) digits; Excel keeps only 15 significant digits (and no leading zeros), so the workbook may already have lost part of it",
            suggestion: "check it against the source; format the id column as Text in Excel before typing or pasting ids")
        warning.cell = cell
        digitWarnings.append(warning)
    }

    func endOfInputWarnings() -> (listed: [ImportProblem], unlisted: Int) { (digitWarnings, unlistedDigitWarnings) }

    func contentDigest() -> String { digest }

    /// Rejected rows are written as CSV (UTF-8 with a byte order mark, so that Excel opens it as
    /// UTF-8), re-importable with the same command.
    var rejectsFormat: RejectsFormat {
        RejectsFormat(delimiter: UInt8(ascii: ","), lineEnding: [13, 10], encoder: OutputEncoder(encoding: .utf8, byteOrderMark: true), workbook: true)
    }

    func headerHint(_ header: [String]) -> String? {
        headerRowNumber == nil
            ? "the header is the first row with values in the sheet \"\(sheet.name)\"; if the column names are on a later row, pass --header-row N"
            : nil
    }

    func problemLocator() -> ProblemLocator? {
        var letters: [String: String] = [:]
        for (index, name) in headerNames.enumerated() where letters[name] == nil {
            letters[name] = CellText.columnLetters(firstColumn + index)
        }
        return ProblemLocator(sheetPrefix: sheetPrefix, lettersByColumnName: letters)
    }

    func describe(in summary: inout ImportSummary) {
        summary.sheet = sheet.name
        summary.nonEmptySheetCount = nonEmptySheetCount
        summary.sheetChosen = sheetChosen
    }

    private static func text(of value: CellValue) -> String {
        switch value {
        case .text(let text), .number(let text): text
        case .error(let code): code
        case .formulaWithoutValue, .unreadable: ""
        }
    }

    private static func failure(line: Int, cell: String, _ problem: String, _ suggestion: String?) -> RecordSourceFailure {
        var located = ImportProblem(line: line, column: nil, value: nil, problem: problem, suggestion: suggestion)
        located.cell = cell
        return RecordSourceFailure(problem: located)
    }

    /// `Sheet1!`; a name with anything but letters, digits, `_` and `.` is quoted as Excel does:
    /// `'Project list'!`, with `'` doubled.
    static func referencePrefix(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." }
            && !("0"..."9").contains(name.unicodeScalars.first!)
        return plain ? name + "!" : "'" + name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'!"
    }

    private static func sheetList(_ sheets: [SheetInfo]) -> String {
        sheets.map { "\"\($0.name)\"" + ($0.hidden ? " (hidden)" : "") }.joined(separator: ", ")
    }

    /// SHA-256 and size of the file, recorded with the batch like a CSV file's.
    private static func fileDigest(_ path: String) throws -> (hex: String, size: Int) {
        var source = try FileByteSource(path: path)
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        var size = 0
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            size += count
        }
        return (hasher.finalize().hexString, size)
    }
}
