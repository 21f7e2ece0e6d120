import SafeText
import SQLite

/// One kind of problem `check` looks for, with how often it was found and a few examples.
public struct CheckFinding: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case integrity = "integrity_check"
        case foreignKeys = "foreign_key_check"
        case withoutActionLines = "projects_without_action_lines"
        case withoutSDGs = "projects_without_sdgs"
        case ongoingPastEnd = "ongoing_with_past_end_date"
        case endBeforeStart = "end_before_start"
        case suspiciousWebsite = "unreachable_looking_website"
        case organizationSpellings = "organization_name_variants"
        case organizationNearCollision = "organization_names_nearly_collide"
        case duplicateCandidates = "duplicate_candidates"
        case lookalikeIDs = "lookalike_external_ids"
        case mojibake = "mojibake"

        /// What the finding means, for people.
        public var title: String {
            switch self {
            case .integrity: "the database file's structure (PRAGMA integrity_check)"
            case .foreignKeys: "links that point to no row (PRAGMA foreign_key_check)"
            case .withoutActionLines: "projects without Action Lines"
            case .withoutSDGs: "projects without SDGs"
            case .ongoingPastEnd: "status ongoing, but the end date has passed"
            case .endBeforeStart: "end date before start date"
            case .suspiciousWebsite: "websites whose address cannot be reached as written"
            case .organizationSpellings: "one organization written in several ways"
            case .organizationNearCollision: "organization names one letter apart"
            case .duplicateCandidates: "possible duplicate projects (same title and organization, or near-identical titles in one country)"
            case .lookalikeIDs: "external ids with invisible characters or typographic dashes (imports no longer accept or keep them; see migration 0009)"
            case .mojibake: "text that looks like mis-decoded UTF-8 (mojibake)"
            }
        }
    }

    public let kind: Kind
    public let count: Int

    /// Integrity and foreign-key findings mean the database is damaged, not that the data needs
    /// attention: `check` exits 4 for them, 3 for the others.
    public var isDamage: Bool { count > 0 && (kind == .integrity || kind == .foreignKeys) }
    /// Up to `exampleLimit` examples, each naming the external_id(s) concerned.
    public let examples: [String]
}

/// The outcome of `check`: every kind with its count, zero included.
public struct CheckReport: Sendable, Equatable {
    public var findings: [CheckFinding]

    public var problemCount: Int { findings.reduce(0) { $0 + $1.count } }
    public var isClean: Bool { problemCount == 0 }
    public var isDamaged: Bool { findings.contains { $0.isDamage } }

    public func finding(_ kind: CheckFinding.Kind) -> CheckFinding? { findings.first { $0.kind == kind } }

    /// `{"clean":…,"problems":…,"findings":[{"check":…,"title":…,"count":…,"examples":[…]}]}`.
    public var json: String {
        let findings = findings.map { finding in
            JSONNode.object([
                ("check", .string(finding.kind.rawValue)), ("title", .string(finding.kind.title)),
                ("count", .integer(Int64(finding.count))), ("damage", .bool(finding.isDamage)),
                ("examples", .array(finding.examples.map(JSONNode.string))),
            ])
        }
        return JSONNode.object([
            ("clean", .bool(isClean)), ("damaged", .bool(isDamaged)), ("problems", .integer(Int64(problemCount))),
            ("findings", .lines(findings)),
        ]).compact + "\n"
    }
}

/// `stocktake check`: the database's integrity, then the data-quality findings of the stocktake.
///
/// Reports only: nothing is changed or merged. Project findings honour `filter`, so a report on
/// one region summarizes that region's problems.
public struct DataQualityCheck {
    public let catalog: Catalog
    public var filter: ProjectFilter
    public var exampleLimit: Int
    /// `YYYY-MM-DD`; "past" end dates are before it.
    public var today: String

    public init(catalog: Catalog, filter: ProjectFilter = ProjectFilter(), exampleLimit: Int = 5, today: String = Timestamp.today()) {
        self.catalog = catalog
        self.filter = filter
        self.exampleLimit = exampleLimit
        self.today = today
    }

