import Foundation
import Stocktaking
import Testing

@Suite struct JSONRecordEncoderTests {
    @Test func everyKindOfValueInOneRecord() throws {
        let text = Encoded.text(.json, columns: Encoded.everyKindColumns, [Encoded.everyKind])
        #expect(text == """
            [
            {"null":null,"integer":-42,"real":12.5,"text":"a \\"quoted\\", value","blob":"AAEC/w==","list":["C5","C7.a"],"numbers":[4,5],"no_numbers":[]}
            ]

            """)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed[0]["numbers"] as? [Int] == [4, 5])
        #expect(parsed[0]["no_numbers"] as? [Int] == [])
    }

    @Test func anEmptyResultIsAnEmptyArray() {
        #expect(Encoded.text(.json, columns: ["a"], []) == "[]\n")
    }

    @Test func recordsAreSeparatedByCommaAndLineBreak() {
        let text = Encoded.text(.json, columns: ["n"], [[.integer(1)], [.integer(2)]])
        #expect(text == "[\n{\"n\":1},\n{\"n\":2}\n]\n")
    }

    @Test func numbersJSONCannotWriteAreNull() {
        let text = Encoded.text(.json, columns: ["a", "b", "c"], [[.real(.nan), .real(.infinity), .real(0.1)]])
        #expect(text == "[\n{\"a\":null,\"b\":null,\"c\":0.1}\n]\n")
    }

    @Test func controlCharactersAndKeysAreEscaped() {
        let text = Encoded.text(.json, columns: ["k\"ey"], [[.text("\u{1B}[2J\n\\")]])
        #expect(text == "[\n{\"k\\\"ey\":\"\\u001b[2J\\n\\\\\"}\n]\n")
    }

    @Test func theFieldByFieldCallsWriteWhatTheValuesWrite() {
        let columns = ["id", "countries", "sdgs", "deleted", "missing"]
        let byField = Encoded.fieldByField(.json, columns: columns) { encoder, buffer in
            encoder.text("WSIS-1", &buffer)
            encoder.list([Array("KE".utf8)], &buffer)
            encoder.numbers([4, 5], &buffer)
            encoder.boolean(false, &buffer)
            encoder.integer(nil, &buffer)
        }
        #expect(byField == "[\n{\"id\":\"WSIS-1\",\"countries\":[\"KE\"],\"sdgs\":[4,5],\"deleted\":false,\"missing\":null}\n]\n")
        let byValue = Encoded.text(.json, columns: columns, [[.text("WSIS-1"), .list(["KE"]), .numbers([4, 5]), .integer(0), .null]])
        #expect(byValue == byField.replacingOccurrences(of: "false", with: "0"))
    }
}
