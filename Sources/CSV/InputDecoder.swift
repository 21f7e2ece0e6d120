/// Streaming layer between a `ByteSource` and the parser: handles byte order marks, transcodes
/// windows-1252, windows-1251, latin1 and UTF-16 to UTF-8, and recognises the encoding for
/// `--encoding auto`. Invalid UTF-16 (unpaired surrogates, an odd trailing byte) is emitted as the
/// byte 0xFF, which is never valid UTF-8, so the parser reports or replaces it with the line number
/// it alone knows; so is the point where detection finds the input is not what it chose (`refusal`).
protocol UTF8Input: AnyObject {
    /// Writes at least one UTF-8 byte (at most `capacity`) and returns the count; 0 = end of input.
    func fill(_ out: UnsafeMutablePointer<UInt8>, capacity: Int) throws(CSVError) -> Int
    /// Raw bytes read from the source so far.
    var bytesConsumed: Int { get }
    /// Worst-case UTF-8 bytes produced per raw byte, for sizing the parser buffer.
    var expansion: Int { get }
    /// The encoding being decoded (after a byte order mark decided it) and whether there was a BOM.
    var encodingInUse: (encoding: TextEncoding, byteOrderMark: Bool) { get }
    /// `--encoding auto`: what was chosen; nil before the choice (or without detection).
    var detected: DetectedEncoding? { get }
    /// `--encoding auto` chose UTF-8: a byte that is not UTF-8 means the file mixes encodings.
    var detectedUTF8: Bool { get }
    /// Set when detection found the input is not what it chose; the 0xFF emitted at that point is
    /// the first invalid byte the parser meets.
    var refusal: EncodingRefusal? { get }
}

final class InputDecoder<Source: ByteSource>: UTF8Input {
    private enum Mode {
        case utf8, windows1252, windows1251, latin1, utf16LE, utf16BE
        /// `auto`, before the first byte above 0x7F: ASCII passes through.
        case undetermined
    }

    private var source: Source
    private let requested: TextEncoding?
    private let detects: Bool
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
    /// `auto` chose windows-1252: each high byte is checked by `EncodingDetector.checkWindows1252`.
    private var checking = false
    /// The last byte checked or passed, for the next check's `previous`.
    private var previousByte = ASCII.lf
    /// `transcodeChecked` stopped at a byte that is not windows-1252 text (at `rawStart`).
    private var anomaly = false
    private(set) var detected: DetectedEncoding?
    private(set) var refusal: EncodingRefusal?

    var detectedUTF8: Bool { detects && mode == .utf8 && refusal == nil }

    var encodingInUse: (encoding: TextEncoding, byteOrderMark: Bool) {
        let encoding: TextEncoding = switch mode {
        case .utf8, .undetermined: .utf8
        case .windows1252: .windows1252
        case .windows1251: .windows1251
        case .latin1: .latin1
        case .utf16LE: .utf16LE
        case .utf16BE: .utf16BE
        }
        return (encoding, sawByteOrderMark)
    }

    var expansion: Int {
        if detects { return 3 }  // known before the first fill, when the mode is not
        switch mode {
        case .utf8: return 1
        case .latin1, .utf16LE, .utf16BE: return 2
        case .windows1252, .windows1251, .undetermined: return 3
        }
    }

    init(source: Source, encoding: TextEncoding?, detects: Bool = false, chunkSize: Int) {
        self.source = source
        self.requested = detects ? nil : encoding
        self.detects = detects
        self.chunkSize = max(1, chunkSize)
        switch detects ? nil : encoding {
        case nil, .utf8?: mode = detects ? .undetermined : .utf8
        case .windows1252?: mode = .windows1252
        case .windows1251?: mode = .windows1251
        case .latin1?: mode = .latin1
        case .utf16?, .utf16LE?: mode = .utf16LE
        case .utf16BE?: mode = .utf16BE
        }
        rawCapacity = (detects ? max(self.chunkSize, EncodingDetector.window) : self.chunkSize) + 8
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
        case .undetermined:
            if b0 == 0xEF, b1 == 0xBB, b2 == 0xBF {
                (mode, rawStart) = (.utf8, 3)
            } else if b0 == 0xFF, b1 == 0xFE {
                (mode, rawStart) = (.utf16LE, 2)
            } else if b0 == 0xFE, b1 == 0xFF {
                (mode, rawStart) = (.utf16BE, 2)
            }
            if mode != .undetermined {
                sawByteOrderMark = true
                detected = DetectedEncoding(encoding: encodingInUse.encoding, byteOrderMark: true, asciiOnly: false)
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
        case .windows1252, .windows1251, .latin1:
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
            if anomaly {
                try diagnose()
                out[0] = 0xFF  // the first invalid byte the parser meets: it reports `refusal` on its line
                return 1
            }
            let produced: Int
            switch mode {
            case .undetermined: produced = try passASCII(out, capacity: capacity)
            case .windows1252 where checking: produced = transcodeChecked(out, capacity: capacity)
            case .windows1252: produced = transcodeSingleByte(out, capacity: capacity, table: .windows1252)
            case .windows1251: produced = transcodeSingleByte(out, capacity: capacity, table: .windows1251)
            case .latin1: produced = transcodeSingleByte(out, capacity: capacity, table: .latin1)
            case .utf16LE: produced = transcodeUTF16(out, capacity: capacity, littleEndian: true)
            case .utf16BE: produced = transcodeUTF16(out, capacity: capacity, littleEndian: false)
            case .utf8: return try fill(out, capacity: capacity)  // `auto` just chose UTF-8
            }
            if produced > 0 { return produced }
            if anomaly { continue }
            if eof, rawStart == rawEnd {
                if mode == .undetermined {
                    detected = DetectedEncoding(encoding: .utf8, byteOrderMark: false, asciiOnly: true)
                }
                return 0
            }
        }
    }

