// What the resolver fuzzer checks for one input, in one place: the libFuzzer harness
// (`Tests/Fuzz/ResolverFuzz.swift`, built by `Tests/Fuzz/run.sh`) and the replay of kept inputs
// (`Tests/StocktakingTests/Reference/ResolverFuzzRegressionTests.swift`, in `swift test`) both call
// `ResolverFuzzChecks.violations(of:reference:)`, so an input the fuzzer kept fails the replay the
// same way.
//
// The text is given to every resolver: Action Lines, SDGs, GDC objectives, countries, regions,
// stakeholder types, coverage, status, prize results, dates (every `DateOrder`), URLs and e-mail
// addresses. Every error message stays short, and a value that resolves re-resolves from its
// canonical form to itself.
//
// A SwiftPM target (for the tests) that depends on Stocktaking; run.sh compiles it into a module of
// its own, with the same sanitizer flags as Stocktaking.
import Stocktaking

public enum ResolverFuzzChecks {
    /// Every invariant the fuzzer checks for `text` that does not hold; empty when all hold.
    public static func violations(of text: String, reference: ReferenceData) -> [String] {
        var found = Violations()
        found.resolve("action line", text, { (t: String) throws(ResolutionError) in try reference.resolveActionLine(t) }, canonical: \.code)
        found.resolve("action line (C7 allowed)", text, { (t: String) throws(ResolutionError) in try reference.resolveActionLine(t, allowC7: true) }, canonical: \.code)
        if let line = try? reference.resolveActionLine(text) {
            found.check(line.isLeaf, "a non-leaf Action Line resolved without allowC7")
            found.check((try? reference.resolveActionLine(text, allowC7: true)) == line, "allowC7 changes what \"\(text)\" resolves to")
        }
        found.resolve("SDG", text, { (t: String) throws(ResolutionError) in try reference.resolveSDG(t) }, canonical: { String($0.id) })
        found.resolve("GDC objective", text, { (t: String) throws(ResolutionError) in try reference.resolveGDCObjective(t) }, canonical: { String($0.id) })
        found.resolve("country", text, { (t: String) throws(ResolutionError) in try reference.resolveCountry(t) }, canonical: \.canonicalToken)
        found.resolve("region", text, { (t: String) throws(ResolutionError) in try reference.resolveRegion(t) }, canonical: \.code)
        found.resolve("stakeholder type", text, { (t: String) throws(ResolutionError) in try reference.resolveStakeholderType(t) }, canonical: \.code)
        found.resolve("coverage", text, { (t: String) throws(ResolutionError) in try reference.resolveCoverage(t) }, canonical: \.rawValue)
        found.resolve("status", text, { (t: String) throws(ResolutionError) in try reference.resolveStatus(t) }, canonical: \.rawValue)
        found.resolve("prize result", text, { (t: String) throws(ResolutionError) in try reference.resolvePrizeResult(t) }, canonical: \.rawValue)
        found.resolve("website", text, { (t: String) throws(ResolutionError) in try ValueParsers.website(t) }, canonical: { $0 })
        found.resolve("e-mail", text, { (t: String) throws(ResolutionError) in try ValueParsers.email(t) }, canonical: { $0 })

        // Dates: the canonical form reads back as itself under every order, and an ISO date means the
        // same whatever --date-format says.
        var results: [DateOrder: String] = [:]
        for order in DateOrder.allCases {
            found.resolve("date \(order.rawValue)", text, { (t: String) throws(ResolutionError) in try ValueParsers.date(t, order: order) }, canonical: { $0 })
            guard let date = try? ValueParsers.date(text, order: order) else { continue }
            results[order] = date
            for other in DateOrder.allCases {
                found.check((try? ValueParsers.date(date, order: other)) == date, "date \"\(date)\" does not read back under \(other.rawValue)")
            }
            found.check(date.utf8.count == 4 || date.utf8.count == 7 || date.utf8.count == 10, "date \"\(date)\" is not YYYY, YYYY-MM or YYYY-MM-DD")
        }
        if let iso = results[.iso] {
            found.check(results[.dayFirst] == iso && results[.monthFirst] == iso, "ISO date \"\(text)\" changes with --date-format")
        }
        return found.list
    }

    /// Broken invariants, in the order they were found.
    struct Violations {
        var list: [String] = []

        mutating func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { list.append(message()) }
        }

        /// Resolves `text` with `resolve`; on success checks that `canonical(value)` resolves to an
        /// equal value, on failure that the message is short.
        mutating func resolve<Value: Equatable>(
            _ name: String, _ text: String, _ resolve: (String) throws(ResolutionError) -> Value, canonical: (Value) -> String
        ) {
            do throws(ResolutionError) {
                let value = try resolve(text)
                let form = canonical(value)
                do throws(ResolutionError) {
                    let again = try resolve(form)
                    check(again == value, "\(name): \"\(form)\" (canonical form of \"\(text)\") resolves to something else")
                } catch {
                    check(false, "\(name): canonical form \"\(form)\" of \"\(text)\" does not resolve: \(error)")
                }
            } catch {
                // Messages are shown per problem, up to 20 on screen: they must not echo a long value back.
                check(error.description.utf8.count <= 600, "\(name): a \(error.description.utf8.count)-byte message for a \(text.utf8.count)-byte value")
            }
        }
    }
}
