/// A source whose first bytes can be looked at before parsing starts, then read again as if they
/// had not been: to recognise a workbook by its signature, or the delimiter from the header line,
/// on standard input as well as on a file (which cannot be rewound on a pipe).
public struct PeekingByteSource<Base: ByteSource>: ByteSource {
    private var base: Base
    /// The bytes read ahead; replayed before the base is read again.
    public private(set) var head: [UInt8] = []
    private var replayed = 0

    /// Reads up to `limit` bytes ahead (fewer at the end of the input).
    public init(base: Base, limit: Int) throws {
        self.base = base
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, limit), alignment: 1)
        defer { chunk.deallocate() }
        while head.count < limit {
            let count = try self.base.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(limit - head.count)]))
            if count == 0 { break }
            head.append(contentsOf: chunk[0..<count])
        }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if replayed < head.count {
            let count = min(buffer.count, head.count - replayed)
            head.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + replayed, byteCount: count)
            }
            replayed += count
            return count
        }
        return try base.read(into: buffer)
    }
}
