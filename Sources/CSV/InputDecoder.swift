/// Streaming layer between a `ByteSource` and the parser: handles byte order marks and transcodes
/// windows-1252, latin1 and UTF-16 to UTF-8. Invalid UTF-16 (unpaired surrogates, an odd trailing
/// byte) is emitted as the byte 0xFF, which is never valid UTF-8, so the parser reports or replaces
/// it with the line number it alone knows.
protocol UTF8Input: AnyObject {
    /// Writes at least one UTF-8 byte (at most `capacity`) and returns the count; 0 = end of input.
    func fill(_ out: UnsafeMutablePointer<UInt8>, capacity: Int) throws(CSVError) -> Int
    /// Raw bytes read from the source so far.
    var bytesConsumed: Int { get }
    /// Worst-case UTF-8 bytes produced per raw byte, for sizing the parser buffer.
    var expansion: Int { get }
    /// The encoding being decoded (after a byte order mark decided it) and whether there was a BOM.
    var encodingInUse: (encoding: TextEncoding, byteOrderMark: Bool) { get }
}

final class InputDecoder<Source: ByteSource>: UTF8Input {
    private enum Mode {
        case utf8, windows1252, latin1, utf16LE, utf16BE
    }

    private var source: Source
    private let requested: TextEncoding?
    private var mode: Mode
    private let chunkSize: Int
    // Raw bytes not yet transcoded live in raw[rawStart..<rawEnd].
    private let raw: UnsafeMutablePointer<UInt8>
    private let rawCapacity: Int
    private var rawStart = 0
    private var rawEnd = 0
    private var eof = false
    private var started = false
    private(set) var bytesConsumed = 0
    private var sawByteOrderMark = false

    var encodingInUse: (encoding: TextEncoding, byteOrderMark: Bool) {
        let encoding: TextEncoding = switch mode {
        case .utf8: .utf8
        case .windows1252: .windows1252
        case .latin1: .latin1
        case .utf16LE: .utf16LE
        case .utf16BE: .utf16BE
        }
        return (encoding, sawByteOrderMark)
    }

    var expansion: Int {
        switch mode {
        case .utf8: 1
        case .latin1, .utf16LE, .utf16BE: 2
        case .windows1252: 3
        }
    }

    init(source: Source, encoding: TextEncoding?, chunkSize: Int) {
        self.source = source
        self.requested = encoding
        self.chunkSize = max(1, chunkSize)
        switch encoding {
        case nil, .utf8?: mode = .utf8
        case .windows1252?: mode = .windows1252
        case .latin1?: mode = .latin1
        case .utf16?, .utf16LE?: mode = .utf16LE
        case .utf16BE?: mode = .utf16BE
        }
        rawCapacity = self.chunkSize + 8
        raw = .allocate(capacity: rawCapacity)
    }

    deinit {
        raw.deallocate()
    }

    /// Reads raw bytes into raw[rawEnd...], at most `chunkSize`. Sets `eof` on a zero read.
    private func readRaw() throws(CSVError) {
        if rawStart > 0 {
            let keep = rawEnd - rawStart
            if keep > 0 { raw.update(from: raw + rawStart, count: keep) }
            rawStart = 0
            rawEnd = keep
        }
        let room = min(chunkSize, rawCapacity - rawEnd)
        guard room > 0 else { return }
        let n = try readSource(UnsafeMutableRawBufferPointer(start: raw + rawEnd, count: room))
        if n == 0 { eof = true } else { rawEnd += n }
    }

    private func readSource(_ buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        do {
            let n = try source.read(into: buffer)
            bytesConsumed += n
            return n
        } catch let error as CSVError {
            throw error
        } catch {
            throw CSVError(kind: .io(String(describing: error)), line: 0)
        }
    }

    /// Reads the first bytes and handles a byte order mark.
    private func start() throws(CSVError) {
        started = true
        while rawEnd < 3, !eof { try readRaw() }
        let b0: Int = rawEnd > 0 ? Int(raw[0]) : -1
        let b1: Int = rawEnd > 1 ? Int(raw[1]) : -1
        let b2: Int = rawEnd > 2 ? Int(raw[2]) : -1
        switch mode {
        case .utf8:
            if b0 == 0xEF, b1 == 0xBB, b2 == 0xBF {
                rawStart = 3
                sawByteOrderMark = true
            } else if b0 == 0xFF, b1 == 0xFE {
                throw CSVError(kind: .utf16ByteOrderMark(littleEndian: true), line: 1)
            } else if b0 == 0xFE, b1 == 0xFF {
                throw CSVError(kind: .utf16ByteOrderMark(littleEndian: false), line: 1)
            }
        case .utf16LE, .utf16BE:
            if b0 == 0xFF, b1 == 0xFE, requested != .utf16BE {
                mode = .utf16LE
                rawStart = 2
                sawByteOrderMark = true
            } else if b0 == 0xFE, b1 == 0xFF, requested != .utf16LE {
                mode = .utf16BE
                rawStart = 2
                sawByteOrderMark = true
            }
        case .windows1252, .latin1:
            break
        }
    }

