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
            abstract: "Check the database's integrity and the data's quality; exit 4 when it is damaged, 3 when data needs attention.",
            discussion: """
                Runs PRAGMA integrity_check and foreign_key_check, then looks for projects without Action Lines or SDGs, ongoing projects whose end date has passed, end before start, websites that cannot be reached as written, organizations written several ways or one letter apart, duplicate candidates (same title and organization, or near-identical titles in one country) and mojibake. Each finding is counted with a few examples; nothing is changed. Exit 0 when clean, 4 when the integrity or foreign-key check finds damage (restore a backup), 3 when only data-quality findings were made.

                Example:
                  stocktake check --format json > quality.json
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Option(help: ArgumentHelp("Examples listed per finding.", valueName: "n"))
        var examples: Int = 5

        func validate() throws {
            if examples < 0 { throw ValidationError("--examples cannot be negative") }
        }

        func execute() throws {
            let catalog = try source.open(globals)
            defer { catalog.close() }
            let report = try DataQualityCheck(catalog: catalog, exampleLimit: examples).run()
            let sink = FileSink.standardOutput()
            switch format {
            case .json:
                try sink.write(report.json)
            case .text:
                try sink.write(Self.text(report))
            }
            try sink.flush()
            if report.isDamaged { throw ExitCode(ExitStatus.damaged.rawValue) }
            if !report.isClean { throw ExitCode(ExitStatus.problemsFound.rawValue) }
        }

        /// One line per check that reads right whether it found something or not:
        /// `ok       integrity_check: no damage — …`, `DAMAGED  …: 2 problems — …`, `found    …: 110 — …`.
        static func text(_ report: CheckReport) -> String {
            var text = ""
            for finding in report.findings {
                let isStructural = finding.kind == .integrity || finding.kind == .foreignKeys
                let status = finding.count == 0 ? "ok" : finding.isDamage ? "DAMAGED" : "found"
                let count = finding.count == 0 ? (isStructural ? "no damage" : "none") : isStructural ? "\(finding.count) problem(s)" : String(finding.count)
                text += status + String(repeating: " ", count: 8 - status.count) + " \(finding.kind.rawValue): \(count) — \(finding.kind.title)\n"
                for example in finding.examples { text += "         \(TerminalText.visible(example))\n" }  // contributed ids and names
            }
            if report.isDamaged {
                text += "the database is damaged: restore it from a backup (stocktake backup) or re-import\n"
            } else {
                text += report.isClean ? "clean: nothing found\n" : "\(report.problemCount) finding(s) that need attention; the database itself is sound\n"
            }
            return text
        }
    }
}
