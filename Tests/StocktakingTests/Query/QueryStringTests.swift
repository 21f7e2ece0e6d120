import Foundation
import SQLite
import Stocktaking
import Testing

/// A URL query string goes through the same filter declarations as the command line: the same
/// values, the same resolution, the same errors and suggestions.
@Suite struct QueryStringTests {
    let fixture: QueryFixture

    init() throws {
        fixture = try QueryFixture()
    }

    func ids(_ query: String) throws -> [String] {
        try fixture.ids(try ProjectFilterRequest(queryString: query).resolve(in: fixture.catalog))
    }

    @Test func valuesArePercentDecodedAndKeptPerFilterInOrder() throws {
        let request = try ProjectFilterRequest(queryString: "?action_line=C5&sdg=4,5&sdg=16&region=AFR&search=rural+health%21%20%E2%9D%A4")
        #expect(request[.actionLine] == ["C5"])
        #expect(request[.sdg] == ["4,5", "16"])
        #expect(request[.region] == ["AFR"])
        #expect(request[.search] == ["rural health! ❤"])
        #expect(request.given.map(\.filter.name) == ["action_line", "sdg", "region", "search"])
    }

    @Test(arguments: [
        ("action_line=C4,C5", ["P02", "P03", "P04", "P06"]),
        ("action_line=C2&action_line=C3", ["P06", "P07"]),
        ("action_line=C7", ["P01", "P03", "P05"]),
        ("sdg=SDG+4&sdg=16", ["P02", "P03", "P04", "P06", "P07"]),
        ("country=Korea%2C+Republic+of&country=CN,INTERNATIONAL", ["P05", "P08"]),
        ("organization=ACME%2C+Inc.", ["P08"]),
        ("region=AFR&status=ongoing", ["P01", "P06"]),
        ("submitted_since=2023-06&submitted_until=2024-01", ["P03", "P06"]),
        ("prize_year=2013", ["P07"]),
        ("prize=any", ["P06", "P07", "P08"]),
        ("import=2", ["P06", "P07", "P08"]),
        ("search=rural&fts_syntax=0", ["P06", "P01"]),  // by relevance
        ("search=rural+NOT+telemedicine&fts_syntax", ["P06"]),
        ("", ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"]),
    ])
    func queryStringsSelectTheKnownProjects(_ query: String, _ expected: [String]) throws {
        #expect(try ids(query) == expected)
    }

    /// The request a query string makes is the one the command line makes for the same filters.
    @Test func aQueryStringAndARequestBuiltValueByValueResolveAlike() throws {
        let parsed = try ProjectFilterRequest(queryString: "action_line=C7&sdg=4&sdg=2&country=KE,SN&search=rural&fts_syntax=true")
        var built = ProjectFilterRequest()
        built[.actionLine] = ["C7"]
        built[.sdg] = ["4", "2"]
        built[.country] = ["KE,SN"]
        built[.search] = ["rural"]
        built[.ftsSyntax] = ["true"]
        #expect(try parsed.resolve(in: fixture.catalog) == built.resolve(in: fixture.catalog))
    }

    @Test(arguments: [
        ("sdgs=4", "sdgs", "sdg"),
        ("action-line=C5", "action-line", "action_line"),
        ("actionline=C5", "actionline", "action_line"),
        ("stakeholder=government", "stakeholder", nil),
        ("colour=red", "colour", nil),
    ] as [(String, String, String?)])
    func anUnknownParameterIsAnErrorWithTheNearestName(_ query: String, _ name: String, _ suggestion: String?) throws {
        let error = try #require(throws: FilterParameterError.self) { try ProjectFilterRequest(queryString: query) }
        #expect(error == .unknownParameter(name, suggestion: suggestion.map { OptionName(rawValue: $0) }))
        if let suggestion {
            #expect(error.description == "unknown filter \"\(name)\"; did you mean \(suggestion)?")
        } else {
            #expect(error.description.hasPrefix("unknown filter \"\(name)\"; the filters are action_line, sdg, gdc,"))
        }
    }

    /// An unknown value fails at resolution, exactly as the command line's value does.
    @Test(arguments: [
        ("action_line=C7.e-heatlh", "action_line", "C7.e-heatlh"),
        ("sdg=4,18", "sdg", "18"),
        ("import=first", "import", "first"),
        ("search=-", "search", "-"),
        ("fts_syntax=maybe&search=x", "fts_syntax", "maybe"),
    ])
    func anUnknownValueIsTheSameErrorAsOnTheCommandLine(_ query: String, _ filter: String, _ value: String) throws {
        let request = try ProjectFilterRequest(queryString: query)
        let error = try #require(throws: FilterValueError.self) { try request.resolve(in: fixture.catalog) }
        #expect(error.filter == OptionName(rawValue: filter) && error.value == value)
        var built = ProjectFilterRequest()
        for (option, values) in request.given { built[option] = values }
        #expect(throws: error) { try built.resolve(in: fixture.catalog) }
    }

    @Test func suggestionsAndGuidanceCarryOver() throws {
        let typo = try #require(throws: FilterValueError.self) {
            try ProjectFilterRequest(queryString: "action_line=C7.e-heatlh").resolve(in: fixture.catalog)
        }
        #expect(typo.description == "action_line \"C7.e-heatlh\": \"e-heatlh\" is not one of the C7 applications; did you mean C7.e-health?")
        // Where batches are listed is the front end's to say: nothing in the library's names.
        let batch = try #require(throws: FilterValueError.self) {
            try ProjectFilterRequest(queryString: "import=first").resolve(in: fixture.catalog)
        }
        #expect(batch.description == "import \"first\": not a batch number")
        let web = FrontEndSpelling(option: { $0.rawValue }, guidance: { $0 == .listImportBatches ? "see /imports" : nil })
        #expect(batch.message(spelledBy: web) == "import \"first\": not a batch number; see /imports")
    }

    @Test(arguments: ["search=%zz", "search=%4", "search=50%", "search=%E9t%E9", "sdg%=4"])
    func aMalformedEscapeIsAnError(_ query: String) throws {
        #expect(throws: FilterParameterError.self) { try ProjectFilterRequest(queryString: query) }
    }

    @Test func aOneValueFilterGivenTwiceIsAnError() throws {
        #expect(throws: FilterParameterError.repeatedParameter("search")) {
            try ProjectFilterRequest(queryString: "search=a&search=b")
        }
        #expect(throws: FilterParameterError.repeatedParameter("submitted_since")) {
            try ProjectFilterRequest(queryString: "submitted_since=2020&submitted_since=2021")
        }
    }

    @Test func ftsSyntaxNeedsSearch() throws {
        #expect(throws: FilterParameterError.missingRequirement("fts_syntax", needs: "search")) {
            try ProjectFilterRequest(queryString: "fts_syntax")
        }
        // Off, it needs nothing.
        #expect(try ProjectFilterRequest(queryString: "fts_syntax=no")[.ftsSyntax] == ["no"])
    }

    @Test func emptyPairsAndAnEmptyQueryFilterNothing() throws {
        #expect(try ProjectFilterRequest(queryString: "").isEmpty)
        #expect(try ProjectFilterRequest(queryString: "?").isEmpty)
        #expect(try ProjectFilterRequest(queryString: "&&sdg=4&").given.map(\.values) == [["4"]])
        // An empty value filters nothing, as `--sdg ''` does.
        #expect(try ProjectFilterRequest(queryString: "sdg=").resolve(in: fixture.catalog).isEmpty)
    }

    /// Values are bound, never written into the SQL: a value made of SQL is only text to search for.
    @Test func valuesNeverBecomeSQL() throws {
        let hostile = "x') OR 1=1; DROP TABLE project; --"
        let query = "search=" + hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            + "&organization=%27%29+OR+1%3D1+--"
        let filter = try ProjectFilterRequest(queryString: query).resolve(in: fixture.catalog)
        #expect(try fixture.ids(filter).isEmpty)
        let condition = filter.condition()
        #expect(!condition.sql.contains("DROP") && !condition.sql.contains("1=1"))
        #expect(condition.arguments.contains(.text("\"x')\" \"OR\" \"1=1;\" \"DROP\" \"TABLE\" \"project;\"")))
        #expect(try fixture.catalog.database.scalarInt("SELECT count(*) FROM project") == 8)
    }

    @Test func everyDeclarationHasAUniqueSnakeCaseName() {
        let names = ProjectFilterOption.all.map(\.name.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
        for option in ProjectFilterOption.all {
            #expect(ProjectFilterOption.named(option.name)?.name == option.name)
        }
    }
}
