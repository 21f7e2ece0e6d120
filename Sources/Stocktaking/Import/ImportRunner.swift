import CSV
import Digest
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

    func run(source: some ByteSource, displayName: String, totalBytes: Int?) throws -> ImportSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = ImportSummary()
        summary.dryRun = options.dryRun
        let report = try options.reportPath.map { try ImportReportWriter(path: $0, fileName: displayName) }
        var rejects: RejectsWriter?
        var shownProblems: [ImportProblem] = []
        var totalProblems = 0
        var stoppedAtLine: Int?
        func note(_ problem: ImportProblem) throws {
            if problem.severity == .error {
                totalProblems += 1
                if shownProblems.count < 20 { shownProblems.append(problem) }
            } else {
                summary.warnings += 1
            }
            observer?.importFound(problem)
            try report?.add(problem)
        }
        func rejected(_ problems: [ImportProblem]) -> ImportRejected {
            report?.discard()
            return ImportRejected(fileName: displayName, problems: problems, totalProblems: problems.count, summary: nil)
        }

        // Look at the first bytes before parsing: a workbook is not CSV, and the header line tells
        // which delimiter the file uses (Excel writes ';' in many European locales).
        let peeking = try PeekingByteSource(base: source, limit: InputSniffer.peekLimit)
        if let container = InputSniffer.container(peeking.head) {
            throw rejected([ImportProblem(
                line: 1, column: nil, value: nil, problem: "the file is \(container), not a CSV file",
                suggestion: "open it in Excel or LibreOffice and save it as \"CSV UTF-8\" (File › Save As), then import that file")])
        }
        if options.detectsDelimiter {
            let matcher = handler.matcher
            let mappings = options.columnMappings
            if let detected = InputSniffer.delimiter(
                head: peeking.head, options: options.reader, knownColumns: { matcher.knownColumnCount($0, userMappings: mappings) })
            {
                options.reader.dialect.delimiter = detected
            } else {
                options.detectsDelimiter = false  // nothing recognised: read as comma-separated, as before
            }
        }
        summary.delimiter = options.reader.dialect.delimiter
        summary.delimiterDetected = options.detectsDelimiter

        let hashing = HashingByteSource(base: peeking)
        let reader = CSVReader(source: hashing, options: options.reader)

        // The header decides everything else; a bad one stops the import before any row is read.
        let header: CSVRecord
        do {
            guard let first = try reader.next() else {
                throw rejected([ImportProblem(line: 1, column: nil, value: nil, problem: "the file is empty: a header row is required")])
            }
            header = first
        } catch let error as CSVError {
            throw rejected([Self.problem(from: error, header: nil)])
        }
        let mapping: HeaderMapping<Handler.Field>
        do {
            mapping = try handler.matcher.map(
                header: header.fields, userMappings: options.columnMappings, ignoreUnknown: options.ignoreUnknownColumns,
                notRequired: handler.suppliedFields)
        } catch {
            var problems = error.problems.map { ImportProblem(line: header.line, column: nil, value: nil, problem: $0) }
            if let hint = Self.delimiterHint(header: header.fields, delimiter: options.reader.dialect.delimiter) {
                problems[0].suggestion = hint
            }
            throw rejected(problems)
        }
        if options.skipInvalid, let path = options.rejectsPath {
            let input = reader.inputEncoding
            rejects = try RejectsWriter(
                path: path, header: header.fields, errorColumn: mapping.rejectsErrorColumn, delimiter: options.reader.dialect.delimiter,
                lineEnding: reader.firstLineEnding ?? [13, 10],
                encoder: OutputEncoder(encoding: input.encoding, byteOrderMark: input.byteOrderMark))
        }

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
        var lastProgress = started
        do {
            try database.inTransaction(.immediate) {
                let now = Timestamp.now()
                let batchID = try batches.begin(
                    kind: options.kind == .projects ? .projects : .prizes, fileName: displayName, sha256: nil,
                    options: options.recordedJSON, user: Self.currentUser(), now: now)
                summary.batchID = batchID
                try handler.begin(mapping: mapping, batchID: batchID, now: now)
                Self.startReading(
                    reader: reader, hashing: hashing, headerCount: header.fields.count, headerNames: header.fields,
                    preparer: handler.makePreparer(mapping: mapping), keepFields: rejects != nil, pipe: pipe)
                producerStarted = true
                var writing = true
                var sha256: String?
                reading: while let chunk = pipe.take() {
                    for item in chunk {
                        let fields: [String]?
                        let outcome: RowOutcome
                        let rowKey: String?
                        switch item {
                        case .structuralFailure(let problem):
                            try note(problem)
                            stoppedAtLine = problem.line
                            throw RollBack()
                        case .end(let replacedLines, let replacedCount, let digest):
                            for replaced in replacedLines {
                                try note(ImportProblem(
                                    severity: .warning, line: replaced, column: nil, value: nil,
                                    problem: "invalid UTF-8 replaced with U+FFFD (--replace-invalid)"))
                            }
                            summary.warnings += replacedCount - replacedLines.count
                            sha256 = digest
                            break reading
                        case .row(let line, let rowFields, .invalid(let problems, let key)):
                            let more = try key.map { try handler.databaseProblems(inRejectedRowWithKey: $0, line: line) } ?? []
                            (fields, outcome, rowKey) = (rowFields, .rejected(problems + more), key)
                        case .row(let line, let rowFields, .valid(let value)):
                            fields = rowFields
                            rowKey = handler.rowKey(value)
                            outcome = try handler.apply(value, line: line, write: writing)
                        }
                        summary.rows += 1
                        for warning in handler.takeWarnings() { try note(warning) }
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
                            for problem in problems { try note(problem) }
                            if let fields { try rejects?.add(fields: fields, problems: problems) }
                            if !options.skipInvalid { writing = false }
                        }
                    }
                    if let observer {
                        let now = clock.now
                        if now - lastProgress > .milliseconds(200) {
                            lastProgress = now
                            observer.importProgressed(ImportProgress(
                                rows: summary.rows, bytesRead: pipe.currentBytesRead, totalBytes: totalBytes,
                                seconds: Self.seconds(now - started)))
                        }
                    }
                }
                if totalProblems > 0 && !options.skipInvalid { throw RollBack() }
                try handler.finish()
                try batches.finish(batchID: batchID, counts: summary.counts, now: Timestamp.now(), sha256: sha256)
                if options.dryRun { throw RollBack() }
            }
            if producerStarted { pipe.cancelAndWait() }
        } catch is RollBack {
            if producerStarted { pipe.cancelAndWait() }
            if !options.dryRun || totalProblems > 0 && !options.skipInvalid {
                summary.seconds = Self.seconds(clock.now - started)
                try report?.finish(summary: summary, status: "rejected")
                rejects?.discard()
                throw ImportRejected(
                    fileName: displayName, problems: shownProblems, totalProblems: totalProblems, summary: summary, stoppedAtLine: stoppedAtLine)
            }
        } catch {
            if producerStarted { pipe.cancelAndWait() }
            report?.discard()
            rejects?.discard()
            throw error
        }
        summary.seconds = Self.seconds(clock.now - started)
        try rejects?.commit()
        try report?.finish(summary: summary, status: options.dryRun ? "dry-run" : "committed")
        if !options.dryRun && summary.counts.inserted + summary.counts.updated >= 1000 {
            try Self.refreshPlannerStatistics(database)
        }
        if !options.dryRun { catalog.checkpointWriteAheadLog() }
        return summary
    }

    /// Starts the reading thread: it owns the reader (and the hashing source) from here on.
    private static func startReading<Source: ByteSource, Preparer: RowPreparer>(
        reader: CSVReader<Source>, hashing: HashingByteSource<some ByteSource>, headerCount: Int, headerNames: [String],
        preparer: Preparer, keepFields: Bool, pipe: RowPipe<Preparer.Value>
    ) {
        let owned = Handoff(value: (reader, hashing, preparer))
        startThread(stackSize: 8 << 20) {
            let (reader, hashing, preparer) = owned.value
            defer { pipe.producerFinished() }
            var chunk: [PipeItem<Preparer.Value>] = []
            chunk.reserveCapacity(chunkSize)
            while true {
                let record: CSVRecord
                do throws(CSVError) {
                    guard let next = try reader.next() else { break }
                    record = next
                } catch {
                    chunk.append(.structuralFailure(problem(from: error, header: headerNames)))
                    _ = pipe.put(chunk, bytesRead: reader.bytesConsumed)
                    return
                }
                // A blank line carries no data (a trailing empty line is common in Excel exports).
                if record.fields.count == 1 && record.fields[0].isEmpty && headerCount > 1 { continue }
                let prepared: PreparedRow<Preparer.Value>
                if record.fields.count != headerCount {
                    prepared = .invalid([ImportProblem(
                        line: record.line, column: nil, value: nil,
                        problem: "the row has \(record.fields.count) fields but the header has \(headerCount)",
                        suggestion: record.fields.count > headerCount
                            ? "a value with a comma or line break must be in double quotes" : "check for a missing delimiter or a stray line break")])
                } else {
                    prepared = preparer.prepare(record.fields, line: record.line)
                }
                chunk.append(.row(line: record.line, fields: keepFields ? record.fields : nil, prepared))
                if chunk.count == chunkSize {
                    guard pipe.put(chunk, bytesRead: reader.bytesConsumed) else { return }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            chunk.append(.end(
                replacedInvalidLines: reader.replacedInvalidLines, replacedInvalidLineCount: reader.replacedInvalidLineCount,
                sha256: hashing.hexDigest()))
            _ = pipe.put(chunk, bytesRead: reader.bytesConsumed)
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

    /// A structural CSV error as a located problem: line, column by name, excerpt, what and a suggestion.
    static func problem(from error: CSVError, header: [String]?) -> ImportProblem {
        let column = error.fieldIndex.map { index in
            header.flatMap { index < $0.count ? $0[index] : nil } ?? "#\(index + 1)"
        }
        let (problem, suggestion): (String, String?) = switch error.kind {
        case .unterminatedQuote(let openedAtLine):
            ("the quoted field opened on line \(openedAtLine) is never closed", "add the closing quote, and double any quote inside the field")
        case .textAfterClosingQuote:
            ("text follows the closing quote of a quoted field", "quote the whole field and double any quote inside it")
        case .strayQuote:
            ("a quote inside a field that is not quoted", "quote the whole field and double the quote")
        case .nulByte:
            ("the input contains a NUL byte", "the file may be binary or UTF-16; try --encoding utf-16")
        case .invalidUTF8(let offset):
            ("invalid UTF-8 at byte \(offset + 1) of the field", "if the file came from Excel use --encoding windows-1252, or --replace-invalid to substitute U+FFFD")
        case .invalidUTF16:
            ("invalid UTF-16 (an unpaired surrogate)", "check --encoding, or use --replace-invalid")
        case .utf16ByteOrderMark(let littleEndian):
            ("the file starts with a UTF-16 \(littleEndian ? "LE" : "BE") byte order mark", "use --encoding utf-16")
        case .fieldTooLarge(let limit):
            ("a field is larger than \(limit >> 20) MiB", "raise --max-field-size, or look for an unbalanced quote that swallowed the rest of the file")
        case .io(let message):
            (message, nil)
        }
        var located = ImportProblem(line: error.line, column: column, value: nil, problem: problem, suggestion: suggestion)
        located.value = error.excerpt  // already shortened and escaped by the reader
        return located
    }

    /// When a header did not map because it was split on the wrong character: which one to name.
    static func delimiterHint(header: [String], delimiter: UInt8) -> String? {
        let joined = header.joined(separator: String(UnicodeScalar(delimiter)))
        for candidate in InputSniffer.delimiters where candidate != delimiter && joined.utf8.contains(candidate) {
            let shown = candidate == UInt8(ascii: "\t") ? "'\\t'" : "'" + String(UnicodeScalar(candidate)) + "'"
            return "the header was split on \(InputSniffer.name(of: delimiter)); if the file is separated by \(InputSniffer.name(of: candidate)), pass --delimiter \(shown)"
        }
        return nil
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Who ran the batch, for the batch record: `$USER`, else `$LOGNAME`, else the name `/etc/passwd`
    /// gives the user id (a cron job or a service often has neither variable), else `uid N`. Not
    /// getpwuid: the release binary is static, and glibc would have to load the system's NSS modules
    /// (LDAP, sssd…) for it, which a static program cannot do safely.
    static func currentUser() -> String? {
        for variable in ["USER", "LOGNAME"] {
            if let value = getenv(variable), value.pointee != 0 { return String(cString: value) }
        }
        let uid = getuid()
        return localUserName(uid: uid, passwd: "/etc/passwd") ?? "uid \(uid)"
    }

    /// The name of `uid` in a passwd(5) file (`name:password:uid:…` lines); nil when it is not there.
    static func localUserName(uid: uid_t, passwd path: String) -> String? {
        guard var source = try? FileByteSource(path: path) else { return nil }
        var bytes: [UInt8] = []
        let limit = 4 << 20  // a passwd file is a few KiB; do not read an arbitrary file whole
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { chunk.deallocate() }
        while bytes.count < limit, let count = try? source.read(into: chunk), count > 0 {
            bytes.append(contentsOf: chunk[0..<count])
        }
        let wanted = Array(String(uid).utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 3, omittingEmptySubsequences: false)
            if fields.count >= 3, !fields[0].isEmpty, Array(fields[2]) == wanted {
                return String(decoding: fields[0], as: UTF8.self)
            }
        }
        return nil
    }
}

/// Passes bytes through while hashing them, so the batch records the file's SHA-256 in one read.
final class HashingByteSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private var hash = SHA256()

    init(base: Base) {
        self.base = base
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try base.read(into: buffer)
        if count > 0 { hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
        return count
    }

    func hexDigest() -> String {
        let copy = hash
        return copy.finalize().hexString
    }
}
