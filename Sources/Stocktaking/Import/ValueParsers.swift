/// How day-first and month-first dates are read (`--date-format`).
public enum DateOrder: String, Sendable, CaseIterable {
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` only.
    case iso = "YYYY-MM-DD"
    case dayFirst = "DD/MM/YYYY"
    case monthFirst = "MM/DD/YYYY"
}

/// Parsers for matched scalar values: dates, URLs, e-mail addresses.
public enum ValueParsers {
    /// Parses a date into canonical `YYYY-MM-DD` (or `YYYY-MM` / `YYYY` when only those are given).
    ///
    /// ISO dates are always accepted; `DD/MM/YYYY` or `MM/DD/YYYY` (with `/`, `.` or `-`) only with
    /// the matching `order`, because `03/04/2024` means two different days. A time of midnight that
    /// spreadsheets append (`2024-03-01 00:00:00`) is dropped.
    public static func date(_ text: String, order: DateOrder) throws(ResolutionError) -> String {
        var value = Substring(MatchKey.make(text))
        if let space = value.firstIndex(where: { $0 == " " || $0 == "t" }), value[value.index(after: space)...].allSatisfy({ $0 == ":" || $0 == "0" || $0 == "z" || $0 == "." }) {
            value = value[..<space]
        }
        let parts = value.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            throw ResolutionError("not a date", suggestion: expectedDateHint(order))
        }
        let numbers = parts.map { Int($0) ?? -1 }
        switch parts.count {
        case 1 where parts[0].count == 4:
            return try canonical(year: numbers[0], month: nil, day: nil)
        case 2 where parts[0].count == 4:
            return try canonical(year: numbers[0], month: numbers[1], day: nil)
        case 3 where parts[0].count == 4:
            return try canonical(year: numbers[0], month: numbers[1], day: numbers[2])
        case 3 where parts[2].count == 4 && order != .iso:
            let (day, month) = order == .dayFirst ? (numbers[0], numbers[1]) : (numbers[1], numbers[0])
            return try canonical(year: numbers[2], month: month, day: day)
        case 3 where parts[2].count == 4:
            // Stays an error (one file may mix both orders), but say which order it must be when it can only be one.
            if numbers[0] > 12, numbers[1] <= 12 {
                throw ResolutionError("not an ISO date", suggestion: "use --date-format DD/MM/YYYY (\(numbers[0]) cannot be a month), or write YYYY-MM-DD")
            }
            if numbers[1] > 12, numbers[0] <= 12 {
                throw ResolutionError("not an ISO date", suggestion: "use --date-format MM/DD/YYYY (\(numbers[1]) cannot be a month), or write YYYY-MM-DD")
            }
            throw ResolutionError("ambiguous date", suggestion: "write YYYY-MM-DD, or pass --date-format DD/MM/YYYY or MM/DD/YYYY")
        default:
            throw ResolutionError("not a date", suggestion: expectedDateHint(order))
        }
    }

    private static func expectedDateHint(_ order: DateOrder) -> String {
        order == .iso ? "expected YYYY-MM-DD (or YYYY-MM, YYYY)" : "expected \(order.rawValue) or YYYY-MM-DD"
    }

    private static func canonical(year: Int, month: Int?, day: Int?) throws(ResolutionError) -> String {
        guard (1900...2100).contains(year) else {
            throw ResolutionError("impossible date: year \(year) is outside 1900–2100")
        }
        guard let month else { return pad(year, 4) }
        guard (1...12).contains(month) else { throw ResolutionError("impossible date: there is no month \(month)") }
        guard let day else { return pad(year, 4) + "-" + pad(month, 2) }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else {
            throw ResolutionError("impossible date: \(pad(year, 4))-\(pad(month, 2)) has \(days) days")
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Accepts an absolute http(s) URL with a host and no spaces; returns it trimmed.
    public static func website(_ text: String) throws(ResolutionError) -> String {
        let trimmed = trim(text)
        guard let address = WebAddress(trimmed) else {
            let hint = trimmed.lowercased().hasPrefix("www.") ? "did you mean https://\(trimmed)?" : "write a full address starting with https://"
            throw ResolutionError("not an http(s) URL", suggestion: hint)
        }
        // Lenient on purpose: only what cannot be an address at all is refused; `check` reports
        // addresses that cannot be reached as written.
        let authority = address.authority
        guard !authority.isEmpty, authority.contains("."), !trimmed.contains(where: { $0 == " " || $0.isNewline || $0 == "\t" }),
              !authority.hasPrefix("."), !authority.hasSuffix(".")
        else {
            throw ResolutionError("not a valid URL", suggestion: "expected an address like https://www.example.org/path")
        }
        return trimmed
    }

    /// Accepts `local@domain.tld` without spaces; returns it trimmed.
    public static func email(_ text: String) throws(ResolutionError) -> String {
        let trimmed = trim(text)
        var candidate = Substring(trimmed)
        if candidate.lowercased().hasPrefix("mailto:") { candidate = candidate.dropFirst(7) }
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !candidate.contains(where: { $0 == " " || $0.isNewline || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
        else {
            throw ResolutionError("not an e-mail address", suggestion: candidate.contains(where: { $0 == "," || $0 == ";" || $0 == " " }) ? "give one address only" : "expected an address like name@example.org")
        }
        return String(candidate)
    }

    /// Trims white space (including non-breaking spaces) at both ends.
    public static func trim(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        if first == text.startIndex && last == text.index(before: text.endIndex) { return text }
        return String(text[first...last])
    }

    /// Text with something other than white space in it.
    public static func hasContent(_ text: String) -> Bool {
        text.contains { !$0.isWhitespace }
    }
}
