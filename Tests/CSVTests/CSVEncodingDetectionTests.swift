@testable import CSV
import Testing

/// `--encoding auto` (`detectsEncoding`), `windows-1251`, and the hint of an invalid-UTF-8 error.
/// The windows-125x bytes below come from Python's `cp1251` / `cp1252` codecs, not from this code.
@Suite struct CSVEncodingDetectionTests {
    /// "Москва" in windows-1251.
    static let moscow: [UInt8] = [0xCC, 0xEE, 0xF1, 0xEA, 0xE2, 0xE0]
    /// "Съешь же ещё этих мягких французских булок, да выпей чаю" (every Russian letter) in windows-1251.
    static let pangram1251 = hexBytes(
        "d1fae5f8fc20e6e520e5f9b820fdf2e8f520ecffe3eae8f520f4f0e0edf6f3e7f1eae8f520e1f3ebeeea2c20e4e020e2fbefe5e920f7e0fe")
    static let pangram = "Съешь же ещё этих мягких французских булок, да выпей чаю"
    /// "Société Générale, Größe, año señor ¿qué? it’s €5" in windows-1252: French, German, Spanish.
    static let western1252: [UInt8] = [
        0x53, 0x6F, 0x63, 0x69, 0xE9, 0x74, 0xE9, 0x20, 0x47, 0xE9, 0x6E, 0xE9, 0x72, 0x61, 0x6C, 0x65, 0x2C, 0x20,
        0x47, 0x72, 0xF6, 0xDF, 0x65, 0x2C, 0x20, 0x61, 0xF1, 0x6F, 0x20, 0x73, 0x65, 0xF1, 0x6F, 0x72, 0x20, 0xBF,
        0x71, 0x75, 0xE9, 0x3F, 0x20, 0x69, 0x74, 0x92, 0x73, 0x20, 0x80, 0x35,
    ]
    static let western = "Société Générale, Größe, año señor ¿qué? it’s €5"

    static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func auto(_ bytes: [UInt8], chunk: Int, replaceInvalid: Bool = false) -> ReadResult {
        read(bytes, chunk: chunk, replaceInvalid: replaceInvalid, detectsEncoding: true)
    }

    // MARK: - windows-1251

    @Test func windows1251Names() {
        #expect(TextEncoding(name: "windows-1251") == .windows1251)
        #expect(TextEncoding(name: "CP1251") == .windows1251)
        #expect(TextEncoding(name: "Windows1251") == .windows1251)
    }

    @Test(arguments: chunkSizes)
    func windows1251DecodesEveryHighByte(chunk: Int) {
        // 0x80–0xFF as Python's cp1251 codec reads them; 0x98 (undefined) as U+0098, the way
        // windows-1252's undefined bytes read (WHATWG), and neither an error nor U+FFFD.
        let expected = "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—\u{98}™љ›њќћџ\u{A0}ЎўЈ¤Ґ¦§Ё©Є«¬\u{AD}®Ї°±Ііґµ¶·ё№є»јЅѕїАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя"
        let r = read(Array(0x80...0xFF), chunk: chunk, encoding: .windows1251)
        #expect(r.error == nil)
        #expect(r.fields == [[expected]])
        let text = read(Self.moscow + Array(",\"".utf8) + Self.pangram1251 + Array("\"\r\n".utf8), chunk: chunk, encoding: .windows1251)
        #expect(text.fields == [["Москва", Self.pangram]])
    }

    @Test func windows1251RoundTripsThroughTheOutputEncoder() {
        let encoder = OutputEncoder(encoding: .windows1251, byteOrderMark: false)
        let all = Array(UInt8(0x80)...UInt8(0xFF))
        let decoded = read(all, encoding: .windows1251).fields[0][0]
        #expect(encoder.encode(Array(decoded.utf8)) == all)
        #expect(encoder.encode(Array("Москва ✓".utf8)) == Self.moscow + [0x20, 0x3F])
        #expect(encoder.prefix.isEmpty)
    }

    // MARK: - The detector's rules

