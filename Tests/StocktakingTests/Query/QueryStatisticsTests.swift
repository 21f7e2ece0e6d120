import Foundation
import Stocktaking
import Testing

@Suite struct QueryStatisticsTests {
    let fixture: QueryFixture
    let statistics: Statistics

    init() throws {
        fixture = try QueryFixture()
        statistics = Statistics(catalog: fixture.catalog)
    }

    func counts(_ facet: Facet) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: facet.rows.map { ($0.value.code, $0.projects) })
    }

    @Test func actionLineFacetListsAllEighteenLeavesWithZeros() throws {
        let facet = try statistics.facet(by: .actionLine)
        #expect(facet.rows.map(\.value.code) == fixture.catalog.reference.leafActionLines.map(\.code))
        #expect(facet.rows.count == 18)
        let counts = counts(facet)
        #expect(counts["C4"] == 3 && counts["C2"] == 1 && counts["C7.e-health"] == 1 && counts["C11"] == 1)
        #expect(counts["C1"] == 0 && counts["C9"] == 0 && counts["C7"] == nil)
        #expect(facet.projectCount == 8 && facet.unassignedCount == 0)
        #expect(facet.rows.first { $0.value.code == "C4" }?.value.label == "Capacity building")
    }

    @Test func closedSetsListEveryValue() throws {
        #expect(try statistics.facet(by: .sdg).rows.count == 17)
        #expect(try statistics.facet(by: .gdc).rows.map(\.value.code) == ["1", "2", "3", "4", "5"])
        #expect(try statistics.facet(by: .region).rows.count == 7)
        #expect(try statistics.facet(by: .stakeholderType).rows.count == fixture.catalog.reference.stakeholderTypes.count)
        #expect(try statistics.facet(by: .status).rows.map(\.value.code) == ["planned", "ongoing", "completed"])
        #expect(try statistics.facet(by: .coverage).rows.count == 4)
        #expect(try statistics.facet(by: .prize).rows.map(\.value.code) == ["winner", "champion", "nominee"])
    }

    @Test func aProjectLinkedToTwoValuesCountsOnceInEach() throws {
        let sdg = counts(try statistics.facet(by: .sdg))
        #expect(sdg["4"] == 4 && sdg["16"] == 2 && sdg["17"] == 2 && sdg["1"] == 0)
        // P06 has three African countries: it counts once for AFR.
        let region = counts(try statistics.facet(by: .region))
        #expect(region == ["AFR": 3, "AMS": 0, "ARB": 1, "ASP": 1, "CIS": 1, "EUR": 1, "INT": 1])
        let country = counts(try statistics.facet(by: .country))
        #expect(country == ["KE": 2, "SN": 2, "UG": 1, "EG": 1, "RU": 1, "CN": 1, "FR": 1, "INTERNATIONAL": 1])
    }

    @Test func unassignedProjectsAreCounted() throws {
        let status = try statistics.facet(by: .status)
        #expect(counts(status) == ["planned": 1, "ongoing": 3, "completed": 3])
        #expect(status.unassignedCount == 1)
        let prize = try statistics.facet(by: .prize)
        #expect(counts(prize) == ["winner": 1, "champion": 1, "nominee": 1])
        #expect(prize.unassignedCount == 5)
        #expect(try statistics.facet(by: .gdc).unassignedCount == 3)
    }

    @Test func yearsRunWithoutGapsFromFirstToLast() throws {
        let year = try statistics.facet(by: .year)
        #expect(year.rows.map(\.value.code) == ["2019", "2020", "2021", "2022", "2023", "2024"])
        #expect(year.rows.map(\.projects) == [1, 0, 1, 1, 2, 2])
        #expect(year.unassignedCount == 1)
    }

    @Test func activeYearsAgreeWithTheActiveInFilter() throws {
        let facet = try statistics.facet(by: .activeYear)
        #expect(facet.rows.first?.value.code == "2010")
        #expect(counts(facet)["2016"] == 1 && counts(facet)["2020"] == 4 && counts(facet)["2013"] == 0)
        for row in facet.rows {
            let filter = try fixture.filter { $0[.activeIn] = [row.value.code] }
            #expect(try ProjectQuery(filter: filter).count(in: fixture.catalog) == row.projects, "\(row.value.code)")
        }
    }

    @Test(arguments: StatisticsDimension.allCases)
    func totalsEqualFindCountForTheSameFilter(_ dimension: StatisticsDimension) throws {
        let filters = [
            try fixture.filter { _ in },
            try fixture.filter { $0[.region] = ["AFR"] },
            try fixture.filter { $0[.actionLine] = ["C7"]; $0[.sdg] = ["4", "2"] },
            try fixture.filter { $0[.search] = ["rural"] },
            try fixture.filter { $0[.actionLine] = ["C9"] },
        ]
        for filter in filters {
            let facet = try statistics.facet(by: dimension, filter: filter)
            let count = try ProjectQuery(filter: filter).count(in: fixture.catalog)
            #expect(facet.projectCount == count)
            // Every matching project has a value or is unassigned; none is counted twice for a value.
            let withValue = facet.projectCount - facet.unassignedCount
            #expect(facet.rows.allSatisfy { $0.projects <= withValue })
            #expect(facet.rows.map(\.projects).reduce(0, +) >= withValue)
        }
    }

    @Test func filtersNarrowTheCounts() throws {
        let filter = try fixture.filter { $0[.region] = ["AFR"] }
        let facet = try statistics.facet(by: .actionLine, filter: filter)
        #expect(facet.projectCount == 3)
        #expect(counts(facet).filter { $0.value > 0 } == ["C2": 1, "C4": 1, "C5": 1, "C7.e-health": 1])
        #expect(facet.rows.count == 18)
    }

    @Test func sortingByCountKeepsCodeOrderForTies() throws {
        let facet = try statistics.facet(by: .sdg).sorted(by: .count)
        #expect(facet.rows.prefix(4).map(\.value.code) == ["4", "16", "17", "2"])
        #expect(facet.rows.last?.value.code == "15")
        #expect(try statistics.facet(by: .sdg).sorted(by: .code).rows.first?.value.code == "1")
    }

    @Test func crossTabCountsPairs() throws {
        let table = try statistics.crossTab(.region, .actionLine)
        #expect(table.rows.count == 7 && table.columns.count == 18)
        func cell(_ row: String, _ column: String) -> Int {
            table.counts[table.rows.firstIndex { $0.code == row }!][table.columns.firstIndex { $0.code == column }!]
        }
        #expect(cell("AFR", "C4") == 1 && cell("AFR", "C2") == 1 && cell("AFR", "C5") == 1 && cell("AFR", "C7.e-health") == 1)
        #expect(cell("ARB", "C4") == 1 && cell("CIS", "C4") == 1 && cell("AMS", "C4") == 0)
        #expect(table.rowTotals == [3, 0, 1, 1, 1, 1, 1])
        #expect(table.columnTotals == (try statistics.facet(by: .actionLine)).rows.map(\.projects))
        #expect(table.projectCount == 8)
        let years = try statistics.crossTab(.year, .sdg, filter: try fixture.filter { $0[.sdg] = ["4"] })
        #expect(years.projectCount == 4)
        #expect(years.rows.map(\.code) == ["2021", "2022", "2023", "2024"])
        #expect(years.counts[2][3] == 1)  // 2023 × SDG 4: P06
    }

    @Test func matrixIsNineteenBySeventeenWithAC7Total() throws {
        let matrix = try statistics.matrix()
        #expect(matrix.rows.count == 19 && matrix.columns.count == 17)
        #expect(matrix.counts.allSatisfy { $0.count == 17 })
        #expect(matrix.rows.map(\.code) == fixture.catalog.reference.actionLines.map(\.code))
        let c7 = try #require(matrix.rows.firstIndex { $0.code == "C7" })
        #expect(matrix.counts[c7][1] == 1 && matrix.counts[c7][2] == 1 && matrix.counts[c7][3] == 1)
        #expect(matrix.rowTotals[c7] == 3)
        let c4 = try #require(matrix.rows.firstIndex { $0.code == "C4" })
        #expect(matrix.counts[c4][3] == 3 && matrix.counts[c4][4] == 1 && matrix.counts[c4][8] == 1)
        #expect(matrix.counts[c4].reduce(0, +) == 5)
        #expect(matrix.rowShares()[c4][3] == 100)
        #expect(abs(matrix.rowShares()[c4][4] - 100.0 / 3) < 1e-9)
        // Filtered to ASP and ARB: P03 (C4, C7.e-learning × SDG 4) and P05 (C7.e-agriculture × SDG 2).
        let filtered = try statistics.matrix(filter: try fixture.filter { $0[.region] = ["ASP", "ARB"] })
        #expect(filtered.projectCount == 2 && filtered.rowTotals[c7] == 2)
        #expect(filtered.counts[c7][1] == 1 && filtered.counts[c7][3] == 1 && filtered.counts[c4][3] == 1)
        #expect(filtered.counts.map { $0.reduce(0, +) }.reduce(0, +) == 5)
    }

    @Test func emptyDatabaseGivesZeroRows() throws {
        let empty = try QueryFixture.empty()
        let statistics = Statistics(catalog: empty.catalog)
        let facet = try statistics.facet(by: .actionLine)
        #expect(facet.rows.count == 18 && facet.rows.allSatisfy { $0.projects == 0 } && facet.projectCount == 0)
        #expect(try statistics.facet(by: .year).rows.isEmpty)
        #expect(try statistics.matrix().counts.flatMap { $0 }.allSatisfy { $0 == 0 })
        _ = empty
    }
}
