import CSV
import Testing

@Suite struct CSVReaderStructureTests {
    @Test(arguments: chunkSizes)
    func quotedDelimiters(chunk: Int) {
        let r = read("a,\"b,c\",d\n\",\",\",,\"\n", chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["a", "b,c", "d"], [",", ",,"]])
    }

    @Test(arguments: chunkSizes)
    func doubledQuotes(chunk: Int) {
        let r = read("\"he said \"\"hi\"\"\",x\n\"\"\"\"\n\"\",\"\"\"\"\"\"\n", chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["he said \"hi\"", "x"], ["\""], ["", "\"\""]])
    }

    @Test(arguments: chunkSizes)
    func lineBreaksInsideQuotes(chunk: Int) {
        let r = read("\"a\rb\",\"c\nd\",\"e\r\nf\"\nnext,\"\r\n\"\r\nlast", chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["a\rb", "c\nd", "e\r\nf"], ["next", "\r\n"], ["last"]])
        #expect(r.records.map(\.line) == [1, 5, 7])
        #expect(r.records.map(\.endLine) == [4, 6, 7])
    }

    @Test(arguments: chunkSizes)
    func recordEndings(chunk: Int) {
        let r = read("a,1\nb,2\r\nc,3\rd,4\n\re,5", chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"], [""], ["e", "5"]])
        #expect(r.lines == [1, 2, 3, 4, 5, 6])
    }

    @Test(arguments: chunkSizes)
    func finalLineEndIsOptional(chunk: Int) {
        #expect(read("a,b\nc,d", chunk: chunk).fields == [["a", "b"], ["c", "d"]])
        #expect(read("a,b\nc,d\n", chunk: chunk).fields == [["a", "b"], ["c", "d"]])
        #expect(read("a,b\nc,d\r\n", chunk: chunk).fields == [["a", "b"], ["c", "d"]])
        #expect(read("a,b\nc,d\r", chunk: chunk).fields == [["a", "b"], ["c", "d"]])
        #expect(read("a,\"b\"", chunk: chunk).fields == [["a", "b"]])
        #expect(read("a,", chunk: chunk).fields == [["a", ""]])
        #expect(read("a,\"\"", chunk: chunk).fields == [["a", ""]])
    }

    @Test(arguments: chunkSizes)
    func utf8ByteOrderMarkIsDropped(chunk: Int) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let r = read(bom + Array("id,name\n\"1\",x\n".utf8), chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["id", "name"], ["1", "x"]])
        #expect(r.bytesConsumed == 3 + 14)
        // A quoted first field right after the BOM.
        #expect(read(bom + Array("\"a\"".utf8), chunk: chunk).fields == [["a"]])
        // Only a BOM: no records. A BOM not at the start is data (and valid UTF-8: U+FEFF).
        #expect(read(bom, chunk: chunk).records.isEmpty)
        #expect(read(Array("a,".utf8) + bom, chunk: chunk).fields == [["a", "\u{FEFF}"]])
    }

    @Test(arguments: chunkSizes)
    func emptyInputAndEmptyLines(chunk: Int) {
        #expect(read("", chunk: chunk).records.isEmpty)
        let r = read("a\n\nb\n\r\n\rc\n\n", chunk: chunk)
        #expect(r.fields == [["a"], [""], ["b"], [""], [""], ["c"], [""]])
        #expect(r.lines == [1, 2, 3, 4, 5, 6, 7])
        #expect(read("\n", chunk: chunk).fields == [[""]])
        #expect(read(",", chunk: chunk).fields == [["", ""]])
        #expect(read(",,\n", chunk: chunk).fields == [["", "", ""]])
    }

    @Test(arguments: chunkSizes)
    func tabDelimiter(chunk: Int) {
        let r = read("a\tb,c\t\"d\te\"\n\t\n", chunk: chunk, delimiter: UInt8(ascii: "\t"))
        #expect(r.error == nil)
        #expect(r.fields == [["a", "b,c", "d\te"], ["", ""]])
        let semicolon = read("a;\"b;c\";1,5\n", chunk: chunk, delimiter: UInt8(ascii: ";"))
        #expect(semicolon.fields == [["a", "b;c", "1,5"]])
    }

    @Test(arguments: chunkSizes)
    func nonASCIIText(chunk: Int) {
        let rows = [
            ["Crème brûlée", "œuvre, à côté", "Ça"],
            ["مرحبا بالعالم", "\"سلام\"", "١٢٣"],
            ["你好，世界", "库存,盘点", "中"],
            ["👩‍👩‍👧‍👦", "🎉,🍰", "e\u{301}"],
        ]
        var text = ""
        for row in rows {
            text += row.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacing("\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",") + "\r\n"
        }
        let r = read(text, chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == rows)
        // Byte-level equality, not just canonical equivalence.
        #expect(r.fields.flatMap { $0 }.map { Array($0.utf8) } == rows.flatMap { $0 }.map { Array($0.utf8) })
    }

    @Test(arguments: chunkSizes)
    func bytesConsumedReachesInputSize(chunk: Int) {
        let text = "a,b\n\"c\nd\",e\n"
        #expect(read(text, chunk: chunk).bytesConsumed == text.utf8.count)
    }

    @Test(arguments: [1 << 20, 65_536, 1000])
    func tenMebibyteFieldIsAccepted(chunk: Int) {
        var big = [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        for i in stride(from: 1000, to: big.count, by: 100_003) { big[i] = UInt8(ascii: ",") }
        big[5] = UInt8(ascii: "\n")
        let input = Array("id,\"".utf8) + big + Array("\",z\nnext,1\n".utf8)
        let r = read(input, chunk: chunk)
        #expect(r.error == nil)
        #expect(r.records.count == 2)
        #expect(r.records.first?.fields[1].utf8.count == 10 << 20)
        #expect(r.records.first?.fields[2] == "z")
        #expect(r.records.last?.line == 3)
        // Unquoted too.
        big[5] = UInt8(ascii: "y")
        let unquoted = read(Array("id,".utf8) + big.map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ";") : $0 }, chunk: chunk)
        #expect(unquoted.error == nil)
        #expect(unquoted.records.first?.fields[1].utf8.count == 10 << 20)
    }

    @Test(arguments: chunkSizes)
    func fieldTooLarge(chunk: Int) {
        #expect(read("a,0123456789\n", chunk: chunk, maxFieldBytes: 10).fields == [["a", "0123456789"]])
        #expect(read("a,\"0123456789\"\n", chunk: chunk, maxFieldBytes: 10).fields == [["a", "0123456789"]])
        for text in ["a,b\nc,01234567890,d\n", "a,b\nc,\"0123\n\n4567890\",d\n", "a,b\nc,\"01234567890123456789"] {
            let r = read(text, chunk: chunk, maxFieldBytes: 10)
            #expect(r.errorPosition == ErrorPosition(kind: .fieldTooLarge(limit: 10), line: 2, fieldIndex: 1), "\(text)")
            #expect(r.fields == [["a", "b"]])
            #expect(r.error?.description.contains("larger than the limit of 10 bytes") == true)
        }
    }
}

