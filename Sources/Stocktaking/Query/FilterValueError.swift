import SafeText

/// A filter value that names nothing: a usage error (exit 64 in the CLI), never an empty result.
///
/// It says which filter (by the library's name), the value and what was wrong; each front end
/// renders it with its own spelling of the filter (`--action-line "C99": no such Action Line; …`
/// on the command line, `action_line "C99": …` for a URL).
public struct FilterValueError: SpellableError, Sendable, Equatable {
    /// The filter's name (`action_line`).
    public let filter: OptionName
    public let value: String
    public let reason: ResolutionError

    public init(filter: ProjectFilterOption, value: String, reason: ResolutionError) {
        self.init(filter: filter.name, value: value, reason: reason)
    }

    public init(filter: OptionName, value: String, reason: ResolutionError) {
        self.filter = filter
        self.value = value
        self.reason = reason
    }

    public func message(spelledBy spelling: FrontEndSpelling) -> String {
        "\(spelling.option(filter)) \(TerminalText.quoted(value)): \(reason.message(spelledBy: spelling))"
    }
}
