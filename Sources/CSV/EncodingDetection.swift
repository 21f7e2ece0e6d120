/// What the bytes of an input, or of one field, look like: the evidence `--encoding auto` decides
/// on, and the hint an invalid-UTF-8 error gives.
public enum EncodingGuess: Sendable, Hashable {
    /// No byte above 0x7F.
    case ascii
    /// Valid UTF-8 with at least one multi-byte sequence, and nothing invalid.
    case utf8
    /// Valid multi-byte UTF-8 and bytes that are not UTF-8: a UTF-8 file with stray bytes (or two
    /// files pasted together). No single encoding reads it right.
    case mixedUTF8
    /// Not UTF-8, and plausible windows-1252 (Western European) text.
    case windows1252
    /// Not UTF-8, and the high bytes come in runs, as every letter of a Cyrillic word does in
    /// windows-1251 (in windows-1252 the same bytes read as runs of accented Latin letters).
    case windows1251
    /// Not UTF-8, and not plausible windows-1252 either: a byte windows-1252 leaves undefined, or
    /// a symbol such as `³` or `¹` between two letters (Central European windows-1250 text reads so).
    case unknown
}

/// Why `--encoding auto` refused to choose an encoding.
public enum EncodingRefusal: Sendable, Hashable {
    /// The file holds valid multi-byte UTF-8 and bytes that are not UTF-8.
    case mixedUTF8
    /// The bytes look like Cyrillic windows-1251 text.
    case cyrillic
    /// The bytes are not UTF-8 and not plausible windows-1252 text.
    case notWindows1252
}

/// The encoding `--encoding auto` chose, and on what evidence.
public struct DetectedEncoding: Sendable, Hashable {
    public var encoding: TextEncoding
    /// It was chosen by a byte order mark.
    public var byteOrderMark: Bool
    /// The input had no byte above 0x7F: UTF-8 and windows-1252 read it the same, reported as UTF-8.
    public var asciiOnly: Bool

    public init(encoding: TextEncoding, byteOrderMark: Bool, asciiOnly: Bool) {
        self.encoding = encoding
        self.byteOrderMark = byteOrderMark
        self.asciiOnly = asciiOnly
    }
}

/// The rules behind `EncodingGuess`, shared by the detection of `--encoding auto` (on a window of
/// the input, then on every later high byte) and by the hint of an invalid-UTF-8 error (on the field).
enum EncodingDetector {
    /// How far `auto` looks ahead, from the first byte above 0x7F, to choose between UTF-8 and a
    /// single-byte encoding: fixed, so the choice never depends on how the input is read in chunks.
    static let window = 64 << 10