@Suite struct CSVReaderErrorTests {
    @Test(arguments: chunkSizes)
    func unterminatedQuoteNamesTheOpeningLine(chunk: Int) {
        let r = read("id,name\n1,ok\n2,\"never closed\n3,more\n4,\"\"lines\n", chunk: chunk)
        #expect(r.fields == [["id", "name"], ["1", "ok"]])
        #expect(r.errorPosition == ErrorPosition(kind: .unterminatedQuote(openedAtLine: 3), line: 3, fieldIndex: 1))
        #expect(r.error?.excerpt?.hasPrefix("\\\"never closed\\n3,more") == true)
        #expect(r.error?.description.contains("opened on line 3") == true)

        let first = read("\"", chunk: chunk)
        #expect(first.errorPosition == ErrorPosition(kind: .unterminatedQuote(openedAtLine: 1), line: 1, fieldIndex: 0))
        // Escaped quote at the very end is not a closing quote.
        let escapedAtEnd = read("a\n\"x\"\"", chunk: chunk)
        #expect(escapedAtEnd.errorPosition == ErrorPosition(kind: .unterminatedQuote(openedAtLine: 2), line: 2, fieldIndex: 0))
    }

    @Test(arguments: chunkSizes)
    func textAfterClosingQuote(chunk: Int) {
        let r = read("a,b\nc,\"abc\"x,d\n", chunk: chunk)
        #expect(r.fields == [["a", "b"]])
        #expect(r.errorPosition == ErrorPosition(kind: .textAfterClosingQuote, line: 2, fieldIndex: 1))
        #expect(r.error?.excerpt == "\\\"abc\\\"x")
        #expect(r.error?.description.contains("quote the whole field") == true)
        // Space after the closing quote is text too; the line counts the breaks inside the field.
        let spaced = read("\"multi\nline\" ,x", chunk: chunk)
        #expect(spaced.errorPosition == ErrorPosition(kind: .textAfterClosingQuote, line: 2, fieldIndex: 0))
    }

