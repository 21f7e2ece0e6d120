import SQLite

/// The tables, views and columns an analyst can use in `stocktake sql`, read from the database
/// itself (`pragma_table_list`, `pragma_table_xinfo`) and described from `SchemaGuide.descriptions`.
///
/// The structure comes from the database so that it is never out of date; only the prose lives
/// here. A table or column a migration adds without a line in `descriptions` is listed with no
/// description, and `SchemaGuideTests` fails until one is written.
public struct SchemaGuide: Sendable {
    public struct Column: Sendable, Equatable {
        public let name: String
        public let type: String
        public let description: String?
    }

    public struct Relation: Sendable, Equatable {
        public let name: String
        /// `table`, `view` or `virtual table`.
        public let kind: String
        public let description: String?
        public let columns: [Column]
    }

    public let relations: [Relation]

    /// Reads every user-facing table and view of `catalog`, in name order.
    public static func load(from catalog: Catalog) throws -> SchemaGuide {
        let database = catalog.database
        // pragma_table_list (SQLite 3.37) marks FTS5's own tables as `shadow`: they are its storage,
        // not something to query.
        let listed = try database.rows(
            "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'view', 'virtual') ORDER BY name")
        var relations: [Relation] = []
        for row in listed {
            guard case .text(let name) = row[0], case .text(let type) = row[1] else { continue }
            if name.hasPrefix("sqlite_") || internalTables.contains(name) { continue }
            let described = descriptions[name]
            // Hidden columns (FTS5's own `project_fts` and `rank`) are left out; pragma_table_xinfo
            // takes the table name as a bound argument.
            let columns = try database.rows(
                "SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid", [.text(name)]
            ).compactMap { column -> Column? in
                guard case .text(let columnName) = column[0] else { return nil }
                let columnType: String = if case .text(let declared) = column[1] { declared } else { "" }
                return Column(
                    name: columnName, type: columnType,
                    description: described?.columns[columnName] ?? sharedColumnDescriptions[columnName])
            }
            relations.append(Relation(
                name: name, kind: type == "virtual" ? "virtual table" : type, description: described?.summary, columns: columns))
        }
        return SchemaGuide(relations: relations)
    }

    /// Tables that hold the tool's own transient bookkeeping: empty outside an import's transaction.
    public static let internalTables: Set<String> = ["search_index_deferral", "search_index_stale_entry"]

    struct Description: Sendable {
        let summary: String
        let columns: [String: String]
    }

    /// Columns that mean the same wherever they appear.
    static let sharedColumnDescriptions: [String: String] = [
        "id": "Row id; other tables refer to it.",
        "project_id": "The project (project.id).",
        "action_line_id": "The Action Line (action_line.id).",
        "sdg_id": "The SDG number (sdg.id).",
        "gdc_objective_id": "The Global Digital Compact objective number (gdc_objective.id).",
        "country_id": "The country (country.id).",
        "region_id": "The ITU region (region.id).",
        "stakeholder_type_id": "The stakeholder type (stakeholder_type.id).",
        "alias": "Another spelling the importer and the filters accept.",
        "batch_id": "The import batch that last wrote the row (import_batch.id).",
        "external_id": "The project's id in the stocktaking (WSIS-…); matched ignoring case.",
        "title": "Title.",
        "name": "Name.",
        "code": "Short code.",
    ]

    /// The text columns of `project`, described once in the column table.
    static let storedColumnDescriptions = Dictionary(
        uniqueKeysWithValues: ProjectColumn.textColumns.map { ($0.sqlColumn!, $0.declaration.summary) })

