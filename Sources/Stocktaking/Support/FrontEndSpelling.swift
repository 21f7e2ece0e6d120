/// How a front end writes what the library names: option names and guidance.
///
/// The library says *what* (which filter, which value, what was wrong, the suggestion); the front
/// end says how it is spelled. The command line spells `action_line` as `--action-line`, a URL
/// query string as `action_line`.
public struct FrontEndSpelling: Sendable {
    public let option: @Sendable (OptionName) -> String
    public let guidance: @Sendable (Guidance) -> String?

    public init(option: @escaping @Sendable (OptionName) -> String, guidance: @escaping @Sendable (Guidance) -> String?) {
        self.option = option
        self.guidance = guidance
    }

    /// The library's own names and no guidance: what `description` shows, and how a URL query
    /// string names its parameters (`?action_line=C5`).
    public static let libraryNames = FrontEndSpelling(option: { $0.rawValue }, guidance: { _ in nil })
}

/// An error whose message names options or offers guidance: each front end renders it with its
/// spelling; `description` uses the library's names.
public protocol SpellableError: Error, CustomStringConvertible {
    func message(spelledBy spelling: FrontEndSpelling) -> String
}

extension SpellableError {
    public var description: String { message(spelledBy: .libraryNames) }
}

/// A `SpellableError` whose whole message is one `Wording`: it only says what its wording is.
public protocol WordedError: SpellableError {
    var wording: Wording { get }
}

extension WordedError {
    public func message(spelledBy spelling: FrontEndSpelling) -> String {
        wording.rendered(by: spelling)
    }
}