    /// The length of the UTF-8 sequence at `p[i]` (a byte above 0x7F) within `p[..<end]`: 2 to 4
    /// when it is valid, 0 when invalid, -1 when cut by `end` (it may be valid with what follows).
    /// Unicode Table 3-7, as `UTF8Scan`.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, at i: Int, end: Int) -> Int {
        let need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch p[i] {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return 0
        }
        var j = 1
        while j <= need {
            if i + j >= end { return -1 }
            let b = p[i + j]
            if j == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF) { return 0 }
            j += 1
        }
        return need + 1
    }

    /// Valid multi-byte sequences and invalid bytes in `bytes`; a sequence cut by the end counts
    /// as invalid only when `complete` (nothing follows).
    static func utf8Evidence(_ bytes: UnsafeBufferPointer<UInt8>, complete: Bool) -> (valid: Int, invalid: Int) {
        guard let p = bytes.baseAddress else { return (0, 0) }
        let end = bytes.count
        var valid = 0, invalid = 0, i = 0
        while i < end {
            if p[i] < 0x80 { i += 1; continue }
            let length = sequenceLength(p, at: i, end: end)
            if length > 0 {
                valid += 1
                i += length
            } else if length < 0 && !complete {
                break
            } else {
                invalid += 1
                i += 1
            }
        }
        return (valid, invalid)
    }

    /// What `bytes` look like as a whole (`complete`: nothing follows them).
    static func guess(_ bytes: UnsafeBufferPointer<UInt8>, complete: Bool = true) -> EncodingGuess {
        let evidence = utf8Evidence(bytes, complete: complete)
        if evidence.invalid == 0 { return evidence.valid == 0 ? .ascii : .utf8 }
        guard let p = bytes.baseAddress else { return .ascii }
        if hasCyrillicWord(p, count: bytes.count) { return .windows1251 }
        if evidence.valid > 0 && evidence.valid >= evidence.invalid { return .mixedUTF8 }
        var previous = ASCII.lf
        for i in 0..<bytes.count {
            let b = p[i]
            if b >= 0x80, case .anomaly = checkWindows1252(p, at: i, end: bytes.count, complete: complete, previous: previous) {
                return switch diagnose(p + i, count: bytes.count - i) {
                case .cyrillic: .windows1251
                case .mixedUTF8: .mixedUTF8
                case .notWindows1252: .unknown
                }
            }
            previous = b
        }
        return .windows1252
    }

    /// How far ahead of an anomaly `diagnose` looks: fixed, so the diagnosis never depends on chunks.
    static let diagnosisWindow = 4 << 10

    /// Why bytes from an anomaly on are not windows-1252: Cyrillic words (three letters that are
    /// not also UTF-8) anywhere in them; else UTF-8 sequences; else neither.
    static func diagnose(_ p: UnsafePointer<UInt8>, count: Int) -> EncodingRefusal {
        if hasCyrillicWord(p, count: count) { return .cyrillic }
        var i = 0
        while i < count {
            if p[i] >= 0x80, sequenceLength(p, at: i, end: count) > 0 { return .mixedUTF8 }
            i += 1
        }
        return .notWindows1252
    }

    /// Three letters in a row that windows-1251 reads as Cyrillic, and that are not two UTF-8
    /// sequences in a row (UTF-8 Cyrillic is D0/D1 followed by 80–BF, all letters in windows-1251).
    static func hasCyrillicWord(_ p: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        while i + 2 < count {
            if isCyrillicLetter(p[i]) && isCyrillicLetter(p[i + 1]) && isCyrillicLetter(p[i + 2]) {
                let first = sequenceLength(p, at: i, end: count)
                if first > 0 && i + first < count && p[i + first] >= 0x80 && sequenceLength(p, at: i + first, end: count) > 0 {
                    i += first  // UTF-8
                    continue
                }
                return true
            }
            i += 1
        }
        return false
    }

    enum Verdict: Equatable {
        case plausible
        /// The answer depends on bytes not read yet.
        case needMore
        /// Not windows-1252 text: `diagnose` says what it is instead, from the bytes that follow.
        case anomaly
    }

    /// Whether the byte `p[i]` (above 0x7F) reads as windows-1252 text, `previous` being the byte
    /// before it. Looks at most 3 bytes ahead. It does not when:
    /// 1. it starts a valid UTF-8 sequence;
    /// 2. it starts a run of three letters windows-1251 reads as Cyrillic (0xC0–0xFF, Ё ё, і ї є …),
    ///    where every letter is a high byte (Western text has one accented letter between ASCII
    ///    letters, rarely two: `Größe`, `ações`);
    /// 3. it is one of the five bytes windows-1252 leaves undefined (81 8D 8F 90 9D);
    /// 4. it is a symbol (`£ © ° ² ³ ¹ ¼ ¿` …) between two letters, where windows-1250 has letters.
    @inline(__always)
    static func checkWindows1252(
        _ p: UnsafePointer<UInt8>, at i: Int, end: Int, complete: Bool, previous: UInt8
    ) -> Verdict {
        let b = p[i]
        let length = sequenceLength(p, at: i, end: end)
        if length > 0 { return .anomaly }
        if length < 0 && !complete { return .needMore }
        if isCyrillicLetter(b) {
            if i + 2 >= end && !complete { return .needMore }
            if i + 2 < end && isCyrillicLetter(p[i + 1]) && isCyrillicLetter(p[i + 2]) { return .anomaly }
        }
        switch b {
        case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
            return .anomaly
        case 0xA1...0xA9, 0xAB, 0xAC, 0xAE, 0xAF, 0xB0...0xB3, 0xB6, 0xB8, 0xB9, 0xBB...0xBF:
            guard isLetter(previous) else { return .plausible }
            if i + 1 >= end { return complete ? .plausible : .needMore }
            return isLetter(p[i + 1]) ? .anomaly : .plausible
        default:
            return .plausible
        }
    }

    /// A letter in windows-1251: А–я (0xC0–0xFF) and the letters of 0x80–0xBF (Ђ Ѓ ѓ Љ Њ Ќ Ћ Џ ђ љ
    /// њ ќ ћ џ Ў ў Ј Ґ Ё Є Ї І і ґ ё є ј Ѕ ѕ ї).
    @inline(__always)
    static func isCyrillicLetter(_ b: UInt8) -> Bool {
        switch b {
        case 0xC0...0xFF, 0x80, 0x81, 0x83, 0x8A, 0x8C...0x90, 0x9A, 0x9C...0x9F, 0xA1...0xA3, 0xA5, 0xA8, 0xAA, 0xAF,
             0xB2...0xB4, 0xB8, 0xBA, 0xBC...0xBF: true
        default: false
        }
    }

    /// A letter in windows-1252.
    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool {
        switch b {
        case 0x41...0x5A, 0x61...0x7A, 0x83, 0x8A, 0x8C, 0x8E, 0x9A, 0x9C, 0x9E, 0x9F, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF: true
        default: false
        }
    }
}

extension EncodingGuess {
    /// What `bytes`, taken as complete, look like, by the rules `--encoding auto` uses.
    public init(of bytes: [UInt8]) {
        self = bytes.withUnsafeBufferPointer { EncodingDetector.guess($0) }
    }
}
