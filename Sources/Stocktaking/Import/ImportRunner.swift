import CSV
import Glibc
import SQLite

/// Hears about an import as it runs: problems as they are found, and progress.
public protocol ImportObserver: AnyObject {
    func importFound(_ problem: ImportProblem)
    func importProgressed(_ progress: ImportProgress)
}

/// What a row turned out to be.
enum RowOutcome {
    case inserted, updated, unchanged
    /// Valid, but not written (an earlier row failed an all-or-nothing import).
    case validated
    case rejected([ImportProblem])
}

/// Validates rows without the database, on the reading thread.
protocol RowPreparer {
    associatedtype Value: Sendable
    func prepare(_ fields: [String], line: Int) -> PreparedRow<Value>
}

/// The per-kind part of an import (projects, prizes): header fields, preparing rows (reading
/// thread) and applying them to the database (writing thread).
protocol ImportRowHandler: AnyObject {
    associatedtype Field: Hashable & Sendable & RawRepresentable where Field.RawValue == String
    associatedtype Preparer: RowPreparer
    var matcher: HeaderMatcher<Field> { get }
    /// Required fields the handler supplies itself (generated ids).
    var suppliedFields: Set<Field> { get }
    func makePreparer(mapping: HeaderMapping<Field>) -> Preparer
    func begin(mapping: HeaderMapping<Field>, batchID: Int64, now: String) throws
    /// Checks what needs the database (duplicates, existence) and, when `write`, writes the row.
    func apply(_ value: Preparer.Value, line: Int, write: Bool) throws -> RowOutcome
    /// The problems only the database can find (a repeated id, an unknown project) in a row that
    /// already failed validation, so that every problem of every row is reported in one pass.
    func databaseProblems(inRejectedRowWithKey key: String, line: Int) throws -> [ImportProblem]
    /// Completes the writes before the batch commits (e.g. deferred index maintenance).
    func finish() throws
    /// Warnings that are not errors (duplicate candidates), drained after each row.
    func takeWarnings() -> [ImportProblem]
    /// The id a valid row is known by, to name it in its problems.
    func rowKey(_ value: Preparer.Value) -> String?
}

/// Runs an import: reads the file once, validates every row, writes inside one `BEGIN IMMEDIATE`
/// transaction recorded as a batch, and commits only when the policy allows (all-or-nothing
/// unless `--skip-invalid`; never for `--dry-run`).
///
/// Two threads: the reading thread decodes, hashes, parses and validates rows; this thread applies
/// them to SQLite. A bounded `RowPipe` between them keeps memory constant.
final class ImportRunner<Handler: ImportRowHandler> {
    let catalog: Catalog
    /// As given, except that a recognised delimiter replaces the default one when the file is opened.
    private(set) var options: ImportOptions
    let handler: Handler
    weak var observer: (any ImportObserver)?
    static var chunkSize: Int { 256 }

    init(catalog: Catalog, options: ImportOptions, handler: Handler, observer: (any ImportObserver)?) {
        self.catalog = catalog
        self.options = options
        self.handler = handler
        self.observer = observer
    }

    /// Signals the end of a transaction that must not commit (dry run, rejected file).
    private struct RollBack: Error {}

    /// Problems and warnings as they are found: counted, the first ones kept for the summary,
    /// passed to the observer (the terminal) and to the `--report` file.
    private final class ProblemLog {
        var shown: [ImportProblem] = []
        var errors = 0
        var warnings = 0
        let report: ImportReportWriter?
        weak var observer: (any ImportObserver)?
        let locator: ProblemLocator?

        init(report: ImportReportWriter?, observer: (any ImportObserver)?, locator: ProblemLocator?) {
            self.report = report
            self.observer = observer
            self.locator = locator
        }

        func note(_ located: ImportProblem) throws {
            var problem = located
            locator?.locate(&problem)
            if problem.severity == .error {
                errors += 1
                if shown.count < 20 { shown.append(problem) }
            } else {
                warnings += 1
            }
            observer?.importFound(problem)
            try report?.add(problem)
        }
    }

