import Foundation

/// Upper bounds on time for the few tests that guard against a hang or a complexity bug (a
/// quadratic header check, a timeout that never fires).
///
/// A unit test must not measure speed: on a busy machine a fast path takes several times longer,
/// and the test would fail for no fault of the code (the benchmark measures speed). So a bound is
/// never near the expected time: it is `hangFactor` (50) times what the work takes on a quiet
/// machine, so that only a hang or a change of complexity class can reach it. Under a sanitizer
/// (`Tests/Scripts/sanitizers.sh` sets ASAN_OPTIONS or TSAN_OPTIONS) code runs several times
/// slower by design, so the bound is multiplied again.
public enum TimeAllowance {
    public static let hangFactor = 50

    public static let instrumented: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil
    }()

    /// The bound for work that takes about `expected` on a quiet machine in a debug build.
    public static func bound(expected: Duration) -> Duration {
        expected * hangFactor * (instrumented ? 10 : 1)
    }
}
