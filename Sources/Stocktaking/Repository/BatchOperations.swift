import SafeText

/// A batch operation that cannot be done (a project or batch that does not exist, a revert that
/// later batches block); nothing was changed.
public struct BatchOperationRefused: WordedError, Sendable {
    public let wording: Wording

    public init(_ wording: Wording) {
        self.wording = wording
    }

    /// No batch `id`; the front end may say where the batches are listed.
    public static func noImportBatch(_ id: Int64) -> BatchOperationRefused {
        BatchOperationRefused("no import batch \(id)\(guidance: .listImportBatches)")
    }
}

/// `delete` and `imports revert`: changes recorded as batches, like imports, so they can be undone.
public struct BatchOperations {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Deletes the projects with these external ids in one batch. All or nothing: an unknown id
    /// deletes none.
    public func delete(externalIDs: [String]) throws -> ImportSummary {
        let database = catalog.database
        let projects = ProjectRepository(database: database, reference: catalog.reference)
        let batches = BatchRepository(database: database)
        var summary = ImportSummary()
        try database.inTransaction(.immediate) {
            let batchID = try batches.begin(
                kind: .delete, fileName: nil, sha256: nil, options: "{\"kind\":\"delete\"}", user: BatchUser.current(),
                now: Timestamp.now())
            summary.batchID = batchID
            try projects.deferSearchIndexing()
            var missing: [String] = []
            for externalID in externalIDs {
                let id = ExternalID.lookUpKey(externalID)
                guard let deleted = try projects.delete(externalID: id) else {
                    missing.append(externalID)
                    continue
                }
                try batches.recordChange(
                    batchID: batchID, externalID: deleted.record.externalID, kind: .deleted,
                    before: CanonicalProjectLine.encode(deleted.record, catalog.reference))
                summary.counts.deleted += 1
            }
            guard missing.isEmpty else {
                throw BatchOperationRefused(
                    "no project \(missing.prefix(10).map { TerminalText.excerpt($0) }.joined(separator: ", "))\(missing.count > 10 ? " and \(missing.count - 10) more" : ""); nothing was deleted")
            }
            try projects.catchUpSearchIndex()
            try batches.finish(batchID: batchID, counts: summary.counts, now: Timestamp.now())
        }
        catalog.checkpointWriteAheadLog()
        return summary
    }

    /// Undoes batch `batchID`: removes what it inserted, restores what it updated or deleted.
    /// Refuses when a later batch changed any of the same projects, or when it was already reverted.
    public func revert(batchID: Int64) throws -> ImportSummary {
        let database = catalog.database
        let projects = ProjectRepository(database: database, reference: catalog.reference)
        let batches = BatchRepository(database: database)
        var summary = ImportSummary()
        try database.inTransaction(.immediate) {
            guard let batch = try batches.find(id: batchID) else {
                throw BatchOperationRefused.noImportBatch(batchID)
            }
            if let by = batch.revertedByBatchID {
                throw BatchOperationRefused("batch \(batchID) was already reverted by batch \(by)")
            }
            if batch.kind == .prizes {
                let later = try database.scalarInt(
                    "SELECT count(*) FROM prize WHERE batch_id = ?", [.integer(batchID)]) ?? 0
                if batch.updated > 0 || later != batch.inserted {
                    throw BatchOperationRefused(
                        "batch \(batchID) updated prizes or later batches changed them; revert it by importing a corrected prizes file")
                }
            }
            // Later batches that were undone again (a batch and its revert) leave no trace to conflict with.
            let cancelled = try batches.selfCancellingBatchIDs(after: batchID)
            let conflicts = try database.rows(
                """
                SELECT external_id, min(batch_id) FROM project_change
                WHERE batch_id > ?1 AND batch_id NOT IN (SELECT value FROM json_each(?2))
                  AND external_id IN (SELECT external_id FROM project_change WHERE batch_id = ?1)
                GROUP BY external_id ORDER BY external_id LIMIT 11
                """,
                [.integer(batchID), .text("[" + cancelled.sorted().map(String.init).joined(separator: ",") + "]")])
            if !conflicts.isEmpty {
                let listed = conflicts.prefix(10).map { "\($0[0].textValue ?? "") (batch \($0[1].integerValue ?? 0))" }
                let more = conflicts.count > 10 ? ", …" : ""
                throw BatchOperationRefused(
                    "cannot revert batch \(batchID): later batches changed the same projects: \(listed.joined(separator: ", "))\(more); revert those batches first (newest first)")
            }
            let now = Timestamp.now()
            let revertID = try batches.begin(
                kind: .revert, fileName: nil, sha256: nil, options: "{\"kind\":\"revert\",\"batch\":\(batchID)}",
                user: BatchUser.current(), now: now)
            summary.batchID = revertID
            try projects.deferSearchIndexing()
            let decoder = try CanonicalProjectLine.Decoder(catalog.reference)
            if batch.kind == .prizes {
                try database.execute("DELETE FROM prize WHERE batch_id = ?", [.integer(batchID)])
                summary.counts.deleted = database.changes
            }
            try batches.forEachChange(inBatch: batchID) { change in
                switch change.kind {
                case .inserted:
                    if let deleted = try projects.delete(externalID: change.externalID) {
                        try batches.recordChange(
                            batchID: revertID, externalID: change.externalID, kind: .deleted,
                            before: CanonicalProjectLine.encode(deleted.record, catalog.reference))
                        summary.counts.deleted += 1
                    }
                case .updated:
                    guard let before = change.before, let current = try projects.find(externalID: change.externalID) else { return }
                    let restored = try decoder.decode(before)
                    try projects.update(id: current.id, with: restored, batchID: revertID, now: now)
                    try batches.recordChange(
                        batchID: revertID, externalID: change.externalID, kind: .updated,
                        before: CanonicalProjectLine.encode(current.record, catalog.reference))
                    summary.counts.updated += 1
                case .deleted:
                    guard let before = change.before else { return }
                    let restored = try decoder.decode(before)
                    _ = try projects.insert(restored, batchID: revertID, now: now)
                    try batches.recordChange(batchID: revertID, externalID: change.externalID, kind: .inserted, before: nil)
                    summary.counts.inserted += 1
                }
            }
            try projects.catchUpSearchIndex()
            try batches.finish(batchID: revertID, counts: summary.counts, now: Timestamp.now(), revertsBatchID: batchID)
        }
        catalog.checkpointWriteAheadLog()
        return summary
    }
}
