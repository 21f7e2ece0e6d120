// libFuzzer target for the value resolvers: Action Lines, SDGs, GDC objectives, countries, regions,
// stakeholder types, coverage, status, dates (every `DateOrder`), URLs and e-mail addresses.
// Not part of Package.swift; `Tests/Fuzz/run.sh` compiles it with
// `swiftc -sanitize=fuzzer,address -parse-as-library` against the package's modules.
//
// The input, decoded as UTF-8 (invalid bytes become U+FFFD, as `--replace-invalid` would), is given
// to every resolver. None may crash; every error message stays short; and a value that resolves
// re-resolves from its canonical form to itself.
//
// `Tests/StocktakingTests/FuzzRegressionTests.swift` replays saved inputs the same way; change both together.
import Foundation
import Stocktaking

/// The reference data of a freshly migrated database, built once per fuzzing process.
let fuzzReference: ReferenceData = {
    let path = NSTemporaryDirectory() + "stocktake-resolver-fuzz-\(getpid()).db"
    defer {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }
    do {
        let catalog = try Catalog(path: path, access: .migrate, busyTimeout: 5)
        defer { catalog.close() }
        return catalog.reference
    } catch {
        fputs("ResolverFuzz: cannot create the reference database: \(error)\n", stderr)
        exit(2)
    }
}()

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        fputs("ResolverFuzz: invariant violated: \(message())\n", stderr)
        abort()
    }
}

/// Resolves `text` with `resolve`; on success checks that `canonical(value)` resolves to an equal
/// value, on failure that the message is short.
func checkResolver<Value: Equatable>(
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

func fuzzResolvers(_ text: String) {
    let reference = fuzzReference
    checkResolver("action line", text, { (t: String) throws(ResolutionError) in try reference.resolveActionLine(t) }, canonical: \.code)
    checkResolver("action line (C7 allowed)", text, { (t: String) throws(ResolutionError) in try reference.resolveActionLine(t, allowC7: true) }, canonical: \.code)
    if let line = try? reference.resolveActionLine(text) {
        check(line.isLeaf, "a non-leaf Action Line resolved without allowC7")
        check((try? reference.resolveActionLine(text, allowC7: true)) == line, "allowC7 changes what \"\(text)\" resolves to")
    }
    checkResolver("SDG", text, { (t: String) throws(ResolutionError) in try reference.resolveSDG(t) }, canonical: { String($0.id) })
    checkResolver("GDC objective", text, { (t: String) throws(ResolutionError) in try reference.resolveGDCObjective(t) }, canonical: { String($0.id) })
    checkResolver("country", text, { (t: String) throws(ResolutionError) in try reference.resolveCountry(t) }, canonical: \.canonicalToken)
    checkResolver("region", text, { (t: String) throws(ResolutionError) in try reference.resolveRegion(t) }, canonical: \.code)
    checkResolver("stakeholder type", text, { (t: String) throws(ResolutionError) in try reference.resolveStakeholderType(t) }, canonical: \.code)
    checkResolver("coverage", text, { (t: String) throws(ResolutionError) in try reference.resolveCoverage(t) }, canonical: \.rawValue)
    checkResolver("status", text, { (t: String) throws(ResolutionError) in try reference.resolveStatus(t) }, canonical: \.rawValue)
    checkResolver("prize result", text, { (t: String) throws(ResolutionError) in try reference.resolvePrizeResult(t) }, canonical: \.rawValue)
    checkResolver("website", text, { (t: String) throws(ResolutionError) in try ValueParsers.website(t) }, canonical: { $0 })
    checkResolver("e-mail", text, { (t: String) throws(ResolutionError) in try ValueParsers.email(t) }, canonical: { $0 })

    // Dates: the canonical form reads back as itself under every order, and an ISO date means the
    // same whatever --date-format says.
    var results: [DateOrder: String] = [:]
    for order in DateOrder.allCases {
        checkResolver("date \(order.rawValue)", text, { (t: String) throws(ResolutionError) in try ValueParsers.date(t, order: order) }, canonical: { $0 })
        guard let date = try? ValueParsers.date(text, order: order) else { continue }
        results[order] = date
        for other in DateOrder.allCases {
            check((try? ValueParsers.date(date, order: other)) == date, "date \"\(date)\" does not read back under \(other.rawValue)")
        }
        check(date.utf8.count == 4 || date.utf8.count == 7 || date.utf8.count == 10, "date \"\(date)\" is not YYYY, YYYY-MM or YYYY-MM-DD")
    }
    if let iso = results[.iso] {
        check(results[.dayFirst] == iso && results[.monthFirst] == iso, "ISO date \"\(text)\" changes with --date-format")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func resolverFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    fuzzResolvers(String(decoding: bytes, as: UTF8.self))
    return 0
}
