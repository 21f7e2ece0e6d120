import CSV
import Digest
import SQLite

/// Validates and writes project rows for `ImportRunner`.
final class ProjectRowHandler: ImportRowHandler {
    let matcher = ProjectColumn.matcher
    let suppliedFields: Set<ProjectColumn>
    private let database: Database
    private let reference: ReferenceData
    private let options: ImportOptions
    private let repository: ProjectRepository
    private let batches: BatchRepository
    private var parser: ProjectRowParser?
    private var mapping: HeaderMapping<ProjectColumn>?
    private var batchID: Int64 = 0
    private var now = ""
    private var warnings: [ImportProblem] = []

    init(catalog: Catalog, options: ImportOptions) {
        database = catalog.database
        reference = catalog.reference
        self.options = options
        repository = ProjectRepository(database: catalog.database, reference: catalog.reference)
        batches = BatchRepository(database: catalog.database)
        suppliedFields = options.generateIDPrefix == nil ? [] : [.externalID]
    }

    func begin(mapping: HeaderMapping<ProjectColumn>, batchID: Int64, now: String) throws {
        self.mapping = mapping
        self.batchID = batchID
        self.now = now
        parser = ProjectRowParser(
            reference: reference, mapping: mapping, options: options.values, generatesIDs: options.generateIDPrefix != nil)
        // Ids seen in this file (and generated ids), kept in temporary tables rather than in memory so a
        // file of a million rows costs SQLite pages that spill to disk, not a growing dictionary.
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_seen (external_id TEXT PRIMARY KEY COLLATE NOCASE, line INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TEMP TABLE IF NOT EXISTS import_generated (base TEXT PRIMARY KEY, line INTEGER NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;
            DELETE FROM temp.import_seen;
            DELETE FROM temp.import_generated;
            """)
    }

    func takeWarnings() -> [ImportProblem] {
        defer { warnings.removeAll(keepingCapacity: true) }
        return warnings
    }

    func handle(fields: [String], line: Int, write: Bool) throws -> RowOutcome {
        guard let parser, let mapping else { preconditionFailure("begin() first") }
        let (parsed, problems) = parser.parse(fields, line: line)
        guard var record = parsed else { return .rejected(problems) }
        let idColumn = mapping.sourceName(of: .externalID)
        if record.externalID.isEmpty, let prefix = options.generateIDPrefix {
            record.externalID = try generatedID(for: record, prefix: prefix, line: line)
        }

        let seen = try database.cachedStatement("INSERT INTO temp.import_seen (external_id, line) VALUES (?, ?) ON CONFLICT DO NOTHING")
        try seen.execute([.text(record.externalID), .integer(Int64(line))])
        if database.changes == 0 {
            let first = try database.scalarInt("SELECT line FROM temp.import_seen WHERE external_id = ?", [.text(record.externalID)]) ?? 0
            return .rejected([ImportProblem(
                line: line, column: idColumn, value: record.externalID,
                problem: "external_id appears twice in the file (first on line \(first))",
                suggestion: "each project must appear once; merge or renumber the rows")])
        }
        if options.insertOnly {
            let exists = try database.scalarInt("SELECT count(*) FROM project WHERE external_id = ?", [.text(record.externalID)]) ?? 0
            if exists > 0 {
                return .rejected([ImportProblem(
                    line: line, column: idColumn, value: record.externalID,
                    problem: "external_id is already in the database (--insert-only)",
                    suggestion: "drop --insert-only to update it")])
            }
        }
        guard write else { return .validated }
        switch try repository.upsert(record, batchID: batchID, now: now) {
        case .inserted:
            try batches.recordChange(batchID: batchID, externalID: record.externalID, kind: .inserted, before: nil)
            return .inserted
        case .updated(_, let before):
            try batches.recordChange(
                batchID: batchID, externalID: record.externalID, kind: .updated,
                before: CanonicalProjectLine.encode(before, reference))
            return .updated
        case .unchanged:
            return .unchanged
        }
    }

    /// A stable id from the row's content: normalized title, organization and first country, so the
    /// same file imports twice idempotently. Repeated content gets `-2`, `-3` … and a warning.
    private func generatedID(for record: ProjectRecord, prefix: String, line: Int) throws -> String {
        let country = record.countryIDs.first.flatMap { reference.country(id: $0)?.canonicalToken } ?? ""
        let content = [MatchKey.loose(record.title), MatchKey.loose(record.organization ?? ""), country].joined(separator: "\u{1F}")
        let base = prefix + "-" + String(SHA256.hex(of: content).prefix(12))
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
            severity: .warning, line: line, column: mapping?.sourceName(of: .title), value: record.title,
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

    static func decode(_ line: String, _ reference: ReferenceData) throws -> ProjectRecord {
        let reader = CSVReader(source: MemoryByteSource(line), options: CSVReaderOptions())
        guard let fields = try reader.next()?.fields, fields.count == ProjectColumn.allCases.count else {
            throw ImportRejected(fileName: "recorded state", problems: [ImportProblem(line: 1, column: nil, value: line, problem: "cannot read the recorded project state")], totalProblems: 1, summary: nil)
        }
        let header = ProjectColumn.allCases.map(\.rawValue)
        let mapping = try ProjectColumn.matcher.map(header: header, userMappings: [:], ignoreUnknown: false)
        let parser = ProjectRowParser(reference: reference, mapping: mapping, options: ValueOptions(), generatesIDs: false)
        let (record, problems) = parser.parse(fields, line: 1)
        guard let record else {
            throw ImportRejected(fileName: "recorded state", problems: problems, totalProblems: problems.count, summary: nil)
        }
        return record
    }
}
