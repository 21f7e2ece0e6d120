import SafeText
import Testing

@Suite struct TerminalTextTests {
    static let hostileTitle = "Evil\u{1B}]0;PWNED\u{07}\u{1B}[2J"

    @Test func escapeSequencesAreShownNotSent() {
        let shown = TerminalText.visible(Self.hostileTitle)
        #expect(shown == "Evil\\u{1B}]0;PWNED\\u{7}\\u{1B}[2J")
        #expect(!shown.unicodeScalars.contains { TerminalText.isControl($0) })
    }

    @Test(arguments: [
        ("\u{7F}", "\\u{7F}"), ("\u{9B}", "\\u{9B}"), ("\u{202E}", "\\u{202E}"), ("\u{2066}", "\\u{2066}"),
        ("\u{2069}", "\\u{2069}"), ("\u{200E}", "\\u{200E}"), ("\u{200F}", "\\u{200F}"), ("\0", "\\u{0}"),
        ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
    ])
    func everyKindOfControlIsEscaped(_ raw: String, _ shown: String) {
        #expect(TerminalText.visible("a" + raw + "b") == "a" + shown + "b")
    }

    @Test func ordinaryTextIsUnchanged() {
        let text = "Côte d'Ivoire — 日本 \u{200D} e\u{301} \\ \"quoted\""
        #expect(TerminalText.visible(text) == text)
    }

    @Test func messagesKeepTheirLineBreaksButNotTheValuesControls() {
        #expect(TerminalText.visible("one\n\u{1B}[2Jtwo", keepingLineBreaks: true) == "one\n\\u{1B}[2Jtwo")
    }

    @Test func excerptsAreShortEscapedAndUnambiguousInQuotes() {
        let huge = String(repeating: "\u{1B}x", count: 65_000)
        let quoted = TerminalText.quoted(huge)
        #expect(quoted.hasPrefix("\"\\u{1B}x"))
        #expect(quoted.hasSuffix("…\""))
        #expect(quoted.unicodeScalars.count < 80 * 7)
        #expect(!quoted.unicodeScalars.contains("\u{1B}"))
        #expect(TerminalText.quoted("say \"hi\" \\ bye") == "\"say \\\"hi\\\" \\\\ bye\"")
        #expect(TerminalText.excerpt("abcdef", limit: 3) == "abc…")
        #expect(TerminalText.excerpt("abc", limit: 3) == "abc")
    }
}
