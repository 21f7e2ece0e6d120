/// The stocktaking report as one self-contained HTML file.
///
/// Inline CSS and inline SVG charts only: no script, font, image or style sheet is fetched, so the
/// file opens offline, in a mail attachment and on a phone, and prints cleanly (charts keep their
/// colours, sections avoid page breaks inside). Every chart has its numbers in a table beside it.
public enum ReportHTML {
    public static func render(_ report: StocktakingReport) -> String {
        var body = ""
        body += "<header><h1>WSIS Stocktaking report</h1><p class=\"meta\">Generated \(escaped(report.generatedAt))"
        body += report.scope.isEmpty ? " · all projects" : " · projects matching <code>\(escaped(report.scope))</code>"
        body += "</p></header>\n"
        body += "<section class=\"totals\">"
        for (label, value) in [("Projects", report.projectCount), ("Organizations", report.organizationCount), ("Countries", report.countryCount)] {
            body += "<div class=\"card\"><span class=\"number\">\(value)</span><span class=\"label\">\(label)</span></div>"
        }
        body += "</section>\n"

        body += "<section><h2>Projects per submission year</h2>\n"
        body += columnChart(report.byYear.rows.map { ($0.value.code, $0.projects) })
        body += table(["Year", "Projects"], report.byYear.rows.map { [$0.value.code, String($0.projects)] }, numericFrom: 1)
        body += "</section>\n"

        for section in report.sections {
            var rows = section.facet.rows.map { (code: $0.value.code, label: $0.value.label, count: $0.projects) }
            if section.facet.unassignedCount > 0 { rows.append(("—", "(none)", section.facet.unassignedCount)) }
            body += "<section><h2>\(escaped(section.title))</h2>\n"
            body += barChart(rows.map { ($0.code, $0.count) })
            body += table(["Code", "Name", "Projects"], rows.map { [$0.code, $0.label, String($0.count)] }, numericFrom: 2)
            body += "</section>\n"
        }

        body += "<section class=\"wide\"><h2>Action Line × SDG</h2>\n"
        body += "<p class=\"note\">Projects linked to both the Action Line and the SDG; darker means more.</p>\n"
        body += heatMap(report.matrix)
        body += "</section>\n"

        body += "<section><h2>WSIS Prizes</h2>\n"
        if report.prizes.isEmpty {
            body += "<p class=\"note\">No prizes recorded for these projects.</p>\n"
        } else {
            body += table(["Year", "Winners", "Champions"], report.prizes.map { [String($0.year), String($0.winners), String($0.champions)] }, numericFrom: 1)
        }
        body += "</section>\n"

        body += "<section><h2>Data quality</h2>\n"
        body += "<p class=\"note\">" + (report.quality.isClean ? "<code>stocktake check</code> found nothing." : "<code>stocktake check</code> found \(report.quality.problemCount) problem(s).") + "</p>\n"
        body += table(["Check", "Found", "Examples"], report.quality.findings.map {
            [$0.kind.title, String($0.count), $0.examples.prefix(3).joined(separator: "; ")]
        }, numericFrom: 1, numericUntil: 2)
        body += "</section>\n"

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>WSIS Stocktaking report</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    static let accent = "#1f5fa8"

    static let style = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 72rem; padding: 1rem; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1b1f24; background: #fff; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; color: \(accent); }
        h2 { font-size: 1.2rem; margin: 0 0 .5rem; border-bottom: 2px solid #dbe6f3; padding-bottom: .2rem; }
        .meta, .note { color: #57606a; font-size: .9rem; margin: 0 0 .75rem; }
        section { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
        .totals { display: flex; flex-wrap: wrap; gap: .75rem; }
        .card { flex: 1 1 10rem; background: #f1f6fc; border-radius: .5rem; padding: .75rem 1rem; }
        .card .number { display: block; font-size: 1.8rem; font-weight: 700; color: \(accent); font-variant-numeric: tabular-nums; }
        .card .label { color: #57606a; }
        svg { display: block; width: 100%; height: auto; margin: .5rem 0; }
        svg text { font: 11px system-ui, sans-serif; fill: #1b1f24; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e5e9ef; vertical-align: top; overflow-wrap: anywhere; }
        th { background: #f6f8fa; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        code { font-size: .85em; background: #f6f8fa; padding: 0 .2em; border-radius: .2em; }
        @media (max-width: 40rem) { body { padding: .5rem; font-size: 15px; } .card .number { font-size: 1.4rem; } }
        @media print {
          body { max-width: none; padding: 0; font-size: 11pt; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          .scroll { overflow: visible; }
          h2 { break-after: avoid; }
        }
        """

    // MARK: Charts

    /// Vertical columns for a time series, labelled with the value above each column.
    static func columnChart(_ points: [(label: String, value: Int)]) -> String {
        guard !points.isEmpty else { return "<p class=\"note\">No data.</p>\n" }
        let width = 720.0, height = 220.0, top = 18.0, bottom = 24.0, left = 8.0
        let maximum = Double(max(points.map(\.value).max() ?? 1, 1))
        let slot = (width - 2 * left) / Double(points.count)
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Projects per year\">"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - left)\" y2=\"\(height - bottom)\" stroke=\"#8c959f\"/>"
        let labelEvery = max(1, Int((Double(points.count) / 16).rounded(.up)))
        for (index, point) in points.enumerated() {
            let barHeight = (height - top - bottom) * Double(point.value) / maximum
            let x = left + slot * Double(index) + slot * 0.15
            let y = height - bottom - barHeight
            svg += "<rect x=\(attr(x)) y=\(attr(y)) width=\(attr(slot * 0.7)) height=\(attr(barHeight)) fill=\"\(accent)\"><title>\(escaped(point.label)): \(point.value)</title></rect>"
            let center = left + slot * (Double(index) + 0.5)
            if points.count <= 24 {
                svg += "<text x=\(attr(center)) y=\(attr(y - 4)) text-anchor=\"middle\">\(point.value)</text>"
            }
            if index % labelEvery == 0 {
                svg += "<text x=\(attr(center)) y=\(attr(height - 8)) text-anchor=\"middle\">\(escaped(point.label))</text>"
            }
        }
        return svg + "</svg>\n"
    }

    /// Horizontal bars, one per value, with the code on the left and the count at the bar's end.
    static func barChart(_ bars: [(label: String, value: Int)]) -> String {
        guard !bars.isEmpty else { return "<p class=\"note\">No data.</p>\n" }
        let width = 720.0, rowHeight = 20.0, labelWidth = 130.0, right = 50.0
        let height = rowHeight * Double(bars.count) + 8
        let maximum = Double(max(bars.map(\.value).max() ?? 1, 1))
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (index, bar) in bars.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let length = (width - labelWidth - right) * Double(bar.value) / maximum
            svg += "<text x=\(attr(labelWidth - 6)) y=\(attr(y + 14)) text-anchor=\"end\">\(escaped(String(bar.label.prefix(20))))</text>"
            svg += "<rect x=\(attr(labelWidth)) y=\(attr(y + 3)) width=\(attr(max(length, 0.5))) height=\(attr(rowHeight - 6)) rx=\"2\" fill=\"\(accent)\"><title>\(escaped(bar.label)): \(bar.value)</title></rect>"
            svg += "<text x=\(attr(labelWidth + length + 4)) y=\(attr(y + 14))>\(bar.value)</text>"
        }
        return svg + "</svg>\n"
    }

    /// The Action Line × SDG matrix as a heat map with the count in each cell.
    static func heatMap(_ matrix: CrossTab) -> String {
        guard !matrix.rows.isEmpty, !matrix.columns.isEmpty else { return "<p class=\"note\">No data.</p>\n" }
        let cell = 34.0, labelWidth = 120.0, header = 26.0
        let width = labelWidth + cell * Double(matrix.columns.count) + 4
        let height = header + cell * Double(matrix.rows.count) + 4
        // The C7 row sums its eight applications; scaling to it would wash the leaf rows out.
        let leafCounts = matrix.rows.indices.filter { matrix.rows[$0].code != "C7" }.flatMap { matrix.counts[$0] }
        let maximum = Double(max((leafCounts.isEmpty ? matrix.counts.flatMap { $0 } : leafCounts).max() ?? 1, 1))
        var svg = "<div class=\"scroll\"><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" style=\"min-width: \(Int(width * 0.8))px\" role=\"img\" aria-label=\"Action Line by SDG heat map\">"
        for (column, value) in matrix.columns.enumerated() {
            let x = labelWidth + cell * (Double(column) + 0.5)
            svg += "<text x=\(attr(x)) y=\"18\" text-anchor=\"middle\">\(escaped(matrix.columnDimension.heading(for: value).replacingEvery("SDG ", with: "")))</text>"
        }
        for (row, value) in matrix.rows.enumerated() {
            let y = header + cell * Double(row)
            svg += "<text x=\(attr(labelWidth - 6)) y=\(attr(y + cell / 2 + 4)) text-anchor=\"end\">\(escaped(value.code))</text>"
            for (column, count) in matrix.counts[row].enumerated() {
                let share = Double(count) / maximum
                let x = labelWidth + cell * Double(column)
                svg += "<rect x=\(attr(x + 1)) y=\(attr(y + 1)) width=\(attr(cell - 2)) height=\(attr(cell - 2)) fill=\"\(heatColor(share))\">"
                svg += "<title>\(escaped(value.code)) × \(escaped(matrix.columnDimension.heading(for: matrix.columns[column]))): \(count)</title></rect>"
                svg += "<text x=\(attr(x + cell / 2)) y=\(attr(y + cell / 2 + 4)) text-anchor=\"middle\" style=\"fill: \(share > 0.55 ? "#fff" : "#1b1f24")\">\(count)</text>"
            }
        }
        return svg + "</svg></div>\n"
    }

    /// From a pale blue (0) to the accent's dark blue (1).
    static func heatColor(_ share: Double) -> String {
        let low = (238.0, 244.0, 251.0), high = (8.0, 48.0, 107.0)
        let t = min(max(share, 0), 1)
        func channel(_ a: Double, _ b: Double) -> String {
            let value = Int((a + (b - a) * t).rounded())
            let digits = Array("0123456789abcdef")
            return String([digits[value / 16], digits[value % 16]])
        }
        return "#" + channel(low.0, high.0) + channel(low.1, high.1) + channel(low.2, high.2)
    }

    // MARK: HTML

    static func table(_ header: [String], _ rows: [[String]], numericFrom: Int, numericUntil: Int? = nil) -> String {
        let until = numericUntil ?? header.count
        func cellClass(_ index: Int) -> String { index >= numericFrom && index < until ? " class=\"n\"" : "" }
        var out = "<div class=\"scroll\"><table><thead><tr>"
        for (index, title) in header.enumerated() { out += "<th\(cellClass(index))>\(escaped(title))</th>" }
        out += "</tr></thead><tbody>\n"
        for row in rows {
            out += "<tr>"
            for (index, value) in row.enumerated() { out += "<td\(cellClass(index))>\(escaped(value))</td>" }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    static func attr(_ value: Double) -> String {
        "\"" + String((value * 10).rounded() / 10) + "\""
    }

    /// `text` safe in HTML text and in a double- or single-quoted attribute value.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
