import Stocktaking
import Testing

@Suite struct MarkdownEncoderTests {
    @Test func aHeaderItsRuleAndALinePerRecord() {
        let text = Encoded.text(.markdown, columns: ["code", "sdgs", "projects"], [[.text("C5"), .numbers([4, 5]), .integer(12)], [.null, .numbers([]), .real(2.5)]])
        #expect(text == """
            | code | sdgs | projects |
            | --- | --- | --- |
            | C5 | 4;5 | 12 |
            |  |  | 2.5 |

            """)
    }

    @Test func contributedTextStaysTextInACell() {
        let text = Encoded.text(.markdown, columns: ["external_id", "title"], [[.text("X-1"), .text("<script>|*a*\n\u{1B}[2J")]])
        #expect(text.hasSuffix("| X-1 | &lt;script&gt;\\|\\*a\\*<br>\\u{1B}\\[2J |\n"))
        // The underscore inside a word stays readable in the header.
        #expect(text.hasPrefix("| external_id | title |\n"))
    }

    @Test func theHeaderIsWrittenEvenWithoutOne() {
        // A Markdown table has a header line; `--no-header` is refused for it before it gets here.
        #expect(Encoded.text(.markdown, columns: ["a"], header: false, []) == "| a |\n| --- |\n")
    }

    @Test func everyKindOfValueInOneRecord() {
        let text = Encoded.text(.markdown, columns: Encoded.everyKindColumns, [Encoded.everyKind])
        #expect(text.hasSuffix("|  | -42 | 12.5 | a \"quoted\", value | AAEC/w== | C5;C7.a | 4;5 |  |\n"))
    }
}