    @Test func guesses() {
        func guess(_ bytes: [UInt8]) -> EncodingGuess {
            bytes.withUnsafeBufferPointer { EncodingDetector.guess($0) }
        }
        #expect(guess(Array("plain ASCII, 123".utf8)) == .ascii)
        #expect(guess(Array("Société Générale, Größe, 中文, 😀".utf8)) == .utf8)
        #expect(guess(Self.western1252) == .windows1252)
        #expect(guess(Self.moscow) == .windows1251)
        #expect(guess(Self.pangram1251) == .windows1251)
        #expect(guess(Array("Société ".utf8) + [0xE9]) == .mixedUTF8)
        // Undefined in windows-1252; a symbol between letters (Polish "Włochy" in windows-1250).
        #expect(guess([0x61, 0x81, 0x62]) == .unknown)
        #expect(guess([0x57, 0xB3, 0x6F, 0x63, 0x68, 0x79]) == .unknown)
        // Symbols where Western text has them: "25°C", "¿qué?", "col·lecció", "don´t".
        #expect(guess([0x32, 0x35, 0xB0, 0x43]) == .windows1252)
        #expect(guess([0x63, 0x6F, 0x6C, 0xB7, 0x6C, 0x65, 0x63, 0x63, 0x69, 0xF3]) == .windows1252)
        #expect(guess([0x64, 0x6F, 0x6E, 0xB4, 0x74]) == .windows1252)
        // Two accented letters in a row are Western ("Größe", "ações"); three are Cyrillic.
        #expect(guess([0x47, 0x72, 0xF6, 0xDF, 0x65]) == .windows1252)
        #expect(guess([0x61, 0xE7, 0xF5, 0x65, 0x73]) == .windows1252)
        #expect(guess([0xE4, 0xE0, 0x20, 0xED, 0xE5, 0xF2]) == .windows1251)
    }

    /// "Ні, Київ" in windows-1251: "Ні" (CD B3) is also a valid UTF-8 pair (U+0373), which must not
    /// make the file look like UTF-8 with stray bytes.
    static let ukrainian1251: [UInt8] = [0xCD, 0xB3, 0x2C, 0x20, 0xCA, 0xE8, 0xBF, 0xE2]

    @Test(arguments: chunkSizes)
    func cyrillicWithPairsThatAreValidUTF8IsStillCyrillic(chunk: Int) {
        #expect(EncodingGuess(of: Self.ukrainian1251) == .windows1251)
        let bytes = Array("id,city\n1,\"".utf8) + Self.ukrainian1251 + Array("\"\n".utf8)
        let r = Self.auto(bytes, chunk: chunk)
        #expect(r.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.cyrillic), line: 2, fieldIndex: 1))
        #expect(r.error?.excerpt == "Ні, Київ")
        #expect(read(bytes, chunk: chunk).error?.looksLike == .windows1251)
        #expect(read(bytes, chunk: chunk, encoding: .windows1251).fields.last == ["1", "Ні, Київ"])
        // UTF-8 Cyrillic is UTF-8, not a Cyrillic word of windows-1251.
        let utf8 = Self.auto(Array("id,city\n1,\"Ні, Київ, Москва\"\n".utf8), chunk: chunk)
        #expect(utf8.error == nil)
        #expect(utf8.detected?.encoding == .utf8)
    }

    // MARK: - auto

