import CSV
import Digest

/// Passes bytes through while hashing them, so the batch records the file's SHA-256 in one read.
final class HashingByteSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private var hash = SHA256()

    init(base: Base) {
        self.base = base
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try base.read(into: buffer)
        if count > 0 { hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
        return count
    }

    func hexDigest() -> String {
        let copy = hash
        return copy.finalize().hexString
    }
}
