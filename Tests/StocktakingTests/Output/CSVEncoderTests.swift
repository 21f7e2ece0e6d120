import Stocktaking
import Testing

@Suite struct CSVEncoderTests {
    @Test func everyKindOfValueInOneRecord() {
        let text = Encoded.text(.csv, columns: Encoded.everyKindColumns, [Encoded.everyKind])
        #expect(text == """
            null,integer,real,text,blob,list,numbers,no_numbers\r
            ,-42,12.5,"a ""quoted"", value",AAEC/w==,C5;C7.a,4;5,\r

            """)
    }

    @Test func numbersAreSemicolonJoinedLikeCodeLists() {
        let text = Encoded.text(.csv, columns: ["sdgs", "gdc_objectives"], header: false, [[.numbers([4, 5, 17]), .numbers([1])]])
        #expect(text == "4;5;17,1\r\n")
    }

    @Test func nullAndAnEmptyListAreBothEmptyFields() {
        let text = Encoded.text(.csv, columns: ["a", "b", "c"], header: false, [[.null, .list([]), .text("")]])
        #expect(text == ",,\r\n")
    }

    @Test func theByteOrderMarkAndTheHeaderAreAsAsked() {
        let withMark = Encoded.bytes(.csv, columns: ["a"], byteOrderMark: true, [[.integer(1)]])
        #expect(withMark == [0xEF, 0xBB, 0xBF] + Array("a\r\n1\r\n".utf8))
        #expect(Encoded.text(.csv, columns: ["a"], header: false, [[.integer(1)]]) == "1\r\n")
        #expect(Encoded.text(.csv, columns: ["a", "b"], []) == "a,b\r\n")
    }

    @Test func excelSafePrefixesFormulaStartsInTextOnly() {
        let text = Encoded.text(.csv, columns: ["a", "b", "c", "d"], header: false, excelSafe: true,
                                [[.text("=SUM(A1)"), .text("@x"), .text("plain"), .integer(-3)]])
        #expect(text == "'=SUM(A1),'@x,plain,-3\r\n")
    }

    @Test func theFieldByFieldCallsWriteWhatTheValuesWrite() {
        let columns = ["id", "title", "countries", "sdgs", "deleted", "missing"]
        let byField = Encoded.fieldByField(.csv, columns: columns) { encoder, buffer in
            encoder.integer(7, &buffer)
            "Line\nbreak".utf8CString.withUnsafeBytes { encoder.text(UnsafeRawBufferPointer(rebasing: $0.dropLast()), &buffer) }
            encoder.list([Array("KE".utf8), Array("TZ".utf8)], &buffer)
            encoder.numbers([4, 5], &buffer)
            encoder.boolean(true, &buffer)
            encoder.text(bytes: nil, &buffer)
        }
        let byValue = Encoded.text(.csv, columns: columns, [[.integer(7), .text("Line\nbreak"), .list(["KE", "TZ"]), .numbers([4, 5]), .text("true"), .null]])
        #expect(byField == byValue)
        #expect(byField.hasSuffix("7,\"Line\nbreak\",KE;TZ,4;5,true,\r\n"))
    }
}
