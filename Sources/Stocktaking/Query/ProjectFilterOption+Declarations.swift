import SQLite

/// The project filters shared by `find`, `stats`, `export` and `report` — and by every front end.
///
/// Values within one filter are alternatives (OR); different filters must all hold (AND). The
/// order here is the order of resolution (the first error reported), of the SQL conditions, of the
/// command line's help and of the report's scope.
extension ProjectFilterOption {
    public static let all: [ProjectFilterOption] = [
        .actionLine, .sdg, .gdc, .country, .region, .stakeholderType, .status, .coverage, .organization,
        .submittedSince, .submittedUntil, .activeIn, .prize, .prizeYear, .importBatch, .search, .ftsSyntax,
    ]

    public static let actionLine: ProjectFilterOption = itemwise(
        "action_line", help: "Action Line, any spelling the importer accepts; C7 means all 8 C7 applications.",
        valueName: "code", values: .reference(.actionLines),
        item: { reference, text throws(ResolutionError) in
            let line = try reference.resolveActionLine(text, allowC7: true)
            // C7 stands for its eight applications.
            return (line.isLeaf ? [line.id] : reference.c7Applications.map(\.id)).map { .integer(Int64($0)) }
        },
        finish: { Array(Set($0)).sorted { ($0.integerValue ?? 0) < ($1.integerValue ?? 0) } },
        sql: { values, _, sql in sql.link("project_action_line", "action_line_id", values) })

    public static let sdg: ProjectFilterOption = itemwise(
        "sdg", help: "SDG number or title.", valueName: "sdg", values: .reference(.sdgs),
        item: { reference, text throws(ResolutionError) in [.integer(Int64(try reference.resolveSDG(text).id))] },
        sql: { values, _, sql in sql.link("project_sdg", "sdg_id", values) })

    public static let gdc: ProjectFilterOption = itemwise(
        "gdc", help: "Global Digital Compact objective number.", valueName: "objective", values: .reference(.gdcObjectives),
        item: { reference, text throws(ResolutionError) in [.integer(Int64(try reference.resolveGDCObjective(text).id))] },
        sql: { values, _, sql in sql.link("project_gdc_objective", "gdc_objective_id", values) })

    public static let country: ProjectFilterOption = itemwise(
        "country", help: "Country: ISO code, name, ITU-style name, or INTERNATIONAL.", valueName: "country",
        values: .reference(.countries),
        item: { reference, text throws(ResolutionError) in [.integer(Int64(try reference.resolveCountry(text).id))] },
        sql: { values, _, sql in sql.link("project_country", "country_id", values) })

    public static let region: ProjectFilterOption = itemwise(
        "region", help: "ITU region: AFR, AMS, ARB, ASP, CIS, EUR, INT (or its name).", valueName: "region",
        values: .reference(.regions),
        item: { reference, text throws(ResolutionError) in [.integer(Int64(try reference.resolveRegion(text).id))] },
        sql: { values, _, sql in
            sql.projectSet("""
                SELECT pc.project_id FROM project_country pc JOIN country c ON c.id = pc.country_id \
                WHERE c.region_id IN (\(FilterSQL.placeholders(values.count)))
                """, values)
        })

    public static let stakeholderType: ProjectFilterOption = itemwise(
        "stakeholder_type", help: "Stakeholder type.", valueName: "type", values: .reference(.stakeholderTypes),
        item: { reference, text throws(ResolutionError) in [.integer(Int64(try reference.resolveStakeholderType(text).id))] },
        sql: { values, _, sql in sql.column("stakeholder_type_id", in: values) })

    public static let status: ProjectFilterOption = itemwise(
        "status", help: "planned, ongoing or completed.", valueName: "status",
        values: .oneOf(ProjectStatus.allCases.map(\.rawValue)),
        item: { reference, text throws(ResolutionError) in [.text(try reference.resolveStatus(text).rawValue)] },
        sql: { values, _, sql in sql.column("status", in: values) })

