import Glibc
import SQLite

/// Buffered writes to a file descriptor; every failed write(2) is an error (a full disk must
/// never pass silently). A sink can also drain into something other than a descriptor: the sheet
/// of an xlsx workbook, whose XML is deflated into the workbook's zip (`WorkbookOutput`).
public final class FileSink {
    /// The descriptor written, or -1 for a sink that drains elsewhere.
    public let descriptor: Int32
    /// Where the bytes go instead of the descriptor.
    private let drain: ((UnsafeRawBufferPointer) throws -> Void)?
    /// The workbook whose sheet this sink is, so the xlsx encoder can report to it.
    public internal(set) weak var workbook: WorkbookOutput?
    private var buffer: [UInt8] = []
    private let capacity: Int
    public private(set) var bytesWritten = 0
    private let closesDescriptor: Bool
    /// Named in error messages.
    private let path: String?

    public init(descriptor: Int32, capacity: Int = 1 << 16, closesDescriptor: Bool = false, path: String? = nil) {
        self.descriptor = descriptor
        self.path = path
        self.capacity = capacity
        self.closesDescriptor = closesDescriptor
        drain = nil
        buffer.reserveCapacity(capacity)
    }

    /// A sink whose bytes go to `drain` a buffer at a time instead of a descriptor.
    public init(capacity: Int = 1 << 20, path: String? = nil, drain: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        descriptor = -1
        self.path = path
        self.capacity = capacity
        closesDescriptor = false
        self.drain = drain
        buffer.reserveCapacity(capacity)
    }

    public static func standardOutput() -> FileSink {
        FileSink(descriptor: STDOUT_FILENO)
    }

    deinit {
        if closesDescriptor { Glibc.close(descriptor) }
    }

    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    /// Lets a caller append straight into the buffer (hot export loops), then flushes when full.
    public func withBuffer(_ body: (inout [UInt8]) throws -> Void) throws {
        try body(&buffer)
        if buffer.count >= capacity { try flush() }
    }

    public func flush() throws {
        if let drain {
            defer { buffer.removeAll(keepingCapacity: true) }
            try buffer.withUnsafeBytes { try drain($0) }
            bytesWritten += buffer.count
            return
        }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                buffer.removeAll(keepingCapacity: true)
                throw SystemError(operation: "write", path: path ?? "standard output", code: code)
            }
            offset += written
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A failed system call: plain words for the common I/O failures (`SystemFailure`, shared with
/// `SQLiteError`), errno's text for the rest.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String?
    public let code: Int32

    public init(operation: String, path: String?, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        let reason = SystemFailure.plainReason(errno: code).map { "\($0) (\(SystemFailure.name(errno: code)))" }
            ?? String(cString: strerror(code))
        if let path { return "cannot \(operation) \(path): \(reason)" }
        return "\(operation) failed: \(reason)"
    }
}