    @Test(arguments: chunkSizes)
    func strayQuote(chunk: Int) {
        let r = read("a,b\nc,ab\"c\n", chunk: chunk)
        #expect(r.errorPosition == ErrorPosition(kind: .strayQuote, line: 2, fieldIndex: 1))
        #expect(r.error?.excerpt == "ab\\\"")
        #expect(r.error?.description.contains("quote the whole field and double the quote") == true)
        let afterMultiline = read("\"x\ny\",z\nq,r,5\"\n", chunk: chunk)
        #expect(afterMultiline.fields == [["x\ny", "z"]])
        #expect(afterMultiline.errorPosition == ErrorPosition(kind: .strayQuote, line: 3, fieldIndex: 2))
        // Inches mark, the classic Excel case.
        #expect(read("size\n12\" pipe\n", chunk: chunk).errorPosition
            == ErrorPosition(kind: .strayQuote, line: 2, fieldIndex: 0))
    }

    @Test(arguments: chunkSizes)
    func nulByteAnywhere(chunk: Int) {
        #expect(read("a,b\nc,d\0e\n", chunk: chunk).errorPosition
            == ErrorPosition(kind: .nulByte, line: 2, fieldIndex: 1))
        #expect(read("a,\"x\ny\0\"\n", chunk: chunk).errorPosition
            == ErrorPosition(kind: .nulByte, line: 2, fieldIndex: 1))
        #expect(read("a\n\n\0", chunk: chunk).errorPosition
            == ErrorPosition(kind: .nulByte, line: 3, fieldIndex: 0))
        #expect(read("\"a\"\0", chunk: chunk).errorPosition
            == ErrorPosition(kind: .nulByte, line: 1, fieldIndex: 0))
    }

    @Test(arguments: chunkSizes)
    func invalidUTF8IsAnError(chunk: Int) {
        let cases: [([UInt8], ErrorPosition)] = [
            (Array("ok\nbad,".utf8) + [0xFF] + Array("x\n".utf8),
             ErrorPosition(kind: .invalidUTF8(byteOffset: 0), line: 2, fieldIndex: 1)),
            // Inside a multi-line quoted field: line of the bad byte, offset within the value.
            (Array("a,\"line1\nli".utf8) + [0xC3, 0x28] + Array("ne2\"\n".utf8),
             ErrorPosition(kind: .invalidUTF8(byteOffset: 8), line: 2, fieldIndex: 1)),
            // Overlong NUL, surrogate, above U+10FFFF, truncated sequence at field end.
            ([0x61, 0xC0, 0x80], ErrorPosition(kind: .invalidUTF8(byteOffset: 1), line: 1, fieldIndex: 0)),
            ([0x2C, 0xED, 0xA0, 0x80], ErrorPosition(kind: .invalidUTF8(byteOffset: 0), line: 1, fieldIndex: 1)),
            ([0xF4, 0x90, 0x80, 0x80], ErrorPosition(kind: .invalidUTF8(byteOffset: 0), line: 1, fieldIndex: 0)),
            ([0x61, 0xE2, 0x82, 0x2C, 0x62], ErrorPosition(kind: .invalidUTF8(byteOffset: 1), line: 1, fieldIndex: 0)),
            // Windows-1252 text read as UTF-8.
            (Array("caf".utf8) + [0xE9, 0x0A], ErrorPosition(kind: .invalidUTF8(byteOffset: 3), line: 1, fieldIndex: 0)),
        ]
        for (bytes, expected) in cases {
            let r = read(bytes, chunk: chunk)
            #expect(r.errorPosition == expected, "\(bytes)")
            // Most of these bytes read as windows-1252 text, which the hint then says; F4 90 80 reads
            // as three windows-1251 letters (ôђЂ), so that one is named instead.
            let description = r.error?.description ?? ""
            let hint = bytes.starts(with: [0xF4, 0x90])
                ? "looks like Cyrillic windows-1251: add --encoding windows-1251" : "looks like windows-1252: add --encoding windows-1252"
            #expect(description.contains(hint), "\(description)")
        }
        #expect(read(Array("caf".utf8) + [0xE9, 0x0A], chunk: chunk).error?.excerpt == "caf\u{FFFD}")
    }

    @Test(arguments: chunkSizes)
    func replaceInvalidListsTheLines(chunk: Int) {
        let bytes: [UInt8] = Array("a".utf8) + [0xFF] + Array("\nok\nb".utf8) + [0xFE] + Array(",c".utf8) + [0xFF]
            + Array("\n\"x\n".utf8) + [0xFF] + Array("y\"\n".utf8) + [0xC3] + Array(",\u{E9}\n".utf8)
        let r = read(bytes, chunk: chunk, replaceInvalid: true)
        #expect(r.error == nil)
        #expect(r.fields == [["a\u{FFFD}"], ["ok"], ["b\u{FFFD}", "c\u{FFFD}"], ["x\n\u{FFFD}y"], ["\u{FFFD}", "é"]])
        #expect(r.replacedLines == [1, 3, 5, 6])
    }

    @Test func errorsCarryOneSentenceWithASuggestion() throws {
        let e = try #require(read("a,ab\"c").error)
        #expect(e.description == "Line 1, field 2: a quote appears inside an unquoted field (near \"ab\\\"\"); quote the whole field and double the quote.")
    }
}
