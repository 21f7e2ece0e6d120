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

    public init(database: Database) throws {
        let aliasRows = try database.rows("SELECT action_line_id, alias FROM action_line_alias ORDER BY id")
        var olderTitles: [Int: [String]] = [:]
        for row in aliasRows {
            olderTitles[Int(row[0].integerValue!), default: []].append(row[1].textValue!)
        }
        actionLines = try database.rows("SELECT id, code, parent_id, title, is_prize_category FROM action_line ORDER BY id").map {
            ActionLine(
                id: Int($0[0].integerValue!), code: $0[1].textValue!, parentID: $0[2].integerValue.map(Int.init),
                title: $0[3].textValue!, isPrizeCategory: $0[4].integerValue == 1, olderTitles: olderTitles[Int($0[0].integerValue!)] ?? [])
        }
        sdgs = try database.rows("SELECT id, short_title, title FROM sdg ORDER BY id").map {
            SDG(id: Int($0[0].integerValue!), shortTitle: $0[1].textValue!, title: $0[2].textValue!)
        }
        gdcObjectives = try database.rows("SELECT id, title FROM gdc_objective ORDER BY id").map {
            GDCObjective(id: Int($0[0].integerValue!), title: $0[1].textValue!)
        }
        let stakeholderAliases = try Self.aliases(database, "SELECT stakeholder_type_id, alias FROM stakeholder_type_alias ORDER BY id")
        stakeholderTypes = try database.rows("SELECT id, code, name FROM stakeholder_type ORDER BY id").map {
            let id = Int($0[0].integerValue!)
            return StakeholderType(id: id, code: $0[1].textValue!, name: $0[2].textValue!, aliases: stakeholderAliases[id] ?? [])
        }
        let regionAliases = try Self.aliases(database, "SELECT region_id, alias FROM region_alias ORDER BY id")
        regions = try database.rows("SELECT id, code, name FROM region ORDER BY id").map {
            let id = Int($0[0].integerValue!)
            return Region(id: id, code: $0[1].textValue!, name: $0[2].textValue!, aliases: regionAliases[id] ?? [])
        }
        let countryAliases = try Self.aliases(database, "SELECT country_id, alias FROM country_alias ORDER BY id")
        countries = try database.rows("SELECT id, iso2, iso3, m49, name, region_id, itu_member FROM country ORDER BY iso2").map {
            let id = Int($0[0].integerValue!)
            return Country(
                id: id, iso2: $0[1].textValue!, iso3: $0[2].textValue!, m49: $0[3].textValue, name: $0[4].textValue!,
                regionID: $0[5].integerValue.map(Int.init), isITUMember: $0[6].integerValue == 1, aliases: countryAliases[id] ?? [])
        }
        actionLineByID = Dictionary(uniqueKeysWithValues: actionLines.map { ($0.id, $0) })
        countryByID = Dictionary(uniqueKeysWithValues: countries.map { ($0.id, $0) })
        regionByID = Dictionary(uniqueKeysWithValues: regions.map { ($0.id, $0) })
        stakeholderTypeByID = Dictionary(uniqueKeysWithValues: stakeholderTypes.map { ($0.id, $0) })
    }

    private static func aliases(_ database: Database, _ sql: String) throws -> [Int: [String]] {
        var result: [Int: [String]] = [:]
        for row in try database.rows(sql) {
            result[Int(row[0].integerValue!), default: []].append(row[1].textValue!)
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
