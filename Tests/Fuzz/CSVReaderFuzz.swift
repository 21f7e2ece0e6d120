// libFuzzer target for the streaming CSV reader. Not part of Package.swift (an executable without
// `main` would break `swift build`); `Tests/Fuzz/run.sh` compiles it with
// `swiftc -sanitize=fuzzer,address -parse-as-library` against the package's CSV sources and
// `Tests/Fuzz/CSVReaderFuzzChecks/`.
//
// What an input means and what must hold for it is `CSVReaderFuzzChecks` (four option bytes, then
// CSV text, read in chunks and whole, then written and read back): the same code replays the kept
// inputs in `Tests/CSVTests/CSVReaderFuzzRegressionTests.swift`. This file only stops the fuzzer at
// the first broken invariant, so that libFuzzer keeps the input.
import CSVReaderFuzzChecks

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func csvReaderFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let violation = CSVReaderFuzzChecks.violations(of: bytes).first {
        fputs("CSVReaderFuzz: invariant violated: \(violation)\n", stderr)
        abort()
    }
    return 0
}
