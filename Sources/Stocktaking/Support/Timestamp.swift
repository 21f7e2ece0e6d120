import Glibc

/// UTC timestamps in ISO 8601 (`2026-11-29T04:40:12Z`), the form stored in the database.
public enum Timestamp {
    public static func now() -> String {
        format(time(nil), pattern: "%Y-%m-%dT%H:%M:%SZ")
    }

    /// `20261129T044012Z`: sortable and safe in file names (bundle directories).
    public static func compactNow() -> String {
        format(time(nil), pattern: "%Y%m%dT%H%M%SZ")
    }

    /// `2026-11-29T04:40:12.123456789Z`: orders events within one second (backup records).
    public static func preciseNow() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = String(now.tv_nsec)
        return format(now.tv_sec, pattern: "%Y-%m-%dT%H:%M:%S") + "." + String(repeating: "0", count: 9 - nanoseconds.count) + nanoseconds + "Z"
    }

    public static func currentYear() -> Int {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return Int(parts.tm_year) + 1900
    }

    /// Today's date as `YYYY-MM-DD` (UTC).
    public static func today() -> String {
        format(time(nil), pattern: "%Y-%m-%d")
    }

    private static func format(_ seconds: time_t, pattern: String) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
