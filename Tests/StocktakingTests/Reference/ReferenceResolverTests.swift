import DatabaseTestSupport
import Stocktaking
import TestSupport
import Testing

/// Reference data of a freshly migrated database, shared by every case (it is immutable).
private var reference: ReferenceData { TemporaryDatabase.sharedReferenceData }

struct Resolves: Sendable, CustomTestStringConvertible {
    let input: String
    let expected: String
    init(_ input: String, _ expected: String) {
        self.input = input
        self.expected = expected
    }
    var testDescription: String { "\(input.debugDescription) → \(expected)" }
}

@Suite struct ReferenceResolverTests {
    // MARK: Action Lines

    static let actionLines: [Resolves] = [
        Resolves("C7.e-health", "C7.e-health"),
        Resolves("c7.E-HEALTH", "C7.e-health"),
        Resolves("c5", "C5"),
        Resolves("C5", "C5"),
        Resolves(" C10 ", "C10"),
        Resolves("\u{0421}1", "C1"),  // Cyrillic capital es
        Resolves("\u{0441}3", "C3"),  // Cyrillic small es
        Resolves("C7. ICT APPLICATIONS: E-GOVERNMENT", "C7.e-government"),
        Resolves("C11. INTERNATIONAL AND REGIONAL COOPERATION", "C11"),
        Resolves("C8. CULTURAL DIVERSITY AND IDENTITY, LINGUISTIC DIVERSITY AND LOCAL CONTENT", "C8"),
        Resolves("C2. Information and communication infrastructure", "C2"),
        Resolves("ICT Applications: e-government", "C7.e-government"),
        Resolves("Action Line C7 E-health", "C7.e-health"),
        Resolves("C7 e-health", "C7.e-health"),
        Resolves("C7: E-agriculture", "C7.e-agriculture"),
        Resolves("e-Health", "C7.e-health"),
        Resolves("E health", "C7.e-health"),
        Resolves("EHEALTH", "C7.e-health"),
        Resolves("e\u{2011}learning", "C7.e-learning"),  // non-breaking hyphen
        Resolves("Media", "C9"),
        Resolves("Capacity building", "C4"),
        Resolves("Capacity-building", "C4"),  // older title
        Resolves("The role of governments and all stakeholders in the promotion of ICTs for development", "C1"),  // older title
        Resolves("Ethical dimensions of the Information Society", "C10"),
    ]

    @Test(arguments: actionLines)
    func resolvesActionLine(_ example: Resolves) throws {
        #expect(try reference.resolveActionLine(example.input).code == example.expected)
    }

    @Test(arguments: ["C7", "c7", "ICT applications", "C7. ICT APPLICATIONS", "Action Line C7"])
    func bareC7IsRefusedWithTheEightApplications(_ input: String) throws {
        let error = try #require(throws: ResolutionError.self) { try reference.resolveActionLine(input) }
        let suggestion = try #require(error.suggestion)
        for application in reference.c7Applications {
            #expect(suggestion.contains(application.code), "\(application.code) missing from \(suggestion)")
        }
        #expect(reference.c7Applications.count == 8)
        // Query filters may ask for C7 itself.
        #expect(try reference.resolveActionLine(input, allowC7: true).code == "C7")
    }

    @Test(arguments: ["C12", "C0", "c99"])
    func nonexistentActionLineNumber(_ input: String) throws {
        let error = try #require(throws: ResolutionError.self) { try reference.resolveActionLine(input) }
        #expect(error.problem.contains("no such Action Line"))
    }

    @Test func typoSuggestsTheClosestActionLine() throws {
        let error = try #require(throws: ResolutionError.self) { try reference.resolveActionLine("e-helth") }
        #expect(error.suggestion?.contains("C7.e-health") == true, "\(error)")
        #expect("\(error)".contains("C7.e-health"))
    }

    @Test(arguments: ["", "nonsense words", "C7.e-nothing", "C5. Media"])
    func unresolvableActionLines(_ input: String) {
        #expect(throws: ResolutionError.self) { try reference.resolveActionLine(input) }
    }

    @Test func mismatchedCodeAndTitleNamesTheOtherLine() throws {
        let error = try #require(throws: ResolutionError.self) { try reference.resolveActionLine("C5. Media") }
        #expect(error.suggestion?.contains("C9") == true, "\(error)")
    }

    // MARK: SDGs and GDC objectives

