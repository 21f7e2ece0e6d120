// libFuzzer target for the value resolvers. Not part of Package.swift; `Tests/Fuzz/run.sh` compiles
// it with `swiftc -sanitize=fuzzer,address -parse-as-library` against the package's modules and
// `Tests/Fuzz/ResolverFuzzChecks/`.
//
// The input, decoded as UTF-8 (invalid bytes become U+FFFD, as `--replace-invalid` would), goes to
// `ResolverFuzzChecks`, which gives it to every resolver and checks what must hold: the same code
// replays the kept inputs in `Tests/StocktakingTests/Reference/ResolverFuzzRegressionTests.swift`.
// This file builds the reference data once and stops the fuzzer at the first broken invariant.
import Foundation
import ResolverFuzzChecks
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

@_cdecl("LLVMFuzzerTestOneInput")
public func resolverFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    if let violation = ResolverFuzzChecks.violations(of: text, reference: fuzzReference).first {
        fputs("ResolverFuzz: invariant violated: \(violation)\n", stderr)
        abort()
    }
    return 0
}