    @Test(arguments: chunkSizes)
    func autoReadsASCIIAsUTF8(chunk: Int) {
        let r = Self.auto(Array("id,title\n1,Plain\n".utf8), chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["id", "title"], ["1", "Plain"]])
        #expect(r.detected == DetectedEncoding(encoding: .utf8, byteOrderMark: false, asciiOnly: true))
        #expect(Self.auto([], chunk: chunk).detected?.asciiOnly == true)
    }

    @Test(arguments: chunkSizes)
    func autoRecognisesUTF8WithAndWithoutAByteOrderMark(chunk: Int) {
        let text = Array(CSVEncodingTests.sample.utf8)
        let plain = Self.auto(text, chunk: chunk)
        #expect(plain.error == nil)
        #expect(plain.fields == CSVEncodingTests.sampleFields)
        #expect(plain.detected == DetectedEncoding(encoding: .utf8, byteOrderMark: false, asciiOnly: false))
        let bom = Self.auto([0xEF, 0xBB, 0xBF] + text, chunk: chunk)
        #expect(bom.fields == CSVEncodingTests.sampleFields)
        #expect(bom.detected == DetectedEncoding(encoding: .utf8, byteOrderMark: true, asciiOnly: false))
        // A byte order mark with nothing but ASCII after it.
        #expect(Self.auto([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8), chunk: chunk).detected?.byteOrderMark == true)
    }

    @Test(arguments: chunkSizes)
    func autoRecognisesUTF16ByItsByteOrderMark(chunk: Int) {
        for littleEndian in [true, false] {
            let r = Self.auto(utf16Bytes(CSVEncodingTests.sample, littleEndian: littleEndian, bom: true), chunk: chunk)
            #expect(r.error == nil)
            #expect(r.fields == CSVEncodingTests.sampleFields)
            #expect(r.detected == DetectedEncoding(encoding: littleEndian ? .utf16LE : .utf16BE, byteOrderMark: true, asciiOnly: false))
        }
        // Without a byte order mark UTF-16 is not guessed: its NUL bytes stop the reader.
        #expect(Self.auto(utf16Bytes("a,b\n", littleEndian: true, bom: false), chunk: chunk).error?.kind == .nulByte)
    }

    @Test(arguments: chunkSizes)
    func autoReadsWesternWindows1252(chunk: Int) {
        let r = Self.auto(Array("id,title\n1,\"".utf8) + Self.western1252 + Array("\"\n".utf8), chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields == [["id", "title"], ["1", Self.western]])
        #expect(r.detected == DetectedEncoding(encoding: .windows1252, byteOrderMark: false, asciiOnly: false))
    }

    @Test(arguments: chunkSizes)
    func autoRefusesCyrillic(chunk: Int) {
        let bytes = Array("id,city\n1,Paris\n2,".utf8) + Self.moscow + Array("\n".utf8)
        let r = Self.auto(bytes, chunk: chunk)
        #expect(r.fields == [["id", "city"], ["1", "Paris"]])
        #expect(r.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.cyrillic), line: 3, fieldIndex: 1))
        // The excerpt shows the word as windows-1251 reads it.
        #expect(r.error?.excerpt == "Москва")
        #expect(r.error?.description.contains("use --encoding windows-1251") == true)
        // --replace-invalid is for stray bytes: it does not let a wrong guess through.
        #expect(Self.auto(bytes, chunk: chunk, replaceInvalid: true).error?.kind == .encodingNotRecognised(.cyrillic))
        // Named, the same file reads.
        #expect(read(bytes, chunk: chunk, encoding: .windows1251).fields.last == ["2", "Москва"])
    }

    @Test(arguments: chunkSizes)
    func autoRefusesValidUTF8MixedWithStrayBytes(chunk: Int) {
        let bytes = Array("id,title\n1,Société\n2,caf".utf8) + [0xE9] + Array("\n".utf8)
        let r = Self.auto(bytes, chunk: chunk)
        #expect(r.fields == [["id", "title"], ["1", "Société"]])
        #expect(r.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.mixedUTF8), line: 3, fieldIndex: 1))
        #expect(r.error?.description.contains("--encoding utf-8 --replace-invalid") == true)
        // With --replace-invalid the stray byte becomes U+FFFD, listed; nothing is read as windows-1252.
        let replaced = Self.auto(bytes, chunk: chunk, replaceInvalid: true)
        #expect(replaced.error == nil)
        #expect(replaced.fields.last == ["2", "caf\u{FFFD}"])
        #expect(replaced.replacedLines == [3])
        #expect(replaced.detected?.encoding == .utf8)
    }

    @Test(arguments: chunkSizes)
    func autoRefusesBytesThatAreNotPlausibleWindows1252(chunk: Int) {
        let undefined = Self.auto(Array("id,title\n1,a".utf8) + [0x81] + Array("b\n".utf8), chunk: chunk)
        #expect(undefined.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.notWindows1252), line: 2, fieldIndex: 1))
        let polish = Self.auto(Array("id,country\n1,".utf8) + [0x57, 0xB3, 0x6F, 0x63, 0x68, 0x79, 0x0A], chunk: chunk)
        #expect(polish.error?.kind == .encodingNotRecognised(.notWindows1252))
    }

    /// 70,000 bytes of one kind, so that what follows lies beyond the detection window.
    static func filler(_ row: [UInt8], count: Int = 70_000) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count { bytes += row }
        return bytes
    }

    @Test(arguments: [1 << 20, 7])
    func autoDecidesAtTheFirstHighByteWhereverItIs(chunk: Int) {
        // ASCII beyond the window, then windows-1252: still recognised, not read as UTF-8.
        let bytes = Array("id,title\n".utf8) + Self.filler(Array("1,plain\n".utf8)) + Array("2,caf".utf8) + [0xE9, 0x0A]
        let r = Self.auto(bytes, chunk: chunk)
        #expect(r.error == nil)
        #expect(r.fields.last == ["2", "café"])
        #expect(r.detected?.encoding == .windows1252)
    }

    @Test(arguments: [1 << 20, 7])
    func autoChecksEveryByteAfterTheWindow(chunk: Int) {
        let header = Array("id,title\n".utf8)
        let utf8Rows = Self.filler(Array("1,Société\n".utf8))
        let rowsBefore = 1 + utf8Rows.count(where: { $0 == 0x0A })
        // UTF-8 chosen, then a stray byte far beyond the window: refused on its line.
        let stray = Self.auto(header + utf8Rows + Array("2,caf".utf8) + [0xE9, 0x0A], chunk: chunk)
        #expect(stray.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.mixedUTF8), line: rowsBefore + 1, fieldIndex: 1))
        // windows-1252 chosen, then valid UTF-8 beyond the window: refused, never "SociÃ©tÃ©".
        let western = Self.filler(Array("1,caf".utf8) + [0xE9, 0x0A])  // "café" in windows-1252
        let rows1252 = 1 + western.count(where: { $0 == 0x0A })
        let mojibake = Self.auto(header + western + Array("2,Société\n".utf8), chunk: chunk)
        #expect(mojibake.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.mixedUTF8), line: rows1252 + 1, fieldIndex: 1))
        #expect(mojibake.fields.dropFirst().allSatisfy { $0 == ["1", "café"] })
        // windows-1252 chosen, then a Cyrillic word beyond the window.
        let cyrillic = Self.auto(header + western + Array("2,".utf8) + Self.moscow + [0x0A], chunk: chunk)
        #expect(cyrillic.errorPosition == ErrorPosition(kind: .encodingNotRecognised(.cyrillic), line: rows1252 + 1, fieldIndex: 1))
    }

    // MARK: - The hint without --encoding

    @Test(arguments: chunkSizes)
    func invalidUTF8SaysWhatTheBytesLookLike(chunk: Int) {
        let western = read(Array("id,title\n1,".utf8) + Self.western1252 + [0x0A], chunk: chunk)
        #expect(western.errorPosition == ErrorPosition(kind: .invalidUTF8(byteOffset: 4), line: 2, fieldIndex: 1))
        #expect(western.error?.looksLike == .windows1252)
        #expect(western.error?.description.contains("looks like windows-1252: add --encoding windows-1252") == true)

        let cyrillic = read(Array("id,title\n1,".utf8) + Self.pangram1251 + [0x0A], chunk: chunk)
        #expect(cyrillic.error?.looksLike == .windows1251)
        #expect(cyrillic.error?.description.contains("looks like Cyrillic windows-1251: add --encoding windows-1251") == true)

        // Valid UTF-8 earlier in the file: the invalid byte is a stray one, not another encoding.
        let stray = read(Array("id,title\n1,Société\n2,caf".utf8) + [0xE9, 0x0A], chunk: chunk)
        #expect(stray.errorPosition == ErrorPosition(kind: .invalidUTF8(byteOffset: 3), line: 3, fieldIndex: 1))
        #expect(stray.error?.looksLike == .mixedUTF8)
        #expect(stray.error?.description.contains("stray byte") == true)
        #expect(stray.error?.description.contains("--encoding windows-1252") == false)
    }
}
