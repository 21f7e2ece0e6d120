import ArgumentParser
import Stocktaking

extension StocktakeCommand {
    struct Ref: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ref",
            abstract: "List the reference data: Action Lines, SDGs, GDC objectives, countries, regions, stakeholder types.",
            subcommands: [ActionLines.self, SDGs.self, GDC.self, Countries.self, Regions.self, StakeholderTypes.self])
    }
}

/// Shared by the `ref` subcommands: open read-only, print one table.
protocol ReferenceListing: StocktakeSubcommand {
    var globals: GlobalOptions { get }
    var output: OutputOptions { get }
    static var columns: [String] { get }
    func rows(_ reference: ReferenceData) -> [[QueryValue]]
}

extension ReferenceListing {
    func execute() throws {
        let catalog = try globals.open(.read)
        defer { catalog.close() }
        try output.print(columns: Self.columns, rows: rows(catalog.reference), globals: globals)
    }
}

extension StocktakeCommand.Ref {
    struct ActionLines: ReferenceListing {
        static let configuration = CommandConfiguration(
            commandName: "action-lines", abstract: "List the 19 Action Lines (C1–C11 and the 8 C7 applications).")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        static let columns = ["code", "parent", "title", "prize_category", "older_titles"]

        func rows(_ reference: ReferenceData) -> [[QueryValue]] {
            reference.actionLines.map { line in
                [.text(line.code), line.parentID.flatMap { reference.actionLine(id: $0)?.code }.map(QueryValue.text) ?? .null,
                 .text(line.title), .text(line.isPrizeCategory ? "yes" : "no"), .list(line.olderTitles)]
            }
        }
    }

    struct SDGs: ReferenceListing {
        static let configuration = CommandConfiguration(commandName: "sdgs", abstract: "List the 17 Sustainable Development Goals.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        static let columns = ["number", "short_title", "title"]

        func rows(_ reference: ReferenceData) -> [[QueryValue]] {
            reference.sdgs.map { [.integer(Int64($0.id)), .text($0.shortTitle), .text($0.title)] }
        }
    }

    struct GDC: ReferenceListing {
        static let configuration = CommandConfiguration(commandName: "gdc", abstract: "List the 5 Global Digital Compact objectives.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        static let columns = ["number", "title"]

        func rows(_ reference: ReferenceData) -> [[QueryValue]] {
            reference.gdcObjectives.map { [.integer(Int64($0.id)), .text($0.title)] }
        }
    }

    struct Countries: ReferenceListing {
        static let configuration = CommandConfiguration(
            commandName: "countries", abstract: "List countries (ISO 3166-1) with their ITU region, and INTERNATIONAL.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        static let columns = ["code", "iso3", "m49", "name", "itu_region", "itu_member", "aliases"]

        func rows(_ reference: ReferenceData) -> [[QueryValue]] {
            reference.countries.map { country in
                [.text(country.canonicalToken), .text(country.iso3), country.m49.map(QueryValue.text) ?? .null, .text(country.name),
                 country.regionID.flatMap { reference.region(id: $0)?.code }.map(QueryValue.text) ?? .null,
                 .text(country.isITUMember ? "yes" : "no"), .list(country.aliases)]
            }
        }
    }

    struct Regions: ReferenceListing {
        static let configuration = CommandConfiguration(commandName: "regions", abstract: "List the ITU regions.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        static let columns = ["code", "name", "aliases"]

        func rows(_ reference: ReferenceData) -> [[QueryValue]] {
            reference.regions.map { [.text($0.code), .text($0.name), .list($0.aliases)] }
        }
    }

    struct StakeholderTypes: ReferenceListing {
        static let configuration = CommandConfiguration(commandName: "stakeholder-types", abstract: "List the stakeholder types and their aliases.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var output: OutputOptions
        static let columns = ["code", "name", "aliases"]

        func rows(_ reference: ReferenceData) -> [[QueryValue]] {
            reference.stakeholderTypes.map { [.text($0.code), .text($0.name), .list($0.aliases)] }
        }
    }
}
