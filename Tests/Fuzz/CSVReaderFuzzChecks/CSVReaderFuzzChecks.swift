// What the CSV reader fuzzer does with one input, in one place: the libFuzzer harness
// (`Tests/Fuzz/CSVReaderFuzz.swift`, built by `Tests/Fuzz/run.sh`) and the replay of kept inputs
// (`Tests/CSVTests/CSVReaderFuzzRegressionTests.swift`, in `swift test`) both call
// `CSVReaderFuzzChecks.violations(of:)`, so an input the fuzzer kept fails the replay the same way.
//
// Input layout: the first four bytes choose the reader's options (see `FuzzedReaderSetup`), the rest
// is the CSV text. Each input is read twice — with the chosen tiny chunk and read sizes, and in one
// piece — and must give the same records or the same error. Inputs that parse are then written with
// `CSVWriter` and read back: the records must come back unchanged.
//
// A SwiftPM target (for the tests) that depends on CSV alone; run.sh compiles it into a module of
// its own, with the same sanitizer flags as CSV.
import CSV

/// The reader options an input asks for, decoded from its first four bytes.
public struct FuzzedReaderSetup: Sendable {
    public var options: CSVReaderOptions
    public var maxReadSize: Int?
    public var payload: [UInt8]

    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
    static let encodings: [TextEncoding?] = [nil, nil, .utf8, .windows1252, .latin1, .utf16, .utf16LE, .utf16BE]
    static let fieldLimits = [16 << 20, 1, 2, 3, 8, 64, 1000, 4096]
    static let chunkSizes = [1 << 16, 1, 2, 3, 7, 16, 64, 4096]
    static let readSizes: [Int?] = [nil, 1, 2, 3, 4, 5, 7, 13, 64]

    public init(_ bytes: [UInt8]) {
        var head = Array(bytes.prefix(4))
        while head.count < 4 { head.append(0) }
        payload = Array(bytes.dropFirst(4))

        // Byte 0: a common delimiter, or (high bit set) any ASCII byte the CLI accepts.
        var delimiter = Self.delimiters[Int(head[0] & 3)]
        if head[0] & 0x80 != 0 {
            let candidate = head[0] & 0x7F
            if candidate != 0, candidate != UInt8(ascii: "\""), candidate != 0x0A, candidate != 0x0D { delimiter = candidate }
        }
        // Byte 1: encoding (low three bits), windows-1251 instead (bit 4), --encoding auto instead of
        // either (bit 6), and --replace-invalid (high bit). Bits 4 and 6 came later: no input kept
        // before them had them set.
        var encoding = Self.encodings[Int(head[1] & 7)]
        let detectsEncoding = head[1] & 0x40 != 0
        if head[1] & 0x10 != 0 { encoding = .windows1251 }
        let replaceInvalid = head[1] & 0x80 != 0
        // Byte 2: maximum field size (low three bits) and chunk size (next three).
        let maxFieldBytes = Self.fieldLimits[Int(head[2] & 7)]
        let chunkSize = Self.chunkSizes[Int((head[2] >> 3) & 7)]
        // Byte 3: how many bytes the source hands over per read.
        maxReadSize = Self.readSizes[Int(head[3]) % Self.readSizes.count]
        options = CSVReaderOptions(
            dialect: CSVDialect(delimiter: delimiter), encoding: encoding, replaceInvalid: replaceInvalid,
            maxFieldBytes: maxFieldBytes, chunkSize: chunkSize, detectsEncoding: detectsEncoding)
    }
}

/// What one complete read produced, and the reader's own invariants it broke.
public struct FuzzedRead: Sendable, Equatable {
    public var records: [CSVRecord] = []
    public var error: CSVError?
    public var replacedInvalidLines: [Int] = []
    /// With `detectsEncoding`: what the reader chose.
    public var detected: DetectedEncoding?
    /// Broken invariants of the reading itself (sticky end, sticky error, bounded record count).
    public var violations: [String] = []

    public init(bytes: [UInt8], options: CSVReaderOptions, maxReadSize: Int?) {
        let reader = CSVReader(source: MemoryByteSource(bytes, maxReadSize: maxReadSize), options: options)
        do throws(CSVError) {
            while let record = try reader.next() {
                records.append(record)
                // Every record but the last consumes at least its line end.
                if records.count > bytes.count + 1 {
                    violations.append("more records than input bytes")
                    break
                }
            }
            // The end is sticky.
            if (try? reader.next()) != nil { violations.append("next() after the end returned a record") }
        } catch {
            self.error = error
            // An error is sticky too: the same error again.
            do throws(CSVError) {
                _ = try reader.next()
                violations.append("next() after an error did not throw")
            } catch let again {
                if again != error { violations.append("next() after an error threw a different error") }
            }
        }
        replacedInvalidLines = reader.replacedInvalidLines
        detected = reader.detectedEncoding
    }
}

