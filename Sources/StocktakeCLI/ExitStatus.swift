import ArgumentParser
import Glibc
import SafeText
import SQLite
import Stocktaking

/// The one exit-code table of the tool (also in the README and `stocktake --help`).
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Runtime failure: I/O, missing or out-of-date database, refused or timed-out SQL.
    case failure = 1
    /// An import finished with rejected rows (`--skip-invalid`).
    case rejectedRows = 2
    /// `check` found data-quality problems (the database itself is sound).
    case problemsFound = 3
    /// `check` found the database damaged (integrity or foreign-key check).
    case damaged = 4
    /// Usage error, including an unknown filter value, an option the other options would make
    /// ignored, and an output that would overwrite the database or an input (EX_USAGE).
    case usage = 64
    /// Input rejected, nothing written (EX_DATAERR).
    case dataError = 65
    /// Gave up waiting for a lock (EX_TEMPFAIL).
    case lockTimeout = 75

    public static let table = """
        Exit codes:
          0   success
          1   runtime failure (I/O, missing or out-of-date database, refused or timed-out SQL)
          2   import finished with rejected rows (--skip-invalid)
          3   check found data-quality problems (the database itself is sound)
          4   check found the database damaged (integrity or foreign-key check)
          64  usage error, including an unknown filter value or a refused output path
          65  input rejected, nothing written
          75  gave up waiting for a lock (--busy-timeout)
        """

    /// Maps an error that reached the top of a command to its exit status.
    static func forError(_ error: any Error) -> ExitStatus {
        switch error {
        case let error as ExitStatusProviding: error.exitStatus
        case ResultCode.busy, ResultCode.locked: .lockTimeout
        case is ValidationError, is UsageError: .usage
        default: .failure
        }
    }
}

/// Errors that carry their own exit status (import rejections, usage problems found late).
protocol ExitStatusProviding {
    var exitStatus: ExitStatus { get }
}

/// An output that would overwrite the database, an input or another output, or that cannot be
/// written as a file (a directory, a socket): a usage error.
extension OutputRefused: ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
}

/// A filter value that names nothing: a usage error, never an empty result.
extension FilterValueError: ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
}

/// A usage problem found after parsing (e.g. an unknown filter value): exit 64, with a suggestion.
public struct UsageError: Error, CustomStringConvertible, ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Writes a diagnostic line to stderr, prefixed with the tool's name.
func printError(_ message: String) {
    printDiagnostic("stocktake: " + message)
}

/// Writes a message line to stderr with its control characters shown as escapes: messages quote
/// file names, header names and values that anyone may have written, and none of them may reach the
/// terminal as a command. Line breaks between the lines of a message are kept.
func printDiagnostic(_ message: String) {
    writeToStandardError(TerminalText.visible(message, keepingLineBreaks: true) + "\n")
}

/// Writes `text` to stderr at once and exactly as given (diagnostics and the progress bar must not
/// wait in a buffer). Only the progress bar's own escape sequences are written raw; messages go
/// through `printDiagnostic(_:)`.
func writeToStandardError(_ text: String) {
    let sink = FileSink(descriptor: STDERR_FILENO, capacity: text.utf8.count, path: "standard error")
    try? sink.write(text)
    try? sink.flush()  // stderr closed or full: there is nowhere left to report it
}

/// `value` with `decimals` digits after the point (`fixed(1.234, 2)` → `1.23`), for messages.
func fixed(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
    if decimals > 0 {
        let fraction = String(Int(scaled) - whole * Int(scale))
        text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return text
}

/// Commands that implement `execute()`; `run()` turns thrown errors into a message on stderr and
/// the documented exit status, so every command reports failures the same way.
protocol StocktakeSubcommand: ParsableCommand {
    func execute() throws
}

extension StocktakeSubcommand {
    public func run() throws {
        do {
            try execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let status = ExitStatus.forError(error)
            printError(Self.message(for: error, status: status))
            throw ExitCode(status.rawValue)
        }
    }

    static func message(for error: any Error, status: ExitStatus) -> String {
        if status == .lockTimeout {
            return "the database is locked by another process and the busy timeout expired; try again later or raise --busy-timeout"
        }
        if let error = error as? SQLiteError {
            return error.description
        }
        if let error = error as? any SpellableError {
            return error.message(spelledBy: .commandLine)
        }
        return String(describing: error)
    }
}
