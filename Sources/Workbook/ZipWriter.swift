import CMinizip
import Glibc

/// Why a workbook could not be written: a failed system call (its errno), or minizip refusing.
public struct WorkbookWriteError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// The errno of the failed write, when a system call failed (a full disk: ENOSPC).
    public let code: Int32?

    public init(_ message: String, code: Int32? = nil) {
        self.message = message
        self.code = code
    }

    public var description: String {
        message + (code.map { ": " + String(cString: strerror($0)) } ?? "")
    }
}

/// A zip file written with minizip's zip writer (zlib's deflate) into an open file descriptor.
///
/// The descriptor is written with `pwrite` at positions this class tracks: minizip goes back to
/// each entry's local header to fill in its CRC and sizes, so the file must be seekable (a regular
/// file; `/dev/null` also works). The descriptor is not closed: its owner (an atomic temporary
/// file) decides whether the result is kept.
///
/// Every entry carries the same timestamp, 1980-01-01 00:00 (the earliest a zip can record), and
/// no extra fields, so the same parts give the same bytes.
final class ZipWriter {
    /// What minizip's I/O callbacks write through.
    final class Output {
        let descriptor: Int32
        var position: UInt64 = 0
        var end: UInt64 = 0
        var failure: Int32 = 0

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        func write(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
            guard failure == 0 else { return 0 }
            var done = 0
            while done < count {
                let written = pwrite(descriptor, bytes + done, count - done, off_t(position) + off_t(done))
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return done
                }
                done += written
            }
            position += UInt64(count)
            end = max(end, position)
            return count
        }
    }

    private var handle: zipFile?
    private let output: Output
    private let context: Unmanaged<Output>
    private var entryOpen = false
    /// Deflates the open entry on a second thread (`beginEntry(_:level:inBackground:)`).
    private var deflater: DeflateThread?
    /// Bytes given to the open entry before deflating.
    private(set) var entryBytes: UInt64 = 0
    /// minizip writes a plain (not zip64) entry here: sizes and offsets must stay below 4 GiB.
    static let entryLimit: UInt64 = 0xFFFF_FFFF - (1 << 20)

    /// Starts an empty zip at the descriptor's beginning.
    init(descriptor: Int32) throws(WorkbookWriteError) {
        guard lseek(descriptor, 0, SEEK_CUR) >= 0 else {
            throw WorkbookWriteError.notSeekable
        }
        output = Output(descriptor: descriptor)
        context = Unmanaged.passRetained(output)
        var functions = zlib_filefunc64_def()
        functions.zopen64_file = { opaque, _, _ in opaque }
        functions.zread_file = { _, _, _, _ in 0 }
        functions.zwrite_file = { _, stream, bytes, count in
            let output = Unmanaged<Output>.fromOpaque(stream!).takeUnretainedValue()
            return uLong(output.write(bytes!, Int(count)))
        }
        functions.ztell64_file = { _, stream in
            Unmanaged<Output>.fromOpaque(stream!).takeUnretainedValue().position
        }
        functions.zseek64_file = { _, stream, offset, origin in
            let output = Unmanaged<Output>.fromOpaque(stream!).takeUnretainedValue()
            switch origin {
            case Int32(ZLIB_FILEFUNC_SEEK_SET): output.position = offset
            case Int32(ZLIB_FILEFUNC_SEEK_CUR): output.position &+= offset
            case Int32(ZLIB_FILEFUNC_SEEK_END): output.position = output.end &+ offset
            default: return -1
            }
            return 0
        }
        functions.zclose_file = { _, _ in 0 }
        functions.zerror_file = { _, stream in
            Unmanaged<Output>.fromOpaque(stream!).takeUnretainedValue().failure
        }
        functions.opaque = context.toOpaque()
        handle = zipOpen2_64("workbook", APPEND_STATUS_CREATE, nil, &functions)
        guard handle != nil else {
            context.release()
            throw WorkbookWriteError("cannot start the zip file", code: output.failure == 0 ? nil : output.failure)
        }
    }

    deinit {
        // Abandoned (an error): free minizip's state; the bytes are the owner's to discard.
        _ = deflater?.finish()
        if let handle {
            if entryOpen { zipCloseFileInZip(handle) }
            zipClose(handle, nil)
        }
        context.release()
    }

    /// Opens a new entry, deflated at `level` (1 is fastest, 6 zlib's default); with `inBackground`,
    /// on a second thread while the caller goes on (a sheet: see `DeflateThread`).
    func beginEntry(_ name: String, level: Int32, inBackground: Bool = false) throws(WorkbookWriteError) {
        precondition(!entryOpen, "an entry is already open")
        var info = zip_fileinfo()
        info.tmz_date = tm_zip(tm_sec: 0, tm_min: 0, tm_hour: 0, tm_mday: 1, tm_mon: 0, tm_year: 1980)
        info.dosDate = 0
        let result = zipOpenNewFileInZip3_64(
            handle, name, &info, nil, 0, nil, 0, nil, Z_DEFLATED, level, 0, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, nil, 0, 0)
        try check(result, "start \(name)")
        entryOpen = true
        entryBytes = 0
        if inBackground, let handle { deflater = try DeflateThread(handle: handle) }
    }

    /// Deflates `bytes` into the open entry.
    func write(_ bytes: UnsafeRawBufferPointer) throws(WorkbookWriteError) {
        guard bytes.count > 0 else { return }
        entryBytes += UInt64(bytes.count)
        // The deflater thread moves `output.end` meanwhile: only the bytes given are checked here,
        // the file's size once the entry ends.
        guard entryBytes <= Self.entryLimit, deflater != nil || output.end <= Self.entryLimit else {
            throw WorkbookWriteError("a sheet of the workbook is larger than 4 GiB, more than a zip entry without zip64 holds; export fewer rows or as CSV")
        }
        if let deflater {
            try check(deflater.submit(bytes), "write")
            return
        }
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, Int(Int32.max))
            try check(zipWriteInFileInZip(handle, bytes.baseAddress! + offset, UInt32(count)), "write")
            offset += count
        }
    }

    func write(_ bytes: [UInt8]) throws(WorkbookWriteError) {
        var failure: WorkbookWriteError?
        bytes.withUnsafeBytes { raw in
            do throws(WorkbookWriteError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    func endEntry() throws(WorkbookWriteError) {
        guard entryOpen else { return }
        entryOpen = false
        if let deflater {
            self.deflater = nil
            try check(deflater.finish(), "write")
        }
        try check(zipCloseFileInZip(handle), "finish an entry")
    }

    /// A whole entry at once.
    func addEntry(_ name: String, _ bytes: [UInt8], level: Int32) throws(WorkbookWriteError) {
        try beginEntry(name, level: level)
        try write(bytes)
        try endEntry()
    }

    /// Writes the central directory. The zip is complete once this returns.
    func close() throws(WorkbookWriteError) {
        try endEntry()
        let result = zipClose(handle, nil)
        handle = nil
        try check(result, "write the zip directory")
        guard output.end <= Self.entryLimit else {
            throw WorkbookWriteError("the workbook is larger than 4 GiB, more than a zip without zip64 holds; export fewer rows or as CSV")
        }
    }

    /// Bytes of the zip file so far.
    var bytesWritten: UInt64 { output.end }

    private func check(_ result: Int32, _ what: String) throws(WorkbookWriteError) {
        guard result == ZIP_OK else {
            if output.failure != 0 { throw WorkbookWriteError("cannot \(what)", code: output.failure) }
            throw WorkbookWriteError("minizip cannot \(what) (error \(result))")
        }
    }
}

extension WorkbookWriteError {
    public static let notSeekable = WorkbookWriteError(
        "an xlsx workbook is a zip file, which is written with seeks: it needs a regular file, not a pipe or FIFO")
}
