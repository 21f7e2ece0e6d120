import CSV

/// A row as prepared on the reading thread: validated without the database, or rejected.
enum PreparedRow<Value: Sendable>: Sendable {
    case valid(Value)
    /// `key` identifies the row when it could be read (a project's external_id), so that a repeated
    /// id is reported even when one of the copies has other problems.
    case invalid([ImportProblem], key: String? = nil)
    /// Valid as parsed, but its source flagged cells of it (a workbook's error values): rejected
    /// with those problems, and known by its key like any valid row.
    case flagged(Value, [ImportProblem])
}

/// What flows from the reading thread to the writing thread.
enum PipeItem<Value: Sendable>: Sendable {
    /// `fields` travel only when rejected rows must be written back (`--rejects`).
    case row(line: Int, fields: [String]?, PreparedRow<Value>)
    /// `--encoding auto` chose the input's encoding: rows after this may hold text beyond ASCII.
    case encodingDetected(DetectedEncoding)
    /// The file's structure broke; nothing after this point can be trusted.
    case structuralFailure(ImportProblem)
    /// The input ended: its warnings (a capped list and how many more), its SHA-256, and the empty
    /// cells of each source column when they were counted (`ImportOptions.countsEmptyCells`).
    case end(warnings: [ImportProblem], unlistedWarnings: Int, sha256: String, emptyCells: [Int]?)
}

/// A bounded queue of row chunks between the reading thread and the writing thread.
///
/// Reading, decoding, hashing and validating overlap with SQLite writing on the second core; the
/// bound (a few thousand rows) keeps memory constant whatever the file size.
final class RowPipe<Value: Sendable>: @unchecked Sendable {
    private let condition = Condition()
    private var chunks: [[PipeItem<Value>]] = []
    private var cancelled = false
    private var producerDone = false
    private let capacity: Int
    // Guarded by `condition`.
    private var bytesRead = 0

    init(capacity: Int = 8) {
        self.capacity = capacity
    }

    /// Producer: blocks while the queue is full. Returns false when the consumer gave up.
    func put(_ chunk: [PipeItem<Value>], bytesRead: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        chunks.append(chunk)
        self.bytesRead = bytesRead
        condition.broadcast()
        return true
    }

    func producerFinished() {
        condition.lock()
        producerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next chunk, or nil when the producer is done and the queue is drained.
    func take() -> [PipeItem<Value>]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !producerDone { condition.wait() }
        guard !chunks.isEmpty else { return nil }
        let chunk = chunks.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// Consumer: stop the producer and wait until it has stopped.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !producerDone { condition.wait() }
        condition.unlock()
    }

    var currentBytesRead: Int {
        condition.lock()
        defer { condition.unlock() }
        return bytesRead
    }
}

/// Moves a value that is not `Sendable` to another thread that becomes its only user.
struct Handoff<Value>: @unchecked Sendable {
    let value: Value
}