    public func run() throws -> CheckReport {
        let database = catalog.database
        var findings: [CheckFinding] = []
        let integrity = try database.rows("PRAGMA integrity_check").compactMap { $0.first?.textValue }.filter { $0 != "ok" }
        findings.append(CheckFinding(kind: .integrity, count: integrity.count, examples: Array(integrity.prefix(exampleLimit))))
        let foreignKeys = try database.rows("PRAGMA foreign_key_check").map { row in
            "\(row[0].textValue ?? "?") row \(row[1].textValue ?? "?") → \(row[2].textValue ?? "?")"
        }
        findings.append(CheckFinding(kind: .foreignKeys, count: foreignKeys.count, examples: Array(foreignKeys.prefix(exampleLimit))))

        let (condition, arguments) = filter.condition(projectAlias: "p")
        func projects(_ kind: CheckFinding.Kind, where predicate: String, _ extra: [SQLiteValue] = [],
                      example: String = "p.external_id") throws -> CheckFinding {
            let count = try database.scalarInt(
                "SELECT count(*) FROM project p WHERE (\(predicate)) AND \(condition)", extra + arguments) ?? 0
            let examples = try database.rows(
                "SELECT \(example) FROM project p WHERE (\(predicate)) AND \(condition) ORDER BY p.external_id LIMIT ?",
                extra + arguments + [.integer(Int64(exampleLimit))]).map { $0[0].textValue ?? "" }
            return CheckFinding(kind: kind, count: count, examples: examples)
        }
        findings.append(try projects(.withoutActionLines, where: "NOT EXISTS (SELECT 1 FROM project_action_line x WHERE x.project_id = p.id)"))
        findings.append(try projects(.withoutSDGs, where: "NOT EXISTS (SELECT 1 FROM project_sdg x WHERE x.project_id = p.id)"))
        // Dates may be YYYY, YYYY-MM or YYYY-MM-DD: compare on the shorter precision.
        findings.append(try projects(
            .ongoingPastEnd, where: "p.status = ? AND p.end_date IS NOT NULL AND p.end_date < substr(?, 1, length(p.end_date))",
            [.text(ProjectStatus.ongoing.rawValue), .text(today)],
            example: "p.external_id || ' (end ' || p.end_date || ')'"))
        findings.append(try projects(
            .endBeforeStart,
            where: """
                p.start_date IS NOT NULL AND p.end_date IS NOT NULL AND substr(p.end_date, 1, min(length(p.end_date), length(p.start_date))) \
                < substr(p.start_date, 1, min(length(p.end_date), length(p.start_date)))
                """,
            example: "p.external_id || ' (' || p.start_date || ' → ' || p.end_date || ')'"))
        findings.append(try websites(condition, arguments))
        findings.append(try organizationSpellings(condition, arguments))
        findings.append(try organizationNearCollisions())
        findings.append(try duplicateCandidates(condition, arguments))
        findings.append(try lookalikeIDs(condition, arguments))
        findings.append(try mojibake(condition, arguments))
        return CheckReport(findings: findings)
    }

    // MARK: Websites

    private func websites(_ condition: String, _ arguments: [SQLiteValue]) throws -> CheckFinding {
        let statement = try catalog.database.prepare(
            "SELECT p.external_id, p.website FROM project p WHERE p.website IS NOT NULL AND \(condition) ORDER BY p.external_id")
        try statement.bind(arguments)
        var count = 0
        var examples: [String] = []
        while try statement.step() {
            let website = statement.text(at: 1) ?? ""
            guard let reason = Self.websiteProblem(website) else { continue }
            count += 1
            if examples.count < exampleLimit { examples.append("\(statement.text(at: 0) ?? ""): \(TerminalText.excerpt(website)) (\(reason))") }
        }
        return CheckFinding(kind: .suspiciousWebsite, count: count, examples: examples)
    }

