import CSV
import Digest
import SQLite

/// A project row validated on the reading thread.
struct PreparedProject: Sendable {
    var record: ProjectRecord
    /// With `--generate-ids`, for a row without an id: the content-derived id before any `-2` suffix.
    var generatedIDBase: String?
}

/// Parses and validates project rows without the database (reading thread).
struct ProjectRowPreparer: RowPreparer {
    let parser: ProjectRowParser
    let reference: ReferenceData
    let generateIDPrefix: String?

    func prepare(_ fields: [String], line: Int) -> PreparedRow<PreparedProject> {
        let (parsed, problems) = parser.parse(fields, line: line)
        guard let record = parsed else { return .invalid(problems, key: parser.externalID(of: fields)) }
        var prepared = PreparedProject(record: record)
        if record.externalID.isEmpty, let prefix = generateIDPrefix {
            // A stable id from the row's content: normalized title, organization and first country,
            // so the same file imports twice idempotently.
            let country = record.countryIDs.first.flatMap { reference.country(id: $0)?.canonicalToken } ?? ""
            let content = [MatchKey.loose(record.title), MatchKey.loose(record.organization ?? ""), country]
                .joined(separator: "\u{1F}")
            prepared.generatedIDBase = prefix + "-" + String(SHA256.hex(of: content).prefix(12))
        }
        return .valid(prepared)
    }
}

/// Applies project rows for `ImportRunner`: duplicate and existence checks, then the upsert.
final class ProjectRowHandler: ImportRowHandler {
    let matcher = ProjectColumn.matcher
    let suppliedFields: Set<ProjectColumn>
    private let database: Database
    private let reference: ReferenceData
    private let options: ImportOptions
    private let repository: ProjectRepository
    private let batches: BatchRepository
    private var mapping: HeaderMapping<ProjectColumn>?
    private var batchID: Int64 = 0
    private var now = ""
    private var warnings: [ImportProblem] = []
    /// Rows in `temp.import_unwritten`; while there are none, written rows skip the look-up there.
    private var unwrittenCount = 0

    init(catalog: Catalog, options: ImportOptions) {
        database = catalog.database
        reference = catalog.reference
        self.options = options
        repository = ProjectRepository(database: catalog.database, reference: catalog.reference)
        batches = BatchRepository(database: catalog.database)
        suppliedFields = options.generateIDPrefix == nil ? [] : [.externalID]
    }

    func makePreparer(mapping: HeaderMapping<ProjectColumn>) -> ProjectRowPreparer {
        ProjectRowPreparer(
            parser: ProjectRowParser(
                reference: reference, mapping: mapping, options: options.values, generatesIDs: options.generateIDPrefix != nil),
            reference: reference, generateIDPrefix: options.generateIDPrefix)
    }

