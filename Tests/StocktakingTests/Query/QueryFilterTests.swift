import Foundation
import SQLite
import Stocktaking
import Testing

/// Filter values as written on the command line, and the projects they must select.
struct FilterCase: Sendable, CustomTestStringConvertible {
    let name: String
    let expected: [String]
    let build: @Sendable (inout ProjectFilterRequest) -> Void

    init(_ name: String, _ expected: [String], _ build: @escaping @Sendable (inout ProjectFilterRequest) -> Void) {
        self.name = name
        self.expected = expected
        self.build = build
    }

    var testDescription: String { name }
}

let filterCases: [FilterCase] = [
    FilterCase("no filter", ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"]) { _ in },
    FilterCase("C7 expands to its applications", ["P01", "P03", "P05"]) { $0[.actionLine] = ["C7"] },
    FilterCase("action line by title", ["P03", "P04", "P06"]) { $0[.actionLine] = ["Capacity building"] },
    FilterCase("action line OR by comma", ["P02", "P03", "P04", "P06"]) { $0[.actionLine] = ["C4,C5"] },
    FilterCase("action line OR by repetition", ["P06", "P07"]) { $0[.actionLine] = ["C2", "C3"] },
    FilterCase("application by name", ["P01"]) { $0[.actionLine] = ["e-Health"] },
    FilterCase("sdg", ["P02", "P03", "P04", "P06"]) { $0[.sdg] = ["4"] },
    FilterCase("sdg OR", ["P02", "P03", "P04", "P06", "P07"]) { $0[.sdg] = ["SDG 4", "16"] },
    FilterCase("sdg AND action line", ["P03"]) { $0[.sdg] = ["4"]; $0[.actionLine] = ["C7"] },
    FilterCase("zero rows: no project in C9", []) { $0[.actionLine] = ["C9"] },
    FilterCase("zero rows: AND of disjoint filters", []) { $0[.sdg] = ["2"]; $0[.country] = ["KE"] },
    FilterCase("gdc", ["P01", "P05", "P06"]) { $0[.gdc] = ["1"] },
    FilterCase("country code", ["P02", "P06"]) { $0[.country] = ["KE"] },
    FilterCase("country names OR", ["P02", "P06"]) { $0[.country] = ["Kenya,Uganda"] },
    FilterCase("international", ["P08"]) { $0[.country] = ["INTERNATIONAL"] },
    FilterCase("region counts a project once", ["P01", "P02", "P06"]) { $0[.region] = ["AFR"] },
    FilterCase("region by name", ["P03"]) { $0[.region] = ["Arab States"] },
    FilterCase("stakeholder type", ["P01", "P02", "P03", "P07"]) { $0[.stakeholderType] = ["government"] },
    FilterCase("stakeholder type alias", ["P06"]) { $0[.stakeholderType] = ["Private Sector"] },
    FilterCase("status", ["P01", "P03", "P06"]) { $0[.status] = ["ongoing"] },
    FilterCase("coverage", ["P04", "P06"]) { $0[.coverage] = ["regional"] },
    FilterCase("organization, normalized", ["P02"]) { $0[.organization] = ["national cert"] },
    FilterCase("organization with punctuation", ["P08"]) { $0[.organization] = ["Acme Inc"] },
    // A value is looked up whole before it is split on commas.
    FilterCase("organization whose name has a comma", ["P08"]) { $0[.organization] = ["ACME, Inc."] },
    FilterCase("country whose name has a comma", []) { $0[.country] = ["Korea, Republic of"] },
    FilterCase("comma list after a whole name", ["P05", "P08"]) { $0[.country] = ["Korea, Republic of", "CN,INTERNATIONAL"] },
    FilterCase("submitted since a year", ["P01", "P03", "P05", "P06"]) { $0[.submittedSince] = ["2023"] },
    FilterCase("submitted until a year includes all of it", ["P02", "P04", "P07"]) { $0[.submittedUntil] = ["2022"] },
    FilterCase("submitted between months", ["P03", "P06"]) { $0[.submittedSince] = ["2023-06"]; $0[.submittedUntil] = ["2024-01"] },
    FilterCase("active in a year", ["P01", "P02", "P03", "P06"]) { $0[.activeIn] = ["2020"] },
    FilterCase("active in either year", ["P04", "P07"]) { $0[.activeIn] = ["2011", "2016"] },
    FilterCase("any prize", ["P06", "P07", "P08"]) { $0[.prize] = ["any"] },
    FilterCase("prize winner", ["P06"]) { $0[.prize] = ["winner"] },
    FilterCase("prize year alone", ["P07"]) { $0[.prizeYear] = ["2013"] },
    FilterCase("prize result AND year", []) { $0[.prize] = ["nominee"]; $0[.prizeYear] = ["2024"] },
    FilterCase("import batch", ["P06", "P07", "P08"]) { $0[.importBatch] = ["2"] },
    FilterCase("AND across filters", ["P01", "P06"]) { $0[.region] = ["AFR"]; $0[.status] = ["ongoing"] },
]

@Suite struct QueryFilterTests {
    let fixture: QueryFixture

    init() throws {
        fixture = try QueryFixture()
    }

    @Test(arguments: filterCases)
    func filterSelectsTheKnownProjects(_ filterCase: FilterCase) throws {
        let filter = try fixture.filter(filterCase.build)
        #expect(try fixture.ids(filter) == filterCase.expected)
        // --count agrees with the rows, and stats with --count.
        #expect(try ProjectQuery(filter: filter).count(in: fixture.catalog) == filterCase.expected.count)
        #expect(try Statistics(catalog: fixture.catalog).facet(by: .sdg, filter: filter).projectCount == filterCase.expected.count)
    }

    @Test(arguments: [
        ("action_line", "C99"), ("action_line", "e-heath"), ("sdg", "18"), ("gdc", "9"), ("country", "Narnia"),
        ("region", "Atlantis"), ("stakeholder_type", "robots"), ("status", "paused"), ("coverage", "galactic"),
        ("active_in", "20x0"), ("prize", "gold"), ("import", "first"), ("submitted_since", "yesterday"),
    ])
    func unknownValueIsAnErrorNamingTheFilterNotAnEmptyResult(_ name: String, _ value: String) throws {
        let option = try #require(ProjectFilterOption.named(OptionName(rawValue: name)))
        #expect {
            _ = try fixture.filter { $0[option] = [value] }
        } throws: { error in
            guard let error = error as? FilterValueError else { return false }
            return error.filter == option.name && error.value == value && error.description.contains(value)
        }
    }

    @Test func typoSuggestsTheIntendedValue() throws {
        #expect {
            _ = try fixture.filter { $0[.actionLine] = ["C7.e-heatlh"] }
        } throws: { error in
            (error as? FilterValueError)?.reason.suggestion?.contains("C7.e-health") == true
        }
    }

    @Test func sortLimitAndOffsetPage() throws {
        let catalog = fixture.catalog
        var query = ProjectQuery(sort: [ProjectSort(.submittedOn, descending: true)])
        // NULL submitted_on (P08) sorts last either way.
        #expect(try query.externalIDs(in: catalog) == ["P05", "P03", "P06", "P01", "P02", "P04", "P07", "P08"])
        query.limit = 3
        query.offset = 2
        #expect(try query.externalIDs(in: catalog) == ["P06", "P01", "P02"])
        query.sort = [ProjectSort(.startDate)]
        query.limit = nil
        query.offset = 0
        #expect(try query.externalIDs(in: catalog) == ["P07", "P04", "P02", "P01", "P06", "P03", "P05", "P08"])
        #expect(try ProjectQuery(limit: 0).externalIDs(in: catalog).isEmpty)
    }

    @Test(arguments: [
        ("title", ProjectSort(.title)), ("title:desc", ProjectSort(.title, descending: true)),
        ("-submitted_on", ProjectSort(.submittedOn, descending: true)), ("start-date:asc", ProjectSort(.startDate)),
        ("relevance", ProjectSort(.relevance)),
    ])
    func sortKeysParse(_ text: String, _ expected: ProjectSort) throws {
        #expect(try ProjectSort(parsing: text) == expected)
    }

    @Test func unknownSortKeyOrColumnIsRefused() {
        #expect(throws: ResolutionError.self) { try ProjectSort(parsing: "title; DROP TABLE project") }
        #expect(throws: ResolutionError.self) { try ProjectColumn.findColumns(parsing: "external_id,secret") }
        #expect(throws: ResolutionError.self) { try ProjectColumn.findColumns(parsing: " , ") }
    }

    @Test func linkColumnsAreListsInCanonicalOrder() throws {
        var rows: [String: [QueryValue]] = [:]
        let fields: [ProjectColumn] = [
            .externalID, .actionLines, .sdgs, .gdcObjectives, .countries, .regions, .prizes, .stakeholderType, .createdBatch, .batch,
        ]
        try ProjectQuery(fields: fields).forEachRow(in: fixture.catalog) { row in
            if case .text(let id) = row[0] { rows[id] = row }
        }
        #expect(rows.count == 8)
        let p06 = try #require(rows["P06"])
        #expect(p06[1] == .list(["C2", "C4"]))
        #expect(p06[2] == .numbers([4, 9]))
        #expect(p06[3] == .numbers([1]))
        #expect(p06[4] == .list(["KE", "SN", "UG"]))
        #expect(p06[5] == .list(["AFR"]))
        #expect(p06[6] == .list(["2024 C2 winner"]))
        #expect(p06[7] == .text("private sector"))
        #expect(p06[8] == .integer(2) && p06[9] == .integer(2))
        let p03 = try #require(rows["P03"])
        #expect(p03[1] == .list(["C4", "C7.e-learning"]))
        #expect(p03[3] == .numbers([]))
        let p08 = try #require(rows["P08"])
        #expect(p08[4] == .list(["INTERNATIONAL"]) && p08[5] == .list(["INT"]) && p08[7] == .null)
    }

    @Test func largeResultsStreamInChunksInOrder() throws {
        // More rows than one chunk of the column statement: insert 600 more projects.
        let writer = try fixture.database.makeCatalog(access: .write)
        try writer.database.inTransaction {
            let repository = ProjectRepository(database: writer.database, reference: writer.reference)
            for number in 1...600 {
                _ = try repository.insert(
                    ProjectRecord(externalID: String(format: "Q%04d", number), title: "Bulk \(number)", actionLineIDs: [1], sdgIDs: [number % 17 + 1]),
                    batchID: nil, now: "2025-03-01T00:00:00Z")
            }
        }
        writer.close()
        var seen: [String] = []
        var sdgs: [QueryValue] = []
        try ProjectQuery(filter: try fixture.filter { $0[.actionLine] = ["C1"] }, fields: [.externalID, .sdgs]).forEachRow(in: fixture.catalog) { row in
            if case .text(let id) = row[0] { seen.append(id) }
            sdgs.append(row[1])
        }
        #expect(seen == (1...600).map { String(format: "Q%04d", $0) })
        #expect(sdgs[0] == .numbers([2]) && sdgs[599] == .numbers([600 % 17 + 1]))
    }
}
