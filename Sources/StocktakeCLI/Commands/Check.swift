import ArgumentParser
import SafeText
import Stocktaking

extension StocktakeCommand {
    struct Check: StocktakeSubcommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the database's integrity and the data's quality; exit 3 when anything is found.",
            discussion: """
                Runs PRAGMA integrity_check and foreign_key_check, then looks for projects without Action Lines
                or SDGs, ongoing projects whose end date has passed, end before start, websites that cannot be
                reached as written, organizations written several ways or one letter apart, duplicate
                candidates (same title and organization, or near-identical titles in one country) and mojibake.
                Each finding is counted with a few examples; nothing is changed. Exit 0 when clean, 3 otherwise.

                Example:
                  stocktake check --format json > quality.json
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Option(help: ArgumentHelp("Examples listed per finding.", valueName: "n"))
        var examples: Int = 5

        func validate() throws {
            if examples < 0 { throw ValidationError("--examples cannot be negative") }
        }

        func execute() throws {
            let catalog = try globals.open(.read)
            defer { catalog.close() }
            let report = try DataQualityCheck(catalog: catalog, exampleLimit: examples).run()
            let sink = FileSink.standardOutput()
            switch format {
            case .json:
                try sink.write(report.json)
            case .text:
                var text = ""
                for finding in report.findings {
                    text += "\(finding.count == 0 ? "ok  " : "FAIL") \(finding.kind.rawValue): \(finding.count) — \(finding.kind.title)\n"
                    // Examples quote contributed ids and names: shown, never sent to the terminal.
                    for example in finding.examples { text += "       \(TerminalText.visible(example))\n" }
                }
                text += report.isClean ? "clean: nothing found\n" : "\(report.problemCount) problem(s) found\n"
                try sink.write(text)
            }
            try sink.flush()
            if !report.isClean { throw ExitCode(ExitStatus.problemsFound.rawValue) }
        }
    }
}
