import ArgumentParser
import Stocktaking

/// The project filters shared by `find`, `stats`, `export` and `report`. Repeating an option, or
/// giving a comma list, means OR; different options combine with AND.
///
/// Each filter is declared once in the library (`ProjectFilterOption`): its name, help, value name,
/// completion and resolution come from there. argument-parser needs one property per option, so
/// each filter has one line here; every value carries its filter, so `request` needs no list.
struct FilterOptions: ParsableArguments {
    @Option(filter: .actionLine) var actionLines: [FilterArgument] = []
    @Option(filter: .sdg) var sdgs: [FilterArgument] = []
    @Option(filter: .gdc) var gdcObjectives: [FilterArgument] = []
    @Option(filter: .country) var countries: [FilterArgument] = []
    @Option(filter: .region) var regions: [FilterArgument] = []
    @Option(filter: .stakeholderType) var stakeholderTypes: [FilterArgument] = []
    @Option(filter: .status) var statuses: [FilterArgument] = []
    @Option(filter: .coverage) var coverages: [FilterArgument] = []
    @Option(filter: .organization) var organizations: [FilterArgument] = []
    @Option(filter: .submittedSince) var submittedSince: FilterArgument?
    @Option(filter: .submittedUntil) var submittedUntil: FilterArgument?
    @Option(filter: .activeIn) var activeIn: [FilterArgument] = []
    @Option(filter: .prize) var prize: [FilterArgument] = []
    @Option(filter: .prizeYear) var prizeYears: [FilterArgument] = []
    @Option(filter: .importBatch) var importBatches: [FilterArgument] = []
    @Option(filter: .search) var search: FilterArgument?
    @Flag(filter: .ftsSyntax) var ftsSyntax = false

    func validate() throws {
        if let (filter, needed) = request.unmetRequirement {
            throw ValidationError("\(CommandLineSpelling.flag(filter.name)) needs \(CommandLineSpelling.flag(needed))")
        }
    }

    /// The values given, by filter: every `FilterArgument` property, found the way argument-parser
    /// finds its options (by reflection), and the flags.
    var request: ProjectFilterRequest {
        var request = ProjectFilterRequest()
        for child in Mirror(reflecting: self).children {
            switch child.value {
            case let option as Option<[FilterArgument]>:
                for argument in option.wrappedValue { request.append(argument.text, to: argument.filter) }
            case let option as Option<FilterArgument?>:
                if let argument = option.wrappedValue { request.append(argument.text, to: argument.filter) }
            default:
                break
            }
        }
        if ftsSyntax { request[.ftsSyntax] = ["true"] }
        return request
    }

    /// The resolved filter; an unknown value throws a usage error (exit 64) with a suggestion.
    func filter(_ catalog: Catalog) throws -> ProjectFilter {
        try request.resolve(in: catalog)
    }

    /// The filter options as given, for the report's header (`--region AFR --sdg 4`); flags, which
    /// change how another filter reads its value, are not listed.
    var scope: String {
        var parts: [String] = []
        for (filter, values) in request.given where filter.arity != .flag {
            for value in values { parts.append("\(CommandLineSpelling.flag(filter.name)) \(value)") }
        }
        return parts.joined(separator: " ")
    }
}

/// One value of a filter option, with the filter it was given to.
struct FilterArgument: Sendable {
    let filter: ProjectFilterOption
    let text: String
}

extension Option where Value == [FilterArgument] {
    /// The option of a repeatable filter, named and described by its declaration.
    init(wrappedValue: [FilterArgument], filter: ProjectFilterOption) {
        self.init(
            wrappedValue: wrappedValue, name: .customLong(CommandLineSpelling.longName(filter.name)),
            help: filter.argumentHelp, completion: filter.completion,
            transform: { FilterArgument(filter: filter, text: $0) })
    }
}

extension Option where Value == FilterArgument? {
    /// The option of a one-value filter, named and described by its declaration.
    init(filter: ProjectFilterOption) {
        self.init(
            name: .customLong(CommandLineSpelling.longName(filter.name)), help: filter.argumentHelp,
            completion: filter.completion, transform: { FilterArgument(filter: filter, text: $0) })
    }
}

extension Flag where Value == Bool {
    /// The flag of an on-or-off filter, named and described by its declaration.
    init(wrappedValue: Bool, filter: ProjectFilterOption) {
        self.init(
            wrappedValue: wrappedValue, name: .customLong(CommandLineSpelling.longName(filter.name)),
            help: ArgumentHelp(filter.help.rendered(by: .commandLine)))
    }
}

extension ProjectFilterOption {
    var argumentHelp: ArgumentHelp {
        ArgumentHelp(help.rendered(by: .commandLine), valueName: valueName)
    }

    /// Codes of a reference table are asked of the user's own database (`stocktake ref NAME`);
    /// countries and stakeholder types, long lists of names with spaces, are not completed.
    var completion: CompletionKind? {
        switch values {
        case .reference(let table):
            switch table {
            case .actionLines: .referenceCodes("action-lines")
            case .sdgs: .referenceCodes("sdgs")
            case .gdcObjectives: .referenceCodes("gdc")
            case .regions: .referenceCodes("regions")
            case .countries, .stakeholderTypes: nil
            }
        case .oneOf(let choices): .list(choices)
        case .open: nil
        }
    }
}

extension CompletionKind {
    /// The codes of a reference table, asked of the user's own database at completion time
    /// (`stocktake ref NAME`), so the completion and the data cannot disagree; nothing when there
    /// is no database yet.
    static func referenceCodes(_ table: String) -> CompletionKind {
        .shellCommand("stocktake ref \(table) --format csv 2>/dev/null | sed 1d | cut -d, -f1")
    }
}