    /// Why `url` cannot be reached as written, judged by its syntax alone; nil when it looks fine.
    static func websiteProblem(_ url: String) -> String? {
        guard let address = WebAddress(url) else { return "not an http(s) address" }
        if url.contains(where: { $0.isWhitespace }) { return "contains white space" }
        if let port = address.port {
            guard !port.isEmpty, port.allSatisfy(\.isASCII), let number = Int(port), (1...65535).contains(number) else { return "bad port" }
        }
        let host = address.host
        guard !host.isEmpty else { return "no host name" }
        if host == "localhost" { return "points at the local machine" }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 4, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            let octets = labels.compactMap { Int($0) }
            if octets.count != 4 || octets.contains(where: { $0 > 255 }) { return "not a valid IP address" }
            if octets[0] == 10 || octets[0] == 127 || (octets[0] == 192 && octets[1] == 168) || (octets[0] == 172 && (16...31).contains(octets[1])) {
                return "a private IP address"
            }
            return nil
        }
        guard labels.count >= 2 else { return "no top-level domain" }
        for label in labels {
            if label.isEmpty { return "empty label in host name" }
            if label.count > 63 { return "host name label longer than 63 characters" }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "host name label starts or ends with a hyphen" }
            if label.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) { return "invalid character in host name" }
        }
        let tld = labels.last!
        if ["test", "invalid", "localhost", "local", "example", "internal", "lan"].contains(String(tld)) { return "reserved top-level domain .\(tld)" }
        if tld.count < 2 || (!tld.hasPrefix("xn--") && !tld.allSatisfy(\.isLetter)) { return "invalid top-level domain" }
        return nil
    }

    // MARK: Organizations

    private func organizationSpellings(_ condition: String, _ arguments: [SQLiteValue]) throws -> CheckFinding {
        let rows = try catalog.database.rows("""
            SELECT p.organization_id, count(DISTINCT p.organization_name) FROM project p
            WHERE p.organization_id IS NOT NULL AND \(condition)
            GROUP BY p.organization_id HAVING count(DISTINCT p.organization_name) > 1 ORDER BY p.organization_id
            """, arguments)
        var examples: [String] = []
        for row in rows.prefix(exampleLimit) {
            let names = try catalog.database.rows(
                "SELECT DISTINCT organization_name FROM project WHERE organization_id = ? ORDER BY organization_name LIMIT 4",
                [row[0]]).map { TerminalText.quoted($0[0].textValue ?? "") }
            examples.append(names.joined(separator: " / "))
        }
        return CheckFinding(kind: .organizationSpellings, count: rows.count, examples: examples)
    }

    /// Normalized names one edit apart (`ministry of educaton` / `ministry of education`), found with
    /// the symmetric-delete method: two names within one edit share a one-deletion variant, so the
    /// work grows with the number of names, not its square.
    private func organizationNearCollisions() throws -> CheckFinding {
        let keys = try catalog.database.rows("SELECT DISTINCT normalized_key FROM organization ORDER BY normalized_key")
            .compactMap { $0[0].textValue }
        var byVariant: [String: [Int]] = [:]
        for (index, key) in keys.enumerated() {
            let scalars = Array(key.unicodeScalars)
            guard scalars.count >= 6, scalars.count <= 120 else { continue }
            var variants: Set<String> = [key]
            for drop in scalars.indices {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[..<drop])
                view.append(contentsOf: scalars[(drop + 1)...])
                variants.insert(String(view))
            }
            for variant in variants { byVariant[variant, default: []].append(index) }
        }
        var pairs: Set<[Int]> = []
        for indices in byVariant.values where indices.count > 1 {
            for i in indices.indices {
                for j in indices.index(after: i)..<indices.endIndex where keys[indices[i]] != keys[indices[j]] {
                    pairs.insert([indices[i], indices[j]].sorted())
                }
            }
        }
        let sorted = pairs.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        return CheckFinding(
            kind: .organizationNearCollision, count: sorted.count,
            examples: sorted.prefix(exampleLimit).map { TerminalText.quoted(keys[$0[0]]) + " / " + TerminalText.quoted(keys[$0[1]]) })
    }

    // MARK: Duplicates

    /// Same normalized title and organization; or, in the same first country, titles equal once
    /// case, accents, punctuation, digits and spacing are folded away (`e-Health 2023` / `eHealth 2024`).
    /// Each candidate is reported with both external_ids; nothing is merged.
    private func duplicateCandidates(_ condition: String, _ arguments: [SQLiteValue]) throws -> CheckFinding {
        let statement = try catalog.database.prepare("""
            SELECT p.external_id, p.title, p.organization_id,
                   (SELECT pc.country_id FROM project_country pc WHERE pc.project_id = p.id ORDER BY pc.position LIMIT 1)
            FROM project p WHERE \(condition) ORDER BY p.external_id
            """)
        try statement.bind(arguments)
        var byTitleAndOrganization: [String: String] = [:]
        var byTitleShapeAndCountry: [String: String] = [:]
        var count = 0
        var examples: [String] = []
        while try statement.step() {
            let externalID = statement.text(at: 0) ?? ""
            let title = statement.text(at: 1) ?? ""
            let loose = MatchKey.loose(title)
            var match: String?
            if !statement.isNull(at: 2), !loose.isEmpty {
                let key = "\(statement.int64(at: 2))\u{1}\(loose)"
                if let first = byTitleAndOrganization[key] { match = first } else { byTitleAndOrganization[key] = externalID }
            }
            if !statement.isNull(at: 3) {
                let shape = String(String.UnicodeScalarView(MatchKey.ascii(title).unicodeScalars.filter { $0.properties.isAlphabetic }))
                if !shape.isEmpty {
                    let key = "\(statement.int64(at: 3))\u{1}\(shape)"
                    if let first = byTitleShapeAndCountry[key] {
                        if match == nil { match = first }
                    } else {
                        byTitleShapeAndCountry[key] = externalID
                    }
                }
            }
            guard let match else { continue }
            count += 1
            if examples.count < exampleLimit { examples.append("\(match) / \(externalID): \(TerminalText.excerpt(title))") }
        }
        return CheckFinding(kind: .duplicateCandidates, count: count, examples: examples)
    }

    // MARK: Lookalike ids

    /// Ids written before `ExternalID`'s rule that it would change or refuse: each is listed with
    /// the id it reads as, and the project that already has that id when there is one.
    private func lookalikeIDs(_ condition: String, _ arguments: [SQLiteValue]) throws -> CheckFinding {
        // Only ids with a character outside printable ASCII can be affected.
        let statement = try catalog.database.prepare(
            "SELECT p.external_id FROM project p WHERE p.external_id GLOB '*[^ -~]*' AND \(condition) ORDER BY p.external_id")
        try statement.bind(arguments)
        var count = 0
        var examples: [String] = []
        while try statement.step() {
            let externalID = statement.text(at: 0) ?? ""
            let readsAs = String(String.UnicodeScalarView(externalID.unicodeScalars.compactMap { scalar in
                ExternalID.invisibleCharacterName(scalar) != nil ? nil : ExternalID.isTypographicDash(scalar) ? "-" : scalar
            }))
            guard readsAs != externalID else { continue }
            count += 1
            guard examples.count < exampleLimit else { continue }
            let twin = try catalog.database.scalarText("SELECT external_id FROM project WHERE external_id = ?", [.text(readsAs)])
            var example = TerminalText.excerpt(externalID) + " reads as " + TerminalText.excerpt(readsAs)
            if let twin { example += ", which is another project (" + TerminalText.excerpt(twin) + ")" }
            examples.append(example)
        }
        return CheckFinding(kind: .lookalikeIDs, count: count, examples: examples)
    }

    // MARK: Mojibake

    private func mojibake(_ condition: String, _ arguments: [SQLiteValue]) throws -> CheckFinding {
        // SQLite narrows the candidates quickly (instr is plain C); Swift then checks the bytes.
        let markers: [SQLiteValue] = [.text("Ã"), .text("Â"), .text("â€")]
        let columns = ["p.title", "p.description", "p.organization_name", "p.partners"]
        let any = columns.map { column in "(" + markers.map { _ in "instr(ifnull(\(column), ''), ?) > 0" }.joined(separator: " OR ") + ")" }
            .joined(separator: " OR ")
        let statement = try catalog.database.prepare("""
            SELECT p.external_id, \(columns.joined(separator: ", ")) FROM project p WHERE (\(any)) AND \(condition) ORDER BY p.external_id
            """)
        try statement.bind(Array(repeating: markers, count: columns.count).flatMap { $0 } + arguments)
        var count = 0
        var examples: [String] = []
        while try statement.step() {
            var found: String?
            for index in 1...columns.count where found == nil {
                found = statement.withUTF8(at: index) { bytes in
                    guard let bytes, let offset = Self.mojibakeOffset(in: bytes) else { return nil }
                    let start = max(0, offset - 20)
                    let text = String(decoding: bytes[start..<min(bytes.count, offset + 30)], as: UTF8.self)
                    return "\(columns[index - 1].dropFirst(2)) \"…\(text)…\""
                }
            }
            guard let found else { continue }
            count += 1
            if examples.count < exampleLimit { examples.append("\(statement.text(at: 0) ?? ""): \(found)") }
        }
        return CheckFinding(kind: .mojibake, count: count, examples: examples)
    }

    /// Where UTF-8 that was decoded as Windows-1252 and encoded again shows: `Ã` or `Â` (C3 83,
    /// C3 82) or `â` (C3 A2) followed by a character that a UTF-8 continuation byte becomes in
    /// Windows-1252 (U+0080–U+00BF, or the punctuation at 0x80–0x9F: `€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ`).
    /// Portuguese `NÃO` is not caught: `O` is no continuation byte.
    static func mojibakeOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index + 3 < bytes.count {
            defer { index += 1 }
            guard bytes[index] == 0xC3, bytes[index + 1] == 0x82 || bytes[index + 1] == 0x83 || bytes[index + 1] == 0xA2 else { continue }
            let next = bytes[index + 2], after = bytes[index + 3]
            switch next {
            case 0xC2 where after >= 0x80 && after <= 0xBF: return index
            case 0xC5 where [0xA0, 0xA1, 0x92, 0x93, 0xBD, 0xBE, 0xB8].contains(after): return index
            case 0xC6 where after == 0x92: return index
            case 0xCB where after == 0x86 || after == 0x9C: return index
            case 0xE2 where after == 0x80 || after == 0x82 || after == 0x84: return index
            default: continue
            }
        }
        return nil
    }
}