    /// Imports the rows of `source`, a CSV file or an .xlsx workbook, recognised by content.
    /// `path` is where `source` was opened, when it is a regular file: a workbook is then read in
    /// place; without it, a workbook is first spooled to a temporary file (a zip needs random access).
    ///
    /// Phases: open the input (recognise what it is, which delimiter or sheet), read and map the
    /// header, then read and write the rows in one transaction, then the files that report on it.
    func run(source: some ByteSource, path: String? = nil, displayName: String, totalBytes: Int?) throws -> ImportSummary {
        let started = ContinuousClock.now
        let report = try options.reportPath.map { try ImportReportWriter(path: $0, fileName: displayName) }
        func rejected(_ problem: ImportProblem) -> ImportRejected {
            report?.discard()
            return ImportRejected(fileName: displayName, problems: [problem], totalProblems: 1, summary: nil)
        }

        let records: any RecordSource
        do throws(RecordSourceFailure) {
            records = try openInput(source, path: path)
        } catch {
            throw rejected(error.problem)
        }
        var summary = ImportSummary()
        summary.dryRun = options.dryRun
        summary.delimiter = options.reader.dialect.delimiter
        summary.delimiterDetected = options.detectsDelimiter
        records.describe(in: &summary)

        // The header decides everything else; a bad one stops the import before any row is read.
        let (header, mapping) = try readHeader(records, report: report, displayName: displayName)
        summary.sourceColumns = handler.matcher.sourceColumns(of: mapping, userMappings: options.columnMappings)
        records.headerMapped(identifierColumn: Handler.Field(rawValue: "external_id").flatMap { mapping.index(of: $0) })
        let rejects = try options.skipInvalid ? options.rejectsPath.map {
            try RejectsWriter(path: $0, header: header.fields, errorColumn: mapping.rejectsErrorColumn, format: records.rejectsFormat)
        } : nil

        let log = ProblemLog(report: report, observer: observer, locator: records.problemLocator())
        do {
            try writeRows(
                from: records, header: header, mapping: mapping, rejects: rejects, log: log, summary: &summary,
                displayName: displayName, totalBytes: totalBytes, started: started)
        } catch is RollBack {
            if !options.dryRun || log.errors > 0 && !options.skipInvalid {
                summary.seconds = Self.seconds(ContinuousClock.now - started)
                try report?.finish(summary: summary, status: "rejected")
                rejects?.discard()
                throw ImportRejected(fileName: displayName, problems: log.shown, totalProblems: log.errors, summary: summary)
            }
        } catch let stopped as StoppedReading {
            summary.seconds = Self.seconds(ContinuousClock.now - started)
            try report?.finish(summary: summary, status: "rejected")
            rejects?.discard()
            throw ImportRejected(
                fileName: displayName, problems: log.shown, totalProblems: log.errors, summary: summary, stoppedAtLine: stopped.line,
                stoppedInSheet: stopped.inSheet)
        } catch {
            report?.discard()
            rejects?.discard()
            throw error
        }
        summary.seconds = Self.seconds(ContinuousClock.now - started)
        try rejects?.commit()
        try report?.finish(summary: summary, status: options.dryRun ? "dry-run" : "committed")
        if !options.dryRun && summary.counts.inserted + summary.counts.updated >= 1000 {
            try Self.refreshPlannerStatistics(catalog.database)
        }
        if !options.dryRun { catalog.checkpointWriteAheadLog() }
        return summary
    }

