/// The one rule for reading an `external_id`, wherever one comes from (an import row, `show`,
/// `delete`, a prizes file).
///
/// Ids are what people copy between spreadsheets, e-mails and shells, so two ids that look the same
/// must be the same id:
/// - white space at the edges is dropped and the text is put in Unicode NFC;
/// - typographic dashes (U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure dash, U+2013 en
///   dash, U+2014 em dash, U+2015 horizontal bar, U+2212 minus, U+FE58, U+FE63, U+FF0D) are folded
///   to `-`: word processors and spreadsheets put them in for `-` on their own, and nobody means a
///   different project by them;
/// - invisible characters (controls, the byte order mark, zero-width spaces and joiners, soft
///   hyphens, bidirectional marks, overrides and isolates) are refused: they make ids that print the
///   same but differ, and a bidi override can make one id display as another.
public enum ExternalID {
    /// The id as stored and matched.
    ///
    /// - Throws: `ResolutionError` naming the first invisible character and where it is.
    public static func normalize(_ raw: String) throws(ResolutionError) -> String {
        let trimmed = ValueParsers.trim(raw)
        // Fast path: printable ASCII (almost every id) has nothing to fold or refuse.
        if trimmed.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return trimmed }
        var folded = String.UnicodeScalarView()
        var position = 0
        for scalar in trimmed.unicodeScalars {
            position += 1
            if let name = invisibleCharacterName(scalar) {
                throw ResolutionError(
                    "external_id contains an invisible character (\(name)) at position \(position)",
                    suggestion: "delete it: ids must be made of visible characters (it often comes from copying out of a web page or a word processor)")
            }
            folded.append(isTypographicDash(scalar) ? "-" : scalar)
        }
        return String(folded).precomposedNFC
    }

    /// The id for a look-up (`show`, `delete`): normalized, or the raw text trimmed when it cannot
    /// be an id at all (so "no project X" is what the user is told).
    public static func lookUpKey(_ raw: String) -> String {
        (try? normalize(raw)) ?? ValueParsers.trim(raw)
    }

    static func isTypographicDash(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: true
        default: false
        }
    }

    /// `U+200B ZERO WIDTH SPACE`-style name for a character an id must not hold; nil for a visible one.
    static func invisibleCharacterName(_ scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        let name: String? = switch value {
        case 0x00...0x1F, 0x7F...0x9F: "a control character"
        case 0xAD: "SOFT HYPHEN"
        case 0x034F: "COMBINING GRAPHEME JOINER"
        case 0x061C: "ARABIC LETTER MARK"
        case 0x180E: "MONGOLIAN VOWEL SEPARATOR"
        case 0x200B: "ZERO WIDTH SPACE"
        case 0x200C: "ZERO WIDTH NON-JOINER"
        case 0x200D: "ZERO WIDTH JOINER"
        case 0x200E: "LEFT-TO-RIGHT MARK"
        case 0x200F: "RIGHT-TO-LEFT MARK"
        case 0x202A...0x202E: "a bidirectional embedding or override"
        case 0x2060: "WORD JOINER"
        case 0x2061...0x2064: "an invisible operator"
        case 0x2066...0x2069: "a bidirectional isolate"
        case 0xFEFF: "BYTE ORDER MARK / ZERO WIDTH NO-BREAK SPACE"
        case 0xFFF9...0xFFFB: "an interlinear annotation character"
        case 0xE0000...0xE007F: "a tag character"
        default: nil
        }
        guard let name else { return nil }
        return "U+" + String(value, radix: 16, uppercase: true).leftPadded(to: 4) + " " + name
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
