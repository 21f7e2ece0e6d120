import CSV
import Foundation
import Testing
import TestSupport

@Suite struct CSVEncodingTests {
    @Test func encodingNames() {
        let spellings: [(String, TextEncoding)] = [
            ("utf8", .utf8), ("UTF-8", .utf8), ("cp1252", .windows1252), ("Windows-1252", .windows1252),
            ("latin1", .latin1), ("LATIN-1", .latin1), ("iso-8859-1", .latin1), ("utf16", .utf16),
            ("UTF-16", .utf16), ("utf-16le", .utf16LE), ("UTF-16BE", .utf16BE),
        ]
        for (name, encoding) in spellings { #expect(TextEncoding(name: name) == encoding, "\(name)") }
        #expect(TextEncoding(name: "ebcdic") == nil)
        for encoding in TextEncoding.allCases { #expect(TextEncoding(name: encoding.rawValue) == encoding) }
    }

    @Test(arguments: chunkSizes)
    func utf16ByteOrderMarkWithoutEncodingIsAnError(chunk: Int) {
        let le = read(utf16Bytes("a,b\n", littleEndian: true, bom: true), chunk: chunk)
        #expect(le.errorPosition == ErrorPosition(kind: .utf16ByteOrderMark(littleEndian: true), line: 1, fieldIndex: nil))
        #expect(le.error?.description.contains("starts with a UTF-16 LE byte order mark; use --encoding utf-16") == true)
        let be = read(utf16Bytes("a,b\n", littleEndian: false, bom: true), chunk: chunk, encoding: .utf8)
        #expect(be.error?.kind == .utf16ByteOrderMark(littleEndian: false))
    }

    static let sample = "naïve,\"a,b\"\r\n€,😀\n\"multi\nline\",中文"
    static let sampleFields = [["naïve", "a,b"], ["€", "😀"], ["multi\nline", "中文"]]

    @Test(arguments: chunkSizes)
    func utf16Decoding(chunk: Int) {
        let variants: [([UInt8], TextEncoding)] = [
            (utf16Bytes(Self.sample, littleEndian: true, bom: false), .utf16LE),
            (utf16Bytes(Self.sample, littleEndian: true, bom: true), .utf16LE),
            (utf16Bytes(Self.sample, littleEndian: false, bom: false), .utf16BE),
            (utf16Bytes(Self.sample, littleEndian: false, bom: true), .utf16BE),
            (utf16Bytes(Self.sample, littleEndian: true, bom: true), .utf16),
            (utf16Bytes(Self.sample, littleEndian: false, bom: true), .utf16),
            (utf16Bytes(Self.sample, littleEndian: true, bom: false), .utf16),  // no BOM: little-endian
        ]
        for (bytes, encoding) in variants {
            let r = read(bytes, chunk: chunk, encoding: encoding)
            #expect(r.error == nil, "\(encoding)")
            #expect(r.fields == Self.sampleFields, "\(encoding)")
            #expect(r.lines == [1, 2, 3])
            #expect(r.bytesConsumed == bytes.count)
        }
    }

    @Test(arguments: chunkSizes)
    func invalidUTF16(chunk: Int) {
        // "x\n", then an unpaired high surrogate before "A", then a lone low surrogate, then an odd byte.
        let bytes: [UInt8] = [0x78, 0x00, 0x0A, 0x00, 0x00, 0xD8, 0x41, 0x00, 0x0A, 0x00, 0x00, 0xDC, 0x0A, 0x00, 0x42]
        let strict = read(bytes, chunk: chunk, encoding: .utf16LE)
        #expect(strict.fields == [["x"]])
        #expect(strict.errorPosition == ErrorPosition(kind: .invalidUTF16(byteOffset: 0), line: 2, fieldIndex: 0))
        #expect(strict.error?.description.contains("--replace-invalid") == true)
        let replaced = read(bytes, chunk: chunk, encoding: .utf16LE, replaceInvalid: true)
        #expect(replaced.error == nil)
        #expect(replaced.fields == [["x"], ["\u{FFFD}A"], ["\u{FFFD}"], ["\u{FFFD}"]])
        #expect(replaced.replacedLines == [2, 3, 4])
        // A high surrogate at the very end.
        #expect(read([0x3D, 0xD8], chunk: chunk, encoding: .utf16LE, replaceInvalid: true).fields == [["\u{FFFD}"]])
    }

    @Test(arguments: chunkSizes)
    func windows1252Decoding(chunk: Int) {
        // it’s, café, €5, „quoted“ — plus the undefined bytes mapping to C1 controls.
        let bytes: [UInt8] = Array("it".utf8) + [0x92] + Array("s,caf".utf8) + [0xE9, 0x2C, 0x80] + Array("5\r\n\"".utf8)
            + [0x84] + Array("q,".utf8) + [0x93, 0x22, 0x2C, 0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x2C, 0x9F, 0xFF]
        let r = read(bytes, chunk: chunk, encoding: .windows1252)
        #expect(r.error == nil)
        #expect(r.fields == [["it’s", "café", "€5"], ["„q,“", "\u{81}\u{8D}\u{8F}\u{90}\u{9D}", "Ÿÿ"]])
        #expect(r.bytesConsumed == bytes.count)
    }

    @Test(arguments: chunkSizes)
    func latin1Decoding(chunk: Int) {
        let r = read([0x92, 0xE9, 0x2C, 0xFF, 0x80, 0x0A], chunk: chunk, encoding: .latin1)
        #expect(r.fields == [["\u{92}é", "ÿ\u{80}"]])
    }

    @Test(arguments: [TextEncoding.windows1252, .latin1])
    func singleByteEncodingsDoNotDropAUTF8BOM(encoding: TextEncoding) {
        #expect(read([0x41, 0xE9], encoding: encoding).fields == [["Aé"]])
    }

    @Test func fileByteSource() throws {
        let directory = try TemporaryDirectory(prefix: "csv-tests")
        defer { directory.remove() }
        let path = directory.path("input.csv")
        var bytes: [UInt8] = []
        CSVWriter().append(record: ["a", "b,c"], to: &bytes)
        CSVWriter().append(record: ["d\"", nil], to: &bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let source = try FileByteSource(path: path)
        #expect(source.fileSize == bytes.count)
        let reader = CSVReader(source: source, options: CSVReaderOptions(chunkSize: 3))
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record.fields) }
        #expect(records == [["a", "b,c"], ["d\"", ""]])
        #expect(reader.bytesConsumed == bytes.count)

        let missing = #expect(throws: CSVError.self) { try FileByteSource(path: path + ".missing") }
        #expect(missing?.description.contains("cannot open") == true)
    }
}
