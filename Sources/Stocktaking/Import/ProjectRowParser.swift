/// Options that shape how values are read.
public struct ValueOptions: Sendable {
    public var dateOrder: DateOrder = .iso
    /// Characters that separate items in list cells (`action_lines`, `sdgs`, `countries`, `gdc_objectives`).
    public var listSeparators: Set<Character> = [";", "|"]
    /// Trim free text (title, description, organization, partners, activity type) at the edges.
    public var trimText = false

    public init() {}
}

/// Turns one CSV row into a `ProjectRecord`, collecting every problem in the row (not just the first).
///
/// Resolutions are cached per distinct cell text: a file repeats the same few hundred spellings
/// of Action Lines, SDGs and countries across its rows.
final class ProjectRowParser {
    let reference: ReferenceData
    let mapping: HeaderMapping<ProjectColumn>
    let options: ValueOptions
    /// When set, rows without an external_id get one derived from their content (`--generate-ids`).
    let generatesIDs: Bool

    private var actionLineCache: [String: Result<Int, ResolutionError>] = [:]
    private var sdgCache: [String: Result<Int, ResolutionError>] = [:]
    private var gdcCache: [String: Result<Int, ResolutionError>] = [:]
    private var countryCache: [String: Result<Int, ResolutionError>] = [:]
    private var stakeholderCache: [String: Result<Int, ResolutionError>] = [:]
    private static let cacheLimit = 50_000

    // Source indexes of each column, resolved once.
    private let columnIndex: [Int?]

    init(reference: ReferenceData, mapping: HeaderMapping<ProjectColumn>, options: ValueOptions, generatesIDs: Bool) {
        self.reference = reference
        self.mapping = mapping
        self.options = options
        self.generatesIDs = generatesIDs
        columnIndex = ProjectColumn.allCases.map { mapping.index(of: $0) }
    }

    private func cell(_ column: ProjectColumn, _ fields: [String]) -> String? {
        guard let index = columnIndex[Self.ordinal[column]!] else { return nil }
        let value = fields[index]
        return value.isEmpty ? nil : value
    }

    private static let ordinal: [ProjectColumn: Int] = Dictionary(
        uniqueKeysWithValues: ProjectColumn.allCases.enumerated().map { ($1, $0) })

    /// The row's id as it will be stored, even when the row is invalid: a repeated id is found
    /// whatever else is wrong with either copy. Nil when the cell is empty or cannot be an id.
    func externalID(of fields: [String]) -> String? {
        guard let raw = cell(.externalID, fields), let id = try? ExternalID.normalize(raw), !id.isEmpty else { return nil }
        return id
    }

    /// The record, or the row's problems. `externalID` is empty when it is to be generated.
    func parse(_ fields: [String], line: Int) -> (record: ProjectRecord?, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        func problem(_ column: ProjectColumn, _ value: String?, _ error: ResolutionError) {
            problems.append(ImportProblem(line: line, column: mapping.sourceName(of: column), value: value, error))
        }

        // Matched values: trimmed and folded. Free text: exactly as read (unless --trim-text).
        var externalID = ""
        if let raw = cell(.externalID, fields) {
            do throws(ResolutionError) {
                externalID = try ExternalID.normalize(raw)
                if externalID.isEmpty && !generatesIDs {
                    problem(.externalID, raw, ResolutionError("external_id is blank"))
                }
            } catch {
                problem(.externalID, raw, error)
            }
        } else if !generatesIDs {
            problem(.externalID, nil, ResolutionError("external_id is required", suggestion: "give every row an id, or pass --generate-ids PREFIX"))
        }

        let title = freeText(.title, fields)
        if title == nil || !ValueParsers.hasContent(title!) {
            problem(.title, cell(.title, fields), ResolutionError("a title is required and must contain more than white space"))
        }

        let stakeholderTypeID = cell(.stakeholderType, fields).flatMap { raw in
            resolveCached(raw, &stakeholderCache) { (text: String) throws(ResolutionError) -> Int in try reference.resolveStakeholderType(text).id }
                .onFailure { problem(.stakeholderType, raw, $0) }
        }
        let coverage = cell(.coverage, fields).flatMap { raw -> Coverage? in
            do throws(ResolutionError) { return try reference.resolveCoverage(raw) } catch { problem(.coverage, raw, error); return nil }
        }
        let status = cell(.status, fields).flatMap { raw -> ProjectStatus? in
            do throws(ResolutionError) { return try reference.resolveStatus(raw) } catch { problem(.status, raw, error); return nil }
        }
        let startDate = date(.startDate, fields, problem)
        let endDate = date(.endDate, fields, problem)
        if let startDate, let endDate {
            let common = min(startDate.count, endDate.count)
            if endDate.prefix(common) < startDate.prefix(common) {
                problem(.endDate, endDate, ResolutionError("the end date is before the start date (\(startDate))"))
            }
        }
        let submittedOn = date(.submittedOn, fields, problem)
        let website = cell(.website, fields).flatMap { raw -> String? in
            do throws(ResolutionError) { return try ValueParsers.website(raw) } catch { problem(.website, raw, error); return nil }
        }
        let contactEmail = cell(.contactEmail, fields).flatMap { raw -> String? in
            do throws(ResolutionError) { return try ValueParsers.email(raw) } catch { problem(.contactEmail, raw, error); return nil }
        }

        let actionLineIDs = list(.actionLines, fields, &actionLineCache, problem) { (text: String) throws(ResolutionError) -> Int in try self.reference.resolveActionLine(text).id }
        if actionLineIDs.isEmpty && !problems.contains(where: { $0.column == mapping.sourceName(of: .actionLines) }) {
            problem(.actionLines, nil, ResolutionError("at least one leaf Action Line is required", suggestion: "e.g. C5 or C7.e-health"))
        }
        let sdgIDs = list(.sdgs, fields, &sdgCache, problem) { (text: String) throws(ResolutionError) -> Int in try self.reference.resolveSDG(text).id }
        let gdcIDs = list(.gdcObjectives, fields, &gdcCache, problem) { (text: String) throws(ResolutionError) -> Int in try self.reference.resolveGDCObjective(text).id }
        let countryIDs = list(.countries, fields, &countryCache, problem, keepOrder: true) { (text: String) throws(ResolutionError) -> Int in try self.reference.resolveCountry(text).id }

        guard problems.isEmpty, let title else { return (nil, problems) }
        let record = ProjectRecord(
            externalID: externalID, title: title, description: freeText(.description, fields),
            organization: freeText(.organization, fields), stakeholderTypeID: stakeholderTypeID, countryIDs: countryIDs,
            coverage: coverage, status: status, startDate: startDate, endDate: endDate, website: website,
            contactEmail: contactEmail, partners: freeText(.partners, fields), activityType: freeText(.activityType, fields),
            actionLineIDs: actionLineIDs, sdgIDs: sdgIDs, gdcObjectiveIDs: gdcIDs, submittedOn: submittedOn)
        return (record, [])
    }

