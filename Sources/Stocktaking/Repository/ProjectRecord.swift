/// One project with its links, resolved to reference ids: the unit the repository saves.
///
/// The columns stored as text (`ProjectColumn.textColumns`: free text, dates, website, e-mail,
/// coverage, status) are kept by column, so a new text column needs no change here; the named
/// properties below are conveniences over them. Free text is kept exactly as read. Links are kept
/// in canonical order (reference order for Action Lines, numbers for SDGs and GDC objectives);
/// countries keep the file's order because the first one identifies the organization.
public struct ProjectRecord: Sendable, Equatable {
    /// The text of each of `ProjectColumn.textColumns`, in that order; nil for absent values.
    var texts: [String?] = Array(repeating: nil, count: ProjectColumn.textColumns.count)
    public var stakeholderTypeID: Int?
    public var countryIDs: [Int]
    public var actionLineIDs: [Int]
    public var sdgIDs: [Int]
    public var gdcObjectiveIDs: [Int]

    public init(
        externalID: String, title: String, description: String? = nil, organization: String? = nil,
        stakeholderTypeID: Int? = nil, countryIDs: [Int] = [], coverage: Coverage? = nil, status: ProjectStatus? = nil,
        startDate: String? = nil, endDate: String? = nil, website: String? = nil, contactEmail: String? = nil,
        partners: String? = nil, activityType: String? = nil, actionLineIDs: [Int] = [], sdgIDs: [Int] = [],
        gdcObjectiveIDs: [Int] = [], submittedOn: String? = nil
    ) {
        self.stakeholderTypeID = stakeholderTypeID
        self.countryIDs = countryIDs
        self.actionLineIDs = actionLineIDs.sorted()
        self.sdgIDs = sdgIDs.sorted()
        self.gdcObjectiveIDs = gdcObjectiveIDs.sorted()
        self.externalID = externalID
        self.title = title
        self.description = description
        self.organization = organization
        self.coverage = coverage
        self.status = status
        self.startDate = startDate
        self.endDate = endDate
        self.website = website
        self.contactEmail = contactEmail
        self.partners = partners
        self.activityType = activityType
        self.submittedOn = submittedOn
    }

    /// The text of a text column (`ProjectColumn.textColumns`); nil for any other column.
    public subscript(text column: ProjectColumn) -> String? {
        get { column.textSlot.flatMap { texts[$0] } }
        set {
            guard let slot = column.textSlot else { preconditionFailure("\(column.rawValue) is not stored as text") }
            texts[slot] = newValue
        }
    }

    // MARK: Named text columns

    public var externalID: String {
        get { self[text: .externalID] ?? "" }
        set { self[text: .externalID] = newValue }
    }
    public var title: String {
        get { self[text: .title] ?? "" }
        set { self[text: .title] = newValue }
    }
    public var description: String? {
        get { self[text: .description] }
        set { self[text: .description] = newValue }
    }
    public var organization: String? {
        get { self[text: .organization] }
        set { self[text: .organization] = newValue }
    }
    public var coverage: Coverage? {
        get { self[text: .coverage].flatMap(Coverage.init(rawValue:)) }
        set { self[text: .coverage] = newValue?.rawValue }
    }
    public var status: ProjectStatus? {
        get { self[text: .status].flatMap(ProjectStatus.init(rawValue:)) }
        set { self[text: .status] = newValue?.rawValue }
    }
    public var startDate: String? {
        get { self[text: .startDate] }
        set { self[text: .startDate] = newValue }
    }
    public var endDate: String? {
        get { self[text: .endDate] }
        set { self[text: .endDate] = newValue }
    }
    public var website: String? {
        get { self[text: .website] }
        set { self[text: .website] = newValue }
    }
    public var contactEmail: String? {
        get { self[text: .contactEmail] }
        set { self[text: .contactEmail] = newValue }
    }
    public var partners: String? {
        get { self[text: .partners] }
        set { self[text: .partners] = newValue }
    }
    public var activityType: String? {
        get { self[text: .activityType] }
        set { self[text: .activityType] = newValue }
    }
    public var submittedOn: String? {
        get { self[text: .submittedOn] }
        set { self[text: .submittedOn] = newValue }
    }

    // MARK: Links

    /// The ids of one link table's rows.
    public subscript(links table: ProjectColumn.LinkTable) -> [Int] {
        get {
            switch table.kind {
            case .actionLines: actionLineIDs
            case .sdgs: sdgIDs
            case .gdcObjectives: gdcObjectiveIDs
            case .countries: countryIDs
            }
        }
        set {
            switch table.kind {
            case .actionLines: actionLineIDs = newValue
            case .sdgs: sdgIDs = newValue
            case .gdcObjectives: gdcObjectiveIDs = newValue
            case .countries: countryIDs = newValue
            }
        }
    }

    /// True when saving `self` over `stored` would change nothing a file can express.
    /// Country order is not part of the canonical form, so only the set of countries is compared.
    public func hasSameContent(as stored: ProjectRecord) -> Bool {
        var left = self
        var right = stored
        left.countryIDs.sort()
        right.countryIDs.sort()
        return left == right
    }

    /// The record's values in canonical file form, one per file column, nil for absent values.
    public func canonicalFields(_ reference: ReferenceData) -> [String?] {
        ProjectColumn.fileColumns.map { canonicalValue(of: $0, reference) }
    }

    /// The column's value as an export file writes it (link codes `;`-joined, countries sorted).
    public func canonicalValue(of column: ProjectColumn, _ reference: ReferenceData) -> String? {
        func list(_ items: [String]) -> String? { items.isEmpty ? nil : items.joined(separator: ";") }
        switch column.declaration.storage {
        case .text: return self[text: column]
        case .stakeholderType: return stakeholderTypeID.flatMap { reference.stakeholderType(id: $0)?.code }
        case .links(let table): return list(reference.codes(of: table, self[links: table]))
        case .derived: return nil
        }
    }
}

extension ReferenceData {
    /// The codes of linked rows as files write them: Action Line codes in reference order, SDG and
    /// GDC numbers, country tokens sorted.
    public func codes(of table: ProjectColumn.LinkTable, _ ids: [Int]) -> [String] {
        switch table.kind {
        case .actionLines: ids.compactMap { actionLine(id: $0)?.code }
        case .sdgs, .gdcObjectives: ids.map(String.init)
        case .countries: ids.compactMap { country(id: $0)?.canonicalToken }.sorted()
        }
    }
}
