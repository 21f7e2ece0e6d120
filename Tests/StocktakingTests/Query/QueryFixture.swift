import DatabaseTestSupport
import Foundation
import SQLite
import Stocktaking
import TestSupport

/// A database of eight projects whose answers are known by construction, for the query tests.
///
/// | id  | Action Lines            | SDGs  | GDC | countries   | region  | stakeholder   | status    | coverage | start–end   | submitted  | batch | prize              |
/// |-----|-------------------------|-------|-----|-------------|---------|---------------|-----------|----------|-------------|------------|-------|--------------------|
/// | P01 | C7.e-health             | 3     | 1   | SN          | AFR     | government    | ongoing   | national | 2019–       | 2023-05-01 | 1     |                    |
/// | P02 | C5                      | 4,16  | 3   | KE          | AFR     | government    | completed | national | 2018–2021   | 2022-11-15 | 1     |                    |
/// | P03 | C4, C7.e-learning       | 4     |     | EG          | ARB     | government    | ongoing   | national | 2020-09–    | 2024-01-10 | 1     |                    |
/// | P04 | C4                      | 4,5   |     | RU          | CIS     | civil society | completed | regional | 2015–2017   | 2021-03-03 | 1     |                    |
/// | P05 | C7.e-agriculture        | 2     | 1,2 | CN          | ASP     | academia      | planned   | national |             | 2024-06-30 | 1     |                    |
/// | P06 | C2, C4                  | 4,9   | 1   | KE, UG, SN  | AFR     | private sector| ongoing   | regional | 2020–2025   | 2023-09-09 | 2     | 2024 C2 winner     |
/// | P07 | C3                      | 16,17 | 4   | FR          | EUR     | government    | completed | national | 2010–2012   | 2019-02-02 | 2     | 2013 C3 champion   |
/// | P08 | C11                     | 17    |     | INTERNATIONAL | INT   |               |           |          |             |            | 2     | 2020 C11 nominee   |
final class QueryFixture: @unchecked Sendable {
    let database: TemporaryDatabase
    /// A read-only catalog, as `find`, `stats`, `show` and `sql` open it.
    let catalog: Catalog

    static let trickyTitle = "Value with, comma \"quote\"\nnewline ünïcödé 日本"

    init(populated: Bool = true) throws {
        database = try TemporaryDatabase()
        let writer = try database.makeCatalog()
        if populated { try Self.populate(writer) }
        writer.close()
        catalog = try database.makeCatalog(access: .read)
    }

    /// A migrated database without projects.
    static func empty() throws -> QueryFixture {
        try QueryFixture(populated: false)
    }

    deinit {
        catalog.close()
        database.remove()
    }

    /// The external ids `filter` selects, in external-id order.
    func ids(_ filter: ProjectFilter) throws -> [String] {
        try ProjectQuery(filter: filter).externalIDs(in: catalog)
    }

    /// The external ids matching filter values written as on the command line.
    func ids(_ build: (inout ProjectFilterRequest) -> Void) throws -> [String] {
        try ids(filter(build))
    }

    func filter(_ build: (inout ProjectFilterRequest) -> Void) throws -> ProjectFilter {
        var request = ProjectFilterRequest()
        build(&request)
        return try request.resolve(in: catalog)
    }

