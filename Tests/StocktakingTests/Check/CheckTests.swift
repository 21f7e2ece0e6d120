import DatabaseTestSupport
import Foundation
import SQLite
@testable import Stocktaking
import TestSupport
import Testing

@Suite struct CheckTests {
    /// A database with one of each defect, seeded with SQL (the importer refuses several of them).
    static func seeded() throws -> (TemporaryDatabase, Catalog) {
        let clean = ExportFixtures.header + "\r\n"
            + "OK-1,Solar schools,,Ministry of Education,government,KE,national,completed,2020-01-01,2021-01-01,https://www.example.org,,,,C4,4,,2021-02-01\r\n"
            + "OK-2,Rural telemedicine,,Health Agency,government,UG,national,ongoing,2023-01-01,,,,,,C7.e-health,3,,2023-02-01\r\n"
        let (temporary, catalog) = try ExportFixtures.database(importing: clean)
        let db = catalog.database
        func add(_ externalID: String, title: String, organization: String? = nil, status: String? = nil, start: String? = nil,
                 end: String? = nil, website: String? = nil, description: String? = nil, country: String? = "KE",
                 actionLine: String? = "C4", sdg: Int? = 4) throws {
            var organizationID: SQLiteValue = .null
            if let organization {
                let key = MatchKey.loose(organization)
                let countryID: SQLiteValue = country.map { .integer(Int64(try! catalog.reference.resolveCountry($0).id)) } ?? .null
                try db.execute("INSERT OR IGNORE INTO organization (name, normalized_key, country_id) VALUES (?, ?, ?)", [.text(organization), .text(key), countryID])
                organizationID = try db.scalar("SELECT id FROM organization WHERE normalized_key = ? AND ifnull(country_id, 0) = ifnull(?, 0)", [.text(key), countryID]) ?? .null
            }
            try db.execute("""
                INSERT INTO project (external_id, title, description, organization_name, organization_id, status, start_date, end_date, website, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(externalID), .text(title), description.sqliteValue, organization.sqliteValue, organizationID, status.sqliteValue,
                      start.sqliteValue, end.sqliteValue, website.sqliteValue, .text("2026-01-01T00:00:00Z"), .text("2026-01-01T00:00:00Z")])
            let id = db.lastInsertRowID
            if let actionLine {
                try db.execute("INSERT INTO project_action_line VALUES (?, ?)", [.integer(id), .integer(Int64(try catalog.reference.resolveActionLine(actionLine).id))])
            }
            if let sdg { try db.execute("INSERT INTO project_sdg VALUES (?, ?)", [.integer(id), .integer(Int64(sdg))]) }
            if let country {
                try db.execute("INSERT INTO project_country VALUES (?, ?, 0)", [.integer(id), .integer(Int64(try catalog.reference.resolveCountry(country).id))])
            }
        }
        try add("D-NOAL", title: "No action line", actionLine: nil)
        try add("D-NOSDG", title: "No SDG", sdg: nil)
        try add("D-PAST", title: "Still ongoing", status: "ongoing", start: "2019-01-01", end: "2020-06-30")
        try add("D-ORDER", title: "Backwards dates", start: "2022-05-01", end: "2021-05")
        try add("D-URL", title: "Bad website", website: "https://www.example..org/x")
        try add("D-ORG1", title: "Variant A", organization: "Digital Agency", country: "FR")
        try add("D-ORG2", title: "Variant B", organization: "DIGITAL  AGENCY ", country: "FR")
        try add("D-NEAR", title: "Near name", organization: "Ministry of Educaton", country: "KE")
        try add("D-DUP1", title: "Community Wi-Fi for schools", organization: "Net Org", country: "BR")
        try add("D-DUP2", title: "community wi-fi for schools!", organization: "Net Org", country: "BR")
        try add("D-SHAPE1", title: "eHealth portal 2023", country: "GH")
        try add("D-SHAPE2", title: "E-health Portal 2024", country: "GH")
        try add("D-MOJI", title: "Donâ€™t panic", description: "Caf\u{00C3}\u{00A9} numÃ©rique")
        return (temporary, catalog)
    }

    @Test func findsEachSeededDefect() throws {
        let (temporary, catalog) = try Self.seeded()
        defer { catalog.close(); temporary.remove() }
        let report = try DataQualityCheck(catalog: catalog, today: "2026-01-01").run()
        func examples(_ kind: CheckFinding.Kind) -> String { (report.finding(kind)?.examples ?? []).joined(separator: " | ") }
        #expect(report.finding(.integrity)?.count == 0)
        #expect(report.finding(.foreignKeys)?.count == 0)
        #expect(report.finding(.withoutActionLines)?.count == 1)
        #expect(examples(.withoutActionLines) == "D-NOAL")
        #expect(report.finding(.withoutSDGs)?.count == 1)
        #expect(examples(.withoutSDGs) == "D-NOSDG")
        #expect(report.finding(.ongoingPastEnd)?.count == 1)
        #expect(examples(.ongoingPastEnd).hasPrefix("D-PAST"))
        #expect(report.finding(.endBeforeStart)?.count == 1)
        #expect(examples(.endBeforeStart).hasPrefix("D-ORDER"))
        #expect(report.finding(.suspiciousWebsite)?.count == 1)
        #expect(examples(.suspiciousWebsite).hasPrefix("D-URL"))
        #expect(report.finding(.organizationSpellings)?.count == 1)
        #expect(examples(.organizationSpellings).contains("DIGITAL  AGENCY "))
        #expect(report.finding(.organizationNearCollision)?.count == 1)
        #expect(examples(.organizationNearCollision).contains("ministry of educaton"))
        #expect(report.finding(.duplicateCandidates)?.count == 2)
        #expect(examples(.duplicateCandidates).contains("D-DUP1 / D-DUP2"))
        #expect(examples(.duplicateCandidates).contains("D-SHAPE1 / D-SHAPE2"))
        #expect(report.finding(.mojibake)?.count == 1)
        #expect(examples(.mojibake).hasPrefix("D-MOJI"))
        #expect(!report.isClean)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(json["clean"] as? Bool == false)
        #expect((json["findings"] as? [[String: Any]])?.count == CheckFinding.Kind.allCases.count)
    }

    @Test func aCleanDatabaseIsClean() throws {
        let clean = ExportFixtures.header + "\r\n"
            + "OK-1,Solar schools,,Ministry of Education,government,KE,national,completed,2020-01-01,2021-01-01,https://www.example.org,,,,C4,4,,2021-02-01\r\n"
            + "OK-2,Rural telemedicine,,Health Agency,government,UG,national,ongoing,2023-01-01,,,,,,C7.e-health,3,,2023-02-01\r\n"
        let (temporary, catalog) = try ExportFixtures.database(importing: clean)
        defer { catalog.close(); temporary.remove() }
        let report = try DataQualityCheck(catalog: catalog, today: "2026-01-01").run()
        #expect(report.isClean, "\(report.findings.filter { $0.count > 0 })")
    }

    @Test func aFilterNarrowsTheProjectFindings() throws {
        let (temporary, catalog) = try Self.seeded()
        defer { catalog.close(); temporary.remove() }
        var request = ProjectFilterRequest()
        request[.country] = ["GH"]
        let report = try DataQualityCheck(catalog: catalog, filter: try request.resolve(catalog.reference), today: "2026-01-01").run()
        #expect(report.finding(.duplicateCandidates)?.count == 1)
        #expect(report.finding(.withoutActionLines)?.count == 0)
    }

    @Test(arguments: [
        ("https://www.example.org/path", nil as String?), ("http://example.org:8080/", nil), ("https://xn--80ak6aa92e.xn--p1ai", nil),
        ("https://www.example..org", "empty label in host name"), ("http://localhost/x", "points at the local machine"),
        ("https://intranet/", "no top-level domain"), ("ftp://example.org", "not an http(s) address"),
        ("https://exa mple.org", "contains white space"), ("https://example.test", "reserved top-level domain .test"),
        ("http://192.168.1.4/", "a private IP address"), ("https://-bad-.org", "host name label starts or ends with a hyphen"),
    ])
    func websiteSyntax(url: String, problem: String?) {
        #expect(DataQualityCheck.websiteProblem(url) == problem)
    }

    @Test func portugueseIsNotMojibake() {
        let text = Array("NÃO INFORMAÇÃO, São Tomé".utf8)
        #expect(text.withUnsafeBytes { DataQualityCheck.mojibakeOffset(in: $0) } == nil)
        let broken = Array("itâ€™s".utf8)
        #expect(broken.withUnsafeBytes { DataQualityCheck.mojibakeOffset(in: $0) } == 2)
    }
}
