import CSV
import Testing

/// Chunk sizes every reader test runs with: tiny reads split quotes, CRLFs and multi-byte
/// characters across chunk boundaries; 1 MiB is the production default.
let chunkSizes = [1, 2, 3, 7, 1 << 20]

/// What a whole read produced: the records before any error, and the error.
struct ReadResult: Equatable {
    var records: [CSVRecord] = []
    var error: CSVError?
    var replacedLines: [Int] = []
    var bytesConsumed = 0
    /// `detectsEncoding`: what the reader chose.
    var detected: DetectedEncoding?

    var fields: [[String]] { records.map(\.fields) }
    var lines: [Int] { records.map(\.line) }

    /// Error without the excerpt, for comparisons across chunk sizes.
    var errorPosition: ErrorPosition? {
        error.map { ErrorPosition(kind: $0.kind, line: $0.line, fieldIndex: $0.fieldIndex) }
    }
}

struct ErrorPosition: Equatable {
    var kind: CSVError.Kind
    var line: Int
    var fieldIndex: Int?
}

func read(
    _ bytes: [UInt8], chunk: Int = 1 << 20, encoding: TextEncoding? = nil, replaceInvalid: Bool = false,
    delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 16 << 20, detectsEncoding: Bool = false
) -> ReadResult {
    let options = CSVReaderOptions(
        dialect: CSVDialect(delimiter: delimiter), encoding: encoding, replaceInvalid: replaceInvalid,
        maxFieldBytes: maxFieldBytes, chunkSize: chunk, detectsEncoding: detectsEncoding)
    let reader = CSVReader(source: MemoryByteSource(bytes, maxReadSize: chunk), options: options)
    var result = ReadResult()
    do {
        while let record = try reader.next() { result.records.append(record) }
        // Reading past the end keeps returning nil.
        if try reader.next() != nil { Issue.record("record after end of input") }
    } catch {
        result.error = error
        // After an error the reader keeps throwing the same error.
        do {
            _ = try reader.next()
            Issue.record("no error on the second call")
        } catch let again {
            #expect(again == error)
        }
    }
    result.replacedLines = reader.replacedInvalidLines
    result.bytesConsumed = reader.bytesConsumed
    result.detected = reader.detectedEncoding
    return result
}

func read(
    _ text: String, chunk: Int = 1 << 20, encoding: TextEncoding? = nil, replaceInvalid: Bool = false,
    delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 16 << 20
) -> ReadResult {
    read(Array(text.utf8), chunk: chunk, encoding: encoding, replaceInvalid: replaceInvalid,
         delimiter: delimiter, maxFieldBytes: maxFieldBytes)
}

func utf16Bytes(_ s: String, littleEndian: Bool, bom: Bool) -> [UInt8] {
    var out: [UInt8] = []
    var units = Array(s.utf16)
    if bom { units.insert(0xFEFF, at: 0) }
    for u in units {
        let lo = UInt8(u & 0xFF), hi = UInt8(u >> 8)
        out += littleEndian ? [lo, hi] : [hi, lo]
    }
    return out
}
