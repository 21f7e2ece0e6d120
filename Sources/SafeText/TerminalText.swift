/// Text from the database or the command line made safe to show on a terminal.
///
/// Any contributor can put bytes in a title, and any caller can put them in an option: an ESC
/// starts a sequence that retitles or clears the terminal, a bidirectional override reorders what
/// the reader sees. Table and Markdown output and every message on stderr pass values through here,
/// so those characters are shown as escapes (`\u{1B}`) and never acted on. Machine formats (CSV,
/// TSV, JSON, NDJSON) keep the exact text and do not use this.
public enum TerminalText {
    /// How many characters of a value a message quotes by default.
    public static let defaultLimit = 80

    /// True for the characters a terminal or a bidi-aware viewer acts on instead of showing: C0
    /// controls (ESC, BEL, line breaks…), DEL, C1 controls (0x80–0x9F, which some terminals read as
    /// ESC-sequences), bidirectional embeddings, overrides and isolates, and the LRM/RLM marks.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every control character written as an escape: `\n`, `\r`, `\t`, else `\u{1B}`.
    ///
    /// - Parameter keepingLineBreaks: keep `\n` as a line break (for messages of several lines).
    public static func visible(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // Fast path: most text has nothing to escape, and table cells go through here one by one.
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingLineBreaks && $0 == "\n") }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            if keepingLineBreaks && scalar == "\n" {
                out.unicodeScalars.append(scalar)
            } else {
                appendVisible(scalar, to: &out)
            }
        }
        return out
    }

    /// At most `limit` characters of `text` for a message, escaped as by `visible(_:)` and with
    /// `"` and `\` escaped too, so the excerpt reads unambiguously inside quotes; `…` marks a cut.
    /// Stops reading at the limit, so a 100 MB value costs no more than a short one.
    public static func excerpt(_ text: String, limit: Int = defaultLimit) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { return out + "…" }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: appendVisible(scalar, to: &out)
            }
            count += 1
        }
        return out
    }

    /// `excerpt(text, limit:)` within double quotes: how messages quote a value (`"C99"`).
    public static func quoted(_ text: String, limit: Int = defaultLimit) -> String {
        "\"" + excerpt(text, limit: limit) + "\""
    }

    private static func appendVisible(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
}
