/// Options that shape how values are read.
public struct ValueOptions: Sendable {
    public var dateOrder: DateOrder = .iso
    /// Characters that separate items in list cells (`action_lines`, `sdgs`, `countries`, `gdc_objectives`).
    public var listSeparators: Set<Character> = [";", "|"]
    /// Trim free text (title, description, organization, partners, activity type) at the edges.
    public var trimText = false

    public init() {}
}

/// Turns one row's fields into a `ProjectRecord`, collecting every problem in the row (not just
/// the first). Each file column is read by its declared `ProjectColumn.ImportRule`, in file order.
///
/// Resolutions are cached per distinct cell text: a file repeats the same few hundred spellings
/// of Action Lines, SDGs and countries across its rows.
final class ProjectRowParser {
    let reference: ReferenceData
    let mapping: HeaderMapping<ProjectColumn>
    let options: ValueOptions
    /// When set, rows without an external_id get one derived from their content (`--generate-ids`).
    let generatesIDs: Bool

    private var linkCaches: [[String: Result<Int, ResolutionError>]] = Array(repeating: [:], count: 4)
    private var stakeholderCache: [String: Result<Int, ResolutionError>] = [:]
    private static let cacheLimit = 50_000

    /// The file columns with their rule, text slot and source index, resolved once.
    private struct Plan {
        let column: ProjectColumn
        let rule: ProjectColumn.ImportRule
        let textSlot: Int?
        let linkTable: ProjectColumn.LinkTable?
        let sourceIndex: Int?
    }
    private let plan: [Plan]
    private let externalIDIndex: Int?

    init(reference: ReferenceData, mapping: HeaderMapping<ProjectColumn>, options: ValueOptions, generatesIDs: Bool) {
        self.reference = reference
        self.mapping = mapping
        self.options = options
        self.generatesIDs = generatesIDs
        plan = ProjectColumn.fileColumns.map { column in
            Plan(column: column, rule: column.declaration.importRule!, textSlot: column.textSlot, linkTable: column.linkTable,
                 sourceIndex: mapping.index(of: column))
        }
        externalIDIndex = mapping.index(of: .externalID)
    }

    private func cell(_ index: Int?, _ fields: [String]) -> String? {
        guard let index else { return nil }
        let value = fields[index]
        return value.isEmpty ? nil : value
    }

    /// The row's id as it will be stored, even when the row is invalid: a repeated id is found
    /// whatever else is wrong with either copy. Nil when the cell is empty or cannot be an id.
    func externalID(of fields: [String]) -> String? {
        guard let raw = cell(externalIDIndex, fields), let id = try? ExternalID.normalize(raw), !id.isEmpty else { return nil }
        return id
    }

