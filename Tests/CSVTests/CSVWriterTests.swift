import CSV
import Testing
import TestSupport

@Suite struct CSVWriterTests {
    func written(_ fields: [String?], writer: CSVWriter = CSVWriter()) -> String {
        var out: [UInt8] = []
        writer.append(record: fields, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func quotesOnlyWhenNeeded() {
        #expect(written(["a", "b c", " lead", "trail ", "é"]) == "a,b c, lead,trail ,é\r\n")
        #expect(written(["a,b", "say \"hi\"", "x\ny", "x\ry", "\""]) == "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"x\ry\",\"\"\"\"\r\n")
        #expect(written([nil, "", nil]) == ",,\r\n")
        #expect(written(["a\tb", "c,d"], writer: CSVWriter(delimiter: UInt8(ascii: "\t"), lineEnding: [10])) == "\"a\tb\"\tc,d\n")
    }

    @Test func fieldByFieldAndRawBytes() {
        let writer = CSVWriter()
        var out: [UInt8] = []
        writer.appendField("x", to: &out)
        writer.appendDelimiter(to: &out)
        let raw: [UInt8] = Array("q\"".utf8)
        raw.withUnsafeBytes { writer.appendField(utf8: $0, to: &out) }
        writer.appendLineEnding(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x,\"q\"\"\"\r\n")
    }
}

@Suite struct CSVRoundTripTests {
    static let pieces = ["a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\t", ";", "é", "中", "🎉", "ـع", "\"\"", "xyz"]

    static func randomField(_ rng: inout SplitMix64) -> String {
        if Int.random(in: 0..<6, using: &rng) == 0 { return "" }
        var s = ""
        for _ in 0..<Int.random(in: 1...12, using: &rng) { s += pieces.randomElement(using: &rng)! }
        return s
    }

    static func randomRecords(seed: UInt64, count: Int) -> [[String]] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in (0..<Int.random(in: 1...8, using: &rng)).map { _ in randomField(&rng) } }
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1 << 20])
    func writerThenReader(chunk: Int) {
        for (seed, delimiter, lineEnding) in [(1 as UInt64, ",", [13, 10] as [UInt8]), (2, "\t", [10]), (3, ";", [13])] {
            let records = Self.randomRecords(seed: seed, count: 300)
            let d = UInt8(ascii: Unicode.Scalar(delimiter)!)
            let writer = CSVWriter(delimiter: d, lineEnding: lineEnding)
            var bytes: [UInt8] = []
            for record in records { writer.append(record: record, to: &bytes) }
            let r = read(bytes, chunk: chunk, delimiter: d)
            #expect(r.error == nil)
            #expect(r.fields == records, "seed \(seed)")
            // Line numbers: each record starts one line after the previous one ended.
            for (a, b) in zip(r.records, r.records.dropFirst()) { #expect(b.line == a.endLine + 1) }
        }
    }

    @Test func optionalFieldsRoundTripAsEmpty() {
        var bytes: [UInt8] = []
        CSVWriter().append(record: [nil, "x", nil] as [String?], to: &bytes)
        CSVWriter().append(record: [nil] as [String?], to: &bytes)
        #expect(read(bytes).fields == [["", "x", ""], [""]])
    }
}

/// Every input gives the same records, errors and replaced lines whatever the read size.
@Suite struct CSVChunkIndependenceTests {
    static let inputs: [[UInt8]] = {
        var list: [String] = [
            "a,b,c\n1,2,3\n", "\"a\"\"b\",\"c\r\nd\"\r\ne,f\r", "\r\n\r\n\n\r\r", "x,\"\n\n\n", "x,\"ab\"c",
            "\"\"\"\"\"\"", "a,b\"", "é,ü\n中,🎉\r\n", "\u{FEFF}a", ",,,\n,,", "\"a\"\r", "\"a\"\r\nb",
        ]
        list += CSVRoundTripTests.randomRecords(seed: 99, count: 20).map { $0.joined(separator: ",") }
        var bytes = list.map { Array($0.utf8) }
        bytes.append([0xEF, 0xBB, 0xBF, 0x22, 0x61, 0x22, 0x0D, 0x0A, 0xFF, 0x2C, 0xE2, 0x82])
        bytes.append([0x61, 0x0D, 0x0A, 0x62, 0x00])
        return bytes
    }()

    @Test(arguments: 0..<inputs.count)
    func sameResultForEveryChunkSize(index: Int) {
        let input = Self.inputs[index]
        for replaceInvalid in [false, true] {
            let reference = read(input, chunk: 1 << 20, replaceInvalid: replaceInvalid)
            for chunk in [1, 2, 3, 7, 64] {
                let r = read(input, chunk: chunk, replaceInvalid: replaceInvalid)
                #expect(r.records == reference.records, "chunk \(chunk)")
                #expect(r.error == reference.error, "chunk \(chunk)")
                #expect(r.replacedLines == reference.replacedLines, "chunk \(chunk)")
            }
        }
    }
}
