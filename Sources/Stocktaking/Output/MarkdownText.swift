import SafeText

/// Values made inert inside Markdown: the report and `--format markdown` print contributed text, which
/// must read as text, never as HTML (`<script>`), a link, emphasis, a heading or a new table cell.
public enum MarkdownText {
    /// `text` for a table cell or running text: HTML's `<`, `>` and `&` as entities (CommonMark passes
    /// raw HTML through, and an entity is shown as the character), Markdown's punctuation
    /// backslash-escaped, line breaks as `<br>` (a raw one would end the table row), and control
    /// characters shown as escapes (`\u{1B}`), as on a terminal.
    public static func escaped(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\r": out += "<br>"
            // "\r\n" is one line break.
            case "\n": if index == 0 || scalars[index - 1] != "\r" { out += "<br>" }
            // An underscore inside a word never starts emphasis: keep `external_id` readable.
            case "_" where index > 0 && index + 1 < scalars.count
                && scalars[index - 1].isAlphanumeric && scalars[index + 1].isAlphanumeric:
                out += "_"
            // Every ASCII punctuation character may be backslash-escaped in CommonMark; these are
            // the ones that start emphasis, code, links, images, headings, strikethrough or cells.
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                if TerminalText.isControl(scalar) {
                    out += TerminalText.visible(String(scalar))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