    /// One line per table, view and column an analyst can query.
    static let descriptions: [String: Description] = [
        "project": Description(
            summary: "One row per project, its own fields; links are in the project_* tables.",
            columns: storedColumnDescriptions.merging([
                "organization_name": "The organization exactly as written in the file.",
                "organization_id": "The organization it was matched to (organization.id).",
                "created_at": "When the row was first imported (UTC).",
                "updated_at": "When the row last changed (UTC).",
                "created_batch_id": "The import batch that created the row (import_batch.id).",
                "source_line": "Line of the imported file the row last came from.",
            ]) { _, explicit in explicit }),
        "project_flat": Description(
            summary: "One row per project with its links as ';' lists: the easiest table to query.",
            columns: Dictionary(uniqueKeysWithValues: ProjectColumn.fileColumns.map { ($0.rawValue, $0.declaration.summary) })),
        "project_action_line": Description(summary: "Which Action Lines each project serves (one row per link).", columns: [:]),
        "project_sdg": Description(summary: "Which SDGs each project serves (one row per link).", columns: [:]),
        "project_gdc_objective": Description(summary: "Which Global Digital Compact objectives each project serves.", columns: [:]),
        "project_country": Description(summary: "Where each project runs (one row per country).", columns: [
            "position": "Order in the file; the first country identifies the organization.",
        ]),
        "project_change": Description(summary: "What each import batch did to each project: the history `show` lists.", columns: [
            "batch_id": "The batch that made the change (import_batch.id).",
            "change": "inserted, updated or deleted.",
            "line": "Line of the imported file.",
            "before": "The project before the change, as a CSV line in export form; NULL when inserted.",
        ]),
        "prize": Description(summary: "WSIS Prizes: one row per project, year and category.", columns: [
            "year": "Prize year.",
            "action_line_id": "The prize category, a leaf Action Line (action_line.id).",
            "result": "winner, champion or nominee.",
            "batch_id": "The prizes batch that wrote the row (import_batch.id).",
        ]),
        "organization": Description(summary: "Organizations, matched ignoring case, spacing and punctuation.", columns: [
            "name": "The name as first seen.",
            "normalized_key": "The folded name used for matching (what --organization compares).",
            "country_id": "First country of its first project (country.id); NULL when none.",
        ]),
        "import_batch": Description(summary: "Every import, delete and revert, as `stocktake imports` lists them.", columns: [
            "kind": "projects, prizes, delete or revert.",
            "file_name": "The imported file's name.",
            "sha256": "SHA-256 of the imported file.",
            "options": "JSON of the options that shaped the import.",
            "started_at": "Start time (UTC).",
            "finished_at": "End time (UTC); NULL if it did not finish.",
            "user": "Who ran it.",
            "inserted": "Projects inserted.",
            "updated": "Projects updated.",
            "unchanged": "Rows that changed nothing.",
            "rejected": "Rows rejected.",
            "deleted": "Projects deleted.",
            "reverts_batch_id": "For a revert: the batch it undid.",
            "reverted_by_batch_id": "The revert batch that undid this one.",
        ]),
        "project_fts": Description(summary: "Full-text index of title, description and organization: WHERE project_fts MATCH ?; rowid = project.id.", columns: [
            "title": "Indexed title.",
            "description": "Indexed description.",
            "organization_name": "Indexed organization name.",
        ]),
        "action_line": Description(summary: "The WSIS Action Lines: C1–C11 and the eight C7 applications.", columns: [
            "id": "Row id, also the display order.",
            "code": "C1 … C11, C7.e-government … C7.e-science.",
            "parent_id": "C7 for its applications; NULL otherwise (action_line.id).",
            "is_prize_category": "1 when the line is a WSIS Prize category.",
        ]),
        "action_line_alias": Description(summary: "Older titles and other spellings of Action Lines.", columns: [
            "kind": "older_title or alias.",
        ]),
        "sdg": Description(summary: "The 17 Sustainable Development Goals.", columns: [
            "id": "The goal number, 1–17.",
            "short_title": "Short title (e.g. Quality Education).",
        ]),
        "gdc_objective": Description(summary: "The five Global Digital Compact objectives.", columns: [
            "id": "The objective number, 1–5.",
        ]),
        "country": Description(summary: "Countries (ISO 3166-1) and the INTERNATIONAL pseudo-country XW.", columns: [
            "iso2": "ISO 3166-1 alpha-2 code; XW is INTERNATIONAL.",
            "iso3": "ISO 3166-1 alpha-3 code.",
            "m49": "UN M49 numeric code.",
            "name": "English short name (ISO).",
            "region_id": "ITU region (region.id); NULL for territories ITU does not list.",
            "itu_member": "1 for ITU Member States.",
        ]),
        "country_alias": Description(summary: "Other names of countries that the importer and filters accept.", columns: [:]),
        "region": Description(summary: "The ITU regions.", columns: [
            "code": "AFR, AMS, ARB, ASP, CIS, EUR or INT.",
        ]),
        "region_alias": Description(summary: "Other names of ITU regions.", columns: [:]),
        "stakeholder_type": Description(summary: "Stakeholder types (government, private sector, …).", columns: [
            "code": "Canonical lower-case form.",
        ]),
        "stakeholder_type_alias": Description(summary: "Other spellings of stakeholder types.", columns: [:]),
        "wsis_sdg_link": Description(summary: "The published WSIS–SDG mapping: which Action Line serves which SDG target.", columns: [
            "target": "SDG target (e.g. 9.c); NULL for the goal as a whole.",
            "source": "Where the link is published.",
            "rationale": "Why they are linked.",
        ]),
        "schema_migration": Description(summary: "The schema migrations applied to this database.", columns: [
            "identifier": "Migration file name.",
            "checksum": "SHA-256 of the migration as applied.",
            "applied_at": "When it was applied (UTC).",
        ]),
    ]
}
