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
    /// Valid, but not written (an earlier row failed an all-or-nothing import, or a dry run's rows after one).
    case validated
    case rejected([ImportProblem])
}

/// The per-kind part of an import (projects, prizes): header fields, and validating and writing a row.
protocol ImportRowHandler: AnyObject {
    associatedtype Field: Hashable & Sendable & RawRepresentable where Field.RawValue == String
    var matcher: HeaderMatcher<Field> { get }
    /// Required fields the handler supplies itself (generated ids).
    var suppliedFields: Set<Field> { get }
    func begin(mapping: HeaderMapping<Field>, batchID: Int64, now: String) throws
    func handle(fields: [String], line: Int, write: Bool) throws -> RowOutcome
    /// Warnings that are not errors (duplicate candidates), drained after each row.
    func takeWarnings() -> [ImportProblem]
}

/// Runs an import: reads the file once, validates every row, writes inside one `BEGIN IMMEDIATE`
/// transaction recorded as a batch, and commits only when the policy allows (all-or-nothing
/// unless `--skip-invalid`; never for `--dry-run`).
final class ImportRunner<Handler: ImportRowHandler> {
    let catalog: Catalog
    let options: ImportOptions
    let handler: Handler
    weak var observer: (any ImportObserver)?

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
            ImportRejected(fileName: displayName, problems: problems, totalProblems: problems.count, summary: nil)
        }

        let hashing = HashingByteSource(base: source)
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
            throw rejected(error.problems.map { ImportProblem(line: header.line, column: nil, value: nil, problem: $0) })
        }
        if options.skipInvalid, let path = options.rejectsPath {
            rejects = try RejectsWriter(path: path, header: header.fields, delimiter: options.reader.dialect.delimiter)
        }

        let database = catalog.database
        let batches = BatchRepository(database: database)
        var lastProgress = started
        do {
            try database.inTransaction(.immediate) {
                let now = Timestamp.now()
                let batchID = try batches.begin(
                    kind: options.kind == .projects ? .projects : .prizes, fileName: displayName, sha256: nil,
                    options: options.recordedJSON, user: Self.currentUser(), now: now)
                summary.batchID = batchID
                try handler.begin(mapping: mapping, batchID: batchID, now: now)
                var writing = true
                while true {
                    let record: CSVRecord
                    do {
                        guard let next = try reader.next() else { break }
                        record = next
                    } catch let error as CSVError {
                        // The structure is broken: nothing after this point can be trusted.
                        try note(Self.problem(from: error, header: header.fields))
                        throw RollBack()
                    }
                    if record.fields.count == 1 && record.fields[0].isEmpty && header.fields.count > 1 { continue }
                    summary.rows += 1
                    let outcome: RowOutcome
                    if record.fields.count != header.fields.count {
                        outcome = .rejected([ImportProblem(
                            line: record.line, column: nil, value: nil,
                            problem: "the row has \(record.fields.count) fields but the header has \(header.fields.count)",
                            suggestion: record.fields.count > header.fields.count
                                ? "a value with a comma or line break must be in double quotes" : "check for a missing delimiter or a stray line break")])
                    } else {
                        outcome = try handler.handle(fields: record.fields, line: record.line, write: writing)
                    }
                    for warning in handler.takeWarnings() { try note(warning) }
                    switch outcome {
                    case .inserted: summary.counts.inserted += 1
                    case .updated: summary.counts.updated += 1
                    case .unchanged: summary.counts.unchanged += 1
                    case .validated: break
                    case .rejected(let problems):
                        summary.counts.rejected += 1
                        for problem in problems { try note(problem) }
                        try rejects?.add(fields: record.fields, problems: problems)
                        if !options.skipInvalid { writing = false }
                    }
                    if summary.rows & 1023 == 0, let observer {
                        let now = clock.now
                        if now - lastProgress > .milliseconds(200) {
                            lastProgress = now
                            observer.importProgressed(ImportProgress(
                                rows: summary.rows, bytesRead: reader.bytesConsumed, totalBytes: totalBytes,
                                seconds: Self.seconds(now - started)))
                        }
                    }
                }
                for line in reader.replacedInvalidLines {
                    try note(ImportProblem(
                        severity: .warning, line: line, column: nil, value: nil,
                        problem: "invalid UTF-8 replaced with U+FFFD (--replace-invalid)"))
                }
                if reader.replacedInvalidLineCount > reader.replacedInvalidLines.count {
                    summary.warnings += reader.replacedInvalidLineCount - reader.replacedInvalidLines.count
                }
                if totalProblems > 0 && !options.skipInvalid { throw RollBack() }
                try batches.finish(batchID: batchID, counts: summary.counts, now: Timestamp.now(), sha256: hashing.hexDigest())
                if options.dryRun { throw RollBack() }
            }
        } catch is RollBack {
            if !options.dryRun || totalProblems > 0 && !options.skipInvalid {
                summary.seconds = Self.seconds(clock.now - started)
                try report?.finish(summary: summary, status: "rejected")
                throw ImportRejected(fileName: displayName, problems: shownProblems, totalProblems: totalProblems, summary: summary)
            }
        } catch {
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
        return summary
    }

    /// Keeps `ANALYZE` statistics current after large imports so the planner picks the link indexes;
    /// `analysis_limit` bounds the cost on big tables (https://sqlite.org/lang_analyze.html).
    static func refreshPlannerStatistics(_ database: Database) throws {
        try database.execute("PRAGMA analysis_limit = 1000; ANALYZE;")
    }

    static func problem(from error: CSVError, header: [String]?) -> ImportProblem {
        let column = error.fieldIndex.flatMap { index in header.flatMap { index < $0.count ? $0[index] : "#\(index + 1)" } ?? "#\(index + 1)" }
        return ImportProblem(line: error.line, column: column, value: error.excerpt, problem: error.description)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func currentUser() -> String? {
        if let name = getenv("USER") ?? getenv("LOGNAME") { return String(cString: name) }
        guard let entry = getpwuid(getuid()) else { return nil }
        return String(cString: entry.pointee.pw_name)
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
