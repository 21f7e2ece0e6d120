extension Database {
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN, so a writer waits (busy timeout) up front instead of failing
        /// with SQLITE_BUSY half-way through when another writer got there first.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws, and
    /// rethrows the first error (a failing rollback never hides the error that caused it).
    public func inTransaction<Result>(
        _ kind: TransactionKind = .immediate, _ body: () throws -> Result
    ) throws -> Result {
        try execute("BEGIN \(kind.rawValue)")
        let result: Result
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    /// Runs `body` in a savepoint nested in the current transaction (or starting one): released
    /// when it returns, rolled back to and released when it throws.
    public func inSavepoint<Result>(_ name: String = "stocktake", _ body: () throws -> Result) throws -> Result {
        precondition(name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || $0 == 95 }, "savepoint names are fixed identifiers")
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(name)")
            try? execute("RELEASE \(name)")
            throw error
        }
    }

    private func rollbackQuietly() {
        // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); then there is
        // no transaction left and ROLLBACK would fail, which we ignore on purpose.
        if isInTransaction { try? execute("ROLLBACK") }
    }
}
