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

    init(path: String, header: [String], errorColumn: Int?, format: RejectsFormat) throws {
        file = try OutputFile(OutputTarget(path: path, option: .rejects))
        writer = CSVWriter(delimiter: format.delimiter, lineEnding: format.lineEnding)
        encoder = format.encoder
        self.errorColumn = errorColumn
        try file.sink.write(encoder.prefix)
        try write(errorColumn == nil ? header + [HeaderMatcher<ProjectColumn>.rejectsErrorKey] : header)
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
        var utf8: [UInt8] = []
        writer.append(record: record, to: &utf8)
        try file.sink.write(encoder.encode(utf8))
    }

    func commit() throws {
        try file.commit()
    }

    func discard() {
        file.discard()
    }
}
