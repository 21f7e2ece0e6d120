import Glibc

/// The permissions given with `--mode` for the files a command writes (exports, reports, backups,
/// bundle files), and the matching ones for the directories a bundle creates.
///
/// Without `--mode` every output is private (0600, directories 0700): exports hold contact
/// e-mails. A nightly export read by another account needs more, e.g. `--mode 0640`. The mode is
/// set with fchmod/chmod after creation, so the umask never narrows or widens it.
///
/// ```swift
/// let mode = try OutputPermissions(octal: "0640")
/// mode.file       // 0o640
/// mode.directory  // 0o750: each class that may read may also enter
/// ```
public struct OutputPermissions: Sendable, Equatable, CustomStringConvertible {
    /// Why a `--mode` value was refused (the caller names the option and the value).
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The mode of every file written.
    public let file: mode_t

    /// A directory gets the file's bits plus execute (search) wherever the file is readable:
    /// r becomes rx for the owner, the group and others alike.
    public var directory: mode_t { file | (file & 0o444) >> 2 }

    /// What outputs get without `--mode`.
    public static let `private` = OutputPermissions(checked: 0o600)

    private init(checked file: mode_t) {
        self.file = file
    }

    /// Parses an octal mode such as `640` or `0640`.
    ///
    /// - Throws: `Invalid` for anything but octal digits, a value above 0777, setuid, setgid or
    ///   sticky bits, or a mode that would take read or write from the owner (the tool replaces
    ///   its own files and, with `--keep`, reads them back).
    public init(octal text: String) throws(Invalid) {
        guard !text.isEmpty, text.utf8.count <= 8, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }),
              let value = UInt32(text, radix: 8)
        else { throw Invalid(description: "use octal digits 0-7, e.g. 0640") }
        guard value <= 0o7777 else { throw Invalid(description: "more than 0777") }
        guard value & 0o7000 == 0 else {
            throw Invalid(description: "sets the setuid, setgid or sticky bit; use three octal digits, e.g. 0640")
        }
        guard value & 0o600 == 0o600 else {
            throw Invalid(description: "the owner must keep read and write (owner digit 6 or 7, e.g. 0640)")
        }
        self.init(checked: mode_t(value))
    }

    /// `0640`.
    public var description: String {
        let digits = String(file, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