    /// The record, or the row's problems. `externalID` is empty when it is to be generated.
    func parse(_ fields: [String], line: Int) -> (record: ProjectRecord?, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        func problem(_ column: ProjectColumn, _ value: String?, _ error: ResolutionError) {
            problems.append(ImportProblem(line: line, column: mapping.sourceName(of: column), value: value, error))
        }
        var record = ProjectRecord(externalID: "", title: "")
        var hasTitle = false

        // Matched values: trimmed and folded. Free text: exactly as read (unless --trim-text).
        for step in plan {
            let raw = cell(step.sourceIndex, fields)
            switch step.rule {
            case .externalID:
                if let raw {
                    do throws(ResolutionError) {
                        record.externalID = try ExternalID.normalize(raw)
                        if record.externalID.isEmpty && !generatesIDs {
                            problem(step.column, raw, ResolutionError("external_id is blank"))
                        }
                    } catch {
                        problem(step.column, raw, error)
                    }
                } else if !generatesIDs {
                    problem(step.column, nil, ResolutionError("external_id is required", suggestion: "give every row an id, or pass --generate-ids PREFIX"))
                }
            case .requiredText:
                let text = freeText(raw)
                if let text, ValueParsers.hasContent(text) {
                    record.texts[step.textSlot!] = text
                    hasTitle = true
                } else {
                    problem(step.column, raw, ResolutionError("a \(step.column.rawValue) is required and must contain more than white space"))
                }
            case .freeText:
                record.texts[step.textSlot!] = freeText(raw)
            case .date:
                guard let raw, ValueParsers.hasContent(raw) else { continue }
                do throws(ResolutionError) {
                    record.texts[step.textSlot!] = try ValueParsers.date(raw, order: options.dateOrder)
                } catch {
                    problem(step.column, raw, error)
                }
                // The end date cannot come before the start date (compared at the shorter precision).
                if step.column == .endDate, let startDate = record.startDate, let endDate = record.endDate {
                    let common = min(startDate.count, endDate.count)
                    if endDate.prefix(common) < startDate.prefix(common) {
                        problem(step.column, endDate, ResolutionError("the end date is before the start date (\(startDate))"))
                    }
                }
            case .website, .email, .coverage, .status:
                guard let raw else { continue }
                do throws(ResolutionError) {
                    record.texts[step.textSlot!] = try scalar(step.rule, raw)
                } catch {
                    problem(step.column, raw, error)
                }
            case .stakeholderType:
                guard let raw else { continue }
                record.stakeholderTypeID = resolveCached(raw, &stakeholderCache) { (text: String) throws(ResolutionError) -> Int in
                    try reference.resolveStakeholderType(text).id
                }.onFailure { problem(step.column, raw, $0) }
            case .links:
                let table = step.linkTable!
                let ids = list(step.column, raw, table, problem)
                record[links: table] = ids
                if table.kind == .actionLines && ids.isEmpty && !problems.contains(where: { $0.column == mapping.sourceName(of: step.column) }) {
                    problem(step.column, nil, ResolutionError("at least one leaf Action Line is required", suggestion: "e.g. C5 or C7.e-health"))
                }
            }
        }
        guard problems.isEmpty, hasTitle else { return (nil, problems) }
        return (record, [])
    }

    /// A checked single value stored as text: a website, an e-mail address, a coverage or a status.
    private func scalar(_ rule: ProjectColumn.ImportRule, _ raw: String) throws(ResolutionError) -> String {
        switch rule {
        case .website: try ValueParsers.website(raw)
        case .email: try ValueParsers.email(raw)
        case .coverage: try reference.resolveCoverage(raw).rawValue
        case .status: try reference.resolveStatus(raw).rawValue
        default: preconditionFailure("not a single checked value")
        }
    }

    /// Resolves one list item of a link table.
    private func resolve(_ table: ProjectColumn.LinkTable, _ text: String) throws(ResolutionError) -> Int {
        switch table.kind {
        case .actionLines: try reference.resolveActionLine(text).id
        case .sdgs: try reference.resolveSDG(text).id
        case .gdcObjectives: try reference.resolveGDCObjective(text).id
        case .countries: try reference.resolveCountry(text).id
        }
    }

    private static func cacheIndex(_ table: ProjectColumn.LinkTable) -> Int {
        switch table.kind {
        case .actionLines: 0
        case .sdgs: 1
        case .gdcObjectives: 2
        case .countries: 3
        }
    }

    private func freeText(_ raw: String?) -> String? {
        guard let raw else { return nil }
        guard options.trimText else { return raw }
        let trimmed = ValueParsers.trim(raw)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Splits a list cell, resolves each item, drops repeats; countries keep file order.
    private func list(
        _ column: ProjectColumn, _ raw: String?, _ table: ProjectColumn.LinkTable,
        _ problem: (ProjectColumn, String?, ResolutionError) -> Void
    ) -> [Int] {
        guard let raw else { return [] }
        let cacheIndex = Self.cacheIndex(table)
        let resolve = { (text: String) throws(ResolutionError) -> Int in try self.resolve(table, text) }
        var ids: [Int] = []
        for item in raw.split(whereSeparator: { options.listSeparators.contains($0) }) {
            let text = String(item)
            guard ValueParsers.hasContent(text) else { continue }
            switch resolveCached(text, &linkCaches[cacheIndex], resolve) {
            case .success(let id):
                if !ids.contains(id) { ids.append(id) }
            case .failure(let error):
                problem(column, text, commaListDiagnosis(text, &linkCaches[cacheIndex], resolve) ?? error)
            }
        }
        return table.keepsOrder ? ids : ids.sorted()
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

