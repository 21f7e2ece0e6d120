/// The columns of a projects file, in the order the export writes them. Import and export share
/// this list, so an exported file imports back unchanged.
public enum ProjectColumn: String, Sendable, CaseIterable, Codable {
    case externalID = "external_id"
    case title
    case description
    case organization
    case stakeholderType = "stakeholder_type"
    case countries
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

    public var isList: Bool {
        switch self {
        case .countries, .actionLines, .sdgs, .gdcObjectives: true
        default: false
        }
    }
}

/// One project with its links, resolved to reference ids: the unit the repository saves.
///
/// Free text (title, description, organization, partners, activity type) is kept exactly as read.
/// Links are kept in canonical order (reference order for Action Lines, numbers for SDGs and GDC
/// objectives); countries keep the file's order because the first one identifies the organization.
public struct ProjectRecord: Sendable, Equatable {
    public var externalID: String
    public var title: String
    public var description: String?
    public var organization: String?
    public var stakeholderTypeID: Int?
    public var countryIDs: [Int]
    public var coverage: Coverage?
    public var status: ProjectStatus?
    public var startDate: String?
    public var endDate: String?
    public var website: String?
    public var contactEmail: String?
    public var partners: String?
    public var activityType: String?
    public var actionLineIDs: [Int]
    public var sdgIDs: [Int]
    public var gdcObjectiveIDs: [Int]
    public var submittedOn: String?

    public init(
        externalID: String, title: String, description: String? = nil, organization: String? = nil,
        stakeholderTypeID: Int? = nil, countryIDs: [Int] = [], coverage: Coverage? = nil, status: ProjectStatus? = nil,
        startDate: String? = nil, endDate: String? = nil, website: String? = nil, contactEmail: String? = nil,
        partners: String? = nil, activityType: String? = nil, actionLineIDs: [Int] = [], sdgIDs: [Int] = [],
        gdcObjectiveIDs: [Int] = [], submittedOn: String? = nil
    ) {
        self.externalID = externalID
        self.title = title
        self.description = description
        self.organization = organization
        self.stakeholderTypeID = stakeholderTypeID
        self.countryIDs = countryIDs
        self.coverage = coverage
        self.status = status
        self.startDate = startDate
        self.endDate = endDate
        self.website = website
        self.contactEmail = contactEmail
        self.partners = partners
        self.activityType = activityType
        self.actionLineIDs = actionLineIDs.sorted()
        self.sdgIDs = sdgIDs.sorted()
        self.gdcObjectiveIDs = gdcObjectiveIDs.sorted()
        self.submittedOn = submittedOn
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

    /// The record's values in canonical file form, one per `ProjectColumn`, nil for absent values.
    public func canonicalFields(_ reference: ReferenceData) -> [String?] {
        ProjectColumn.allCases.map { canonicalValue(of: $0, reference) }
    }

    public func canonicalValue(of column: ProjectColumn, _ reference: ReferenceData) -> String? {
        func list(_ items: [String]) -> String? { items.isEmpty ? nil : items.joined(separator: ";") }
        switch column {
        case .externalID: return externalID
        case .title: return title
        case .description: return description
        case .organization: return organization
        case .stakeholderType: return stakeholderTypeID.flatMap { reference.stakeholderType(id: $0)?.code }
        case .countries: return list(countryIDs.compactMap { reference.country(id: $0)?.canonicalToken }.sorted())
        case .coverage: return coverage?.rawValue
        case .status: return status?.rawValue
        case .startDate: return startDate
        case .endDate: return endDate
        case .website: return website
        case .contactEmail: return contactEmail
        case .partners: return partners
        case .activityType: return activityType
        case .actionLines: return list(actionLineIDs.compactMap { reference.actionLine(id: $0)?.code })
        case .sdgs: return list(sdgIDs.map(String.init))
        case .gdcObjectives: return list(gdcObjectiveIDs.map(String.init))
        case .submittedOn: return submittedOn
        }
    }
}
