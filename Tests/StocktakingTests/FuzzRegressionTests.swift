import CSV
import DatabaseTestSupport
import Foundation
import Stocktaking
import Testing
import TestSupport

/// Replays every input the fuzzers (`Tests/Fuzz/run.sh`) ever kept in `Fixtures/fuzz-regressions/`,
/// so a fixed crash or broken invariant stays fixed.
///
/// `csv-reader/` inputs are decoded exactly as `Tests/Fuzz/CSVReaderFuzz.swift` decodes them (four
/// option bytes, then the CSV text); `resolvers/` inputs are one value, as in
/// `Tests/Fuzz/ResolverFuzz.swift`. Change these together with the harnesses.
@Suite struct FuzzRegressionTests {
    static func inputs(_ target: String) -> [URL] {
        let directory = Fixtures.url("fuzz-regressions/" + target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    // MARK: - CSV reader

    struct ReaderSetup {
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
            var delimiter = Self.delimiters[Int(head[0] & 3)]
            if head[0] & 0x80 != 0 {
                let candidate = head[0] & 0x7F
                if candidate != 0, candidate != UInt8(ascii: "\""), candidate != 0x0A, candidate != 0x0D { delimiter = candidate }
            }
            maxReadSize = Self.readSizes[Int(head[3]) % Self.readSizes.count]
            options = CSVReaderOptions(
                dialect: CSVDialect(delimiter: delimiter), encoding: Self.encodings[Int(head[1] & 7)],
                replaceInvalid: head[1] & 0x80 != 0, maxFieldBytes: Self.fieldLimits[Int(head[2] & 7)],
                chunkSize: Self.chunkSizes[Int((head[2] >> 3) & 7)])
        }
    }

    struct Read {
        var records: [CSVRecord] = []
        var error: CSVError?

        init(_ bytes: [UInt8], options: CSVReaderOptions, maxReadSize: Int?) {
            let reader = CSVReader(source: MemoryByteSource(bytes, maxReadSize: maxReadSize), options: options)
            do throws(CSVError) {
                while let record = try reader.next() { records.append(record) }
            } catch {
                self.error = error
            }
        }
    }

    @Test func everyKeptReaderInputReadsTheSameAtEveryChunkSizeAndRoundTrips() throws {
        for url in Self.inputs("csv-reader") {
            let setup = ReaderSetup(Array(try Data(contentsOf: url)))
            let chunked = Read(setup.payload, options: setup.options, maxReadSize: setup.maxReadSize)
            var whole = setup.options
            whole.chunkSize = setup.payload.count + 1
            let oneShot = Read(setup.payload, options: whole, maxReadSize: nil)
            let name = url.lastPathComponent
            #expect(chunked.records == oneShot.records, "\(name): records depend on the chunk size")
            #expect(chunked.error?.kind == oneShot.error?.kind, "\(name): \(String(describing: chunked.error)) vs \(String(describing: oneShot.error))")
            #expect(chunked.error?.line == oneShot.error?.line, "\(name)")
            #expect(chunked.error?.fieldIndex == oneShot.error?.fieldIndex, "\(name)")
            #expect((chunked.error?.description.utf8.count ?? 0) < 1_000, "\(name)")
            guard chunked.error == nil else { continue }

            let writer = CSVWriter(delimiter: setup.options.dialect.delimiter)
            var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
            for record in chunked.records { writer.append(record: record.fields, to: &bytes) }
            let back = Read(bytes, options: CSVReaderOptions(dialect: setup.options.dialect), maxReadSize: setup.maxReadSize)
            #expect(back.error == nil, "\(name)")
            #expect(back.records.map(\.fields) == chunked.records.map(\.fields), "\(name): the round trip changed the records")
        }
    }

    /// The first input the reader fuzzer kept: a field over a 2-byte limit with a NUL after it gave
    /// "field too large" in small chunks but "NUL byte" in one piece.
    @Test func theErrorForAnOversizedFieldDoesNotDependOnTheChunkSize() throws {
        let bytes: [UInt8] = Array("abcdefgh".utf8) + [0] + Array(",x\r\n".utf8)
        for readSize in [1, 2, 3, 7, nil] as [Int?] {
            let options = CSVReaderOptions(maxFieldBytes: 2, chunkSize: readSize ?? 1 << 20)
            let read = Read(bytes, options: options, maxReadSize: readSize)
            #expect(read.error?.kind == .fieldTooLarge(limit: 2), "read size \(String(describing: readSize))")
            #expect(read.error?.line == 1)
            #expect(read.error?.fieldIndex == 0)
        }
    }

    // MARK: - Resolvers

    @Test func everyKeptResolverInputResolvesToItsOwnCanonicalForm() throws {
        let reference = TemporaryDatabase.sharedReferenceData
        for url in Self.inputs("resolvers") {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            try Self.checkResolvers(text, reference: reference)
        }
    }

    /// What `ResolverFuzz.swift` checks: a resolved value re-resolves from its canonical form to
    /// itself; a rejected one gets a short message.
    static func checkResolvers(_ text: String, reference: ReferenceData) throws {
        func check<Value: Equatable>(_ resolve: (String) throws(ResolutionError) -> Value, canonical: (Value) -> String) {
            do throws(ResolutionError) {
                let value = try resolve(text)
                #expect((try? resolve(canonical(value))) == value, "\(canonical(value)) from \(text.debugDescription)")
            } catch {
                #expect(error.description.utf8.count <= 600, "a \(error.description.utf8.count)-byte message")
            }
        }
        check({ (t: String) throws(ResolutionError) in try reference.resolveActionLine(t) }, canonical: \.code)
        check({ (t: String) throws(ResolutionError) in try reference.resolveActionLine(t, allowC7: true) }, canonical: \.code)
        check({ (t: String) throws(ResolutionError) in try reference.resolveSDG(t) }, canonical: { String($0.id) })
        check({ (t: String) throws(ResolutionError) in try reference.resolveGDCObjective(t) }, canonical: { String($0.id) })
        check({ (t: String) throws(ResolutionError) in try reference.resolveCountry(t) }, canonical: \.canonicalToken)
        check({ (t: String) throws(ResolutionError) in try reference.resolveRegion(t) }, canonical: \.code)
        check({ (t: String) throws(ResolutionError) in try reference.resolveStakeholderType(t) }, canonical: \.code)
        check({ (t: String) throws(ResolutionError) in try reference.resolveCoverage(t) }, canonical: \.rawValue)
        check({ (t: String) throws(ResolutionError) in try reference.resolveStatus(t) }, canonical: \.rawValue)
        check({ (t: String) throws(ResolutionError) in try reference.resolvePrizeResult(t) }, canonical: \.rawValue)
        check({ (t: String) throws(ResolutionError) in try ValueParsers.website(t) }, canonical: { $0 })
        check({ (t: String) throws(ResolutionError) in try ValueParsers.email(t) }, canonical: { $0 })
        for order in DateOrder.allCases {
            check({ (t: String) throws(ResolutionError) in try ValueParsers.date(t, order: order) }, canonical: { $0 })
        }
    }

    /// Long numbers once came back whole in messages ("no such SDG 7777…", a megabyte long) and an
    /// overflowing Action Line number was named "C0".
    @Test(arguments: ["C" + String(repeating: "9", count: 25), String(repeating: "7", count: 5_000),
                      "C7 " + String(repeating: "x", count: 5_000), "GDC " + String(repeating: "8", count: 5_000)])
    func longNumbersAreNamedShortlyAndAsWritten(_ text: String) throws {
        try Self.checkResolvers(text, reference: TemporaryDatabase.sharedReferenceData)
        guard text.hasPrefix("C9") else { return }
        do throws(ResolutionError) {
            _ = try TemporaryDatabase.sharedReferenceData.resolveActionLine(text)
            Issue.record("\(text) resolved")
        } catch {
            #expect(error.problem == "no such Action Line " + text)
        }
    }
}
