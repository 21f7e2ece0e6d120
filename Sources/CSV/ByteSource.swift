#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the reader gets raw bytes from.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many were written; 0 means end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Reads a POSIX file descriptor with read(2). Files opened with `init(path:)` are closed when the
/// last copy of the source goes away; descriptors passed to `init(fileDescriptor:)` are not closed.
public struct FileByteSource: ByteSource {
    private final class Handle {
        let fd: Int32
        let owned: Bool
        init(fd: Int32, owned: Bool) {
            self.fd = fd
            self.owned = owned
        }
        deinit {
            if owned { _ = close(fd) }
        }
    }

    private let handle: Handle

    public var fileDescriptor: Int32 { handle.fd }

    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let message = String(cString: strerror(errno))
            throw CSVError(kind: .io("cannot open \(path): \(message)"), line: 0)
        }
        handle = Handle(fd: fd, owned: true)
    }

    /// Wraps an already open descriptor (e.g. 0 for stdin) without taking ownership.
    public init(fileDescriptor: Int32) {
        handle = Handle(fd: fileDescriptor, owned: false)
    }

    /// Size of the file in bytes, or nil for pipes and terminals (for a progress bar).
    public var fileSize: Int? {
        var st = stat()
        guard fstat(handle.fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(handle.fd, base, buffer.count)
            #elseif canImport(Musl)
            let n = Musl.read(handle.fd, base, buffer.count)
            #else
            let n = Darwin.read(handle.fd, base, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CSVError(kind: .io("read failed: \(String(cString: strerror(errno)))"), line: 0)
        }
    }
}

/// Bytes in memory. `maxReadSize` caps each read, so tests can feed 1, 2, 3 or 7 bytes at a time.
public struct MemoryByteSource: ByteSource, Sendable {
    public let bytes: [UInt8]
    public let maxReadSize: Int?
    public private(set) var offset = 0

    public init(_ bytes: [UInt8], maxReadSize: Int? = nil) {
        precondition(maxReadSize.map { $0 > 0 } ?? true, "maxReadSize must be positive")
        self.bytes = bytes
        self.maxReadSize = maxReadSize
    }

    public init(_ string: String, maxReadSize: Int? = nil) {
        self.init(Array(string.utf8), maxReadSize: maxReadSize)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var n = min(buffer.count, bytes.count - offset)
        if let cap = maxReadSize { n = min(n, cap) }
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}
