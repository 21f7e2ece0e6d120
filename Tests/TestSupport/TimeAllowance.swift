import Foundation

/// Time limits for the few tests that check a requirement stated in seconds (a 100,000-column
/// header rejected "in well under a second", hostile inputs "in a few seconds").
///
/// The limits hold for normal builds. Under a sanitizer (`Tests/Scripts/sanitizers.sh`, which sets
/// ASAN_OPTIONS or TSAN_OPTIONS) the same code runs several times slower by design, so the limit is
/// multiplied: the test still catches a hang or a quadratic blow-up without failing on the
/// instrumentation's own cost.
public enum TimeAllowance {
    public static let instrumented: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil
    }()

    public static func limit(_ duration: Duration) -> Duration {
        instrumented ? duration * 10 : duration
    }
}
