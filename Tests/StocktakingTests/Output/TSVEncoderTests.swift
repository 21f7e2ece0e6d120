import Stocktaking
import Testing

@Suite struct TSVEncoderTests {
    @Test func tabsBetweenFieldsLineFeedsBetweenRecords() {
        let text = Encoded.text(.tsv, columns: ["code", "sdgs", "title"], [[.text("C5"), .numbers([4, 5]), .text("a\tb")]])
        #expect(text == "code\tsdgs\ttitle\nC5\t4;5\t\"a\tb\"\n")
    }

    @Test func everyKindOfValueInOneRecord() {
        let text = Encoded.text(.tsv, columns: Encoded.everyKindColumns, header: false, [Encoded.everyKind])
        #expect(text == "\t-42\t12.5\t\"a \"\"quoted\"\", value\"\tAAEC/w==\tC5;C7.a\t4;5\t\n")
    }
}