    public static let coverage: ProjectFilterOption = itemwise(
        "coverage", help: "local, national, regional or international.", valueName: "coverage",
        values: .oneOf(Coverage.allCases.map(\.rawValue)),
        item: { reference, text throws(ResolutionError) in [.text(try reference.resolveCoverage(text).rawValue)] },
        sql: { values, _, sql in sql.column("coverage", in: values) })

    /// Matched by identity key (`MatchKey.loose`). A value with commas is one organization when one
    /// has that name ("ACME, Inc."), else a comma list.
    public static let organization: ProjectFilterOption = ProjectFilterOption(
        "organization", help: "Organization name (matched ignoring case, spacing and punctuation).", valueName: "name",
        resolve: { (input: FilterInput, filter: inout ProjectFilter) throws(FilterValueError) in
            let keys = input.texts.flatMap { value in
                let whole = MatchKey.loose(value)
                return value.contains(",") && !input.organizationKeyExists(whole)
                    ? FilterInput.commaItems(value).map { MatchKey.loose($0) } : [whole]
            }
            filter.set("organization", keys.filter { !$0.isEmpty }.map { .text($0) })
        },
        sql: { values, _, sql in
            sql.clause("\(sql.alias).organization_id IN (SELECT id FROM organization WHERE normalized_key IN (\(FilterSQL.placeholders(values.count))))", values)
        })

    public static let submittedSince: ProjectFilterOption = date(
        "submitted_since", help: "Submitted on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).",
        sql: { values, _, sql in sql.clause("\(sql.alias).submitted_on >= ?", values) })

    public static let submittedUntil: ProjectFilterOption = date(
        "submitted_until", help: "Submitted on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).",
        sql: { values, _, sql in
            // `2024` includes all of 2024: compare on the given precision.
            let date = values[0].textValue ?? ""
            sql.clause("substr(\(sql.alias).submitted_on, 1, ?) <= ?", [.integer(Int64(date.count)), .text(date)])
        })

    /// Years in which the project ran: start ≤ year ≤ end, or started by then and still ongoing.
    public static let activeIn: ProjectFilterOption = itemwise(
        "active_in", help: "Running in this year: start ≤ year ≤ end, or ongoing.", valueName: "year",
        item: { _, text throws(ResolutionError) in [.integer(Int64(try year(text)))] },
        sql: { values, _, sql in
            let p = sql.alias
            let one = """
                (\(p).start_date IS NOT NULL AND CAST(substr(\(p).start_date, 1, 4) AS INTEGER) <= ? AND \
                (CAST(substr(\(p).end_date, 1, 4) AS INTEGER) >= ? OR (\(p).end_date IS NULL AND \(p).status = 'ongoing')))
                """
            sql.clause("(" + Array(repeating: one, count: values.count).joined(separator: " OR ") + ")", values.flatMap { [$0, $0] })
        })

    /// Projects with a prize of one of these results (`any` is all three).
    public static let prize: ProjectFilterOption = itemwise(
        "prize", help: "Projects with a WSIS Prize: winner, champion, nominee or any.", valueName: "result",
        values: .oneOf(PrizeResult.allCases.map(\.rawValue) + ["any"]),
        item: { reference, text throws(ResolutionError) in
            if MatchKey.make(text) == "any" { return PrizeResult.allCases.map { .text($0.rawValue) } }
            do throws(ResolutionError) { return [.text(try reference.resolvePrizeResult(text).rawValue)] } catch {
                throw ResolutionError(error.problem, suggestion: "expected winner, champion, nominee or any")
            }
        },
        finish: { results in PrizeResult.allCases.map { SQLiteValue.text($0.rawValue) }.filter(results.contains) },
        sql: { values, filter, sql in prizeClause(results: values, years: filter[.prizeYear], into: &sql) })

    /// Prize years; alone, any result. Its condition is part of `prize`'s when both are given.
    public static let prizeYear: ProjectFilterOption = itemwise(
        "prize_year", help: "Prize year (with \(filter: .prize); alone it means any result).", valueName: "year",
        item: { _, text throws(ResolutionError) in [.integer(Int64(try year(text)))] },
        then: { filter in
            if filter[.prize].isEmpty { filter[.prize] = PrizeResult.allCases.map { .text($0.rawValue) } }
        },
        sql: { values, filter, sql in
            if filter[.prize].isEmpty { prizeClause(results: [], years: values, into: &sql) }
        })

