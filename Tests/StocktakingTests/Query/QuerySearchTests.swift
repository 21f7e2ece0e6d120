import Foundation
import Stocktaking
import Testing

@Suite struct QuerySearchTests {
    let fixture: QueryFixture

    init() throws {
        fixture = try QueryFixture()
    }

    func search(_ text: String, ftsSyntax: Bool = false) throws -> [String] {
        var filter = ProjectFilter()
        filter.search = text
        filter.searchUsesFTSSyntax = ftsSyntax
        return try ProjectQuery(filter: filter, sort: [ProjectSort(.externalID)]).externalIDs(in: fixture.catalog)
    }

    @Test(arguments: [
        // Accents and case are ignored both ways (remove_diacritics 2).
        ("telemedecine", ["P01"]), ("Télémédecine", ["P01"]), ("TÉLÉMÉDECINE", ["P01"]), ("senegal", ["P01"]),
        // Punctuation, quotes, hyphens and operators are taken literally.
        ("NOT", ["P02"]), ("AND OR NOT", ["P02"]), ("or", ["P02"]), ("C++", ["P02"]), ("cyber-security", ["P02"]),
        ("\"Safe, online\"", ["P02"]), ("\"safe", ["P02"]), ("(CERT)", ["P02"]), ("e-mail hygiene", ["P02"]),
        ("NEAR(safe online)", []), ("hygiene*", ["P02"]), ("title:portal", []),
        // Words must all occur (AND), in any column.
        ("rural schools", ["P06"]), ("rural", ["P01", "P06"]), ("portal government", ["P07"]),
        // Arabic and Cyrillic words are found through the index.
        ("التعليم", ["P03"]), ("المدارس", []), ("للمدارس", ["P03"]), ("школа", ["P04"]), ("ШКОЛА", ["P04"]), ("обучение детей", ["P04"]),
        // Chinese and Japanese fall back to a substring scan.
        ("农业", ["P05"]), ("物联网", ["P05"]), ("日本", ["P08"]), ("农业 大学", ["P05"]), ("中文", []),
        // Mixed: a Latin word through the index AND a Chinese substring.
        ("ünïcödé 日本", ["P08"]), ("rural 日本", []),
    ])
    func searchFindsTheKnownProjects(_ text: String, _ expected: [String]) throws {
        #expect(try search(text) == expected)
    }

    @Test func punctuationOnlySearchesFindNothingWithoutFailing() throws {
        for text in ["*", "-", "&&", "(", ":", "\"*\""] {
            #expect(try search(text).isEmpty, "\(text)")
        }
    }

