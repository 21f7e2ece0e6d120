import Glibc
import SafeText
import Stocktaking

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
