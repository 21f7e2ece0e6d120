// libFuzzer target for the streaming CSV reader. Not part of Package.swift (an executable without
// `main` would break `swift build`); `Tests/Fuzz/run.sh` compiles it with
// `swiftc -sanitize=fuzzer,address -parse-as-library` against the package's CSV sources.
//
// Input layout: the first four bytes choose the reader's options (see `FuzzedReaderSetup`), the rest
// is the CSV text. Each input is read twice — with the chosen tiny chunk and read sizes, and in one
// piece — and must give the same records or the same error. Inputs that parse are then written with
// `CSVWriter` and read back: the records must come back unchanged.
//
// `Tests/StocktakingTests/FuzzRegressionTests.swift` decodes inputs the same way; change both together.
import CSV

#if canImport(Glibc)
import Glibc
#endif

/// The reader options an input asks for, decoded from its first four bytes.
struct FuzzedReaderSetup {
    var options: CSVReaderOptions
    var maxReadSize: Int?
    var payload: [UInt8]

    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
    static let encodings: [TextEncoding?] = [nil, nil, .utf8, .windows1252, .latin1, .utf16, .utf16LE, .utf16BE]
    static let fieldLimits = [16 << 20, 1, 2, 3, 8, 64, 1000, 4096]
    static let chunkSizes = [1 << 16, 1, 2, 3, 7, 16, 64, 4096]
    static let readSizes: [Int?] = [nil, 1, 2, 3, 4, 5, 7, 13, 64]

    init(_ bytes: [UInt8]) {
        var head = Array(bytes.prefix(4))
        while head.count < 4 { head.append(0) }
        payload = Array(bytes.dropFirst(4))

        // Byte 0: a common delimiter, or (high bit set) any ASCII byte the CLI accepts.
        var delimiter = Self.delimiters[Int(head[0] & 3)]
        if head[0] & 0x80 != 0 {
            let candidate = head[0] & 0x7F
            if candidate != 0, candidate != UInt8(ascii: "\""), candidate != 0x0A, candidate != 0x0D { delimiter = candidate }
        }
        // Byte 1: encoding (low three bits) and --replace-invalid (high bit).
        let encoding = Self.encodings[Int(head[1] & 7)]
        let replaceInvalid = head[1] & 0x80 != 0
        // Byte 2: maximum field size (low three bits) and chunk size (next three).
        let maxFieldBytes = Self.fieldLimits[Int(head[2] & 7)]
        let chunkSize = Self.chunkSizes[Int((head[2] >> 3) & 7)]
        // Byte 3: how many bytes the source hands over per read.
        maxReadSize = Self.readSizes[Int(head[3]) % Self.readSizes.count]
        options = CSVReaderOptions(
            dialect: CSVDialect(delimiter: delimiter), encoding: encoding, replaceInvalid: replaceInvalid,
            maxFieldBytes: maxFieldBytes, chunkSize: chunkSize)
    }
}

/// What one complete read produced.
struct FuzzedRead: Equatable {
    var records: [CSVRecord] = []
    var error: CSVError?
    var replacedInvalidLines: [Int] = []

    init(bytes: [UInt8], options: CSVReaderOptions, maxReadSize: Int?) {
        let reader = CSVReader(source: MemoryByteSource(bytes, maxReadSize: maxReadSize), options: options)
        do throws(CSVError) {
            while let record = try reader.next() {
                records.append(record)
                // Every record but the last consumes at least its line end.
                check(records.count <= bytes.count + 1, "more records than input bytes")
            }
            // The end is sticky.
            check((try? reader.next()) == nil, "next() after the end returned a record")
        } catch {
            self.error = error
            // An error is sticky too: the same error again.
            do throws(CSVError) {
                _ = try reader.next()
                check(false, "next() after an error did not throw")
            } catch let again {
                check(again == error, "next() after an error threw a different error")
            }
        }
        replacedInvalidLines = reader.replacedInvalidLines
    }
}

