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

        @Argument(help: ArgumentHelp("The project's external id.", valueName: "external-id"))
        var externalID: String

        @Option(help: "Output format: table (key/value lines) or json.")
        var format: Format = .table

        func execute() throws {
            let catalog = try globals.open(.read)
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
            add("external_id", record.externalID)
            add("title", record.title)
            add("description", record.description)
            add("organization", record.organization)
            add("stakeholder_type", details.stakeholderType.map { "\($0.code) (\($0.name))" })
            add("countries", details.countries.map { entry in
                "\(entry.country.canonicalToken)  \(entry.country.name)" + (entry.region.map { "  — \($0.code) \($0.name)" } ?? "")
            })
            add("coverage", record.coverage?.rawValue)
            add("status", record.status?.rawValue)
            add("start_date", record.startDate)
            add("end_date", record.endDate)
            add("website", record.website)
            add("contact_email", record.contactEmail)
            add("partners", record.partners)
            add("activity_type", record.activityType)
            add("action_lines", details.actionLines.map { "\($0.code)  \($0.title)" })
            add("sdgs", details.sdgs.map { "SDG \($0.id)  \($0.shortTitle)" })
            add("gdc_objectives", details.gdcObjectives.map { "GDC \($0.id)  \($0.title)" })
            add("submitted_on", record.submittedOn)
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
