import Foundation
import SQLite
import Stocktaking
import Testing

/// The facet index answers what SQL and `Statistics` answer: the same total, the same counts per
/// value (each facet without its own selection), the same order of pages.
@Suite struct FacetIndexTests {
    let fixture: QueryFixture
    let index: FacetIndex

    init() throws {
        fixture = try QueryFixture()
        try fixture.catalog.beginSnapshot()
        index = try FacetIndex(catalog: fixture.catalog)
    }

    func page(_ query: String, sort: ProjectSort? = nil, limit: Int = 100, offset: Int = 0) throws -> (FacetedPage, ProjectFilter) {
        let filter = try ProjectFilterRequest(queryString: query).resolve(in: fixture.catalog)
        return (try index.page(filter, sort: sort, limit: limit, offset: offset, in: fixture.catalog), filter)
    }

    func externalIDs(_ ids: [Int64]) throws -> [String] {
        var found: [String] = []
        try ProjectQuery(fields: [.externalID]).forEachRow(ids: ids, in: fixture.catalog) { found.append($0[0].textValue ?? "") }
        return found
    }

    @Test(arguments: [
        "", "region=AFR", "sdg=4&region=AFR", "action_line=C7", "action_line=C4,C7.e-health&status=ongoing",
        "stakeholder_type=government&coverage=national&coverage=regional", "prize=any", "prize=winner&prize_year=2024",
        "search=rural", "submitted_since=2023&submitted_until=2023-12-31", "country=KE&gdc=1", "organization=Nobody",
        "active_in=2020&sdg=4",
    ])
    func countsEqualStatisticsWithoutTheFacetsOwnSelection(_ query: String) throws {
        let (result, filter) = try page(query)
        #expect(result.total == (try ProjectQuery(filter: filter).count(in: fixture.catalog)))
        #expect(try externalIDs(result.ids) == (try fixture.ids(filter)))
        let statistics = Statistics(catalog: fixture.catalog)
        for counts in result.facets {
            var others = ProjectFilterRequest()
            let request = try ProjectFilterRequest(queryString: query)
            for (option, values) in request.given where !FacetIndex.ownFilters(of: counts.dimension).contains(option.name) {
                others[option] = values
            }
            let otherFilter = try others.resolve(in: fixture.catalog)
            let expected = try statistics.facet(by: counts.dimension, filter: otherFilter)
            var expectedByCode: [String: Int] = [:]
            for row in expected.rows { expectedByCode[row.value.code] = row.projects }
            var servedByCode: [String: Int] = [:]
            for row in counts.rows { servedByCode[row.value.code] = row.projects }
            if counts.dimension == .country || counts.dimension == .year {
                #expect(servedByCode.filter { $0.value > 0 } == expectedByCode.filter { $0.value > 0 }, "\(counts.dimension) for \(query)")
            } else {
                #expect(servedByCode == expectedByCode, "\(counts.dimension) for \(query)")
            }
            if counts.dimension == .actionLine {
                others[.actionLine] = ["C7"]
                #expect(counts.c7Total == (try ProjectQuery(filter: try others.resolve(in: fixture.catalog)).count(in: fixture.catalog)))
            }
        }
    }

    @Test func theSelectedValuesAreMarked() throws {
        let (result, _) = try page("sdg=4,16&action_line=C7")
        let sdg = try #require(result.facets.first { $0.dimension == .sdg })
        #expect(zip(sdg.rows, sdg.selected).filter(\.1).map(\.0.value.code) == ["4", "16"])
        let lines = try #require(result.facets.first { $0.dimension == .actionLine })
        #expect(zip(lines.rows, lines.selected).filter(\.1).map(\.0.value.code).allSatisfy { $0.hasPrefix("C7.") })
        #expect(lines.selected.filter { $0 }.count == 8)
    }

