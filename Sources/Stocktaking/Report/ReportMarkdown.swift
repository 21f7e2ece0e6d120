/// The stocktaking report as Markdown: the same tables as the HTML, without the charts.
public enum ReportMarkdown {
    public static func render(_ report: StocktakingReport) -> String {
        var out = "# WSIS Stocktaking report\n\n"
        out += "Generated \(report.generatedAt)" + (report.scope.isEmpty ? "; all projects." : "; projects matching \(MarkdownText.escaped(report.scope)).") + "\n\n"
        out += "## Totals\n\n| Measure | Value |\n| --- | ---: |\n"
        out += "| Projects | \(report.projectCount) |\n| Organizations | \(report.organizationCount) |\n| Countries | \(report.countryCount) |\n\n"
        out += "## Projects per submission year\n\n"
        out += table(["Year", "Projects"], report.byYear.rows.map { [$0.value.code, String($0.projects)] }, numericFrom: 1)
        for section in report.sections {
            out += "## \(MarkdownText.escaped(section.title))\n\n"
            var rows = section.facet.rows.map { [$0.value.code, $0.value.label, String($0.projects)] }
            if section.facet.unassignedCount > 0 { rows.append(["—", "(none)", String(section.facet.unassignedCount)]) }
            out += table(["Code", "Name", "Projects"], rows, numericFrom: 2)
        }
        let matrix = report.matrix
        out += "## Action Line × SDG\n\nProjects linked to both; a project counts once in each pair it has.\n\n"
        out += table(
            ["Action Line"] + matrix.columns.map { matrix.columnDimension.heading(for: $0) } + ["Total"],
            matrix.rows.enumerated().map { index, value in [value.code] + matrix.counts[index].map(String.init) + [String(matrix.rowTotals[index])] },
            numericFrom: 1)
        out += "## WSIS Prizes\n\n"
        out += report.prizes.isEmpty
            ? "No prizes recorded for these projects.\n\n"
            : table(["Year", "Winners", "Champions"], report.prizes.map { [String($0.year), String($0.winners), String($0.champions)] }, numericFrom: 1)
        out += "## Data quality\n\n"
        out += report.quality.isClean ? "`stocktake check` found nothing.\n\n" : "`stocktake check` found \(report.quality.problemCount) problem(s).\n\n"
        out += table(["Check", "Found", "Examples"], report.quality.findings.map {
            [$0.kind.title, String($0.count), $0.examples.prefix(3).joined(separator: "; ")]
        }, numericFrom: 1, numericUntil: 2)
        return out
    }

    /// A Markdown table; every heading and cell is escaped here, so no caller can forget one.
    static func table(_ header: [String], _ rows: [[String]], numericFrom: Int, numericUntil: Int? = nil) -> String {
        let until = numericUntil ?? header.count
        var out = "| " + header.map(MarkdownText.escaped).joined(separator: " | ") + " |\n|"
        for index in header.indices { out += index >= numericFrom && index < until ? " ---: |" : " --- |" }
        out += "\n"
        for row in rows { out += "| " + row.map(MarkdownText.escaped).joined(separator: " | ") + " |\n" }
        return out + "\n"
    }
}
