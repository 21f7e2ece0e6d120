import DatabaseTestSupport
import Foundation
import ResolverFuzzChecks
import Stocktaking
import Testing
import TestSupport

/// Replays every input the resolver fuzzer (`Tests/Fuzz/run.sh`, target `resolvers`) ever kept in
/// `Fixtures/fuzz-regressions/resolvers/`, so a fixed crash or broken invariant stays fixed.
///
/// Each input is one value, checked by `ResolverFuzzChecks`, the code the fuzzer itself runs. (The
/// CSV reader's kept inputs are replayed by `CSVReaderFuzzRegressionTests` in CSVTests.)
@Suite struct ResolverFuzzRegressionTests {
    @Test func everyKeptResolverInputKeepsEveryInvariantOfTheFuzzer() throws {
        let reference = TemporaryDatabase.sharedReferenceData
        for url in Fixtures.fuzzRegressionInputs("resolvers") {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            #expect(ResolverFuzzChecks.violations(of: text, reference: reference) == [], "\(url.lastPathComponent)")
        }
    }

    /// The seed values of the fuzzer keep every invariant too.
    @Test func everySeedKeepsEveryInvariantOfTheFuzzer() throws {
        let seeds = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Tests/Fuzz/resolver-seeds.txt"), encoding: .utf8)
        let lines = seeds.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count > 10)
        for line in lines {
            #expect(ResolverFuzzChecks.violations(of: line, reference: TemporaryDatabase.sharedReferenceData) == [], "\(line.debugDescription)")
        }
    }

    /// Long numbers once came back whole in messages ("no such SDG 7777…", a megabyte long) and an
    /// overflowing Action Line number was named "C0".
    @Test(arguments: ["C" + String(repeating: "9", count: 25), String(repeating: "7", count: 5_000),
                      "C7 " + String(repeating: "x", count: 5_000), "GDC " + String(repeating: "8", count: 5_000)])
    func longNumbersAreNamedShortlyAndAsWritten(_ text: String) throws {
        #expect(ResolverFuzzChecks.violations(of: text, reference: TemporaryDatabase.sharedReferenceData) == [])
        guard text.hasPrefix("C9") else { return }
        do throws(ResolutionError) {
            _ = try TemporaryDatabase.sharedReferenceData.resolveActionLine(text)
            Issue.record("\(text) resolved")
        } catch {
            #expect(error.problem == "no such Action Line " + text)
        }
    }
}
