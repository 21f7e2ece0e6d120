/// The folded form of text that is *matched* rather than stored: codes, list items, enumerations,
/// country and organization names.
///
/// Trims, collapses white space, applies Unicode NFC and lower-cases, and folds look-alikes that
/// real ITU files carry: Cyrillic "С" (U+0421) written for Latin "C" in "С1", typographic quotes
/// and dashes, non-breaking spaces. Free text that is *stored* never goes through this.
public enum MatchKey {
    public static func make(_ text: some StringProtocol) -> String {
        // Fast path: plain ASCII needs no Unicode tables (most codes, numbers and dates).
        var ascii = true
        for byte in text.utf8 where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return foldASCII(text.utf8) }
        var folded = String(text).precomposedNFC.lowercased()
        folded = String(String.UnicodeScalarView(folded.unicodeScalars.map(foldLookAlike)))
        return foldASCII(folded.utf8)
    }

    /// Lower-cases ASCII letters, trims, and collapses runs of white space to one space.
    private static func foldASCII(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func foldLookAlike(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x0441: "c"  // Cyrillic small es (after lower-casing С)
        case 0x0435: "e"
        case 0x043E: "o"
        case 0x0430: "a"
        case 0x0440: "p"
        case 0x0445: "x"
        case 0x2018, 0x2019, 0x201B, 0x2032, 0x00B4, 0x0060: "'"
        case 0x201C, 0x201D, 0x201F, 0x2033: "\""
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212: "-"
        case 0x00A0, 0x2007, 0x202F, 0x2000...0x200A, 0x3000: " "
        case 0xFF0C: ","
        case 0xFF1B: ";"
        default: scalar
        }
    }

    /// A looser key for names: also drops punctuation and treats `&` as "and", so that
    /// `Ministry of Education ( MOE )` and `ministry of education (moe)` meet.
    public static func loose(_ text: some StringProtocol) -> String {
        let key = make(text)
        if key.utf8.allSatisfy({ $0 < 0x80 }) { return looseASCII(key.utf8) }
        var words: [String] = []
        var current = ""
        for scalar in key.unicodeScalars {
            if scalar == "&" {
                if !current.isEmpty { words.append(current); current = "" }
                words.append("and")
            } else if scalar.isAlphanumeric {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ")
    }

    /// `loose` for ASCII text already through `make` (lower-cased): the same words without the
    /// Unicode property lookups, since titles and organization names are mostly ASCII.
    private static func looseASCII(_ bytes: String.UTF8View) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var inWord = false
        func startWord() {
            if !out.isEmpty { out.append(0x20) }
            inWord = true
        }
        for byte in bytes {
            if byte == UInt8(ascii: "&") {
                startWord()
                out.append(contentsOf: "and".utf8)
                inWord = false
            } else if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) {
                if !inWord { startWord() }
                out.append(byte)
            } else {
                inWord = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strips diacritics as well (`Côte` → `cote`), for the loosest matching and suggestions.
    public static func ascii(_ text: some StringProtocol) -> String {
        loose(text).withoutDiacritics
    }
}

/// Levenshtein distance on Unicode scalars, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The candidate closest to `input` when it is close enough to be a plausible typo.
func closestMatch(to input: String, among candidates: [(key: String, display: String)]) -> String? {
    let key = MatchKey.ascii(input)
    guard !key.isEmpty else { return nil }
    let length = key.unicodeScalars.count
    let allowed = max(1, min(4, length / 3))
    var best: (distance: Int, display: String)?
    for candidate in candidates {
        let candidateKey = MatchKey.ascii(candidate.key)
        // The distance is at least the difference in length: a candidate that differs by more than
        // `allowed` can never be suggested, so skip the quadratic comparison (a megabyte cell would
        // otherwise take minutes).
        guard abs(candidateKey.unicodeScalars.count - length) <= allowed else { continue }
        let distance = editDistance(key, candidateKey)
        if best == nil || distance < best!.distance { best = (distance, candidate.display) }
    }
    guard let best else { return nil }
    return best.distance <= allowed ? best.display : nil
}
