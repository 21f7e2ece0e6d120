import SQLite
import Stocktaking

/// The line a command prints on stderr for an error that ended it (after `stocktake: `).
///
/// The library's errors say what was wrong with the library's names for filters and options
/// (`SpellableError`); here they are spelled as the command line writes them (`--action-line`).
enum ErrorMessage {
    static func text(for error: any Error, status: ExitStatus) -> String {
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
