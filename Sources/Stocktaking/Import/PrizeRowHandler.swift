import SQLite

/// The columns of a prizes file.
public enum PrizeColumn: String, Sendable, CaseIterable {
    case year, category
    case externalID = "external_id"
    case result

    static let matcher = HeaderMatcher<PrizeColumn>(
        fields: PrizeColumn.allCases,
        aliases: [
            .year: ["prize year", "edition"],
            .category: ["prize category", "action line", "action_line"],
            .externalID: ["project", "project id", "project_id", "id"],
            .result: ["prize", "outcome", "status", "award"],
        ],
        required: PrizeColumn.allCases)
}

/// Validates and writes prize rows: the category must be one of the 18 prize categories, the
/// project must exist; upsert on (year, category, project).
final class PrizeRowHandler: ImportRowHandler {
    let matcher = PrizeColumn.matcher
    let suppliedFields: Set<PrizeColumn> = []
    private let database: Database
    private let reference: ReferenceData
    private var mapping: HeaderMapping<PrizeColumn>?
    private var batchID: Int64 = 0

    init(catalog: Catalog, options: ImportOptions) {
        database = catalog.database
        reference = catalog.reference
    }

    func begin(mapping: HeaderMapping<PrizeColumn>, batchID: Int64, now: String) throws {
        self.mapping = mapping
        self.batchID = batchID
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_prize_seen (year INTEGER, category INTEGER, project INTEGER, line INTEGER,
                PRIMARY KEY (year, category, project)) WITHOUT ROWID;
            DELETE FROM temp.import_prize_seen;
            """)
    }

    func takeWarnings() -> [ImportProblem] { [] }

    func handle(fields: [String], line: Int, write: Bool) throws -> RowOutcome {
        guard let mapping else { preconditionFailure("begin() first") }
        var problems: [ImportProblem] = []
        func value(_ column: PrizeColumn) -> String { fields[mapping.index(of: column)!] }
        func problem(_ column: PrizeColumn, _ raw: String?, _ error: ResolutionError) {
            problems.append(ImportProblem(line: line, column: mapping.sourceName(of: column), value: raw, error))
        }

        let currentYear = Timestamp.currentYear()
        let yearText = ValueParsers.trim(value(.year))
        let year = Int(yearText)
        if year == nil || !(2012...(currentYear + 1)).contains(year!) {
            problem(.year, value(.year), ResolutionError("not a WSIS Prize year", suggestion: "expected a year from 2012 (the first WSIS Prizes) to \(currentYear + 1)"))
        }
        var category: ActionLine?
        do throws(ResolutionError) {
            let line = try reference.resolveActionLine(value(.category))
            if line.isPrizeCategory { category = line } else {
                problem(.category, value(.category), ResolutionError("not a WSIS Prize category", suggestion: "prize categories are the 18 leaf Action Lines"))
            }
        } catch {
            problem(.category, value(.category), error)
        }
        var result: PrizeResult?
        do throws(ResolutionError) { result = try reference.resolvePrizeResult(value(.result)) } catch { problem(.result, value(.result), error) }
        let externalID = ValueParsers.trim(value(.externalID)).precomposedNFC
        let projectID = externalID.isEmpty ? nil : try database.scalarInt("SELECT id FROM project WHERE external_id = ?", [.text(externalID)])
        if projectID == nil {
            problem(.externalID, value(.externalID), ResolutionError(
                externalID.isEmpty ? "external_id is required" : "no project with this external_id",
                suggestion: externalID.isEmpty ? nil : "import the project first"))
        }
        guard problems.isEmpty, let year, let category, let result, let projectID else { return .rejected(problems) }

        let seen = try database.cachedStatement(
            "INSERT INTO temp.import_prize_seen (year, category, project, line) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        try seen.execute([.integer(Int64(year)), .integer(Int64(category.id)), .integer(Int64(projectID)), .integer(Int64(line))])
        if database.changes == 0 {
            return .rejected([ImportProblem(
                line: line, column: nil, value: nil,
                problem: "the same year, category and project appear twice in the file")])
        }
        guard write else { return .validated }
        let existing = try database.scalarText(
            "SELECT result FROM prize WHERE year = ? AND action_line_id = ? AND project_id = ?",
            [.integer(Int64(year)), .integer(Int64(category.id)), .integer(Int64(projectID))])
        if existing == result.rawValue { return .unchanged }
        try database.execute(
            """
            INSERT INTO prize (year, action_line_id, project_id, result, batch_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (year, action_line_id, project_id) DO UPDATE SET result = excluded.result, batch_id = excluded.batch_id
            """,
            [.integer(Int64(year)), .integer(Int64(category.id)), .integer(Int64(projectID)), .text(result.rawValue), .integer(batchID)])
        return existing == nil ? .inserted : .updated
    }
}
