import Glibc
import SQLite
import Stocktaking

/// A mutex (POSIX, like the import's threads: no Foundation).
final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// One state of the database and its facet index: a read-only connection holding one read
/// transaction open for as long as the generation lives, and the index built inside it.
///
/// Every list request takes the current generation and reads its total, facets and page from the
/// index and the page's rows from the same transaction, so a page never mixes two states of the
/// database, even while an import commits. Requests of one generation take turns on its connection
/// (SQLite connections are not shared between threads here); the index work is microseconds, the
/// SQL a page needs (its rows, a search) milliseconds.
final class Generation: @unchecked Sendable {
    let number: Int
    let index: FacetIndex
    private let catalog: Catalog
    private let lock = Lock()

    /// Opens `path` read-only, starts the snapshot and builds the index in it.
    /// - Parameter allSortOrders: false: only the facets and the default order; `buildSortOrder()`
    ///   adds the others while the generation serves.
    init(path: String, busyTimeout: Double, number: Int, allSortOrders: Bool) throws {
        self.number = number
        catalog = try Catalog(path: path, access: .read, busyTimeout: busyTimeout)
        do {
            try catalog.beginSnapshot()
            index = try FacetIndex(catalog: catalog, allSortOrders: allSortOrders)
        } catch {
            catalog.close()
            throw error
        }
    }

    deinit {
        // Ends the read transaction: SQLite may checkpoint past this state again.
        catalog.close()
    }

    /// Builds one more sort order on the generation's connection (requests wait for it: about 0.2 s
    /// at 100,000 projects); false when all are built.
    func buildSortOrder() throws -> Bool {
        try lock.withLock { try index.buildSortOrders(in: catalog, atMost: 1) }
    }

    /// Runs `body` with the snapshot's connection and index, alone on the connection, under a time
    /// limit: past `seconds`, SQLite interrupts the statement and `ReadOnlySQLError.timedOut` is thrown.
    func read<Result>(timeLimit seconds: Double, _ body: (Catalog, FacetIndex, _ checkTime: () throws -> Void) throws -> Result) throws -> Result {
        try lock.withLock {
            try catalog.withTimeLimit(seconds: seconds) { checkTime in
                try withoutActuallyEscaping(checkTime) { check in try body(catalog, index, check) }
            }
        }
    }
}

/// The current generation, replaced atomically when a newer one is built.
final class Snapshots: @unchecked Sendable {
    private let lock = Lock()
    private var generation: Generation
    private let path: String
    private let busyTimeout: Double
    /// The connection that only watches `PRAGMA data_version`, outside any transaction.
    private let watcher: Catalog
    private var dataVersion: Int

    init(path: String, busyTimeout: Double) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        watcher = try Catalog(path: path, access: .read, busyTimeout: busyTimeout)
        // Read before the snapshot starts: a commit in between makes the next check rebuild (at
        // worst once more than needed), never miss a state.
        dataVersion = try watcher.database.scalarInt("PRAGMA data_version") ?? 0
        // At start-up nothing is served yet: every sort order now.
        generation = try Generation(path: path, busyTimeout: busyTimeout, number: 1, allSortOrders: true)
    }

    var current: Generation {
        lock.withLock { generation }
    }

    /// Whether another connection committed since the last look. Called from one task only.
    func databaseChanged() throws -> Bool {
        let version = try watcher.database.scalarInt("PRAGMA data_version") ?? 0
        guard version != dataVersion else { return false }
        dataVersion = version
        return true
    }

    /// Builds the next generation (requests keep being served from the current one meanwhile),
    /// then switches to it. The old one closes when its last request is done. Its facets and default
    /// order are built before the switch; the other sort orders after it (`buildSortOrder()`), so
    /// the delay after an import is the facets' build, not the sorts'.
    func rebuild() throws -> Generation {
        let next = try Generation(path: path, busyTimeout: busyTimeout, number: current.number + 1, allSortOrders: false)
        lock.withLock { generation = next }
        return next
    }
}
