import ArgumentParser
import SQLite
import Stocktaking

extension ExitStatus {
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
