/// Text for a person that names options and points to what a front end offers next, written by
/// the library and rendered by each front end in its own terms.
///
/// ```swift
/// let text: Wording = "\(option: .keep) needs a file to write; \(path) is not one"
/// text.rendered(by: spelling)   // CLI: "--keep needs a file to write; - is not one"
/// ```
public struct Wording: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Piece: Sendable, Hashable {
        case text(String)
        case option(OptionName)
        /// `; ` and the front end's words, or nothing when it has none.
        case guidance(Guidance)
    }

    var pieces: [Piece]

    public init(stringLiteral value: String) {
        pieces = [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        public mutating func appendInterpolation(_ text: String) {
            pieces.append(.text(text))
        }

        public mutating func appendInterpolation(_ number: some BinaryInteger) {
            pieces.append(.text(String(number)))
        }

        public mutating func appendInterpolation(option name: OptionName) {
            pieces.append(.option(name))
        }

        public mutating func appendInterpolation(guidance: Guidance) {
            pieces.append(.guidance(guidance))
        }

        public mutating func appendInterpolation(_ wording: Wording) {
            pieces += wording.pieces
        }
    }

    public func rendered(by spelling: FrontEndSpelling) -> String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .text(let literal): text += literal
            case .option(let name): text += spelling.option(name)
            case .guidance(let guidance): if let words = spelling.guidance(guidance) { text += "; " + words }
            }
        }
        return text
    }

    /// In the library's own names (`action_line`), without front-end guidance.
    public var description: String { rendered(by: .libraryNames) }

    /// `parts` with `separator` between them.
    public static func joined(_ parts: [Wording], separator: String) -> Wording {
        var result = Wording(stringLiteral: "")
        result.pieces = []
        for (index, part) in parts.enumerated() {
            if index > 0 { result.pieces.append(.text(separator)) }
            result.pieces += part.pieces
        }
        return result
    }
}

/// Where a front end can send the user next: each front end words it its own way, or says
/// nothing (a web page cannot run a command).
public enum Guidance: Sendable, Hashable {
    /// The import batches, for a batch number that names none.
    case listImportBatches
    /// How to create a database, or point to another, when none is at the path.
    case createDatabase
    /// That read-only SQL only reads, for a statement refused as a write.
    case readOnlySQL
    /// Searching for the words as written, for a raw full-text query (`fts_syntax`) that is not valid.
    case searchWordsAsWritten
}
