import SQLite
import Synchronization

/// All reference data, loaded once per connection (a few hundred rows), with the lookup tables the
/// resolvers use. Immutable and `Sendable`, so an importer can resolve values off the writer thread.
public final class ReferenceData: Sendable {
    public let actionLines: [ActionLine]
    public let sdgs: [SDG]
    public let gdcObjectives: [GDCObjective]
    public let stakeholderTypes: [StakeholderType]
    public let regions: [Region]
    public let countries: [Country]

    let actionLineByID: [Int: ActionLine]
    let countryByID: [Int: Country]
    let regionByID: [Int: Region]
    let stakeholderTypeByID: [Int: StakeholderType]
    /// Built on first use: commands that resolve nothing (most reads) skip the folded names, and
    /// the country names (the bulk of them) are built only when a country is resolved.
    private let lookupStorage = Mutex<Lookup?>(nil)
    private let countryLookupStorage = Mutex<CountryLookup?>(nil)

    var lookup: Lookup {
        Self.builtOnce(lookupStorage) {
            Lookup(
                actionLines: actionLines, sdgs: sdgs, gdcObjectives: gdcObjectives,
                stakeholderTypes: stakeholderTypes, regions: regions, countries: countries)
        }
    }

    var countryLookup: CountryLookup {
        Self.builtOnce(countryLookupStorage) { CountryLookup(countries: countries) }
    }

    /// The value in `storage`, built by `build` on first use (under the lock, so once).
    private static func builtOnce<Value: Sendable>(_ storage: borrowing Mutex<Value?>, _ build: () -> Value) -> Value {
        storage.withLock { stored in
            if let stored { return stored }
            let built = build()
            stored = built
            return built
        }
    }

    /// Every command loads this once when it opens the database, so it reads the rows straight from
    /// the statements instead of materializing them as value arrays (a measurable share of a short
    /// query's start-up).
    public init(database: Database) throws {
        let olderTitles = try Self.aliases(database, "SELECT action_line_id, alias FROM action_line_alias ORDER BY id")
        actionLines = try Self.rows(database, "SELECT id, code, parent_id, title, is_prize_category FROM action_line ORDER BY id") {
            let id = $0.int(at: 0)
            return ActionLine(
                id: id, code: $0.text(at: 1) ?? "", parentID: $0.isNull(at: 2) ? nil : $0.int(at: 2),
                title: $0.text(at: 3) ?? "", isPrizeCategory: $0.int(at: 4) == 1, olderTitles: olderTitles[id] ?? [])
        }
        sdgs = try Self.rows(database, "SELECT id, short_title, title FROM sdg ORDER BY id") {
            SDG(id: $0.int(at: 0), shortTitle: $0.text(at: 1) ?? "", title: $0.text(at: 2) ?? "")
        }
        gdcObjectives = try Self.rows(database, "SELECT id, title FROM gdc_objective ORDER BY id") {
            GDCObjective(id: $0.int(at: 0), title: $0.text(at: 1) ?? "")
        }
        let stakeholderAliases = try Self.aliases(database, "SELECT stakeholder_type_id, alias FROM stakeholder_type_alias ORDER BY id")
        stakeholderTypes = try Self.rows(database, "SELECT id, code, name FROM stakeholder_type ORDER BY id") {
            let id = $0.int(at: 0)
            return StakeholderType(id: id, code: $0.text(at: 1) ?? "", name: $0.text(at: 2) ?? "", aliases: stakeholderAliases[id] ?? [])
        }
        let regionAliases = try Self.aliases(database, "SELECT region_id, alias FROM region_alias ORDER BY id")
        regions = try Self.rows(database, "SELECT id, code, name FROM region ORDER BY id") {
            let id = $0.int(at: 0)
            return Region(id: id, code: $0.text(at: 1) ?? "", name: $0.text(at: 2) ?? "", aliases: regionAliases[id] ?? [])
        }
        let countryAliases = try Self.aliases(database, "SELECT country_id, alias FROM country_alias ORDER BY id")
        countries = try Self.rows(database, "SELECT id, iso2, iso3, m49, name, region_id, itu_member FROM country ORDER BY iso2") {
            let id = $0.int(at: 0)
            return Country(
                id: id, iso2: $0.text(at: 1) ?? "", iso3: $0.text(at: 2) ?? "", m49: $0.text(at: 3), name: $0.text(at: 4) ?? "",
                regionID: $0.isNull(at: 5) ? nil : $0.int(at: 5), isITUMember: $0.int(at: 6) == 1, aliases: countryAliases[id] ?? [])
        }
        actionLineByID = Dictionary(uniqueKeysWithValues: actionLines.map { ($0.id, $0) })
        countryByID = Dictionary(uniqueKeysWithValues: countries.map { ($0.id, $0) })
        regionByID = Dictionary(uniqueKeysWithValues: regions.map { ($0.id, $0) })
        stakeholderTypeByID = Dictionary(uniqueKeysWithValues: stakeholderTypes.map { ($0.id, $0) })
    }

    private static func rows<Row>(_ database: Database, _ sql: String, _ makeRow: (Statement) -> Row) throws -> [Row] {
        let statement = try database.prepare(sql)
        var rows: [Row] = []
        while try statement.step() { rows.append(makeRow(statement)) }
        return rows
    }

    /// (owner id, alias) rows grouped by owner, in row order.
    private static func aliases(_ database: Database, _ sql: String) throws -> [Int: [String]] {
        var result: [Int: [String]] = [:]
        let statement = try database.prepare(sql)
        while try statement.step() {
            result[statement.int(at: 0), default: []].append(statement.text(at: 1) ?? "")
        }
        return result
    }

    public func actionLine(id: Int) -> ActionLine? { actionLineByID[id] }
    public func country(id: Int) -> Country? { countryByID[id] }
    public func region(id: Int) -> Region? { regionByID[id] }
    public func stakeholderType(id: Int) -> StakeholderType? { stakeholderTypeByID[id] }

    public var leafActionLines: [ActionLine] { actionLines.filter(\.isLeaf) }

    /// The eight C7 applications.
    public var c7Applications: [ActionLine] {
        let c7 = actionLines.first { $0.code == "C7" }?.id
        return actionLines.filter { $0.parentID == c7 && c7 != nil }
    }
}