    /// Recognises the input by its first bytes: a zip is read as a workbook, an OLE2 file (.xls,
    /// encrypted .xlsx) is refused, anything else is read as CSV.
    private func openInput<Source: ByteSource>(_ source: Source, path: String?) throws(RecordSourceFailure) -> any RecordSource {
        func failure(_ problem: String, _ suggestion: String? = nil) -> RecordSourceFailure {
            RecordSourceFailure(problem: ImportProblem(line: 1, column: nil, value: nil, problem: problem, suggestion: suggestion))
        }
        let peeking: PeekingByteSource<Source>
        do {
            peeking = try PeekingByteSource(base: source, limit: InputSniffer.peekLimit)
        } catch {
            throw RecordSourceFailure(problem: ImportProblem(line: 0, column: nil, value: nil, problem: String(describing: error)))
        }
        if InputSniffer.isZip(peeking.head) {
            if let path, Self.isRegularFile(path) {
                return try WorkbookRecordSource.open(path: path, options: options)
            }
            let spooled: String
            do {
                spooled = try Self.spool(peeking)
            } catch {
                throw failure("cannot copy the workbook from standard input to a temporary file: \(error)")
            }
            // The open workbook keeps its descriptor: the name can go at once, also when opening fails.
            defer { unlink(spooled) }
            return try WorkbookRecordSource.open(path: spooled, options: options)
        }
        if peeking.head.starts(with: InputSniffer.ole2Signature) {
            let refusal = InputSniffer.compoundFileRefusal(peeking.head)
            throw failure(refusal.problem, refusal.suggestion)
        }
        let matcher = handler.matcher
        let mappings = options.columnMappings
        return try CSVRecordSource<PeekingByteSource<Source>>.open(
            peeking, options: &options, knownColumns: { matcher.knownColumnCount($0, userMappings: mappings) })
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Copies `source` to a new temporary file (mode 0600, in `$TMPDIR` or /tmp) and returns its path.
    private static func spool(_ source: some ByteSource) throws -> String {
        var source = source
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/stocktake-workbook-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw SystemError(operation: "create a temporary file in", path: directory, code: errno) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        do {
            while true {
                let count = try source.read(into: buffer)
                if count == 0 { break }
                var written = 0
                while written < count {
                    let result = write(descriptor, buffer.baseAddress! + written, count - written)
                    if result < 0 && errno == EINTR { continue }
                    guard result > 0 else { throw SystemError(operation: "write", path: path, code: errno) }
                    written += result
                }
            }
        } catch {
            unlink(path)
            throw error
        }
        return path
    }

    /// The input's structure broke at `line`: nothing after it can be read reliably.
    private struct StoppedReading: Error {
        let line: Int
        /// A workbook's sheet stopped (its problems are located by cell): `line` is its last row read.
        let inSheet: Bool
    }

    /// Reads the header and maps it to the handler's fields, or rejects the input.
    private func readHeader(
        _ records: any RecordSource, report: ImportReportWriter?, displayName: String
    ) throws -> (SourceRecord, HeaderMapping<Handler.Field>) {
        func rejected(_ problems: [ImportProblem]) -> ImportRejected {
            report?.discard()
            return ImportRejected(fileName: displayName, problems: problems, totalProblems: problems.count, summary: nil)
        }
        let first: SourceRecord?
        do throws(RecordSourceFailure) {
            first = try records.readHeader()
        } catch {
            throw rejected([error.problem])
        }
        guard let header = first else {
            throw rejected([ImportProblem(line: 1, column: nil, value: nil, problem: "the file is empty: a header row is required")])
        }
        do {
            let mapping = try handler.matcher.map(
                header: header.fields, userMappings: options.columnMappings, ignoreUnknown: options.ignoreUnknownColumns,
                notRequired: handler.suppliedFields)
            return (header, mapping)
        } catch {
            var problems = error.problems.map { ImportProblem(line: header.line, column: nil, value: nil, problem: $0) }
            if let hint = records.headerHint(header.fields) { problems[0].suggestion = hint }
            if let locator = records.problemLocator() {
                for index in problems.indices { locator.locate(&problems[index]) }
            }
            throw rejected(problems)
        }
    }

    /// Reads, validates and writes every row inside one `BEGIN IMMEDIATE` transaction recorded as a
    /// batch; commits only when the policy allows. Returns normally after a commit; throws
    /// `RollBack` (dry run, rejected rows) or `StoppedReading` (broken input) after rolling back.
    private func writeRows(
        from records: any RecordSource, header: SourceRecord, mapping: HeaderMapping<Handler.Field>, rejects: RejectsWriter?,
        log: ProblemLog, summary: inout ImportSummary, displayName: String, totalBytes: Int?, started: ContinuousClock.Instant
    ) throws {
        let database = catalog.database
        // A bulk load touches every index at random points (external ids, link tables): a 32 MiB page
        // cache keeps those pages in memory instead of re-reading them (default is 2 MiB).
        try database.execute("PRAGMA cache_size = -32768")
        // Every id an import writes was resolved just before, in this same write transaction:
        // reference ids by the resolvers, project ids by the insert or lookup of the row itself,
        // batch ids by `batches.begin`. SQLite's foreign-key enforcement would repeat a parent lookup
        // for each of them (about 15 per project with its links) that cannot fail; switching it off
        // for the import transaction saved 0.15–0.25 s of 3.4 s on 100,000 rows. The pragma is a
        // no-op inside a transaction, so it is set before BEGIN and restored when the import ends.
        // Tests assert `PRAGMA foreign_key_check` stays empty after imports.
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { try? database.execute("PRAGMA foreign_keys = ON") }
        let batches = BatchRepository(database: database)
        let pipe = RowPipe<Handler.Preparer.Value>()
        var producerStarted = false
        defer { if producerStarted { pipe.cancelAndWait() } }
        var lastProgress = started
        try database.inTransaction(.immediate) {
            let now = Timestamp.now()
            let batchID = try batches.begin(
                kind: options.kind == .projects ? .projects : .prizes, fileName: displayName, sha256: nil,
                options: options.recordedJSON, user: BatchUser.current(), now: now)
            summary.batchID = batchID
            try handler.begin(mapping: mapping, batchID: batchID, now: now)
            Self.startReading(
                records, headerCount: header.fields.count, preparer: handler.makePreparer(mapping: mapping),
                keepFields: rejects != nil, countsEmptyCells: options.countsEmptyCells, pipe: pipe)
            producerStarted = true
            var writing = true
            // `inspect` stores a few rows to show them; the others are validated only.
            var writesLeft = options.writeLimit ?? Int.max
            var sha256: String?
            reading: while let chunk = pipe.take() {
                for item in chunk {
                    let fields: [String]?
                    let outcome: RowOutcome
                    let rowKey: String?
                    switch item {
                    case .encodingDetected(let detected):
                        summary.detectedEncoding = detected
                        options.detectedEncoding = detected
                        rejects?.encoder = OutputEncoder(encoding: detected.encoding, byteOrderMark: detected.byteOrderMark)
                        continue
                    case .structuralFailure(let problem):
                        try log.note(problem)
                        throw StoppedReading(line: problem.line, inSheet: problem.cell != nil)
                    case .end(let warnings, let unlisted, let digest, let emptyCells):
                        for warning in warnings { try log.note(warning) }
                        log.warnings += unlisted
                        sha256 = digest
                        if let emptyCells {
                            for (index, count) in emptyCells.enumerated() where index < summary.sourceColumns.count {
                                summary.sourceColumns[index].emptyCells = count
                            }
                        }
                        break reading
                    case .row(let line, let rowFields, .invalid(let problems, let key)):
                        let more = try key.map { try handler.databaseProblems(inRejectedRowWithKey: $0, line: line) } ?? []
                        (fields, outcome, rowKey) = (rowFields, .rejected(problems + more), key)
                    case .row(let line, let rowFields, .flagged(let value, let problems)):
                        let key = handler.rowKey(value)
                        let more = try key.map { try handler.databaseProblems(inRejectedRowWithKey: $0, line: line) } ?? []
                        (fields, outcome, rowKey) = (rowFields, .rejected(problems + more), key)
                    case .row(let line, let rowFields, .valid(let value)):
                        fields = rowFields
                        rowKey = handler.rowKey(value)
                        outcome = try handler.apply(value, line: line, write: writing && writesLeft > 0)
                        if case .inserted = outcome { writesLeft -= 1 }
                    }
                    summary.rows += 1
                    for warning in handler.takeWarnings() { try log.note(warning) }
                    switch outcome {
                    case .inserted: summary.counts.inserted += 1
                    case .updated: summary.counts.updated += 1
                    case .unchanged: summary.counts.unchanged += 1
                    case .validated: break
                    case .rejected(var problems):
                        summary.counts.rejected += 1
                        for index in problems.indices where problems[index].externalID == nil {
                            problems[index].externalID = rowKey
                        }
                        for problem in problems { try log.note(problem) }
                        if let fields { try rejects?.add(fields: fields, problems: problems) }
                        if !options.skipInvalid { writing = false }
                    }
                }
                if let observer {
                    let now = ContinuousClock.now
                    if now - lastProgress > .milliseconds(200) {
                        lastProgress = now
                        observer.importProgressed(ImportProgress(
                            rows: summary.rows, bytesRead: pipe.currentBytesRead, totalBytes: totalBytes,
                            seconds: Self.seconds(now - started)))
                    }
                }
            }
            summary.warnings = log.warnings
            if log.errors > 0 && !options.skipInvalid { throw RollBack() }
            try handler.finish()
            // The options as recorded at the start could not yet say which encoding `auto` chose.
            try batches.finish(
                batchID: batchID, counts: summary.counts, now: Timestamp.now(), sha256: sha256,
                options: options.reader.detectsEncoding ? options.recordedJSON : nil)
            if options.dryRun { throw RollBack() }
        }
    }

    /// Starts the reading thread: it owns the record source from here on, and hands prepared rows
    /// to this thread through `pipe`.
    private static func startReading<Preparer: RowPreparer>(
        _ records: any RecordSource, headerCount: Int, preparer: Preparer, keepFields: Bool, countsEmptyCells: Bool,
        pipe: RowPipe<Preparer.Value>
    ) {
        let owned = Handoff(value: (records, preparer))
        startThread(stackSize: 8 << 20) {
            let (records, preparer) = owned.value
            defer { pipe.producerFinished() }
            var chunk: [PipeItem<Preparer.Value>] = []
            chunk.reserveCapacity(chunkSize)
            var encodingAnnounced = false
            var emptyCells = countsEmptyCells ? [Int](repeating: 0, count: headerCount) : nil
            while true {
                let record: SourceRecord
                do throws(RecordSourceFailure) {
                    let next = try records.next()
                    // Before the first row that may hold text beyond ASCII (and at the end, for a
                    // file that had none): the rejects file is then written in that encoding.
                    if !encodingAnnounced, let detected = records.detectedEncoding {
                        chunk.append(.encodingDetected(detected))
                        encodingAnnounced = true
                    }
                    guard let next else { break }
                    record = next
                } catch {
                    chunk.append(.structuralFailure(error.problem))
                    _ = pipe.put(chunk, bytesRead: records.bytesConsumed)
                    return
                }
                // A blank line carries no data (a trailing empty line is common in Excel exports).
                if record.fields.count == 1 && record.fields[0].isEmpty && headerCount > 1 { continue }
                if emptyCells != nil {
                    for (index, field) in record.fields.prefix(headerCount).enumerated() where field.isEmpty { emptyCells![index] += 1 }
                }
                let prepared: PreparedRow<Preparer.Value>
                if record.fields.count != headerCount {
                    prepared = .invalid([ImportProblem(
                        line: record.line, column: nil, value: nil,
                        problem: "the row has \(record.fields.count) fields but the header has \(headerCount)",
                        suggestion: record.fields.count > headerCount
                            ? "a value with a comma or line break must be in double quotes" : "check for a missing delimiter or a stray line break")])
                } else if !record.problems.isEmpty {
                    // The source's problems (error cells, formulas without results) stand for their
                    // columns: what the parser says of the same columns follows from them.
                    let flagged = Set(record.problems.compactMap(\.column))
                    switch preparer.prepare(record.fields, line: record.line) {
                    case .valid(let value), .flagged(let value, _):
                        prepared = .flagged(value, record.problems)
                    case .invalid(let problems, let key):
                        prepared = .invalid(record.problems + problems.filter { !flagged.contains($0.column ?? "") }, key: key)
                    }
                } else {
                    prepared = preparer.prepare(record.fields, line: record.line)
                }
                chunk.append(.row(line: record.line, fields: keepFields ? record.fields : nil, prepared))
                if chunk.count == chunkSize {
                    guard pipe.put(chunk, bytesRead: records.bytesConsumed) else { return }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            let warnings = records.endOfInputWarnings()
            chunk.append(.end(warnings: warnings.listed, unlistedWarnings: warnings.unlisted, sha256: records.contentDigest(), emptyCells: emptyCells))
            _ = pipe.put(chunk, bytesRead: records.bytesConsumed)
        }
    }

    /// Keeps `ANALYZE` statistics current after large imports so the planner picks the link indexes;
    /// `analysis_limit` bounds the cost on big tables (https://sqlite.org/lang_analyze.html). Only the
    /// tables whose indexes the planner chooses between for queries and exports: analysing all of
    /// them took 110 ms on 100,000 projects, 60 ms of it for the change log, which is only ever
    /// read through its one key; these take 6 ms.
    static var plannerStatisticsTables: [String] { [
        "project", "project_action_line", "project_sdg", "project_gdc_objective", "project_country", "organization", "prize",
    ] }

    static func refreshPlannerStatistics(_ database: Database) throws {
        try database.execute(
            "PRAGMA analysis_limit = 1000; " + plannerStatisticsTables.map { "ANALYZE \($0);" }.joined(separator: " "))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

}