public enum CSVReaderFuzzChecks {
    /// Every invariant the fuzzer checks for `input` (four option bytes, then CSV text) that does
    /// not hold; empty when all hold.
    public static func violations(of input: [UInt8]) -> [String] {
        var found = Violations()
        let setup = FuzzedReaderSetup(input)

        let chunked = FuzzedRead(bytes: setup.payload, options: setup.options, maxReadSize: setup.maxReadSize)
        found.list += chunked.violations
        checkInvariants(of: chunked, setup: setup, &found)

        // The same input in one piece: chunk and read sizes must not change the outcome.
        var whole = setup.options
        whole.chunkSize = setup.payload.count + 1
        let oneShot = FuzzedRead(bytes: setup.payload, options: whole, maxReadSize: nil)
        found.list += oneShot.violations
        found.check(chunked.records == oneShot.records, "records depend on the chunk size")
        found.check(
            chunked.error?.kind == oneShot.error?.kind,
            "error kind depends on the chunk size: \(String(describing: chunked.error)) vs \(String(describing: oneShot.error))")
        found.check(chunked.error?.line == oneShot.error?.line, "error line depends on the chunk size")
        found.check(chunked.error?.fieldIndex == oneShot.error?.fieldIndex, "error field depends on the chunk size")
        found.check(chunked.replacedInvalidLines == oneShot.replacedInvalidLines, "replaced lines depend on the chunk size")

        found.check(chunked.detected == oneShot.detected, "the encoding auto chose depends on the chunk size")
        if setup.options.detectsEncoding, chunked.error == nil { checkDetection(chunked, setup: setup, &found) }

        if chunked.error == nil {
            checkRoundTrip(
                chunked.records, delimiter: setup.options.dialect.delimiter, chunkSize: setup.options.chunkSize,
                maxReadSize: setup.maxReadSize, &found)
        }
        return found.list
    }

    /// Broken invariants, in the order they were found.
    struct Violations {
        var list: [String] = []

        mutating func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { list.append(message()) }
        }
    }

    static func checkInvariants(of read: FuzzedRead, setup: FuzzedReaderSetup, _ found: inout Violations) {
        var previousEnd = 0
        for record in read.records {
            found.check(record.line == previousEnd + 1, "record starts on line \(record.line) after a record ending on line \(previousEnd)")
            found.check(record.endLine >= record.line, "record ends before it starts")
            found.check(!record.fields.isEmpty, "a record without fields")
            previousEnd = record.endLine
            if !setup.options.replaceInvalid {
                for field in record.fields {
                    found.check(field.utf8.count <= setup.options.maxFieldBytes, "a field larger than maxFieldBytes was returned")
                }
            }
        }
        if !setup.options.replaceInvalid {
            found.check(read.replacedInvalidLines.isEmpty, "lines replaced without replaceInvalid")
        }
        if let error = read.error {
            // Messages stay short whatever the input: never the whole field echoed back.
            found.check(error.description.utf8.count < 1_000, "error message of \(error.description.utf8.count) bytes")
            found.check((error.excerpt?.unicodeScalars.count ?? 0) <= 400, "excerpt too long")
            found.check(error.line >= 1, "error without a line")
            if case .io = error.kind { found.check(false, "I/O error from memory: \(error)") }
            if case .utf16ByteOrderMark = error.kind {
                found.check(
                    setup.options.encoding == nil || setup.options.encoding == .utf8,
                    "UTF-16 BOM error although a non-UTF-8 encoding was given")
            } else {
                found.check(error.fieldIndex != nil, "structural error without a field index: \(error)")
                found.check(error.line > previousEnd, "error on line \(error.line) inside an already returned record")
            }
        }
    }

    /// `--encoding auto` read the whole input: it chose an encoding, reading with that encoding named
    /// gives the same records, and the input is what was chosen — never windows-1252 for bytes that
    /// hold UTF-8, so no mojibake is returned.
    static func checkDetection(_ read: FuzzedRead, setup: FuzzedReaderSetup, _ found: inout Violations) {
        guard let detected = read.detected else {
            found.check(false, "auto read the whole input without choosing an encoding")
            return
        }
        var named = setup.options
        named.detectsEncoding = false
        named.encoding = detected.encoding
        let again = FuzzedRead(bytes: setup.payload, options: named, maxReadSize: setup.maxReadSize)
        found.check(again.records == read.records && again.error == nil, "auto and --encoding \(detected.encoding.rawValue) read differently")
        switch (detected.encoding, detected.byteOrderMark) {
        case (.windows1252, _):
            found.check(EncodingGuess(of: setup.payload) == .windows1252, "auto chose windows-1252 for \(EncodingGuess(of: setup.payload))")
        case (.utf8, false) where !setup.options.replaceInvalid:
            let guess = EncodingGuess(of: setup.payload)
            found.check(guess == (detected.asciiOnly ? .ascii : .utf8), "auto chose UTF-8 for \(guess)")
        default:
            break
        }
    }

    /// Writes `records` with `CSVWriter` and reads them back: the fields must be identical.
    static func checkRoundTrip(
        _ records: [CSVRecord], delimiter: UInt8, chunkSize: Int, maxReadSize: Int?, _ found: inout Violations
    ) {
        let writer = CSVWriter(delimiter: delimiter)
        // A leading UTF-8 BOM, which the reader drops, keeps a first field that itself starts with
        // U+FEFF intact (otherwise the reader would take that field's first character for a BOM).
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        for record in records { writer.append(record: record.fields, to: &bytes) }
        let options = CSVReaderOptions(dialect: CSVDialect(delimiter: delimiter), chunkSize: chunkSize)
        let back = FuzzedRead(bytes: bytes, options: options, maxReadSize: maxReadSize)
        found.list += back.violations.map { "round trip: " + $0 }
        if let error = back.error {
            found.check(false, "the writer's output does not read back: \(error)")
        }
        found.check(back.records.count == records.count, "round trip: \(records.count) records written, \(back.records.count) read")
        for (written, read) in zip(records, back.records) {
            found.check(written.fields == read.fields, "round trip changed \(written.fields) into \(read.fields)")
        }
    }
}