    /// Projects last written by one of these import batches.
    public static let importBatch: ProjectFilterOption = itemwise(
        "import", help: "Projects last written by this import batch.", valueName: "batch",
        item: { _, text throws(ResolutionError) in
            guard let id = Int64(text), id > 0 else { throw ResolutionError("not a batch number", guidance: .listImportBatches) }
            return [.integer(id)]
        },
        sql: { values, _, sql in sql.column("batch_id", in: values) })

    /// Full-text search, taken literally unless `fts_syntax` is on (see `SearchPlan`).
    public static let search: ProjectFilterOption = ProjectFilterOption(
        "search", help: "Full-text search in title, description and organization; the text is taken literally.",
        valueName: "text", arity: .single,
        resolve: { (input: FilterInput, filter: inout ProjectFilter) throws(FilterValueError) in
            let text = input.texts[input.texts.count - 1]
            let raw = try input.isOn(.ftsSyntax)
            if let refusal = SearchPlan.refusal(of: text, rawFTS: raw) {
                throw FilterValueError(filter: input.name, value: text, reason: refusal)
            }
            filter.search = text
        },
        sql: { values, filter, sql in
            // A search with no word (`-`, `""`) names nothing: resolution refuses it, and a filter
            // built directly matches no row rather than silently every row.
            guard let plan = SearchPlan(values[0].textValue ?? "", rawFTS: filter.searchUsesFTSSyntax) else {
                sql.clause("0")
                return
            }
            let p = sql.alias
            if let match = plan.ftsQuery, !sql.ftsMatchedByJoin {
                sql.clause("\(p).id IN (SELECT rowid FROM project_fts WHERE project_fts MATCH ?)", [.text(match)])
            }
            for term in plan.substringTerms {
                sql.clause("""
                    (instr(\(p).title, ?) > 0 OR instr(ifnull(\(p).description, ''), ?) > 0 \
                    OR instr(ifnull(\(p).organization_name, ''), ?) > 0)
                    """, [.text(term), .text(term), .text(term)])
            }
        })

    /// `search` as a raw FTS5 query; its condition is `search`'s.
    public static let ftsSyntax: ProjectFilterOption = ProjectFilterOption(
        "fts_syntax", help: "Pass \(filter: .search) to FTS5 as a raw query (AND, OR, NOT, NEAR, prefix*).", valueName: "",
        arity: .flag, requires: "search",
        resolve: { (input: FilterInput, filter: inout ProjectFilter) throws(FilterValueError) in
            let on = try FilterInput.flag(input.texts, named: input.name)
            filter.searchUsesFTSSyntax = on && filter.search != nil
        },
        sql: { _, _, _ in })

    /// A date filter: one value, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    private static func date(
        _ name: OptionName, help: Wording,
        sql: @escaping @Sendable (_ values: [SQLiteValue], _ filter: ProjectFilter, _ sql: inout FilterSQL) -> Void
    ) -> ProjectFilterOption {
        ProjectFilterOption(
            name, help: help, valueName: "date", arity: .single,
            resolve: { (input: FilterInput, filter: inout ProjectFilter) throws(FilterValueError) in
                let dates = try FilterInput.items(of: [input.texts[input.texts.count - 1]], named: name) {
                    (text: String) throws(ResolutionError) in try ValueParsers.date(text, order: .iso)
                }
                filter.set(name, dates.first.map { [.text($0)] } ?? [])
            },
            sql: sql)
    }

    /// `alias.id IN (SELECT project_id FROM prize WHERE 1 [AND result IN (…)] [AND year IN (…)])`.
    private static func prizeClause(results: [SQLiteValue], years: [SQLiteValue], into sql: inout FilterSQL) {
        var select = "SELECT project_id FROM prize WHERE 1"
        if !results.isEmpty { select += " AND result IN (\(FilterSQL.placeholders(results.count)))" }
        if !years.isEmpty { select += " AND year IN (\(FilterSQL.placeholders(years.count)))" }
        sql.clause("\(sql.alias).id IN (\(select))", results + years)
    }
}
