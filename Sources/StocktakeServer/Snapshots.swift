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

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Takes the lock if it is free; false (without waiting) when it is not.
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}

/// One state of the database and its facet index: a few read-only connections, each holding one
/// read transaction open for as long as the generation lives, all on the same snapshot, and the
/// index built inside it.
///
/// Every list request takes the current generation and reads its total, facets and page from the
/// index and the page's rows from one of the generation's connections, so a page never mixes two
/// states of the database, even while an import commits. A connection serves one request at a
/// time (SQLite connections are not shared between threads here); with several, requests read in
/// parallel.
///
/// The connections are on one snapshot because no commit happened while they started theirs:
/// `PRAGMA data_version` on the watcher's connection (which changes whenever another connection
/// commits) reads the same before the first snapshot starts and after the last one has.
final class Generation: @unchecked Sendable {
    final class Reader: @unchecked Sendable {
        let catalog: Catalog
        let lock = Lock()
        init(_ catalog: Catalog) { self.catalog = catalog }
    }

    /// Connections per generation: two cores read in parallel, a third waits its turn.
    static let readerCount = 3

    let number: Int
    let index: FacetIndex
    private let readers: [Reader]
    private let next = Counter()

    /// Opens `path` read-only `readerCount` times on one snapshot and builds the index in it.
    /// - Parameter dataVersion: reads the watcher's `PRAGMA data_version`.
    /// - Parameter allSortOrders: false: only the facets and the default order; `buildSortOrder()`
    ///   adds the others while the generation serves.
    init(path: String, busyTimeout: Double, number: Int, allSortOrders: Bool, dataVersion: () throws -> Int) throws {
        self.number = number
        var attempt = 0
        while true {
            attempt += 1
            let before = try dataVersion()
            var opened: [Reader] = []
            do {
                for _ in 0..<Self.readerCount {
                    let catalog = try Catalog(path: path, access: .read, busyTimeout: busyTimeout)
                    opened.append(Reader(catalog))
                    try catalog.beginSnapshot()
                }
            } catch {
                for reader in opened { reader.catalog.close() }
                throw error
            }
            if try dataVersion() == before || attempt == 20 {
                // After 20 tries with commits in between (an import committing row by row?), one
                // connection alone is surely one snapshot.
                readers = try dataVersion() == before ? opened : Array(opened.prefix(1))
                if readers.count < opened.count { for reader in opened.dropFirst() { reader.catalog.close() } }
                break
            }
            for reader in opened { reader.catalog.close() }
        }
        do {
            index = try FacetIndex(catalog: readers[0].catalog, allSortOrders: allSortOrders)
        } catch {
            for reader in readers { reader.catalog.close() }
            throw error
        }
    }

    deinit {
        // Ends the read transactions: SQLite may checkpoint past this state again.
        for reader in readers { reader.catalog.close() }
    }

    /// Builds one more sort order on one of the generation's connections (its requests wait for it:
    /// about 0.2 s at 100,000 projects); false when all are built.
    func buildSortOrder() throws -> Bool {
        try readers[0].lock.withLock { try index.buildSortOrders(in: readers[0].catalog, atMost: 1) }
    }

    /// Runs `body` with one of the snapshot's connections and the index, alone on that connection,
    /// under a time limit: past `seconds`, SQLite interrupts the statement and
    /// `ReadOnlySQLError.timedOut` is thrown.
    func read<Result>(timeLimit seconds: Double, _ body: (Catalog, FacetIndex, _ checkTime: () throws -> Void) throws -> Result) throws -> Result {
        // A free connection if there is one; else wait for one, taking turns.
        let reader = readers.first { $0.lock.tryLock() } ?? {
            let reader = readers[next.advance() % readers.count]
            reader.lock.lock()
            return reader
        }()
        defer { reader.lock.unlock() }
        return try reader.catalog.withTimeLimit(seconds: seconds) { checkTime in
            try withoutActuallyEscaping(checkTime) { check in try body(reader.catalog, index, check) }
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
        let watcher = self.watcher
        generation = try Generation(path: path, busyTimeout: busyTimeout, number: 1, allSortOrders: true) {
            try watcher.database.scalarInt("PRAGMA data_version") ?? 0
        }
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
        let watcher = self.watcher
        let next = try Generation(path: path, busyTimeout: busyTimeout, number: current.number + 1, allSortOrders: false) {
            try watcher.database.scalarInt("PRAGMA data_version") ?? 0
        }
        lock.withLock { generation = next }
        return next
    }
}
