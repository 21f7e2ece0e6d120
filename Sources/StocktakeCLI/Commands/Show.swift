import ArgumentParser
import SafeText
import Stocktaking

/// `show` has no id to print.
struct ProjectNotFound: Error, CustomStringConvertible {
    let externalID: String

    var description: String {
        "no project \(TerminalText.excerpt(externalID)); `stocktake find --search TEXT` looks projects up by their words"
    }
}

extension StocktakeCommand {
    struct Show: StocktakeSubcommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            /// One `key  value` line per field (a line per item for links).
            case table
            case json
        }

        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one project in full: fields, links with titles, prizes and every batch that changed it.",
            discussion: """
                The external id matches ignoring case. A missing id exits with status 1.

                Examples:
                  stocktake show WSIS-0000000042
                  stocktake show WSIS-0000000042 --format json
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions

        @Argument(help: ArgumentHelp("The project's external id.", valueName: "external-id"))
        var externalID: String

        @Option(help: "Output format: table (key/value lines) or json.")
        var format: Format = .table

        func execute() throws {
            let catalog = try source.open(globals)
            defer { catalog.close() }
            guard let details = try ProjectDetails.load(externalID: externalID, from: catalog) else {
                throw ProjectNotFound(externalID: externalID)
            }
            let sink = FileSink.standardOutput()
            switch format {
            case .table: try sink.write(Self.keyValueLines(details))
            case .json: try sink.write(details.json.rendered() + "\n")
            }
            try sink.flush()
        }

        /// `key  value` lines; links take one line each, continuation lines leave the key blank.
        static func keyValueLines(_ details: ProjectDetails) -> String {
            let record = details.record
            var entries: [(key: String, values: [String])] = []
            func add(_ key: String, _ values: [String]) { entries.append((key, values)) }
            func add(_ key: String, _ value: String?) { entries.append((key, value.map { [$0] } ?? [])) }
            // The file columns, in file order, from the column table; links with their titles.
            for column in ProjectColumn.fileColumns {
                switch column.declaration.storage {
                case .text: add(column.rawValue, record[text: column])
                case .stakeholderType: add(column.rawValue, details.stakeholderType.map { "\($0.code) (\($0.name))" })
                case .links(let table): add(column.rawValue, linkLines(table, details))
                case .derived: break
                }
            }
            add("prizes", details.prizes.map { "\($0.year)  \($0.category.code)  \($0.result.rawValue)" })
            add("created_at", details.project.createdAt)
            add("updated_at", details.project.updatedAt)
            // Every batch that wrote the project, with what it changed (the created and last batch among them).
            add("history", details.history.map(historyLine))
            let width = entries.map(\.key.count).max() ?? 0
            var out = ""
            for entry in entries {
                let lines = entry.values.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
                for (index, line) in (lines.isEmpty ? [""] : lines).enumerated() {
                    let key = index == 0 ? entry.key : ""
                    // Contributed text: controls shown as escapes, never sent to the terminal.
                    let value = TerminalText.visible(line.replacingEvery("\r", with: ""))
                    out += value.isEmpty ? key + "\n" : key + String(repeating: " ", count: width - key.count + 2) + value + "\n"
                }
            }
            return out
        }

        /// One line per link: the code and the title (countries with their ITU region).
        private static func linkLines(_ table: ProjectColumn.LinkTable, _ details: ProjectDetails) -> [String] {
            switch table.kind {
            case .countries:
                details.countries.map { entry in
                    "\(entry.country.canonicalToken)  \(entry.country.name)" + (entry.region.map { "  — \($0.code) \($0.name)" } ?? "")
                }
            case .actionLines: details.actionLines.map { "\($0.code)  \($0.title)" }
            case .sdgs: details.sdgs.map { "SDG \($0.id)  \($0.shortTitle)" }
            case .gdcObjectives: details.gdcObjectives.map { "GDC \($0.id)  \($0.title)" }
            }
        }

        /// `batch 2  updated status, title  projects second.csv line 4  2026-01-02T…`
        private static func historyLine(_ entry: ProjectDetails.HistoryEntry) -> String {
            var line = "batch \(entry.batchID)  \(entry.kind.rawValue)"
            if !entry.changedFields.isEmpty { line += " " + entry.changedFields.joined(separator: ", ") }
            if let batch = entry.batch {
                line += "  \(batch.kind.rawValue)" + (batch.fileName.map { " \($0)" } ?? "") + (entry.line.map { " line \($0)" } ?? "")
                line += "  \(batch.startedAt)"
            }
            return line
        }
    }
}
