import Foundation
@testable import Stocktaking
import TestSupport
import Testing

/// Contributed text in the Markdown report reads as text: never HTML, a link, emphasis or a new cell.
@Suite struct ReportMarkdownEscapingTests {
    static let hostileTitle = "<script>x</script> *b* _e_ `c` [l](u) # A & B | c \\ d\u{1B}[2J"

    /// Two projects with the same title and organization: the duplicate check quotes the title.
    @Test func aHostileTitleInTheReportIsEscaped() throws {
        let rows = ["D-1", "D-2"].map { "\($0),\"\(Self.hostileTitle)\",,Same Org,,,,,,,,,,,C1,,,\r\n" }
        let (temporary, catalog) = try ExportFixtures.database(importing: ExportFixtures.header + "\r\n" + rows.joined())
        defer { catalog.close(); temporary.remove() }
        let markdown = ReportMarkdown.render(try StocktakingReport(catalog: catalog, scope: "--search <b>x</b>"))
        // The check quotes the title (its backslash doubled), and the report escapes that again.
        let qualityLine = try #require(markdown.split(separator: "\n").first { $0.contains("duplicate") && $0.contains("D-1") })
        #expect(!markdown.contains("<script"))
        #expect(!markdown.contains("<b>"))
        #expect(!markdown.contains("\u{1B}"))
        #expect(qualityLine.contains("&lt;script&gt;x&lt;/script&gt; \\*b\\* \\_e\\_ \\`c\\` \\[l\\](u) \\# A &amp; B \\| c \\\\\\\\ d"))
        #expect(markdown.contains("matching --search &lt;b&gt;x&lt;/b&gt;."))
        // The row still has its three cells: | Check | Found | Examples |.
        #expect(Self.unescapedPipes(in: String(qualityLine)) == 4)
    }

    @Test(arguments: ["a|b", "line\nbreak", "crlf\r\nbreak", "cr\rbreak", "\\|", "#heading", "<br>"])
    func aCellNeverSpillsIntoTheNextOne(_ value: String) {
        let table = ReportMarkdown.table(["A", "B"], [[value, "1"]], numericFrom: 1)
        let lines = table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(Self.unescapedPipes(in: String(lines[2])) == 3)
        #expect(!lines[2].contains("<br>") || value.contains("\n") || value.contains("\r"))
    }

    @Test func underscoresInsideWordsStayReadable() {
        #expect(MarkdownText.escaped("external_id _x_") == "external_id \\_x\\_")
    }

    /// Pipes not preceded by an odd run of backslashes: the cell separators a renderer sees.
    static func unescapedPipes(in line: String) -> Int {
        var count = 0
        var backslashes = 0
        for character in line {
            if character == "|" && backslashes % 2 == 0 { count += 1 }
            backslashes = character == "\\" ? backslashes + 1 : 0
        }
        return count
    }
}
