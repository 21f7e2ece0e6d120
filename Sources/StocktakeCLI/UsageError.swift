/// A usage problem found after parsing (e.g. an unknown filter value): exit 64, with a suggestion.
public struct UsageError: Error, CustomStringConvertible, ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
