import Stocktaking
import Testing

/// The registry, and what every registered format must do: a new format is tested here without
/// a line added.
@Suite struct OutputFormatTests {
    @Test func theRegisteredFormatsInHelpOrder() {
        #expect(OutputFormat.all.map(\.name) == ["table", "csv", "tsv", "json", "ndjson", "markdown", "xlsx"])
        #expect(OutputFormat.listings.map(\.name) == ["table", "csv", "tsv", "json", "ndjson", "markdown", "xlsx"])
        #expect(OutputFormat.exports.map(\.name) == ["csv", "tsv", "json", "ndjson", "xlsx"])
        #expect(OutputFormat.spokenList(OutputFormat.exports) == "csv, tsv, json, ndjson or xlsx")
        #expect(OutputFormat.all.filter(\.needsFile) == [.xlsx])
        #expect(OutputFormat.named("ndjson") == .ndjson)
        #expect(OutputFormat(rawValue: "markdown") == .markdown)
        #expect(OutputFormat.named("xml") == nil)
        #expect(OutputFormat.all.filter(\.isDelimited) == [.csv, .tsv])
        #expect(Set(OutputFormat.all.map(\.name)).count == OutputFormat.all.count)
    }

    @Test(arguments: OutputFormat.all)
    func everyFormatWritesEveryKindOfValue(format: OutputFormat) {
        let one = Encoded.text(format, columns: Encoded.everyKindColumns, [Encoded.everyKind])
        let two = Encoded.text(format, columns: Encoded.everyKindColumns, [Encoded.everyKind, Encoded.everyKind])
        #expect(one.contains("-42") && one.contains("12.5") && one.contains("AAEC/w=="))
        #expect(one.contains("C5;C7.a") || one.contains("[\"C5\",\"C7.a\"]"))
        #expect(one.contains("4;5") || one.contains("[4,5]"))
        #expect(two.count > one.count)
        // A package format's encoder writes its sheet's XML; the text formats end their lines.
        if format.needsFile { #expect(one.hasSuffix("</worksheet>")) } else { #expect(one.utf8.last == UInt8(ascii: "\n")) }
    }

    @Test(arguments: OutputFormat.all)
    func everyFormatWritesAnEmptyResult(format: OutputFormat) {
        let text = Encoded.text(format, columns: ["a", "b"], [])
        #expect(!text.contains("-42"))
    }
}