    private func freeText(_ column: ProjectColumn, _ fields: [String]) -> String? {
        guard let raw = cell(column, fields) else { return nil }
        guard options.trimText else { return raw }
        let trimmed = ValueParsers.trim(raw)
        return trimmed.isEmpty ? nil : trimmed
    }

    private func date(_ column: ProjectColumn, _ fields: [String], _ problem: (ProjectColumn, String?, ResolutionError) -> Void) -> String? {
        guard let raw = cell(column, fields), ValueParsers.hasContent(raw) else { return nil }
        do throws(ResolutionError) {
            return try ValueParsers.date(raw, order: options.dateOrder)
        } catch {
            problem(column, raw, error)
            return nil
        }
    }

    /// Splits a list cell, resolves each item, drops repeats; items keep file order when asked.
    private func list(
        _ column: ProjectColumn, _ fields: [String], _ cache: inout [String: Result<Int, ResolutionError>],
        _ problem: (ProjectColumn, String?, ResolutionError) -> Void, keepOrder: Bool = false,
        _ resolve: (String) throws(ResolutionError) -> Int
    ) -> [Int] {
        guard let raw = cell(column, fields) else { return [] }
        var ids: [Int] = []
        for item in raw.split(whereSeparator: { options.listSeparators.contains($0) }) {
            let text = String(item)
            guard ValueParsers.hasContent(text) else { continue }
            switch resolveCached(text, &cache, resolve) {
            case .success(let id):
                if !ids.contains(id) { ids.append(id) }
            case .failure(let error):
                problem(column, text, commaListDiagnosis(text, &cache, resolve) ?? error)
            }
        }
        return keepOrder ? ids : ids.sorted()
    }

    /// `"SDG 1, SDG 5"` fails as one value; when the separators do not include a comma and every
    /// comma-separated part resolves, the cell is a comma-separated list, and that is the problem
    /// to report (not "the title does not match SDG 1"). A value that resolves whole, such as
    /// "Korea, Republic of", never gets here.
    private func commaListDiagnosis(
        _ text: String, _ cache: inout [String: Result<Int, ResolutionError>], _ resolve: (String) throws(ResolutionError) -> Int
    ) -> ResolutionError? {
        guard !options.listSeparators.contains(","), text.contains(",") else { return nil }
        let parts = text.split(separator: ",").map(String.init).filter(ValueParsers.hasContent)
        guard parts.count > 1 else { return nil }
        for part in parts {
            guard case .success = resolveCached(part, &cache, resolve) else { return nil }
        }
        return ResolutionError(
            "not one value: it looks like a comma-separated list",
            suggestion: "add --list-separator ',;|' to split list cells on commas too")
    }

    private func resolveCached(
        _ text: String, _ cache: inout [String: Result<Int, ResolutionError>], _ resolve: (String) throws(ResolutionError) -> Int
    ) -> Result<Int, ResolutionError> {
        if let cached = cache[text] { return cached }
        let result: Result<Int, ResolutionError>
        do throws(ResolutionError) { result = .success(try resolve(text)) } catch { result = .failure(error) }
        if cache.count < Self.cacheLimit { cache[text] = result }
        return result
    }
}

extension Result {
    /// The success value; on failure, calls `handler` and returns nil.
    func onFailure(_ handler: (Failure) -> Void) -> Success? {
        switch self {
        case .success(let value): return value
        case .failure(let error):
            handler(error)
            return nil
        }
    }
}

