import SafeText

/// One problem (or warning) found in an input file, located by line and column (CSV) or by cell
/// (a workbook: `Sheet1!C12`, the reference a person types into Excel's Name Box).
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var severity: Severity
    /// The line (CSV) or the sheet row (workbook) of the problem.
    public var line: Int
    /// In a workbook: `Sheet1!C12`, or `Sheet1!12:12` for a problem with the whole row. Shown
    /// instead of the line, and reported as `cell` instead of `line` in `--report`.
    public var cell: String?
    /// The column's name as written in the file's header; nil for problems with a whole row.
    public var column: String?
    /// A short excerpt of the offending value.
    public var value: String?
    public var problem: String
    public var suggestion: String?
    /// The row's external_id when it has one: spreadsheet users find rows by id, and line numbers
    /// drift from row numbers after multi-line cells. Shown as `LINE (ID):`.
    public var externalID: String? {
        didSet { externalID = externalID.map { TerminalText.excerpt($0, limit: 40) } }
    }

    public init(severity: Severity = .error, line: Int, column: String?, value: String?, problem: String, suggestion: String? = nil) {
        self.severity = severity
        self.line = line
        self.column = column
        self.value = value.map { TerminalText.excerpt($0) }
        self.problem = problem
        self.suggestion = suggestion
    }

    public init(line: Int, column: String?, value: String?, _ error: ResolutionError) {
        self.init(line: line, column: column, value: value, problem: error.problem, suggestion: error.suggestion)
    }

    /// `LINE (ID): column NAME: value "…": what was wrong; suggestion` (the caller prefixes the file
    /// name); `Sheet1!C12 (ID): …` in a workbook.
    public var description: String {
        var text = (cell ?? "\(line)") + (externalID.map { " (\($0))" } ?? "") + ":"
        if let column { text += " column \(TerminalText.excerpt(column, limit: 40)):" }
        if let value { text += " value \"\(value)\":" }
        text += " " + problem
        if let suggestion { text += "; " + suggestion }
        return text
    }

    func appendJSON(to buffer: inout [UInt8]) {
        // A workbook's problems are located by cell (`Sheet1!C12`), the others by line.
        let location: (String, JSONNode) = cell.map { ("cell", .string($0)) } ?? ("line", .integer(Int64(line)))
        JSONNode.object([
            ("severity", .string(severity.rawValue)), location, ("external_id", .string(orNull: externalID)),
            ("column", .string(orNull: column)), ("value", .string(orNull: value)), ("problem", .string(problem)),
            ("suggestion", .string(orNull: suggestion)),
        ]).appendCompact(to: &buffer)
    }
}

/// The input was rejected as a whole: bad header, broken CSV structure, or (without
/// `--skip-invalid`) invalid rows. Nothing was written.
public struct ImportRejected: Error, Sendable, CustomStringConvertible {
    public let fileName: String
    public let problems: [ImportProblem]
    public let totalProblems: Int
    public let summary: ImportSummary?
    /// Set when the CSV structure broke (an unterminated or stray quote): rows after this line
    /// were not read, so the list of problems may not be complete.
    public var stoppedAtLine: Int? = nil
    /// The input that stopped is a workbook sheet: `stoppedAtLine` is its last row read.
    public var stoppedInSheet = false

    /// `stopped at line N: …`, the warning that the problem list is incomplete.
    public var stoppedNotice: String? {
        stoppedAtLine.map {
            stoppedInSheet
                ? "stopped after row \($0) of the sheet: the rest of the workbook cannot be read reliably, so later rows were not checked"
                : "stopped at line \($0): the rest of the file cannot be read reliably, so later rows were not checked"
        }
    }

    public var description: String {
        var lines = problems.map { "\(fileName):\($0)" }
        if totalProblems > problems.count {
            lines.append("… and \(totalProblems - problems.count) more problem(s); --report FILE lists them all")
        }
        if let stoppedNotice { lines.append("\(fileName): " + stoppedNotice) }
        lines.append("\(fileName): rejected, nothing was written (\(totalProblems) problem(s))")
        return lines.joined(separator: "\n")
    }
}
