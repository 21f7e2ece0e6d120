/// Every column of a project, each declared once, in `declaration`: its name, the header spellings
/// an import accepts, where it is stored, how an import reads it and how output encodes it. The
/// import's header mapping and row parser, the repository's SQL, `export`, `find --columns`, `show`,
/// the change log and `stocktake schema` all read that table.
///
/// Adding a column is one case here, its declaration, and a migration that adds it to `project` (and
/// to the `project_flat` view). A free-text or date column needs nothing else: the record keeps text
/// columns by column (`ProjectRecord.subscript(text:)`).
///
/// The order of the cases is the order of `find --columns all`; the file columns, in that order, are
/// the columns of an import or export file.
public enum ProjectColumn: String, Sendable, CaseIterable, Codable {
    case externalID = "external_id"
    case title
    case description
    case organization
    case stakeholderType = "stakeholder_type"
    case countries
    /// The ITU regions of the project's countries (derived: not in files).
    case regions
    case coverage
    case status
    case startDate = "start_date"
    case endDate = "end_date"
    case website
    case contactEmail = "contact_email"
    case partners
    case activityType = "activity_type"
    case actionLines = "action_lines"
    case sdgs
    case gdcObjectives = "gdc_objectives"
    case submittedOn = "submitted_on"
    /// WSIS Prizes as `YEAR CATEGORY RESULT` (`2024 C5 winner`).
    case prizes
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    /// The import batch that created the project.
    case createdBatch = "created_batch"
    /// The import batch that last wrote the project.
    case batch
    /// The fragment of title, description or organization that matched `--search`, the match in `[…]`.
    case snippet

    /// How one column is stored, read from a file and written out.
    public struct Declaration: Sendable {
        /// One line for `stocktake schema` and the docs.
        public let summary: String
        public let storage: Storage
        /// How an import reads the cell; nil for a derived column, which no file carries.
        public let importRule: ImportRule?
        /// Header names an import also accepts for the column (matched ignoring case, spacing and punctuation).
        public let headerAliases: [String]
        /// The column JSON exports add with `--labels`: the titles of a link list's codes.
        public let labelColumn: String?

        init(_ summary: String, _ storage: Storage, _ importRule: ImportRule?, aliases: [String] = [], labelColumn: String? = nil) {
            self.summary = summary
            self.storage = storage
            self.importRule = importRule
            self.headerAliases = aliases
            self.labelColumn = labelColumn
        }
    }

    /// Where a column lives.
    public enum Storage: Sendable {
        /// A TEXT column of `project`, named here; the record holds the text.
        case text(sqlColumn: String)
        /// `project.stakeholder_type_id`; files and output use the type's code.
        case stakeholderType
        /// A link table; files and output use the linked rows' codes (numbers for SDGs and GDC objectives).
        case links(LinkTable)
        /// Not stored: `find` computes it from this SQL expression over `project p`.
        case derived(sql: String, Derivation)
    }

    /// How `find` turns a derived column's SQL value into output.
    public enum Derivation: Sendable {
        case text, integer, regions, prizes, snippet
    }

    /// How an import reads a cell.
    public enum ImportRule: Sendable {
        /// Normalized by `ExternalID`; required unless ids are generated.
        case externalID
        /// Free text, kept as written; required and must contain more than white space.
        case requiredText
        /// Free text, kept exactly as written (trimmed only with `--trim-text`).
        case freeText
        /// A date in the file's date order, stored as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
        case date
        case website
        case email
        case coverage
        case status
        case stakeholderType
        /// A list of references, split on the list separators, each resolved.
        case links
    }

    /// A link table of `project`.
    public struct LinkTable: Sendable, Equatable {
        public let kind: Kind
        public let table: String
        /// The column naming the linked row.
        public let idColumn: String

        public enum Kind: Sendable, Equatable {
            case actionLines, sdgs, gdcObjectives, countries
        }

        /// Countries keep the file's order (the first identifies the organization): a `position` column.
        public var keepsOrder: Bool { kind == .countries }
        /// SDGs and GDC objectives are numbers: `4;5` in files, `[4,5]` in JSON.
        public var isNumbered: Bool { kind == .sdgs || kind == .gdcObjectives }

        public static let actionLines = LinkTable(kind: .actionLines, table: "project_action_line", idColumn: "action_line_id")
        public static let sdgs = LinkTable(kind: .sdgs, table: "project_sdg", idColumn: "sdg_id")
        public static let gdcObjectives = LinkTable(kind: .gdcObjectives, table: "project_gdc_objective", idColumn: "gdc_objective_id")
        public static let countries = LinkTable(kind: .countries, table: "project_country", idColumn: "country_id")
    }