    static let sdgs: [Resolves] = [
        Resolves("4", "4"), Resolves("SDG 4", "4"), Resolves("SDG4", "4"), Resolves("sdg-4", "4"), Resolves("Goal 4", "4"),
        Resolves("SDG 4: Quality Education", "4"), Resolves("quality education", "4"), Resolves("QUALITY EDUCATION", "4"),
        Resolves("Good Health & Well-being", "3"), Resolves("Good Health and Well-being", "3"), Resolves("SDG 17", "17"),
        Resolves("No Poverty", "1"),
    ]

    @Test(arguments: sdgs)
    func resolvesSDG(_ example: Resolves) throws {
        #expect(try String(reference.resolveSDG(example.input).id) == example.expected)
    }

    @Test(arguments: ["SDG 18", "0", "18", "Goal 42", "Happiness", "SDG 4: No Poverty"])
    func unresolvableSDGs(_ input: String) {
        #expect(throws: ResolutionError.self) { try reference.resolveSDG(input) }
    }

    @Test(arguments: [Resolves("2", "2"), Resolves("GDC 2", "2"), Resolves("gdc2", "2"), Resolves("Objective 5", "5")])
    func resolvesGDCObjective(_ example: Resolves) throws {
        #expect(try String(reference.resolveGDCObjective(example.input).id) == example.expected)
    }

    @Test(arguments: ["6", "GDC 0", "digital stuff"])
    func unresolvableGDCObjectives(_ input: String) {
        #expect(throws: ResolutionError.self) { try reference.resolveGDCObjective(input) }
    }

    // MARK: Countries

    static let countries: [Resolves] = [
        Resolves("KE", "KE"), Resolves("ke", "KE"), Resolves("KEN", "KE"), Resolves("Kenya", "KE"), Resolves(" KENYA ", "KE"),
        Resolves("KOREA (REP. OF)", "KR"), Resolves("Republic of Korea", "KR"),
        Resolves("IRAN (ISLAMIC REPUBLIC OF)", "IR"),
        Resolves("UNITED REPUBLIC OF TANZANIA", "TZ"),
        Resolves("RUSSIAN FEDERATION", "RU"),
        Resolves("Côte d'Ivoire", "CI"), Resolves("Cote d'Ivoire", "CI"), Resolves("Côte d’Ivoire", "CI"),
        Resolves("Co\u{0302}te d'Ivoire", "CI"),  // decomposed ô
        Resolves("INTERNATIONAL", "XW"), Resolves("international", "XW"), Resolves("XW", "XW"),
    ]

    @Test(arguments: countries)
    func resolvesCountry(_ example: Resolves) throws {
        #expect(try reference.resolveCountry(example.input).iso2 == example.expected)
    }

    @Test func internationalIsThePseudoCountry() throws {
        let country = try reference.resolveCountry("INTERNATIONAL")
        #expect(country.isInternational)
        #expect(country.canonicalToken == "INTERNATIONAL")
        #expect(try reference.resolveCountry("KE").canonicalToken == "KE")
    }

    @Test(arguments: ["Narnia", "ZZ", "XK", "Kosovo", ""])
    func unresolvableCountries(_ input: String) {
        #expect(throws: ResolutionError.self) { try reference.resolveCountry(input) }
    }

    @Test func countryTypoGetsASuggestion() throws {
        let error = try #require(throws: ResolutionError.self) { try reference.resolveCountry("Kenia") }
        #expect(error.suggestion?.contains("KE") == true, "\(error)")
    }

    // MARK: Stakeholder types, regions, closed value sets

    @Test(arguments: [
        Resolves("Governments", "government"), Resolves("government", "government"), Resolves("NGO", "civil society"),
        Resolves("ngo", "civil society"), Resolves("Business", "private sector"), Resolves("Private Sector", "private sector"),
        Resolves("University", "academia"), Resolves("International organisation", "international organization"),
    ])
    func resolvesStakeholderType(_ example: Resolves) throws {
        #expect(try reference.resolveStakeholderType(example.input).code == example.expected)
    }

    @Test func unknownStakeholderTypeListsTheTypes() throws {
        let error = try #require(throws: ResolutionError.self) { try reference.resolveStakeholderType("Aliens") }
        #expect(error.suggestion != nil)
    }

    @Test(arguments: [
        Resolves("Asia & Pacific", "ASP"), Resolves("Asia-Pacific", "ASP"), Resolves("asp", "ASP"), Resolves("Africa", "AFR"),
        Resolves("The Americas", "AMS"), Resolves("Commonwealth of Independent States", "CIS"),
    ])
    func resolvesRegion(_ example: Resolves) throws {
        #expect(try reference.resolveRegion(example.input).code == example.expected)
    }

    @Test func unknownRegionThrows() {
        #expect(throws: ResolutionError.self) { try reference.resolveRegion("Atlantis") }
    }

