/// Strict UTF-8 scanning used only on the error / replacement path (the hot path relies on the
/// standard library's validating String initialiser). Follows Unicode Table 3-7: rejects overlong
/// forms, surrogates and code points above U+10FFFF.
enum UTF8Scan {
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(base[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// Offset of the first invalid sequence, or nil when `bytes` is valid UTF-8.
    static func firstInvalid(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        invalidOffsets(bytes, limit: 1).first
    }

    /// Start offsets of each maximal invalid subpart in `bytes`, in order.
    static func invalidOffsets(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> [Int] {
        var result: [Int] = []
        var i = 0
        let n = bytes.count
        while i < n, result.count < limit {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default:
                result.append(i)
                i += 1
                continue
            }
            var j = 1
            var ok = true
            while j <= need {
                guard i + j < n else { ok = false; break }
                let b = bytes[i + j]
                let (l, h): (UInt8, UInt8) = j == 1 ? (lo, hi) : (0x80, 0xBF)
                if b < l || b > h { ok = false; break }
                j += 1
            }
            if ok {
                i += need + 1
            } else {
                result.append(i)
                i += j  // skip the maximal subpart
            }
        }
        return result
    }

    /// Number of line ends (LF, CRLF as one, lone CR) in `bytes[0..<end]`.
    static func lineBreaks(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        var count = 0
        var i = 0
        while i < end {
            let b = bytes[i]
            if b == ASCII.lf {
                count += 1
            } else if b == ASCII.cr {
                count += 1
                if i + 1 < bytes.count, bytes[i + 1] == ASCII.lf { i += 1 }
            }
            i += 1
        }
        return count
    }
}
