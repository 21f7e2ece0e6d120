import Foundation
import Stocktaking
import Testing

@Suite struct NDJSONEncoderTests {
    @Test func oneObjectPerLineAndNoArray() throws {
        let text = Encoded.text(.ndjson, columns: ["id", "sdgs"], [[.text("A"), .numbers([4, 5])], [.text("B"), .numbers([])]])
        #expect(text == "{\"id\":\"A\",\"sdgs\":[4,5]}\n{\"id\":\"B\",\"sdgs\":[]}\n")
        for line in text.split(separator: "\n") {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }

    @Test func anEmptyResultIsEmpty() {
        #expect(Encoded.text(.ndjson, columns: ["a"], []) == "")
    }

    @Test func everyKindOfValueInOneRecord() {
        let text = Encoded.text(.ndjson, columns: Encoded.everyKindColumns, [Encoded.everyKind])
        #expect(text == """
            {"null":null,"integer":-42,"real":12.5,"text":"a \\"quoted\\", value","blob":"AAEC/w==","list":["C5","C7.a"],"numbers":[4,5],"no_numbers":[]}

            """)
    }
}