    private static func populate(_ catalog: Catalog) throws {
        let reference = catalog.reference
        func lines(_ codes: String...) throws -> [Int] { try codes.map { try reference.resolveActionLine($0).id } }
        func countries(_ codes: String...) throws -> [Int] { try codes.map { try reference.resolveCountry($0).id } }
        func stakeholder(_ code: String) throws -> Int { try reference.resolveStakeholderType(code).id }
        let records: [(ProjectRecord, batch: Int)] = [
            (ProjectRecord(
                externalID: "P01", title: "Télémédecine rurale au Sénégal", description: "Clinics use telemedicine to reach rural villages.",
                organization: "Ministère de la Santé", stakeholderTypeID: try stakeholder("government"), countryIDs: try countries("SN"),
                coverage: .national, status: .ongoing, startDate: "2019", actionLineIDs: try lines("C7.e-health"), sdgIDs: [3],
                gdcObjectiveIDs: [1], submittedOn: "2023-05-01"), 1),
            (ProjectRecord(
                externalID: "P02", title: "Cyber-security awareness (CERT)",
                description: "Quoted \"Safe, online\" tips: AND OR NOT, C++ and e-mail hygiene.",
                organization: "National  CERT", stakeholderTypeID: try stakeholder("government"), countryIDs: try countries("KE"),
                coverage: .national, status: .completed, startDate: "2018-01-01", endDate: "2021-06-30", actionLineIDs: try lines("C5"),
                sdgIDs: [4, 16], gdcObjectiveIDs: [3], submittedOn: "2022-11-15"), 1),
            (ProjectRecord(
                externalID: "P03", title: "التعليم الرقمي في مصر", description: "منصة التعليم الإلكتروني للمدارس",
                organization: "وزارة التربية والتعليم", stakeholderTypeID: try stakeholder("government"), countryIDs: try countries("EG"),
                coverage: .national, status: .ongoing, startDate: "2020-09", actionLineIDs: try lines("C4", "C7.e-learning"), sdgIDs: [4],
                submittedOn: "2024-01-10"), 1),
            (ProjectRecord(
                externalID: "P04", title: "Цифровая школа", description: "Онлайн обучение для детей", organization: "Фонд Развития",
                stakeholderTypeID: try stakeholder("civil society"), countryIDs: try countries("RU"), coverage: .regional, status: .completed,
                startDate: "2015", endDate: "2017", actionLineIDs: try lines("C4"), sdgIDs: [4, 5], submittedOn: "2021-03-03"), 1),
            (ProjectRecord(
                externalID: "P05", title: "智慧农业平台", description: "利用物联网技术帮助农民", organization: "中国农业大学",
                stakeholderTypeID: try stakeholder("academia"), countryIDs: try countries("CN"), coverage: .national, status: .planned,
                actionLineIDs: try lines("C7.e-agriculture"), sdgIDs: [2], gdcObjectiveIDs: [1, 2], submittedOn: "2024-06-30"), 1),
            (ProjectRecord(
                externalID: "P06", title: "Broadband for rural schools", description: "Fibre links for schools.", organization: "Connect Africa Ltd",
                stakeholderTypeID: try stakeholder("private sector"), countryIDs: try countries("KE", "UG", "SN"), coverage: .regional,
                status: .ongoing, startDate: "2020", endDate: "2025", actionLineIDs: try lines("C2", "C4"), sdgIDs: [4, 9],
                gdcObjectiveIDs: [1], submittedOn: "2023-09-09"), 2),
            (ProjectRecord(
                externalID: "P07", title: "Open data portal", description: "Government datasets published openly.", organization: "Etalab",
                stakeholderTypeID: try stakeholder("government"), countryIDs: try countries("FR"), coverage: .national, status: .completed,
                startDate: "2010", endDate: "2012", actionLineIDs: try lines("C3"), sdgIDs: [16, 17], gdcObjectiveIDs: [4],
                submittedOn: "2019-02-02"), 2),
            (ProjectRecord(
                externalID: "P08", title: trickyTitle, organization: "ACME, Inc.", countryIDs: try countries("INTERNATIONAL"),
                actionLineIDs: try lines("C11"), sdgIDs: [17]), 2),
        ]
        let database = catalog.database
        try database.inTransaction {
            let batches = BatchRepository(database: database)
            let first = try batches.begin(kind: .projects, fileName: "first.csv", sha256: nil, options: "{}", user: "test", now: "2025-01-01T00:00:00Z")
            let second = try batches.begin(kind: .projects, fileName: "second.csv", sha256: nil, options: "{}", user: "test", now: "2025-02-01T00:00:00Z")
            let repository = ProjectRepository(database: database, reference: reference)
            for (record, batch) in records {
                _ = try repository.insert(record, batchID: batch == 1 ? first : second, now: "2025-01-01T00:00:00Z")
            }
            for (year, category, project, result) in [(2024, "C2", "P06", "winner"), (2013, "C3", "P07", "champion"), (2020, "C11", "P08", "nominee")] {
                try database.execute(
                    "INSERT INTO prize (year, action_line_id, project_id, result, batch_id) SELECT ?, ?, id, ?, ? FROM project WHERE external_id = ?",
                    [.integer(Int64(year)), .integer(Int64(try reference.resolveActionLine(category).id)), .text(result), .integer(second), .text(project)])
            }
        }
    }
}