    @Test(arguments: [
        Resolves("local", "local"), Resolves("National", "national"), Resolves("Global", "international"),
        Resolves("worldwide", "international"), Resolves("sub-national", "local"), Resolves(" REGIONAL ", "regional"),
    ])
    func resolvesCoverage(_ example: Resolves) throws {
        #expect(try reference.resolveCoverage(example.input).rawValue == example.expected)
    }

    @Test(arguments: [
        Resolves("ongoing", "ongoing"), Resolves("On-going", "ongoing"), Resolves("in progress", "ongoing"),
        Resolves("Finished", "completed"), Resolves("planned", "planned"), Resolves("Not started", "planned"),
    ])
    func resolvesStatus(_ example: Resolves) throws {
        #expect(try reference.resolveStatus(example.input).rawValue == example.expected)
    }

    @Test func unknownCoverageAndStatusThrow() {
        #expect(throws: ResolutionError.self) { try reference.resolveCoverage("galactic") }
        #expect(throws: ResolutionError.self) { try reference.resolveStatus("sometimes") }
    }

    @Test(arguments: [Resolves("Winner", "winner"), Resolves("champions", "champion"), Resolves("nominated", "nominee")])
    func resolvesPrizeResult(_ example: Resolves) throws {
        #expect(try reference.resolvePrizeResult(example.input).rawValue == example.expected)
    }

    // MARK: MatchKey

    @Test(arguments: [
        Resolves("  Hello \t\r\n  World  ", "hello world"),
        Resolves("\u{0421}1", "c1"),
        Resolves("\u{00A0}C7\u{2013}E\u{00A0}\u{00A0}Health\u{3000}", "c7-e health"),
        Resolves("e\u{0301}", "\u{00E9}"),  // NFC
        Resolves("\u{2018}quoted\u{2019} \u{201C}text\u{201D}", "'quoted' \"text\""),
        Resolves("ALREADY lower", "already lower"),
        Resolves("", ""),
        Resolves("   ", ""),
    ])
    func matchKeyFolds(_ example: Resolves) {
        #expect(MatchKey.make(example.input) == example.expected)
    }

    @Test func looseAndASCIIKeys() {
        #expect(MatchKey.loose("Ministry of Education ( MOE )") == MatchKey.loose("ministry of education (moe)"))
        #expect(MatchKey.loose("Good Health & Well-being") == "good health and well being")
        #expect(MatchKey.loose("ARABSAT ") == MatchKey.loose("ARABSAT"))
        #expect(MatchKey.ascii("Côte d'Ivoire") == "cote d ivoire")
        #expect(MatchKey.make("Côte") != MatchKey.make("Cote"))
        // Decomposed input, Vietnamese stacked marks, and letters without a decomposition.
        #expect(MatchKey.ascii("Co\u{0302}te") == "cote")
        #expect(MatchKey.ascii("Việt Nam") == "viet nam")
        #expect(MatchKey.ascii("Łódź Øresund") == "łodz øresund")
        // Letters, marks and digits of any script make words; punctuation separates them.
        #expect(MatchKey.loose("Министерство (связи)/ 2030") == MatchKey.make("министерство связи 2030"))
        #expect(MatchKey.loose("وزارة-الاتصالات") == "وزارة الاتصالات")
        #expect(MatchKey.loose("हिन्दी") == "हिन्दी")  // a combining vowel sign stays inside the word
    }

    /// `loose` has a fast path for ASCII; it must give what the general rule gives: words of
    /// letters and digits, `&` as "and", everything else a separator.
    @Test func looseKeysOfASCIITextFollowTheGeneralRule() {
        func reference(_ text: String) -> String {
            var words: [String] = []
            var current = ""
            for character in MatchKey.make(text) {
                if character == "&" {
                    if !current.isEmpty { words.append(current); current = "" }
                    words.append("and")
                } else if character.isLetter || character.isNumber {
                    current.append(character)
                } else if !current.isEmpty {
                    words.append(current)
                    current = ""
                }
            }
            if !current.isEmpty { words.append(current) }
            return words.joined(separator: " ")
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 &-_.,()'\"\t/&&  Ministry of ICT & Innovation")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(MatchKey.loose(text) == reference(text), "\(text.debugDescription)")
        }
    }

    @Test func textHelpers() {
        #expect("a\r\nb\nc".replacingEvery("\n", with: "<br>") == "a\r<br>b<br>c")
        #expect("x|y||".replacingEvery("|", with: "\\|") == "x\\|y\\|\\|")
        #expect("naïve".replacingEvery("ï", with: "i") == "naive")
        #expect("".replacingEvery("a", with: "b") == "")
    }
}
