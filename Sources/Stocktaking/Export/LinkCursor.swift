import SQLite

/// Reads one link table (`project_sdg`, …) alongside a stream of projects: a merge join.
///
/// Projects come ordered by external_id, links by project id. When project ids rise with
/// external_ids (the usual case: files are imported in id order) the cursor just steps forward
/// through the table's primary key; when they jump back or far ahead it seeks again, which costs
/// what a correlated subquery would. Either way the table is read through its primary key
/// `(project_id, …)` and memory stays constant.
final class LinkCursor {
    private let statement: Statement
    /// The project id of the row under the cursor; `Int64.max` when the cursor ran off the end.
    private var current: Int64 = .max
    /// The project asked for last: no link rows exist between it and `current`.
    private var lastRequested: Int64 = .max
    /// Further than this many project ids ahead, seeking beats stepping.
    private static let stepLimit: Int64 = 48

    /// - Parameter sql: `SELECT project_id, value … WHERE project_id >= ?1 ORDER BY project_id, …`.
    init(database: Database, sql: String) throws {
        statement = try database.prepare(sql)
    }

    /// The link values of `projectID`, in the table's order.
    func values(of projectID: Int64, into values: inout [Int]) throws {
        values.removeAll(keepingCapacity: true)
        let positioned = projectID >= lastRequested && lastRequested != .max
        if !positioned || (current < projectID && projectID - current > Self.stepLimit) {
            try seek(projectID)
        }
        lastRequested = projectID
        while current < projectID { try advance() }
        while current == projectID {
            values.append(statement.int(at: 1))
            try advance()
        }
    }

    private func seek(_ projectID: Int64) throws {
        statement.reset()
        try statement.bind(.integer(projectID), at: 1)
        try advance()
    }

    private func advance() throws {
        current = try statement.step() ? statement.int64(at: 0) : .max
    }
}
