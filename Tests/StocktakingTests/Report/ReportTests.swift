import Foundation
import SQLite
@testable import Stocktaking
import TestSupport
import Testing

@Suite struct ReportTests {
    static func filters(_ reference: ReferenceData) throws -> [ProjectFilter] {
        var region = ProjectFilterRequest()
        region[.region] = ["EUR"]
        var since = ProjectFilterRequest()
        since[.submittedSince] = ["2024"]
        return [ProjectFilter(), try region.resolve(reference), try since.resolve(reference)]
    }

    @Test func markdownNumbersEqualStats() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let statistics = Statistics(catalog: catalog)
        for filter in try Self.filters(catalog.reference) {
            let report = try StocktakingReport(catalog: catalog, filter: filter)
            let markdown = ReportMarkdown.render(report)
            let total = try statistics.facet(by: .actionLine, filter: filter).projectCount
            #expect(markdown.contains("| Projects | \(total) |"))
            for dimension in [StatisticsDimension.actionLine, .sdg, .region, .stakeholderType] {
                for row in try statistics.facet(by: dimension, filter: filter).rows {
                    #expect(markdown.contains("| \(row.value.code) | \(row.value.label.replacingOccurrences(of: "|", with: "\\|")) | \(row.projects) |"),
                            "\(dimension) \(row.value.code)")
                }
            }
            for row in try statistics.facet(by: .year, filter: filter).rows {
                #expect(markdown.contains("| \(row.value.code) | \(row.projects) |"))
            }
            let matrix = try statistics.matrix(filter: filter)
            for (index, value) in matrix.rows.enumerated() {
                let line = "| \(value.code) | " + matrix.counts[index].map(String.init).joined(separator: " | ") + " | \(matrix.rowTotals[index]) |"
                #expect(markdown.contains(line))
            }
        }
    }

    @Test func htmlIsSelfContainedAndCarriesTheSameNumbers() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        let report = try StocktakingReport(catalog: catalog)
        let html = ReportHTML.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(html.contains("@media print"))
        #expect(html.contains("<svg"))
        for forbidden in ["<script", "http://", "https://", "@import", "url(", "<link"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        let statistics = Statistics(catalog: catalog)
        for row in try statistics.facet(by: .sdg).rows {
            #expect(html.contains("<td>\(row.value.code)</td><td>\(row.value.label)</td><td class=\"n\">\(row.projects)</td>"))
        }
        #expect(html.contains("<span class=\"number\">\(try statistics.facet(by: .sdg).projectCount)</span>"))
    }

    @Test func hostileTextIsEscaped() throws {
        let csv = ExportFixtures.header + "\r\n" + "X-1,<script>alert(1)</script>,,\"A & B <i>\",,,,,,,,,,,C1,,,\r\n"
        let (temporary, catalog) = try ExportFixtures.database(importing: csv)
        defer { catalog.close(); temporary.remove() }
        let html = ReportHTML.render(try StocktakingReport(catalog: catalog, scope: "--search <b>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;b&gt;"))
    }

    @Test func prizesAndQualityAreSummarized() throws {
        let (temporary, catalog) = try ExportFixtures.database()
        defer { catalog.close(); temporary.remove() }
        try ExportFixtures.importText("year,category,external_id,result\r\n2024,C11,H-001,winner\r\n2024,C2,h-003,champion\r\n2023,C8,H-004,winner\r\n",
                                      into: catalog, directory: temporary.directory, kind: .prizes)
        let report = try StocktakingReport(catalog: catalog)
        #expect(report.prizes == [.init(year: 2023, winners: 1, champions: 0), .init(year: 2024, winners: 1, champions: 1)])
        let markdown = ReportMarkdown.render(report)
        #expect(markdown.contains("| 2024 | 1 | 1 |"))
        #expect(markdown.contains("## Data quality"))
        #expect(markdown.contains("| \(CheckFinding.Kind.withoutSDGs.title) | \(report.quality.finding(.withoutSDGs)?.count ?? -1) |"))
    }
}
