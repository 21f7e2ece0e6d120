import CSV
import CSVReaderFuzzChecks
import Foundation
import Testing
import TestSupport

/// Replays every input the CSV reader fuzzer (`Tests/Fuzz/run.sh`, target `csv-reader`) ever kept in
/// `Fixtures/fuzz-regressions/csv-reader/`, so a fixed crash or broken invariant stays fixed.
///
/// The inputs are decoded and checked by `CSVReaderFuzzChecks`, the code the fuzzer itself runs, so
/// a replay fails exactly where the fuzzer did.
@Suite struct CSVReaderFuzzRegressionTests {
    @Test func everyKeptInputKeepsEveryInvariantOfTheFuzzer() throws {
        let inputs = Fixtures.fuzzRegressionInputs("csv-reader")
        #expect(!inputs.isEmpty, "no kept inputs found in \(Fixtures.url("fuzz-regressions/csv-reader").path)")
        for url in inputs {
            let violations = CSVReaderFuzzChecks.violations(of: Array(try Data(contentsOf: url)))
            #expect(violations == [], "\(url.lastPathComponent)")
        }
    }

    /// The four option bytes decode as the harness documents, so a kept input still asks for the
    /// reader options it was found with.
    @Test func theOptionBytesChooseTheReaderOptions() {
        // Byte 0 = 1: ';'; byte 1 = 0x83: Windows-1252 and --replace-invalid; byte 2 = 0b001_010:
        // at most 2 bytes a field, chunks of 1 byte; byte 3 = 4: reads of 4 bytes.
        let setup = FuzzedReaderSetup([1, 0x83, 0b001_010, 4] + Array("a;b".utf8))
        #expect(setup.options.dialect.delimiter == UInt8(ascii: ";"))
        #expect(setup.options.encoding == .windows1252)
        #expect(setup.options.replaceInvalid)
        #expect(setup.options.maxFieldBytes == 2)
        #expect(setup.options.chunkSize == 1)
        #expect(setup.maxReadSize == 4)
        #expect(setup.payload == Array("a;b".utf8))
        // Byte 1 = 0x10: windows-1251; 0x40: --encoding auto, whatever the low bits say.
        #expect(FuzzedReaderSetup([0, 0x10]).options.encoding == .windows1251)
        #expect(FuzzedReaderSetup([0, 0x43]).options.detectsEncoding)
        #expect(!FuzzedReaderSetup([0, 0x03]).options.detectsEncoding)
        // A short input is padded with zero bytes: comma, strict UTF-8 detection, default limits.
        let empty = FuzzedReaderSetup([])
        #expect(empty.options.dialect.delimiter == UInt8(ascii: ","))
        #expect(empty.options.encoding == nil)
        #expect(!empty.options.replaceInvalid)
        #expect(empty.payload.isEmpty)
    }

    /// The first input the reader fuzzer kept: a field over a 2-byte limit with a NUL after it gave
    /// "field too large" in small chunks but "NUL byte" in one piece.
    @Test func theErrorForAnOversizedFieldDoesNotDependOnTheChunkSize() throws {
        let bytes: [UInt8] = Array("abcdefgh".utf8) + [0] + Array(",x\r\n".utf8)
        for readSize in [1, 2, 3, 7, nil] as [Int?] {
            let options = CSVReaderOptions(maxFieldBytes: 2, chunkSize: readSize ?? 1 << 20)
            let read = FuzzedRead(bytes: bytes, options: options, maxReadSize: readSize)
            #expect(read.error?.kind == .fieldTooLarge(limit: 2), "read size \(String(describing: readSize))")
            #expect(read.error?.line == 1)
            #expect(read.error?.fieldIndex == 0)
            #expect(read.violations == [])
        }
    }
}
