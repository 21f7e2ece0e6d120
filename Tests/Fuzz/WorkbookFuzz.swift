// libFuzzer target for the workbook reader (zip directory, inflating, XML, cells). Not part of
// Package.swift (an executable without `main` would break `swift build`); `Tests/Fuzz/run.sh`
// compiles it with `swiftc -sanitize=fuzzer,address -parse-as-library` against the Workbook sources
// and `Tests/Fuzz/WorkbookFuzzChecks/`, which decide what an input means and what must hold for it
// (the regression tests replay kept inputs with the same code).
import WorkbookFuzzChecks

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func workbookFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let violation = WorkbookFuzzChecks.violations(of: bytes).first {
        fputs("WorkbookFuzz: invariant violated: \(violation)\n", stderr)
        abort()
    }
    return 0
}
