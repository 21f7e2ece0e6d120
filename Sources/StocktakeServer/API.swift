import Stocktaking

/// The JSON API under `/api/`: the list with its total and facet counts, and a project in full.
enum APIDescription {
    /// `GET /api/`: what the API serves.
    static let index = JSONNode.object([
        ("projects", .string("/api/projects?FILTERS&sort=KEY&limit=N&page=N")),
        ("project", .string("/api/projects/EXTERNAL_ID")),
        ("filters", .array(ProjectFilterOption.all.map { .string($0.name.rawValue) })),
        ("sort", .array(ListRequest.sortChoices.map { .string($0.key) } + [.string("relevance")])),
        ("downloads", .array(OutputFormat.downloads.map { .string("/projects.\($0.fileExtension)?FILTERS") })),
        ("note", .string("Filters take the names and values of the command line's options (action_line=C7.e-health&region=AFR&sdg=3); a repeated parameter or a comma list means OR, different filters AND.")),
    ]).rendered(indent: 2) + "\n"

    static func list(request: ListRequest, page: FacetedPage, rows: [Pages.ListRow]) -> String {
        let items = request.canonicalItems(facets: page.facets)
        let next = request.offset + request.limit < page.total
            ? JSONNode.string(items.adding("page", String(request.page + 1)).url("/api/projects")) : .null
        var members: [(String, JSONNode)] = [
            ("total", .integer(Int64(page.total))),
            ("offset", .integer(Int64(request.offset))),
            ("limit", .integer(Int64(request.limit))),
            ("sort", .string(orNull: request.sortParameter)),
            ("query", .string(items.encoded)),
            ("next", next),
        ]
        members.append(("projects", .array(rows.map { row in
            var fields: [(String, JSONNode)] = Pages.listColumns.map { ($0.rawValue, JSONNode(row.values[$0] ?? .null)) }
            if request.filter.search != nil { fields.append(("snippet", .string(orNull: row.snippet))) }
            return .object(fields)
        })))
        members.append(("facets", .object(page.facets.map { facet in
            let name = FacetIndex.selectingFilter(of: facet.dimension)?.name.rawValue ?? facet.dimension.columnName
            var facetMembers: [(String, JSONNode)] = [
                ("values", .array(zip(facet.rows, facet.selected).map { row, selected in
                    .object([
                        ("code", .string(row.value.code)), ("label", .string(row.value.label)),
                        ("projects", .integer(Int64(row.projects))), ("selected", .bool(selected)),
                    ])
                })),
            ]
            if let c7 = facet.c7Total { facetMembers.append(("c7_total", .integer(Int64(c7)))) }
            return (name, .object(facetMembers))
        })))
        return JSONNode.object(members).compact + "\n"
    }
}
