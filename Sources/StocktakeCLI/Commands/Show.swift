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
            case .json: try sink.write(Self.json(details).rendered() + "\n")
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

        static func json(_ details: ProjectDetails) -> JSONNode {
            let record = details.record
            func text(_ value: String?) -> JSONNode { value.map(JSONNode.string) ?? .null }
            func batch(_ id: Int64?, _ batch: ImportBatch?) -> JSONNode {
                guard let id else { return .null }
                return .object([
                    ("id", .integer(id)), ("kind", text(batch?.kind.rawValue)), ("file", text(batch?.fileName)),
                    ("started_at", text(batch?.startedAt)), ("finished_at", text(batch?.finishedAt)), ("user", text(batch?.user)),
                ])
            }
            return .object([
                ("external_id", .string(record.externalID)),
                ("title", .string(record.title)),
                ("description", text(record.description)),
                ("organization", text(record.organization)),
                ("stakeholder_type", details.stakeholderType.map { .object([("code", .string($0.code)), ("name", .string($0.name))]) } ?? .null),
                ("countries", .array(details.countries.map { entry in
                    .object([
                        ("code", .string(entry.country.canonicalToken)), ("iso3", .string(entry.country.iso3)),
                        ("name", .string(entry.country.name)), ("region", text(entry.region?.code)), ("region_name", text(entry.region?.name)),
                    ])
                })),
                ("coverage", text(record.coverage?.rawValue)),
                ("status", text(record.status?.rawValue)),
                ("start_date", text(record.startDate)),
                ("end_date", text(record.endDate)),
                ("website", text(record.website)),
                ("contact_email", text(record.contactEmail)),
                ("partners", text(record.partners)),
                ("activity_type", text(record.activityType)),
                ("action_lines", .array(details.actionLines.map { .object([("code", .string($0.code)), ("title", .string($0.title))]) })),
                ("sdgs", .array(details.sdgs.map {
                    .object([("number", .integer(Int64($0.id))), ("short_title", .string($0.shortTitle)), ("title", .string($0.title))])
                })),
                ("gdc_objectives", .array(details.gdcObjectives.map { .object([("number", .integer(Int64($0.id))), ("title", .string($0.title))]) })),
                ("submitted_on", text(record.submittedOn)),
                ("prizes", .array(details.prizes.map {
                    .object([("year", .integer(Int64($0.year))), ("category", .string($0.category.code)), ("result", .string($0.result.rawValue))])
                })),
                ("created_at", .string(details.project.createdAt)),
                ("updated_at", .string(details.project.updatedAt)),
                ("created_batch", batch(details.project.createdBatchID, details.createdBatch)),
                ("last_batch", batch(details.project.batchID, details.lastBatch)),
                ("history", .array(details.history.map { entry in
                    .object([
                        ("batch", batch(entry.batchID, entry.batch)), ("change", .string(entry.kind.rawValue)),
                        ("line", entry.line.map { .integer(Int64($0)) } ?? .null),
                        ("changed", .array(entry.changedFields.map(JSONNode.string))),
                    ])
                })),
            ])
        }
    }
}

/// A JSON value with keys in the order given, printed with two-space indentation.
indirect enum JSONNode {
    case null
    case string(String)
    case integer(Int64)
    case array([JSONNode])
    case object([(String, JSONNode)])

    func rendered(indent: Int = 0) -> String {
        let inner = String(repeating: "  ", count: indent + 1)
        let outer = String(repeating: "  ", count: indent)
        switch self {
        case .null: return "null"
        case .string(let text): return JSONText.string(text)
        case .integer(let value): return String(value)
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { inner + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n" + outer + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.map { inner + JSONText.string($0.0) + ": " + $0.1.rendered(indent: indent + 1) }.joined(separator: ",\n")
                + "\n" + outer + "}"
        }
    }
}