    /// The one table of column facts.
    public var declaration: Declaration {
        switch self {
        case .externalID:
            Declaration("The project's id in the stocktaking (WSIS-…); matched ignoring case.",
                        .text(sqlColumn: "external_id"), .externalID,
                        aliases: ["id", "project id", "project_id", "reference", "ref", "external id"])
        case .title:
            Declaration("Title.", .text(sqlColumn: "title"), .requiredText,
                        aliases: ["project", "project title", "project name", "name", "title of the project"])
        case .description:
            Declaration("Free-text description.", .text(sqlColumn: "description"), .freeText,
                        aliases: ["project description", "summary", "abstract"])
        case .organization:
            Declaration("The organization as written in the file.", .text(sqlColumn: "organization_name"), .freeText,
                        aliases: ["organisation", "organization name", "organisation name", "entity", "entity name", "institution"])
        case .stakeholderType:
            Declaration("Stakeholder type code.", .stakeholderType, .stakeholderType,
                        aliases: ["stakeholder", "organization type", "organisation type", "type of organization",
                                  "type of organisation", "entity type", "stakeholder group"])
        case .countries:
            Declaration("ISO 3166-1 alpha-2 codes (or INTERNATIONAL), ';'-separated.", .links(.countries), .links,
                        aliases: ["country", "country(ies)", "country/countries", "countries covered"], labelColumn: "country_names")
        case .regions:
            Declaration("ITU regions of the project's countries.",
                        .derived(sql: "(SELECT group_concat(country_id) FROM project_country WHERE project_id = p.id)", .regions), nil)
        case .coverage:
            Declaration("local, national, regional or international.", .text(sqlColumn: "coverage"), .coverage,
                        aliases: ["scope", "geographic scope", "geographical coverage"])
        case .status:
            Declaration("planned, ongoing or completed.", .text(sqlColumn: "status"), .status, aliases: ["project status"])
        case .startDate:
            Declaration("Start: YYYY-MM-DD, YYYY-MM or YYYY.", .text(sqlColumn: "start_date"), .date,
                        aliases: ["start", "start date", "from", "date started"])
        case .endDate:
            Declaration("End: YYYY-MM-DD, YYYY-MM or YYYY.", .text(sqlColumn: "end_date"), .date,
                        aliases: ["end", "end date", "to", "date ended"])
        case .website:
            Declaration("Project website.", .text(sqlColumn: "website"), .website,
                        aliases: ["url", "web site", "web", "link", "project website", "homepage"])
        case .contactEmail:
            Declaration("Contact e-mail address.", .text(sqlColumn: "contact_email"), .email,
                        aliases: ["email", "e-mail", "email address", "contact", "contact e-mail"])
        case .partners:
            Declaration("Partners, as written.", .text(sqlColumn: "partners"), .freeText,
                        aliases: ["partner", "partner organizations", "partner organisations"])
        case .activityType:
            Declaration("Activity type, as written.", .text(sqlColumn: "activity_type"), .freeText,
                        aliases: ["type of activity", "activity"])
        case .actionLines:
            Declaration("Action Line codes, ';'-separated.", .links(.actionLines), .links,
                        aliases: ["action line", "action line(s)", "category", "categories", "wsis action line", "wsis action lines"],
                        labelColumn: "action_line_titles")
        case .sdgs:
            Declaration("SDG numbers, ';'-separated.", .links(.sdgs), .links,
                        aliases: ["sdg", "sdg(s)", "sustainable development goals", "goals"], labelColumn: "sdg_titles")
        case .gdcObjectives:
            Declaration("GDC objective numbers, ';'-separated.", .links(.gdcObjectives), .links,
                        aliases: ["gdc", "gdc objective", "global digital compact", "gdc objective(s)"], labelColumn: "gdc_objective_titles")
        case .submittedOn:
            Declaration("Date submitted to the stocktaking (YYYY-MM-DD).", .text(sqlColumn: "submitted_on"), .date,
                        aliases: ["submitted", "submission date", "date submitted", "date of submission"])
        case .prizes:
            Declaration("WSIS Prizes as YEAR CATEGORY RESULT.",
                        .derived(sql: "(SELECT group_concat(year || ' ' || action_line_id || ' ' || result) FROM prize WHERE project_id = p.id)", .prizes), nil)
        case .createdAt:
            Declaration("When the row was first imported (UTC).", .derived(sql: "p.created_at", .text), nil)
        case .updatedAt:
            Declaration("When the row last changed (UTC).", .derived(sql: "p.updated_at", .text), nil)
        case .createdBatch:
            Declaration("The import batch that created the row.", .derived(sql: "p.created_batch_id", .integer), nil)
        case .batch:
            Declaration("The import batch that last wrote the row.", .derived(sql: "p.batch_id", .integer), nil)
        case .snippet:
            Declaration("The fragment that matched --search, the match in [brackets].", .derived(sql: "NULL", .snippet), nil)
        }
    }

    // MARK: Views of the table, computed once

    /// The columns that are personal data (why a database file is 0600): shown and downloadable on
    /// the web only when the server is started with `--show-personal-data`.
    public static let personalData: Set<ProjectColumn> = [.contactEmail]

    /// The columns of an import or export file, in file order.
    public static let fileColumns: [ProjectColumn] = allCases.filter { $0.declaration.importRule != nil }

    /// The columns stored as text in `project`, in file order: `ProjectRecord`'s text slots.
    public static let textColumns: [ProjectColumn] = fileColumns.filter {
        if case .text = $0.declaration.storage { true } else { false }
    }

    /// Each column's position in `textColumns`, by `allCases` position (nil: not a text column).
    private static let textSlots: [Int?] = allCases.map { textColumns.firstIndex(of: $0) }
    private static let positions: [ProjectColumn: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// The column's position in `allCases`.
    public var position: Int { Self.positions[self]! }

    /// Where `ProjectRecord` keeps this column's text, when it is a text column.
    var textSlot: Int? { Self.textSlots[position] }

    /// The `project` column holding this column's text.
    public var sqlColumn: String? {
        if case .text(let name) = declaration.storage { name } else { nil }
    }

    public var isFileColumn: Bool { declaration.importRule != nil }

    public var linkTable: LinkTable? {
        if case .links(let table) = declaration.storage { table } else { nil }
    }

    /// What `find` prints when no columns are chosen.
    public static let defaultFindColumns: [ProjectColumn] = [.externalID, .title, .organization, .countries, .actionLines, .sdgs]

    /// The header matcher of a projects file: every file column, its aliases, the three required ones.
    public static let matcher = HeaderMatcher<ProjectColumn>(
        fields: fileColumns, aliases: Dictionary(uniqueKeysWithValues: fileColumns.map { ($0, $0.declaration.headerAliases) }),
        required: [.externalID, .title, .actionLines])
}