    @Test(arguments: [
        ProjectSort(.title), ProjectSort(.title, descending: true), ProjectSort(.submittedOn, descending: true),
        ProjectSort(.startDate), ProjectSort(.endDate, descending: true), ProjectSort(.externalID, descending: true),
    ])
    func pagesAreInFindsOrder(_ sort: ProjectSort) throws {
        for (limit, offset) in [(3, 0), (3, 3), (100, 2)] {
            let (result, filter) = try page("", sort: sort, limit: limit, offset: offset)
            let expected = try ProjectQuery(filter: filter, sort: [sort], limit: limit, offset: offset).externalIDs(in: fixture.catalog)
            #expect(try externalIDs(result.ids) == expected, "\(sort) \(limit) \(offset)")
        }
    }

    /// Before its other sort orders are built, an index reads such pages by SQL, in the same order.
    @Test func ordersNotBuiltYetAreReadBySQL() throws {
        let partial = try FacetIndex(catalog: fixture.catalog, allSortOrders: false)
        let filter = try ProjectFilterRequest(queryString: "region=AFR,ARB").resolve(in: fixture.catalog)
        for sort in [ProjectSort(.title, descending: true), ProjectSort(.submittedOn)] {
            let before = try partial.page(filter, sort: sort, limit: 3, offset: 1, in: fixture.catalog)
            #expect(try externalIDs(before.ids) == (try ProjectQuery(filter: filter, sort: [sort], limit: 3, offset: 1).externalIDs(in: fixture.catalog)))
        }
        var rounds = 0
        while try partial.buildSortOrders(in: fixture.catalog, atMost: 1) { rounds += 1 }
        #expect(rounds == FacetIndex.sortKeys.count - 2)
        let after = try partial.page(filter, sort: ProjectSort(.title, descending: true), limit: 3, offset: 1, in: fixture.catalog)
        #expect(try externalIDs(after.ids) == (try ProjectQuery(filter: filter, sort: [ProjectSort(.title, descending: true)], limit: 3, offset: 1).externalIDs(in: fixture.catalog)))
    }

    @Test func aSearchPagesByRelevanceLikeFind() throws {
        let (result, filter) = try page("search=rural", limit: 10)
        #expect(try externalIDs(result.ids) == (try ProjectQuery(filter: filter, limit: 10).externalIDs(in: fixture.catalog)))
    }

    @Test func aRawFullTextQueryThatFTS5RefusesIsTheUsersMistake() throws {
        let filter = try ProjectFilterRequest(queryString: "search=%22open&fts_syntax=1").resolve(in: fixture.catalog)
        #expect(throws: FilterValueError.self) { try index.page(filter, sort: nil, limit: 5, offset: 0, in: fixture.catalog) }
    }

    @Test func otherParametersOfAQueryStringAreKeptApartFromTheFilters() throws {
        var others: [String: String] = [:]
        let request = try ProjectFilterRequest(queryString: "sdg=4&page=2&sort=-title", otherParameters: ["page", "sort", "limit"], others: &others)
        #expect(request[.sdg] == ["4"])
        #expect(others == ["page": "2", "sort": "-title"])
        #expect(throws: FilterParameterError.repeatedParameter("limit")) {
            try ProjectFilterRequest(queryString: "limit=1&limit=2", otherParameters: ["limit"], others: &others)
        }
        #expect(throws: FilterParameterError.controlCharacter("search")) {
            try ProjectFilterRequest(queryString: "search=a%00b", otherParameters: [], others: &others)
        }
        #expect(throws: FilterParameterError.unknownParameter("pag", suggestion: "page")) {
            try ProjectFilterRequest(queryString: "pag=2", otherParameters: ["page"], others: &others)
        }
    }

    @Test func snippetMarkersAreTheCallersChoice() throws {
        let filter = try ProjectFilterRequest(queryString: "search=rural").resolve(in: fixture.catalog)
        var query = ProjectQuery(filter: filter, fields: [.snippet], limit: 1)
        query.snippetMarkers = .controlCharacters
        var snippets: [String] = []
        try query.forEachRow(in: fixture.catalog) { snippets.append($0[0].textValue ?? "") }
        #expect(snippets.first?.contains("\u{2}") == true && snippets.first?.contains("\u{3}") == true, "\(snippets)")
        #expect(snippets.first?.contains("[") == false)
    }
}
