import CMinizip
import Glibc

/// Deflates the bytes of one zip entry on a second thread while the caller produces the next ones.
///
/// An xlsx export spends about as long deflating its sheet XML (~190 MB for 100,000 projects) as
/// reading the rows and writing that XML; on two threads the two overlap. The caller hands over
/// copies of its buffers through a bounded queue (so memory stays constant whatever the export's
/// size), and waits only when the deflater is `capacity` buffers behind. Only this thread calls
/// minizip for the entry between `start` and `finish`; `finish` joins the thread, after which the
/// caller owns the zip handle again.
final class DeflateThread: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    // Guarded by `mutex`.
    private var queue: [[UInt8]] = []
    private var closing = false
    private var failure: Int32 = ZIP_OK
    private var thread = pthread_t()

    /// Buffers waiting to be deflated at most: a few MiB with the output layer's buffers.
    static let capacity = 8

    /// Starts the thread for the entry open on `handle`.
    init(handle: UnsafeMutableRawPointer) throws(WorkbookWriteError) {
        self.handle = handle
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
        let box = Unmanaged.passRetained(self)
        let result = pthread_create(&thread, nil, { raw in
            Unmanaged<DeflateThread>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw WorkbookWriteError("cannot start the thread that compresses the workbook", code: result)
        }
    }

    deinit {
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
    }

    /// Queues a copy of `bytes`; waits while the queue is full. Returns minizip's error code once a
    /// write has failed (the rest is then discarded), else ZIP_OK.
    func submit(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let copy = [UInt8](bytes)
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while queue.count >= Self.capacity && failure == ZIP_OK { pthread_cond_wait(&changed, &mutex) }
        if failure == ZIP_OK { queue.append(copy) }
        pthread_cond_broadcast(&changed)
        return failure
    }

    /// Waits until every queued buffer is deflated and the thread has ended; minizip's result.
    func finish() -> Int32 {
        pthread_mutex_lock(&mutex)
        closing = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
        pthread_join(thread, nil)
        return failure
    }

    private func run() {
        while true {
            pthread_mutex_lock(&mutex)
            while queue.isEmpty && !closing { pthread_cond_wait(&changed, &mutex) }
            if queue.isEmpty {
                pthread_mutex_unlock(&mutex)
                return
            }
            let next = queue.removeFirst()
            let failed = failure != ZIP_OK
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
            guard !failed else { continue }
            var offset = 0
            var result = ZIP_OK
            while offset < next.count && result == ZIP_OK {
                let count = min(next.count - offset, Int(Int32.max))
                result = next.withUnsafeBytes { raw in zipWriteInFileInZip(handle, raw.baseAddress! + offset, UInt32(count)) }
                offset += count
            }
            if result != ZIP_OK {
                pthread_mutex_lock(&mutex)
                failure = result
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&mutex)
            }
        }
    }
}
