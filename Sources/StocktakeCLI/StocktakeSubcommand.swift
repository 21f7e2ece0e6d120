import ArgumentParser

/// Commands that implement `execute()`; `run()` turns thrown errors into a message on stderr and
/// the documented exit status, so every command reports failures the same way.
protocol StocktakeSubcommand: ParsableCommand {
    func execute() throws
}

extension StocktakeSubcommand {
    public func run() throws {
        do {
            try execute()
            // A `--from` file whose invalid rows were skipped: the output is of the other rows only.
            if FromFileLoad.skippedRows.withLock({ $0 }) > 0 { throw ExitCode(ExitStatus.rejectedRows.rawValue) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let status = ExitStatus.forError(error)
            printError(Self.message(for: error, status: status))
            throw ExitCode(status.rawValue)
        }
    }

    static func message(for error: any Error, status: ExitStatus) -> String {
        ErrorMessage.text(for: error, status: status)
    }
}
