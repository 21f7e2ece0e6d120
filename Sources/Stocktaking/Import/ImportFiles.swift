import CSV

/// `--report FILE`: every problem and warning as JSON, then the summary. Streamed; a regular
/// file is written atomically (see `OutputTarget` for `-`, devices and FIFOs).
final class ImportReportWriter {
    private let file: OutputFile
    private var count = 0

    init(path: String, fileName: String) throws {
        file = try OutputFile(OutputTarget(path: path, option: .report))
        // Streamed: the members before the problems, the problems as they come, the summary after.
        var buffer: [UInt8] = [UInt8(ascii: "{")]
        JSONNode.appendMembers([("file", .string(fileName))], to: &buffer)
        buffer.append(contentsOf: ",\"problems\":[".utf8)
        try file.sink.write(buffer)
    }

    func add(_ problem: ImportProblem) throws {
        try file.sink.withBuffer { buffer in
            buffer.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8)
            problem.appendJSON(to: &buffer)
        }
        count += 1
    }

    func finish(summary: ImportSummary, status: String) throws {
        let counts = summary.counts
        var buffer = Array("\n],".utf8)
        JSONNode.appendMembers([
            ("status", .string(status)), ("batch", summary.batchID.map(JSONNode.integer) ?? .null),
            ("rows", .integer(Int64(summary.rows))), ("inserted", .integer(Int64(counts.inserted))),
            ("updated", .integer(Int64(counts.updated))), ("unchanged", .integer(Int64(counts.unchanged))),
            ("rejected", .integer(Int64(counts.rejected))), ("warnings", .integer(Int64(summary.warnings))),
            ("dry_run", .bool(summary.dryRun)), ("seconds", .real(summary.seconds)),
        ], to: &buffer)
        buffer.append(contentsOf: "}\n".utf8)
        try file.sink.write(buffer)
        try file.commit()
    }

    func discard() {
        file.discard()
    }
}

/// `--rejects FILE`: the rejected rows exactly as read, plus an `error` column, ready to fix and
/// import again with the same command: same delimiter, encoding, byte order mark and line ends as
/// the input, and the `error` column is recognised and ignored when the file comes back (a rejects
/// file of a rejects file reuses it rather than adding a second one).
final class RejectsWriter {
    private let file: OutputFile
    private let writer: CSVWriter
    /// Replaced when `--encoding auto` chooses the input's encoding after this was created (the
    /// rows before were ASCII, and so was what was written of them).
    var encoder: OutputEncoder
    private let errorColumn: Int?
    /// The rows of a workbook rejects file (`RejectsFormat.workbook`): every cell a text cell, so
    /// an id stays an id and a formula-like value stays text, and the file imports back as it is.
    private let workbookRows: RowWriter?
    private let columnCount: Int

    init(path: String, header: [String], errorColumn: Int?, format: RejectsFormat) throws {
        let target = try OutputTarget(path: path, option: .rejects)
        let columns = errorColumn == nil ? header + [HeaderMatcher<ProjectColumn>.rejectsErrorKey] : header
        columnCount = columns.count
        writer = CSVWriter(delimiter: format.delimiter, lineEnding: format.lineEnding)
        encoder = format.encoder
        self.errorColumn = errorColumn
        if format.workbook, Self.holdsWorkbook(target) {
            // A rejected value longer than a cell holds (Excel's 32,767 characters) is cut, and the
            // About sheet lists it, rather than losing the whole rejects file.
            file = try OutputFile(target, format: .xlsx, truncateLongCells: true)
            let workbook = file.workbook!
            workbook.sheetName = "Rejected rows"
            let rows = RowWriter(format: .xlsx, columns: columns, sink: file.sink, settings: workbook.settings(columns: columns))
            try rows.start()
            workbookRows = rows
        } else {
            file = try OutputFile(target)
            workbookRows = nil
            try file.sink.write(encoder.prefix)
            try write(columns)
        }
    }

    /// A workbook rejects file needs a regular file not named as a text file.
    private static func holdsWorkbook(_ target: OutputTarget) -> Bool {
        guard case .replaceFile = target.kind else { return false }
        let name = target.path.lowercased()
        return ![".csv", ".tsv", ".txt"].contains { name.hasSuffix($0) }
    }

    func add(fields: [String], problems: [ImportProblem]) throws {
        let message = problems.map { problem in
            var text = problem.column.map { "column \($0): " } ?? ""
            text += problem.problem
            if let suggestion = problem.suggestion { text += "; " + suggestion }
            return text
        }.joined(separator: " | ")
        var record = fields
        // A row with a wrong field count keeps what it had; the message goes last either way.
        if let errorColumn, errorColumn < record.count, record.count == errorColumn + 1 {
            record[errorColumn] = message
        } else {
            record.append(message)
        }
        try write(record)
    }

    private func write(_ record: [String]) throws {
        if let workbookRows {
            // Workbook rows have the header's width; pad or cut so every row has one cell per column.
            let cells = record.prefix(columnCount).map { QueryValue.text($0) }
            try workbookRows.add(cells + Array(repeating: QueryValue.text(""), count: columnCount - cells.count))
            return
        }
        var utf8: [UInt8] = []
        writer.append(record: record, to: &utf8)
        try file.sink.write(encoder.encode(utf8))
    }

    func commit() throws {
        try workbookRows?.finish()
        try file.commit()
    }

    func discard() {
        file.discard()
    }
}