    @Test(arguments: ["", " ", "\"", "\"\"", "-", "*", "\" \"", "- * &&"])
    func aSearchWithNoWordIsRefusedWhenResolved(_ text: String) throws {
        #expect {
            _ = try fixture.filter { $0[.search] = [text] }
        } throws: { error in
            guard let error = error as? FilterValueError else { return false }
            return error.filter == ProjectFilterOption.search.name && error.reason.problem == "no word to search for"
        }
    }

    @Test func symbolTermsAreSubstringScansAndPunctuationIsLeftOut() throws {
        let plan = try #require(SearchPlan("- rural ❤️ *", rawFTS: false))
        #expect(plan.ftsQuery == "\"rural\"")
        #expect(plan.substringTerms == ["❤"])
        #expect(SearchPlan("- *", rawFTS: false) == nil)
    }

    @Test func ftsSyntaxPassesOperatorsThrough() throws {
        #expect(try search("rural NOT telemedicine", ftsSyntax: true) == ["P06"])
        #expect(try search("rural NOT telemedicine").isEmpty)
        #expect(try search("hygien*", ftsSyntax: true) == ["P02"])
        #expect(try search("title:portal", ftsSyntax: true) == ["P07"])
    }

    @Test func invalidFTSSyntaxIsAUsageErrorOnSearch() throws {
        #expect {
            _ = try search("rural AND (", ftsSyntax: true)
        } throws: { error in
            (error as? FilterValueError)?.filter == ProjectFilterOption.search.name
        }
        var filter = ProjectFilter()
        filter.search = "\"unbalanced"
        filter.searchUsesFTSSyntax = true
        #expect(throws: FilterValueError.self) { try ProjectQuery(filter: filter).count(in: fixture.catalog) }
        #expect(throws: FilterValueError.self) { try Statistics(catalog: fixture.catalog).facet(by: .sdg, filter: filter) }
    }

    @Test func searchRanksByRelevanceWithoutSort() throws {
        var filter = ProjectFilter()
        filter.search = "rural"
        let query = ProjectQuery(filter: filter)
        #expect(query.isRankedByRelevance)
        // P06 has the word in its title, P01 only in its description.
        #expect(try query.externalIDs(in: fixture.catalog) == ["P06", "P01"])
        #expect(try ProjectQuery(filter: filter, sort: [ProjectSort(.title)]).externalIDs(in: fixture.catalog) == ["P06", "P01"])
        #expect(try ProjectQuery(filter: filter, sort: [ProjectSort(.externalID)]).externalIDs(in: fixture.catalog) == ["P01", "P06"])
        // Other filters still apply to ranked results.
        filter[.country] = [.integer(Int64(try fixture.catalog.reference.resolveCountry("SN").id))]
        filter[.status] = [.text(ProjectStatus.ongoing.rawValue)]
        #expect(try ProjectQuery(filter: filter).externalIDs(in: fixture.catalog) == ["P06", "P01"])
        filter[.country] = [.integer(Int64(try fixture.catalog.reference.resolveCountry("UG").id))]
        #expect(try ProjectQuery(filter: filter).externalIDs(in: fixture.catalog) == ["P06"])
        #expect(try ProjectQuery(filter: filter, limit: 1, offset: 1).externalIDs(in: fixture.catalog).isEmpty)
    }

    /// The index ranks with bm25 weighting a title match 5 against a description match 1: a word
    /// once in a title outranks the same word three times in a description, which plain bm25 would
    /// rank the other way round.
    @Test func aTitleMatchOutranksRepeatedDescriptionMatches() throws {
        let fixture = try ImportFixture()
        try fixture.importText(Sample.file(
            Sample.row("T-1", title: "Water for schools", description: "Pumps and pipes for rural districts"),
            Sample.row("T-2", title: "Village pumps", description: "Water water water in every village")))
        let ranked = try fixture.read { catalog in
            var filter = ProjectFilter()
            filter.search = "water"
            return try ProjectQuery(filter: filter).externalIDs(in: catalog)
        }
        #expect(ranked == ["T-1", "T-2"])
        let unweighted = try fixture.rows(
            "SELECT p.external_id FROM project_fts JOIN project p ON p.id = project_fts.rowid WHERE project_fts MATCH 'water' ORDER BY bm25(project_fts)")
        #expect(unweighted.map { $0[0].textValue } == ["T-2", "T-1"])
    }

    @Test func snippetMarksTheMatch() throws {
        func snippets(_ text: String) throws -> [String?] {
            var filter = ProjectFilter()
            filter.search = text
            var result: [String?] = []
            try ProjectQuery(filter: filter, fields: [.externalID, .snippet]).forEachRow(in: fixture.catalog) { row in
                result.append(row[1].textValue)
            }
            return result
        }
        #expect(try snippets("telemedecine") == ["[Télémédecine] rurale au Sénégal"])
        let chinese = try snippets("物联网")
        #expect(chinese == ["利用[物联网]技术帮助农民"])
        // Without a search there is nothing to show.
        var rows: [[QueryValue]] = []
        try ProjectQuery(fields: [.snippet], limit: 1).forEachRow(in: fixture.catalog) { rows.append($0) }
        #expect(rows == [[.null]])
    }
}