/// Stops the fuzzer with a message: libFuzzer records the input as a crash.
func check(_ condition: @autoclosure () -> Bool, _ message: String) {
    if !condition() {
        fputs("CSVReaderFuzz: invariant violated: \(message)\n", stderr)
        abort()
    }
}

func checkInvariants(of read: FuzzedRead, setup: FuzzedReaderSetup) {
    var previousEnd = 0
    for record in read.records {
        check(record.line == previousEnd + 1, "record starts on line \(record.line) after a record ending on line \(previousEnd)")
        check(record.endLine >= record.line, "record ends before it starts")
        check(!record.fields.isEmpty, "a record without fields")
        previousEnd = record.endLine
        if !setup.options.replaceInvalid {
            for field in record.fields {
                check(field.utf8.count <= setup.options.maxFieldBytes, "a field larger than maxFieldBytes was returned")
            }
        }
    }
    if !setup.options.replaceInvalid {
        check(read.replacedInvalidLines.isEmpty, "lines replaced without replaceInvalid")
    }
    if let error = read.error {
        // Messages stay short whatever the input: never the whole field echoed back.
        check(error.description.utf8.count < 1_000, "error message of \(error.description.utf8.count) bytes")
        check((error.excerpt?.unicodeScalars.count ?? 0) <= 400, "excerpt too long")
        check(error.line >= 1, "error without a line")
        if case .io = error.kind { check(false, "I/O error from memory: \(error)") }
        if case .utf16ByteOrderMark = error.kind {
            check(setup.options.encoding == nil || setup.options.encoding == .utf8, "UTF-16 BOM error although a non-UTF-8 encoding was given")
        } else {
            check(error.fieldIndex != nil, "structural error without a field index: \(error)")
            check(error.line > previousEnd, "error on line \(error.line) inside an already returned record")
        }
    }
}

/// Writes `records` with `CSVWriter` and reads them back: the fields must be identical.
func checkRoundTrip(_ records: [CSVRecord], delimiter: UInt8, chunkSize: Int, maxReadSize: Int?) {
    let writer = CSVWriter(delimiter: delimiter)
    // A leading UTF-8 BOM, which the reader drops, keeps a first field that itself starts with
    // U+FEFF intact (otherwise the reader would take that field's first character for a BOM).
    var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
    for record in records { writer.append(record: record.fields, to: &bytes) }
    let options = CSVReaderOptions(dialect: CSVDialect(delimiter: delimiter), chunkSize: chunkSize)
    let back = FuzzedRead(bytes: bytes, options: options, maxReadSize: maxReadSize)
    if let error = back.error {
        check(false, "the writer's output does not read back: \(error)")
    }
    check(back.records.count == records.count, "round trip: \(records.count) records written, \(back.records.count) read")
    for (written, read) in zip(records, back.records) {
        check(written.fields == read.fields, "round trip changed \(written.fields) into \(read.fields)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func csvReaderFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let setup = FuzzedReaderSetup(bytes)

    let chunked = FuzzedRead(bytes: setup.payload, options: setup.options, maxReadSize: setup.maxReadSize)
    checkInvariants(of: chunked, setup: setup)

    // The same input in one piece: chunk and read sizes must not change the outcome.
    var whole = setup.options
    whole.chunkSize = setup.payload.count + 1
    let oneShot = FuzzedRead(bytes: setup.payload, options: whole, maxReadSize: nil)
    check(chunked.records == oneShot.records, "records depend on the chunk size")
    check(chunked.error?.kind == oneShot.error?.kind, "error kind depends on the chunk size: \(String(describing: chunked.error)) vs \(String(describing: oneShot.error))")
    check(chunked.error?.line == oneShot.error?.line, "error line depends on the chunk size")
    check(chunked.error?.fieldIndex == oneShot.error?.fieldIndex, "error field depends on the chunk size")
    check(chunked.replacedInvalidLines == oneShot.replacedInvalidLines, "replaced lines depend on the chunk size")

    if chunked.error == nil {
        checkRoundTrip(
            chunked.records, delimiter: setup.options.dialect.delimiter, chunkSize: setup.options.chunkSize,
            maxReadSize: setup.maxReadSize)
    }
    return 0
}