    /// `auto` before the first byte above 0x7F: passes ASCII through; at that byte, decides.
    private func passASCII(_ out: UnsafeMutablePointer<UInt8>, capacity: Int) throws(CSVError) -> Int {
        var i = rawStart
        var o = 0
        let end = rawEnd
        while i < end, o < capacity {
            let b = raw[i]
            if b >= 0x80 { break }
            out[o] = b
            o += 1
            i += 1
        }
        if i > rawStart { previousByte = raw[i - 1] }
        rawStart = i
        if o == 0, i < end { try decide() }
        return o
    }

    /// At the first byte above 0x7F (at `rawStart`): looks at the next `EncodingDetector.window`
    /// bytes. Valid multi-byte UTF-8 there, at least as many sequences as invalid bytes and no
    /// Cyrillic word, chooses UTF-8 (invalid bytes among it are then the parser's to report, on
    /// their line, as a mixed file); otherwise windows-1252, checked byte by byte from here on.
    private func decide() throws(CSVError) {
        while rawEnd - rawStart < EncodingDetector.window, !eof { try readRaw() }
        // Exactly the window, also when a large chunk brought more: the choice must not depend on it.
        let count = min(rawEnd - rawStart, EncodingDetector.window)
        let evidence = EncodingDetector.utf8Evidence(
            UnsafeBufferPointer(start: raw + rawStart, count: count), complete: eof && count == rawEnd - rawStart)
        if evidence.valid > 0 && evidence.valid >= evidence.invalid
            && !EncodingDetector.hasCyrillicWord(raw + rawStart, count: count) {
            mode = .utf8
        } else {
            mode = .windows1252
            checking = true
        }
        detected = DetectedEncoding(encoding: encodingInUse.encoding, byteOrderMark: false, asciiOnly: false)
    }

    /// At an anomaly (at `rawStart`): says what the next `EncodingDetector.diagnosisWindow` bytes
    /// are instead of windows-1252 (`refusal`), and decodes the rest as that, so the excerpt of the
    /// parser's message reads.
    private func diagnose() throws(CSVError) {
        while rawEnd - rawStart < EncodingDetector.diagnosisWindow, !eof { try readRaw() }
        let why = EncodingDetector.diagnose(raw + rawStart, count: min(rawEnd - rawStart, EncodingDetector.diagnosisWindow))
        refusal = why
        anomaly = false
        checking = false
        switch why {
        case .cyrillic: mode = .windows1251
        case .mixedUTF8: mode = .utf8
        case .notWindows1252: break
        }
    }

    private enum SingleByteTable {
        case windows1252, windows1251, latin1
    }

    private func transcodeSingleByte(_ out: UnsafeMutablePointer<UInt8>, capacity: Int, table: SingleByteTable) -> Int {
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
            let scalar: UInt32 = switch table {
            case .windows1252: b < 0xA0 ? UInt32(windows1252High[Int(b &- 0x80)]) : UInt32(b)
            case .windows1251: b >= 0xC0 ? UInt32(b) + 0x350 : UInt32(windows1251High[Int(b &- 0x80)])
            case .latin1: UInt32(b)
            }
            o += writeUTF8(scalar, to: out + o)
        }
        rawStart = i
        return o
    }

    /// windows-1252 chosen by `auto`: each high byte is checked before it is decoded, and decoding
    /// stops before the first that is not windows-1252 text (`anomaly`, for `diagnose`).
    private func transcodeChecked(_ out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var i = rawStart
        var o = 0
        let end = rawEnd
        scan: while i < end, o + 4 <= capacity {
            let b = raw[i]
            if b < 0x80 {
                out[o] = b
                o += 1
                i += 1
                continue
            }
            let previous = i > rawStart ? raw[i - 1] : previousByte
            switch EncodingDetector.checkWindows1252(raw, at: i, end: end, complete: eof, previous: previous) {
            case .plausible:
                o += writeUTF8(b < 0xA0 ? UInt32(windows1252High[Int(b &- 0x80)]) : UInt32(b), to: out + o)
                i += 1
            case .needMore:
                break scan
            case .anomaly:
                anomaly = true
                break scan
            }
        }
        if i > rawStart { previousByte = raw[i - 1] }
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

/// windows-1251 bytes 0x80–0xBF (0xC0–0xFF are А–я, U+0410–U+044F). Byte 0x98 is undefined and maps
/// to the C1 control U+0098, as the WHATWG Encoding Standard's windows-1251 decoder does.
let windows1251High: [UInt16] = [
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
    0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x0098, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
    0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
    0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
]
