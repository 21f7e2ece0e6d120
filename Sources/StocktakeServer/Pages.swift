import Stocktaking

/// Server-rendered HTML: no script, one style sheet from the server, every user-supplied text
/// escaped with the report's escaping (`ReportHTML.escaped`), every URL built from percent-encoded
/// parameters (`QueryItems`).
enum Pages {
    static func escaped(_ text: String) -> String { ReportHTML.escaped(text) }

    /// A whole page around `body`.
    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escaped(title)) · WSIS Stocktaking</title>
        <link rel="stylesheet" href="/assets/style.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site"><a href="/projects" class="brand">WSIS Stocktaking</a></header>
        <main id="main">
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// An error page: what was wrong and the way back.
    static func error(status: Int, message: String) -> String {
        let heading = switch status {
        case 400: "This address asks for something the catalogue cannot show"
        case 404: "Not found"
        case 503: "The catalogue is busy"
        default: "Something went wrong"
        }
        return document(title: heading, body: """
            <h1>\(escaped(heading))</h1>
            <p class="error" role="alert">\(escaped(message))</p>
            <p><a href="/projects">All projects</a></p>
            """)
    }

    // MARK: The projects list

    /// The columns a list shows for each project.
    static let listColumns: [ProjectColumn] = [
        .externalID, .title, .organization, .stakeholderType, .countries, .actionLines, .sdgs, .status, .submittedOn,
    ]

    struct ListRow {
        let values: [ProjectColumn: QueryValue]
        let snippet: String?
    }

    static let facetTitles: [StatisticsDimension: String] = [
        .actionLine: "WSIS Action Line", .sdg: "Sustainable Development Goal", .gdc: "Global Digital Compact objective",
        .region: "ITU region", .country: "Country", .stakeholderType: "Stakeholder type", .status: "Status",
        .coverage: "Coverage", .year: "Year submitted", .prize: "WSIS Prize",
    ]

    static func list(
        request: ListRequest, page: FacetedPage, rows: [ListRow], reference: ReferenceData, formats: [OutputFormat]
    ) -> String {
        let items = request.canonicalItems(facets: page.facets)
        var body = "<h1>Projects</h1>\n"
        body += searchForm(request: request, items: items)
        body += "<div class=\"layout\">\n<section class=\"results\" aria-labelledby=\"results-heading\">\n"
        let noun = page.total == 1 ? "project" : "projects"
        body += "<h2 id=\"results-heading\"><span id=\"total\" data-total=\"\(page.total)\">\(grouped(page.total))</span> \(noun)</h2>\n"
        body += "<p class=\"to-facets\"><a href=\"#facets-heading\">Refine by Action Line, SDG, region, country…</a></p>\n"
        body += activeFilters(request: request, items: items, page: page)
        body += downloads(items: items, formats: formats)
        if rows.isEmpty {
            body += "<p class=\"empty\">No project matches these filters.</p>\n"
        } else {
            body += "<ol class=\"projects\" start=\"\(request.offset + 1)\">\n"
            for row in rows { body += projectItem(row, reference: reference) }
            body += "</ol>\n"
        }
        body += pagination(request: request, items: items, total: page.total)
        body += "</section>\n"
        body += "<aside class=\"facets\" aria-labelledby=\"facets-heading\">\n<h2 id=\"facets-heading\">Refine</h2>\n"
        for facet in page.facets { body += facetSection(facet, request: request, items: items, reference: reference) }
        body += "</aside>\n</div>\n"
        return document(title: request.filter.isEmpty ? "Projects" : "Projects (filtered)", body: body)
    }

    static func grouped(_ number: Int) -> String {
        var digits = String(number)
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits = String(digits.dropLast(3))
        }
        return digits + out
    }

    private static func searchForm(request: ListRequest, items: QueryItems) -> String {
        let search = request.filters[.search].last ?? ""
        var form = "<form class=\"search\" method=\"get\" action=\"/projects\" role=\"search\">\n"
        form += "<label for=\"search\">Search titles, descriptions and organizations</label>\n<div class=\"row\">"
        form += "<input type=\"search\" id=\"search\" name=\"search\" value=\"\(escaped(search))\" maxlength=\"\(ListRequest.maximumValueLength)\">"
        // The other filters stay as they are; a new search starts at page 1.
        for item in items.removing(names: ["search", "sort", "fts_syntax"]).items {
            form += "<input type=\"hidden\" name=\"\(escaped(item.name))\" value=\"\(escaped(item.value))\">"
        }
        form += "<label for=\"sort\" class=\"inline\">Sort</label><select id=\"sort\" name=\"sort\">"
        let current = request.sortParameter ?? ""
        var choices = [("", request.filter.search != nil ? "Relevance" : "ID")] + ListRequest.sortChoices.map { ($0.key, $0.label) }
        if request.filter.search == nil { choices.removeAll { $0.0 == "external_id" } }
        for (key, label) in choices {
            form += "<option value=\"\(escaped(key))\"\(key == current ? " selected" : "")>\(escaped(label))</option>"
        }
        form += "</select><button type=\"submit\">Search</button></div>\n</form>\n"
        return form
    }

    private static func activeFilters(request: ListRequest, items: QueryItems, page: FacetedPage) -> String {
        let filterItems = items.removing(names: ["sort", "limit"])
        guard !filterItems.items.isEmpty else { return "" }
        var out = "<ul class=\"active\" aria-label=\"Filters in effect\">"
        for item in filterItems.items {
            out += "<li><a href=\"\(escaped(items.removing(item.name, item.value).url("/projects")))\" aria-label=\"Remove \(escaped(item.name)) \(escaped(item.value))\">"
            out += "\(escaped(item.name.replacingEvery("_", with: " "))): \(escaped(item.value)) <span aria-hidden=\"true\">×</span></a></li>"
        }
        out += "<li><a href=\"/projects\">Clear all</a></li></ul>\n"
        return out
    }

    private static func downloads(items: QueryItems, formats: [OutputFormat]) -> String {
        let query = items.removing(names: ["sort", "limit"])
        var out = "<p class=\"downloads\">Download this list: "
        out += formats.map { format in
            "<a href=\"\(escaped(query.url("/projects.\(format.fileExtension)")))\" download>\(escaped(format.name.uppercased()))</a>"
        }.joined(separator: " · ")
        return out + "</p>\n"
    }

    private static func projectItem(_ row: ListRow, reference: ReferenceData) -> String {
        let id = row.values[.externalID]?.textValue ?? ""
        let title = row.values[.title]?.textValue ?? id
        var out = "<li class=\"project\"><h3><a href=\"/projects/\(QueryItems.encode(id))\">\(escaped(title))</a></h3>"
        var meta: [String] = []
        if let organization = row.values[.organization]?.textValue { meta.append(escaped(organization)) }
        if let type = row.values[.stakeholderType]?.textValue { meta.append(escaped(type)) }
        if case .list(let countries)? = row.values[.countries], !countries.isEmpty {
            meta.append(escaped(countries.prefix(6).joined(separator: ", ") + (countries.count > 6 ? " …" : "")))
        }
        if let status = row.values[.status]?.textValue { meta.append(escaped(status)) }
        if let submitted = row.values[.submittedOn]?.textValue { meta.append("submitted " + escaped(submitted)) }
        out += "<p class=\"meta\"><span class=\"id\">\(escaped(id))</span> · " + meta.joined(separator: " · ") + "</p>"
        if let snippet = row.snippet { out += "<p class=\"snippet\">\(highlighted(snippet))</p>" }
        var tags: [String] = []
        if case .list(let lines)? = row.values[.actionLines] { tags += lines }
        if case .numbers(let sdgs)? = row.values[.sdgs] { tags += sdgs.map { "SDG \($0)" } }
        if !tags.isEmpty {
            out += "<ul class=\"tags\" aria-label=\"Action Lines and SDGs\">" + tags.map { "<li>\(escaped($0))</li>" }.joined() + "</ul>"
        }
        return out + "</li>\n"
    }

    /// A snippet with its markers (STX, ETX) as `<mark>`: the text is escaped first, so only the
    /// markers become markup.
    static func highlighted(_ snippet: String) -> String {
        escaped(snippet).replacingEvery("\u{2}", with: "<mark>").replacingEvery("\u{3}", with: "</mark>")
    }

    private static func pagination(request: ListRequest, items: QueryItems, total: Int) -> String {
        let pages = max(1, (total + request.limit - 1) / request.limit)
        guard pages > 1 else { return "" }
        let current = request.page
        func link(_ page: Int, _ label: String, rel: String) -> String {
            let target = page > 1 ? items.adding("page", String(page)) : items
            return "<a href=\"\(escaped(target.url("/projects")))\" rel=\"\(rel)\">\(label)</a>"
        }
        var out = "<nav class=\"pages\" aria-label=\"Pages\">"
        if current > 1 { out += link(current - 1, "← Previous", rel: "prev") }
        out += "<span aria-current=\"page\">Page \(grouped(current)) of \(grouped(pages))</span>"
        if current < pages { out += link(current + 1, "Next →", rel: "next") }
        return out + "</nav>\n"
    }

    // MARK: Facets

    private static func facetSection(_ facet: FacetCounts, request: ListRequest, items: QueryItems, reference: ReferenceData) -> String {
        let title = facetTitles[facet.dimension] ?? facet.dimension.rawValue
        let headingID = "facet-" + facet.dimension.rawValue
        var out = "<section class=\"facet\" aria-labelledby=\"\(headingID)\"><h3 id=\"\(headingID)\">\(escaped(title))</h3>"
        let base = items.removing(names: ["page"])
        switch facet.dimension {
        case .year:
            out += yearFacet(facet, request: request, items: base)
        case .country:
            // The countries with the most projects, then every country behind a disclosure.
            let ranked = facet.rows.indices.filter { facet.rows[$0].projects > 0 || facet.selected[$0] }
                .sorted { (facet.selected[$0] ? 1 : 0, facet.rows[$0].projects) > (facet.selected[$1] ? 1 : 0, facet.rows[$1].projects) }
            out += "<ul>" + ranked.prefix(10).map { valueItem(facet, $0, items: base) }.joined() + "</ul>"
            // All of them on a page of their own: 250 links on every list page would triple its size.
            out += "<p class=\"more\"><a href=\"\(escaped(base.url("/countries")))\">All \(facet.rows.count) countries and territories →</a></p>"
        case .actionLine:
            let c7Codes = Set(reference.c7Applications.map(\.code))
            var list = "<ul>"
            var c7Done = false
            for index in facet.rows.indices {
                if c7Codes.contains(facet.rows[index].value.code) {
                    guard !c7Done else { continue }
                    c7Done = true
                    let applications = facet.rows.indices.filter { c7Codes.contains(facet.rows[$0].value.code) }
                    let allSelected = applications.allSatisfy { facet.selected[$0] }
                    var target = base
                    for index in applications { target = target.removing("action_line", facet.rows[index].value.code) }
                    if !allSelected { target = target.adding("action_line", "C7") }
                    let title = reference.actionLines.first { $0.code == "C7" }?.title ?? "ICT applications"
                    list += "<li class=\"group\">" + toggle(href: target.url("/projects"), label: "C7 " + title, count: facet.c7Total ?? 0, selected: allSelected)
                    list += "<ul>" + applications.map { valueItem(facet, $0, items: base) }.joined() + "</ul></li>"
                } else {
                    list += valueItem(facet, index, items: base)
                }
            }
            out += list + "</ul>"
        default:
            out += "<ul>" + facet.rows.indices.map { valueItem(facet, $0, items: base) }.joined() + "</ul>"
        }
        return out + "</section>\n"
    }

    private static func valueItem(_ facet: FacetCounts, _ index: Int, items: QueryItems) -> String {
        guard let option = FacetIndex.selectingFilter(of: facet.dimension) else { return "" }
        let row = facet.rows[index]
        let name = option.name.rawValue
        let selected = facet.selected[index]
        let target = selected ? items.removing(name, row.value.code) : items.adding(name, row.value.code)
        return "<li>" + toggle(href: target.url("/projects"), label: label(facet.dimension, row.value), count: row.projects, selected: selected) + "</li>"
    }

    static func label(_ dimension: StatisticsDimension, _ value: StatisticsValue) -> String {
        switch dimension {
        case .actionLine: "\(value.code) \(value.label)"
        case .sdg: "SDG \(value.code) \(value.label)"
        case .gdc: "\(value.code). \(value.label)"
        case .region: "\(value.code) \(value.label)"
        case .country: value.label
        case .stakeholderType, .status, .coverage, .prize: value.label.prefix(1).uppercased() + value.label.dropFirst()
        default: value.label
        }
    }

    private static func toggle(href: String, label: String, count: Int, selected: Bool) -> String {
        let state = selected ? " aria-current=\"true\" class=\"on\"" : (count == 0 ? " class=\"zero\"" : "")
        let mark = selected ? "<span class=\"check\" aria-hidden=\"true\">✓</span> " : ""
        let action = selected ? "<span class=\"visually-hidden\">(selected; remove)</span>" : ""
        return "<a href=\"\(escaped(href))\"\(state)>\(mark)<span class=\"label\">\(escaped(label))</span> \(action)<span class=\"count\">\(grouped(count))</span></a>"
    }

    /// Years are chosen one at a time: `submitted_since=Y&submitted_until=Y`.
    private static func yearFacet(_ facet: FacetCounts, request: ListRequest, items: QueryItems) -> String {
        let since = request.filters[.submittedSince].last
        let until = request.filters[.submittedUntil].last
        let withoutYears = items.removing(names: ["submitted_since", "submitted_until"])
        var out = "<ul class=\"years\">"
        for row in facet.rows.reversed() where row.projects > 0 || (since == row.value.code && until == row.value.code) {
            let selected = since == row.value.code && until == row.value.code
            let target = selected ? withoutYears : withoutYears.adding("submitted_since", row.value.code).adding("submitted_until", row.value.code)
            out += "<li>" + toggle(href: target.url("/projects"), label: row.value.code, count: row.projects, selected: selected) + "</li>"
        }
        return out + "</ul>"
    }

    /// Every country with its count among the list's other filters, each a link that adds it to
    /// (or removes it from) the list.
    static func countries(request: ListRequest, page: FacetedPage) -> String {
        let items = request.canonicalItems(facets: page.facets)
        var body = "<p class=\"back\"><a href=\"\(escaped(items.url("/projects")))\">← Back to the list</a></p>\n"
        body += "<h1>Countries</h1>\n<p>Each country with the number of projects the list's other filters give with it.</p>\n"
        if let facet = page.facets.first(where: { $0.dimension == .country }) {
            body += "<section class=\"facet all-countries\" aria-label=\"Countries\"><ul>"
            body += facet.rows.indices.sorted { facet.rows[$0].value.label < facet.rows[$1].value.label }
                .map { valueItem(facet, $0, items: items) }.joined()
            body += "</ul></section>\n"
        }
        return document(title: "Countries", body: body)
    }

    // MARK: A project

    static func project(_ details: ProjectDetails, personalData: Bool) -> String {
        let record = details.record
        var body = "<p class=\"back\"><a href=\"/projects\">← All projects</a></p>\n"
        body += "<article class=\"project-page\"><h1>\(escaped(record.title))</h1>\n<dl>"
        func field(_ name: String, _ html: String?) {
            guard let html, !html.isEmpty else { return }
            body += "<dt>\(escaped(name))</dt><dd>\(html)</dd>"
        }
        func text(_ value: String?) -> String? { value.map(escaped) }
        field("ID", text(record.externalID))
        field("Description", record.description.map { escaped($0).replacingEvery("\n", with: "<br>") })
        field("Organization", text(record.organization))
        field("Stakeholder type", text(details.stakeholderType?.name))
        field("Countries", details.countries.isEmpty ? nil : "<ul>" + details.countries.map { entry in
            "<li>\(escaped(entry.country.name)) (\(escaped(entry.country.canonicalToken)))" + (entry.region.map { " — \(escaped($0.name)) (\(escaped($0.code)))" } ?? "") + "</li>"
        }.joined() + "</ul>")
        field("Coverage", text(record.coverage?.rawValue))
        field("Status", text(record.status?.rawValue))
        field("Start date", text(record.startDate))
        field("End date", text(record.endDate))
        if let website = record.website {
            let lower = website.lowercased()
            // Only web addresses become links; anything else (javascript:, data:) stays text.
            let isWeb = (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && !website.contains(where: { $0.isWhitespace })
            field("Website", isWeb ? "<a href=\"\(escaped(website))\" rel=\"noopener noreferrer nofollow\">\(escaped(website))</a>" : escaped(website))
        }
        if personalData { field("Contact e-mail", text(record.contactEmail)) }
        field("Partners", text(record.partners))
        field("Activity type", text(record.activityType))
        field("WSIS Action Lines", details.actionLines.isEmpty ? nil : "<ul>" + details.actionLines.map {
            "<li><a href=\"/projects?action_line=\(QueryItems.encode($0.code))\">\(escaped($0.code))</a> \(escaped($0.title))</li>"
        }.joined() + "</ul>")
        field("SDGs", details.sdgs.isEmpty ? nil : "<ul>" + details.sdgs.map {
            "<li><a href=\"/projects?sdg=\($0.id)\">SDG \($0.id)</a> \(escaped($0.title))</li>"
        }.joined() + "</ul>")
        field("GDC objectives", details.gdcObjectives.isEmpty ? nil : "<ul>" + details.gdcObjectives.map {
            "<li>\($0.id). \(escaped($0.title))</li>"
        }.joined() + "</ul>")
        field("Submitted", text(record.submittedOn))
        field("WSIS Prizes", details.prizes.isEmpty ? nil : "<ul>" + details.prizes.map {
            "<li>\($0.year) \(escaped($0.category.code)): \(escaped($0.result.rawValue))</li>"
        }.joined() + "</ul>")
        field("Created", text(details.project.createdAt))
        field("Updated", text(details.project.updatedAt))
        body += "</dl>\n"
        if !details.history.isEmpty {
            body += "<h2>Import batches</h2>\n<table><thead><tr><th scope=\"col\">Batch</th><th scope=\"col\">Change</th><th scope=\"col\">Started</th>"
            body += "<th scope=\"col\">File</th>" + (personalData ? "<th scope=\"col\">User</th>" : "") + "</tr></thead><tbody>"
            for entry in details.history {
                body += "<tr><td>\(entry.batchID)</td><td>\(escaped(entry.kind.rawValue))"
                if !entry.changedFields.isEmpty { body += " (\(escaped(entry.changedFields.joined(separator: ", "))))" }
                body += "</td><td>\(escaped(entry.batch?.startedAt ?? ""))</td><td>\(escaped(entry.batch?.fileName ?? ""))</td>"
                if personalData { body += "<td>\(escaped(entry.batch?.user ?? ""))</td>" }
                body += "</tr>"
            }
            body += "</tbody></table>\n"
        }
        body += "<p class=\"downloads\">As JSON: <a href=\"/api/projects/\(QueryItems.encode(record.externalID))\">/api/projects/\(escaped(record.externalID))</a></p>\n"
        body += "</article>\n"
        return document(title: record.title, body: body)
    }
}
