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

/// A prize row validated on the reading thread; the project is looked up when it is applied.
struct PreparedPrize: Sendable {
    let year: Int
    let category: ActionLine
    let result: PrizeResult
    let externalID: String
}

/// Parses and validates prize rows without the database (reading thread).
struct PrizeRowPreparer: RowPreparer {
    let mapping: HeaderMapping<PrizeColumn>
    let reference: ReferenceData
    let currentYear = Timestamp.currentYear()

    func prepare(_ fields: [String], line: Int) -> PreparedRow<PreparedPrize> {
        var problems: [ImportProblem] = []
        func value(_ column: PrizeColumn) -> String { fields[mapping.index(of: column)!] }
        func problem(_ column: PrizeColumn, _ raw: String?, _ error: ResolutionError) {
            problems.append(ImportProblem(line: line, column: mapping.sourceName(of: column), value: raw, error))
        }
        let year = Int(ValueParsers.trim(value(.year)))
        if year == nil || !(2012...(currentYear + 1)).contains(year!) {
            problem(.year, value(.year), ResolutionError(
                "not a WSIS Prize year", suggestion: "expected a year from 2012 (the first WSIS Prizes) to \(currentYear + 1)"))
        }
        var category: ActionLine?
        do throws(ResolutionError) {
            let line = try reference.resolveActionLine(value(.category))
            if line.isPrizeCategory {
                category = line
            } else {
                problem(.category, value(.category), ResolutionError(
                    "not a WSIS Prize category", suggestion: "prize categories are the 18 leaf Action Lines"))
            }
        } catch {
            problem(.category, value(.category), error)
        }
        var result: PrizeResult?
        do throws(ResolutionError) { result = try reference.resolvePrizeResult(value(.result)) } catch {
            problem(.result, value(.result), error)
        }
        var externalID = ""
        do throws(ResolutionError) {
            externalID = try ExternalID.normalize(value(.externalID))
            if externalID.isEmpty { problem(.externalID, nil, ResolutionError("external_id is required")) }
        } catch {
            problem(.externalID, value(.externalID), error)
        }
        guard problems.isEmpty, let year, let category, let result else {
            // The project's existence is checked on the writing thread, for invalid rows too.
            return .invalid(problems, key: externalID.isEmpty ? nil : externalID)
        }
        return .valid(PreparedPrize(
            year: year, category: category, result: result, externalID: externalID))
    }
}

/// Applies prize rows: the project must exist; upsert on (year, category, project).
final class PrizeRowHandler: ImportRowHandler {
    let matcher = PrizeColumn.matcher
    let suppliedFields: Set<PrizeColumn> = []
    private let database: Database
    private let reference: ReferenceData
    private var batchID: Int64 = 0
    private var mapping: HeaderMapping<PrizeColumn>?

    init(catalog: Catalog, options: ImportOptions) {
        database = catalog.database
        reference = catalog.reference
    }

    func makePreparer(mapping: HeaderMapping<PrizeColumn>) -> PrizeRowPreparer {
        PrizeRowPreparer(mapping: mapping, reference: reference)
    }

    func begin(mapping: HeaderMapping<PrizeColumn>, batchID: Int64, now: String) throws {
        self.batchID = batchID
        self.mapping = mapping
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_prize_seen (year INTEGER, category INTEGER, project INTEGER, line INTEGER,
                PRIMARY KEY (year, category, project)) WITHOUT ROWID;
            DELETE FROM temp.import_prize_seen;
            """)
    }

    func takeWarnings() -> [ImportProblem] { [] }

    func rowKey(_ prize: PreparedPrize) -> String? { prize.externalID }

    func finish() throws {}

    func databaseProblems(inRejectedRowWithKey externalID: String, line: Int) throws -> [ImportProblem] {
        try projectID(externalID) == nil ? [unknownProject(externalID, line: line)] : []
    }

    private func projectID(_ externalID: String) throws -> Int? {
        try database.scalarInt("SELECT id FROM project WHERE external_id = ?", [.text(externalID)])
    }

    private func unknownProject(_ externalID: String, line: Int) -> ImportProblem {
        ImportProblem(
            line: line, column: mapping?.sourceName(of: .externalID), value: externalID,
            problem: "no project with this external_id", suggestion: "import the project first")
    }

    func apply(_ prize: PreparedPrize, line: Int, write: Bool) throws -> RowOutcome {
        guard let projectID = try projectID(prize.externalID) else {
            return .rejected([unknownProject(prize.externalID, line: line)])
        }
        let key: [SQLiteValue] = [.integer(Int64(prize.year)), .integer(Int64(prize.category.id)), .integer(Int64(projectID))]
        let seen = try database.cachedStatement(
            "INSERT INTO temp.import_prize_seen (year, category, project, line) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        try seen.execute(key + [.integer(Int64(line))])
        if database.changes == 0 {
            let first = try database.scalarInt(
                "SELECT line FROM temp.import_prize_seen WHERE year = ? AND category = ? AND project = ?", key) ?? 0
            return .rejected([ImportProblem(
                line: line, column: nil, value: nil,
                problem: "the same year, category and project appear twice in the file (first on line \(first))")])
        }
        guard write else { return .validated }
        let existing = try database.scalarText(
            "SELECT result FROM prize WHERE year = ? AND action_line_id = ? AND project_id = ?", key)
        if existing == prize.result.rawValue { return .unchanged }
        try database.execute(
            """
            INSERT INTO prize (year, action_line_id, project_id, result, batch_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (year, action_line_id, project_id) DO UPDATE SET result = excluded.result, batch_id = excluded.batch_id
            """,
            key + [.text(prize.result.rawValue), .integer(batchID)])
        return existing == nil ? .inserted : .updated
    }
}