    func fill(_ out: UnsafeMutablePointer<UInt8>, capacity: Int) throws(CSVError) -> Int {
        precondition(capacity >= 4)
        if !started { try start() }
        if mode == .utf8 {
            // Leftover from the BOM probe first, then straight into the parser's buffer.
            if rawStart < rawEnd {
                let n = min(capacity, rawEnd - rawStart)
                out.update(from: raw + rawStart, count: n)
                rawStart += n
                return n
            }
            if eof { return 0 }
            let n = try readSource(UnsafeMutableRawBufferPointer(start: out, count: min(capacity, chunkSize)))
            if n == 0 { eof = true }
            return n
        }
        while true {
            if rawEnd - rawStart < 4, !eof { try readRaw() }
            let produced: Int
            switch mode {
            case .windows1252: produced = transcodeSingleByte(out, capacity: capacity, table: true)
            case .latin1: produced = transcodeSingleByte(out, capacity: capacity, table: false)
            case .utf16LE: produced = transcodeUTF16(out, capacity: capacity, littleEndian: true)
            case .utf16BE: produced = transcodeUTF16(out, capacity: capacity, littleEndian: false)
            case .utf8: preconditionFailure()
            }
            if produced > 0 { return produced }
            if eof, rawStart == rawEnd { return 0 }
        }
    }

    private func transcodeSingleByte(_ out: UnsafeMutablePointer<UInt8>, capacity: Int, table: Bool) -> Int {
        var i = rawStart
        var o = 0
        let end = rawEnd
        while i < end, o + 3 <= capacity {
            let b = raw[i]
            i += 1
            if b < 0x80 {
                out[o] = b
                o += 1
                continue
            }
            let scalar: UInt32 = table && b < 0xA0 ? UInt32(windows1252High[Int(b &- 0x80)]) : UInt32(b)
            o += writeUTF8(scalar, to: out + o)
        }
        rawStart = i
        return o
    }

    private func transcodeUTF16(_ out: UnsafeMutablePointer<UInt8>, capacity: Int, littleEndian: Bool) -> Int {
        var i = rawStart
        var o = 0
        let end = rawEnd
        @inline(__always) func unit(_ at: Int) -> UInt32 {
            littleEndian
                ? UInt32(raw[at]) | UInt32(raw[at + 1]) << 8
                : UInt32(raw[at]) << 8 | UInt32(raw[at + 1])
        }
        while end - i >= 2, o + 4 <= capacity {
            let u = unit(i)
            if u < 0xD800 || u > 0xDFFF {
                o += writeUTF8(u, to: out + o)
                i += 2
            } else if u <= 0xDBFF {
                if end - i < 4 {
                    if !eof { break }  // wait for the low surrogate
                    out[o] = 0xFF
                    o += 1
                    i += 2
                    continue
                }
                let u2 = unit(i + 2)
                if (0xDC00...0xDFFF).contains(u2) {
                    o += writeUTF8(0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00), to: out + o)
                    i += 4
                } else {
                    out[o] = 0xFF  // unpaired high surrogate
                    o += 1
                    i += 2
                }
            } else {
                out[o] = 0xFF  // unpaired low surrogate
                o += 1
                i += 2
            }
        }
        if eof, end - i == 1, o < capacity {
            out[o] = 0xFF  // odd trailing byte
            o += 1
            i += 1
        }
        rawStart = i
        return o
    }
}

@inline(__always)
private func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
    if scalar < 0x80 {
        out[0] = UInt8(scalar)
        return 1
    } else if scalar < 0x800 {
        out[0] = UInt8(0xC0 | (scalar >> 6))
        out[1] = UInt8(0x80 | (scalar & 0x3F))
        return 2
    } else if scalar < 0x10000 {
        out[0] = UInt8(0xE0 | (scalar >> 12))
        out[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[2] = UInt8(0x80 | (scalar & 0x3F))
        return 3
    } else {
        out[0] = UInt8(0xF0 | (scalar >> 18))
        out[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
        out[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[3] = UInt8(0x80 | (scalar & 0x3F))
        return 4
    }
}

/// windows-1252 bytes 0x80–0x9F. The five undefined bytes (81 8D 8F 90 9D) map to the C1 control
/// code points, as the WHATWG Encoding Standard's windows-1252 decoder does.
let windows1252High: [UInt16] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
]
