/// A WSIS Action Line: C1 … C11, or one of the eight C7 applications (`C7.e-health`).
public struct ActionLine: Sendable, Hashable, Identifiable {
    public let id: Int
    public let code: String
    public let parentID: Int?
    public let title: String
    public let isPrizeCategory: Bool
    /// Older titles, kept as aliases.
    public let olderTitles: [String]

    /// The 18 leaf categories (C1–C6, the C7 applications, C8–C11) are the ones projects link to.
    public var isLeaf: Bool { code != "C7" }
}

public struct SDG: Sendable, Hashable, Identifiable {
    /// The goal number, 1 … 17.
    public let id: Int
    public let shortTitle: String
    public let title: String
}

public struct GDCObjective: Sendable, Hashable, Identifiable {
    /// The objective number, 1 … 5.
    public let id: Int
    public let title: String
}

public struct StakeholderType: Sendable, Hashable, Identifiable {
    public let id: Int
    /// Canonical lower-case form (`private sector`).
    public let code: String
    public let name: String
    public let aliases: [String]
}

public struct Region: Sendable, Hashable, Identifiable {
    public let id: Int
    public let code: String
    public let name: String
    public let aliases: [String]
}

public struct Country: Sendable, Hashable, Identifiable {
    public let id: Int
    public let iso2: String
    public let iso3: String
    public let m49: String?
    public let name: String
    public let regionID: Int?
    public let isITUMember: Bool
    public let aliases: [String]

    /// The user-assigned code of the pseudo-country for projects attributed to no single country.
    public static let internationalISO2 = "XW"
    public static let internationalToken = "INTERNATIONAL"

    public var isInternational: Bool { iso2 == Self.internationalISO2 }

    /// The canonical form in files: ISO alpha-2, or `INTERNATIONAL`.
    public var canonicalToken: String { isInternational ? Self.internationalToken : iso2 }
}

/// The closed value sets that are not reference tables.
public enum Coverage: String, Sendable, CaseIterable {
    case local, national, regional, international
}

public enum ProjectStatus: String, Sendable, CaseIterable {
    case planned, ongoing, completed
}

public enum PrizeResult: String, Sendable, CaseIterable, Codable {
    case winner, champion, nominee
}
