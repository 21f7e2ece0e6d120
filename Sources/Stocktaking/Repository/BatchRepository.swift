import SQLite

/// One recorded import, delete or revert.
public struct ImportBatch: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case projects, prizes, delete, revert
    }

    public var id: Int64
    public var kind: Kind
    public var fileName: String?
    public var sha256: String?
    public var options: String
    public var startedAt: String
    public var finishedAt: String?
    public var user: String?
    public var inserted: Int
    public var updated: Int
    public var unchanged: Int
    public var rejected: Int
    public var deleted: Int
    public var revertsBatchID: Int64?
    public var revertedByBatchID: Int64?
}

/// What a batch did to one project, as recorded for revert and for tombstones.
public struct ProjectChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case inserted, updated, deleted
    }

    public let batchID: Int64
    public let externalID: String
    public let kind: Kind
    /// The project's canonical CSV record before the batch changed it; nil when the batch inserted it.
    public let before: String?
}

/// Import batches and the per-project change log.
public final class BatchRepository {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func begin(kind: ImportBatch.Kind, fileName: String?, sha256: String?, options: String, user: String?, now: String) throws -> Int64 {
        try database.execute(
            "INSERT INTO import_batch (kind, file_name, sha256, options, started_at, user) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(kind.rawValue), fileName.sqliteValue, sha256.sqliteValue, .text(options), .text(now), user.sqliteValue])
        return database.lastInsertRowID
    }

    public struct Counts: Sendable, Equatable {
        public var inserted = 0
        public var updated = 0
        public var unchanged = 0
        public var rejected = 0
        public var deleted = 0

        public init() {}
    }

    /// `options`, when given, replaces those recorded by `begin` (what was only known at the end).
    public func finish(
        batchID: Int64, counts: Counts, now: String, sha256: String? = nil, revertsBatchID: Int64? = nil, options: String? = nil
    ) throws {
        try database.execute(
            """
            UPDATE import_batch SET finished_at = ?, inserted = ?, updated = ?, unchanged = ?, rejected = ?, deleted = ?,
                reverts_batch_id = ?, sha256 = coalesce(?, sha256), options = coalesce(?, options) WHERE id = ?
            """,
            [.text(now), .integer(Int64(counts.inserted)), .integer(Int64(counts.updated)), .integer(Int64(counts.unchanged)),
             .integer(Int64(counts.rejected)), .integer(Int64(counts.deleted)), revertsBatchID.sqliteValue, sha256.sqliteValue,
             options.sqliteValue, .integer(batchID)])
        if let revertsBatchID {
            try database.execute("UPDATE import_batch SET reverted_by_batch_id = ? WHERE id = ?", [.integer(batchID), .integer(revertsBatchID)])
        }
    }

    public func recordChange(batchID: Int64, externalID: String, kind: ProjectChange.Kind, before: String?, line: Int? = nil) throws {
        try database.execute(
            "INSERT INTO project_change (batch_id, external_id, change, line, before) VALUES (?, ?, ?, ?, ?)",
            [.integer(batchID), .text(externalID), .text(kind.rawValue), line.map { .integer(Int64($0)) } ?? .null, before.sqliteValue])
    }

    private static let columns = """
        id, kind, file_name, sha256, options, started_at, finished_at, user, inserted, updated, unchanged, rejected,
        deleted, reverts_batch_id, reverted_by_batch_id
        """

    public func all() throws -> [ImportBatch] {
        try database.rows("SELECT \(Self.columns) FROM import_batch ORDER BY id").map(Self.batch(from:))
    }

    public func find(id: Int64) throws -> ImportBatch? {
        try database.rows("SELECT \(Self.columns) FROM import_batch WHERE id = ?", [.integer(id)]).first.map(Self.batch(from:))
    }

    /// The batches after `batchID` whose changes cancel out: a batch and its revert, a revert and
    /// the revert of that revert, and so on.
    ///
    /// Batches form chains through `reverted_by_batch_id` (import 5, revert of 5 = 7, revert of 7 =
    /// 9 re-applies 5). The part of a chain after `batchID` undoes itself when it has an even number
    /// of links: (5, 7) cancel, so reverting an earlier batch is not blocked by them; (5, 7, 9) leave
    /// batch 5's changes in force, so it is.
    func selfCancellingBatchIDs(after batchID: Int64) throws -> Set<Int64> {
        var revertedBy: [Int64: Int64] = [:]
        var reverts: [Int64: Int64] = [:]
        for row in try database.rows(
            "SELECT id, reverts_batch_id, reverted_by_batch_id FROM import_batch WHERE id > ?", [.integer(batchID)])
        {
            guard let id = row[0].integerValue else { continue }
            if let target = row[1].integerValue { reverts[id] = target }
            if let by = row[2].integerValue { revertedBy[id] = by }
        }
        var cancelled: Set<Int64> = []
        // Start at each chain's first batch after `batchID`: one that reverts nothing after it.
        for start in Set(revertedBy.keys).union(reverts.keys) where (reverts[start].map { $0 <= batchID } ?? true) {
            var chain = [start]
            while let next = revertedBy[chain.last!] { chain.append(next) }
            if chain.count.isMultiple(of: 2) { cancelled.formUnion(chain) }
        }
        return cancelled
    }

    public func latestBatchID() throws -> Int64? {
        try database.scalar("SELECT max(id) FROM import_batch")?.integerValue
    }

    /// The changes a batch made, in the order it made them, a page at a time: memory stays bounded
    /// for large batches, and `body` may write to the change log (a page is read before it runs).
    public func forEachChange(inBatch batchID: Int64, _ body: (ProjectChange) throws -> Void) throws {
        var afterID: Int64 = 0
        while true {
            let page = try database.rows(
                "SELECT id, external_id, change, before FROM project_change WHERE batch_id = ? AND id > ? ORDER BY id LIMIT 1000",
                [.integer(batchID), .integer(afterID)])
            guard let last = page.last else { return }
            afterID = last[0].integerValue ?? afterID
            for row in page {
                try body(ProjectChange(
                    batchID: batchID, externalID: row[1].textValue ?? "",
                    kind: ProjectChange.Kind(rawValue: row[2].textValue ?? "") ?? .updated, before: row[3].textValue))
            }
        }
    }

    private static func batch(from row: [SQLiteValue]) -> ImportBatch {
        ImportBatch(
            id: row[0].integerValue ?? 0, kind: ImportBatch.Kind(rawValue: row[1].textValue ?? "") ?? .projects,
            fileName: row[2].textValue, sha256: row[3].textValue, options: row[4].textValue ?? "{}",
            startedAt: row[5].textValue ?? "", finishedAt: row[6].textValue, user: row[7].textValue,
            inserted: Int(row[8].integerValue ?? 0), updated: Int(row[9].integerValue ?? 0),
            unchanged: Int(row[10].integerValue ?? 0), rejected: Int(row[11].integerValue ?? 0),
            deleted: Int(row[12].integerValue ?? 0), revertsBatchID: row[13].integerValue,
            revertedByBatchID: row[14].integerValue)
    }
}