    func begin(mapping: HeaderMapping<ProjectColumn>, batchID: Int64, now: String) throws {
        self.mapping = mapping
        self.batchID = batchID
        self.now = now
        // Rows this import does not write (unchanged ones, or all rows after a rejection) are remembered
        // in a temporary table so a repeated id is still caught; written rows are recognised by their
        // batch. On disk-backed SQLite pages, not in a dictionary that grows with the file.
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_unwritten (external_id TEXT PRIMARY KEY COLLATE NOCASE, line INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TEMP TABLE IF NOT EXISTS import_generated (base TEXT PRIMARY KEY, line INTEGER NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;
            DELETE FROM temp.import_unwritten;
            DELETE FROM temp.import_generated;
            """)
        unwrittenCount = 0
        try repository.deferSearchIndexing()
    }

    /// Writes the change log's 'inserted' entries for every row this import inserted, in one
    /// statement (see migration 0005; updated rows were logged as they were written), then brings
    /// the full-text index up to date in one pass.
    func finish() throws {
        try database.execute("""
            INSERT INTO project_change (batch_id, external_id, change, line)
            SELECT batch_id, external_id, 'inserted', source_line FROM project
            WHERE id >= (SELECT first_project_id FROM search_index_deferral)
            """)
        try repository.catchUpSearchIndex()
    }

    func rowKey(_ prepared: PreparedProject) -> String? {
        prepared.record.externalID.isEmpty ? nil : prepared.record.externalID
    }

    func takeWarnings() -> [ImportProblem] {
        defer { warnings.removeAll(keepingCapacity: true) }
        return warnings
    }

    func apply(_ prepared: PreparedProject, line: Int, write: Bool) throws -> RowOutcome {
        guard let mapping else { preconditionFailure("begin() first") }
        var record = prepared.record
        if let base = prepared.generatedIDBase {
            record.externalID = try generatedID(base: base, title: record.title, line: line)
        }
        func duplicate(firstLine: Int?) -> RowOutcome {
            .rejected([duplicateProblem(externalID: record.externalID, line: line, firstLine: firstLine)])
        }

        let existing = try repository.find(externalID: record.externalID)
        if let existing, existing.batchID == batchID {
            return duplicate(firstLine: existing.sourceLine)
        }
        if options.insertOnly, existing != nil {
            let known = ImportProblem(
                line: line, column: mapping.sourceName(of: .externalID), value: record.externalID,
                problem: "external_id is already in the database (--insert-only)", suggestion: "drop --insert-only to update it")
            let repeated = try rememberUnwritten(record.externalID, line: line).map {
                duplicateProblem(externalID: record.externalID, line: line, firstLine: $0)
            }
            return .rejected([known] + (repeated.map { [$0] } ?? []))
        }
        let unchanged = existing.map { record.hasSameContent(as: $0.record) } ?? false
        if !write || unchanged {
            if let firstLine = try rememberUnwritten(record.externalID, line: line) {
                return duplicate(firstLine: firstLine)
            }
            return write ? .unchanged : .validated
        }
        // An earlier copy that was not written (unchanged, or invalid) is only in the temporary table.
        if unwrittenCount > 0, let firstLine = try unwrittenLine(of: record.externalID) {
            return duplicate(firstLine: firstLine)
        }
        switch try repository.save(record, over: existing, batchID: batchID, now: now, sourceLine: line) {
        case .inserted:
            return .inserted  // logged in `finish()`
        case .updated(_, let before):
            try batches.recordChange(
                batchID: batchID, externalID: record.externalID, kind: .updated,
                before: CanonicalProjectLine.encode(before, reference), line: line)
            return .updated
        case .unchanged:
            return .unchanged
        }
    }

    func databaseProblems(inRejectedRowWithKey externalID: String, line: Int) throws -> [ImportProblem] {
        if let existing = try repository.find(externalID: externalID), existing.batchID == batchID {
            return [duplicateProblem(externalID: externalID, line: line, firstLine: existing.sourceLine)]
        }
        if let firstLine = try rememberUnwritten(externalID, line: line) {
            return [duplicateProblem(externalID: externalID, line: line, firstLine: firstLine)]
        }
        return []
    }

    /// Rows not written by this import (unchanged, invalid, or all rows once an all-or-nothing import
    /// has a rejection) are remembered so a later copy of the id is still caught; returns the line of
    /// an earlier copy when there is one.
    private func rememberUnwritten(_ externalID: String, line: Int) throws -> Int? {
        let remember = try database.cachedStatement(
            "INSERT INTO temp.import_unwritten (external_id, line) VALUES (?, ?) ON CONFLICT DO NOTHING")
        try remember.execute([.text(externalID), .integer(Int64(line))])
        if database.changes == 1 {
            unwrittenCount += 1
            return nil
        }
        return try unwrittenLine(of: externalID)
    }

    /// The line of the remembered unwritten copy of `externalID`, if any (cached: it runs per row).
    private func unwrittenLine(of externalID: String) throws -> Int? {
        let lookup = try database.cachedStatement("SELECT line FROM temp.import_unwritten WHERE external_id = ?")
        try lookup.bind(externalID, at: 1)
        defer { lookup.reset() }
        return try lookup.step() ? lookup.int(at: 0) : nil
    }

    private func duplicateProblem(externalID: String, line: Int, firstLine: Int?) -> ImportProblem {
        ImportProblem(
            line: line, column: mapping?.sourceName(of: .externalID), value: externalID,
            problem: "external_id appears twice in the file" + (firstLine.map { " (first on line \($0))" } ?? ""),
            suggestion: "each project must appear once; merge or renumber the rows")
    }

    /// The content-derived id; content that repeats an earlier row's gets `-2`, `-3` … and a
    /// duplicate-candidate warning instead of failing the file.
    private func generatedID(base: String, title: String, line: Int) throws -> String {
        let insert = try database.cachedStatement(
            "INSERT INTO temp.import_generated (base, line, count) VALUES (?, ?, 1) ON CONFLICT (base) DO UPDATE SET count = count + 1 RETURNING line, count")
        try insert.bind(base, at: 1)
        try insert.bind(line, at: 2)
        guard try insert.step() else { return base }
        let firstLine = insert.int(at: 0)
        let count = insert.int(at: 1)
        insert.reset()
        guard count > 1 else { return base }
        warnings.append(ImportProblem(
            severity: .warning, line: line, column: mapping?.sourceName(of: .title), value: title,
            problem: "duplicate candidate: same title, organization and first country as line \(firstLine); imported as \(base)-\(count)",
            suggestion: "check whether the two rows are the same project"))
        return "\(base)-\(count)"
    }
}

/// A project's canonical record as one CSV line (the export's form), used to keep the state before
/// an update or delete so `imports revert` can restore it.
enum CanonicalProjectLine {
    static func encode(_ record: ProjectRecord, _ reference: ReferenceData) -> String {
        var buffer: [UInt8] = []
        CSVWriter(lineEnding: []).append(record: record.canonicalFields(reference), to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Reads recorded lines back into records. Make one per batch operation: building the header
    /// mapping and the row parser once, not per line, is most of the cost of a large revert.
    struct Decoder {
        private let parser: ProjectRowParser

        init(_ reference: ReferenceData) throws {
            let mapping = try ProjectColumn.matcher.map(header: ProjectColumn.fileColumns.map(\.rawValue), userMappings: [:], ignoreUnknown: false)
            parser = ProjectRowParser(reference: reference, mapping: mapping, options: ValueOptions(), generatesIDs: false)
        }

        func decode(_ line: String) throws -> ProjectRecord {
            let reader = CSVReader(source: MemoryByteSource(line), options: CSVReaderOptions())
            guard let fields = try reader.next()?.fields, fields.count == ProjectColumn.fileColumns.count else {
                throw ImportRejected(
                    fileName: "recorded state",
                    problems: [ImportProblem(line: 1, column: nil, value: line, problem: "cannot read the recorded project state")],
                    totalProblems: 1, summary: nil)
            }
            let (record, problems) = parser.parse(fields, line: 1)
            guard let record else {
                throw ImportRejected(fileName: "recorded state", problems: problems, totalProblems: problems.count, summary: nil)
            }
            return record
        }
    }
}
