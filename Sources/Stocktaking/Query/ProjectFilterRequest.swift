/// Filter values as the user wrote them, by filter, before resolution: `--action-line C7 --sdg
/// "SDG 4,5"` on the command line, `?action_line=C7&sdg=4,5` in a URL. Repeating a filter, or a
/// comma list, means OR.
///
/// ```swift
/// var request = ProjectFilterRequest()
/// request[.actionLine] = ["C7"]
/// request.append("4,5", to: .sdg)
/// let filter = try request.resolve(in: catalog)
/// ```
public struct ProjectFilterRequest: Sendable, Equatable {
    private var texts: [OptionName: [String]] = [:]

    public init() {}

    /// The values given for `filter`, in order; a flag given is `["true"]`.
    public subscript(filter: ProjectFilterOption) -> [String] {
        get { texts[filter.name] ?? [] }
        set { texts[filter.name] = newValue.isEmpty ? nil : newValue }
    }

    public mutating func append(_ value: String, to filter: ProjectFilterOption) {
        texts[filter.name, default: []].append(value)
    }

    public var isEmpty: Bool { texts.isEmpty }

    /// The filters given and their values, in declaration order (how the report names its scope).
    public var given: [(filter: ProjectFilterOption, values: [String])] {
        ProjectFilterOption.all.compactMap { filter in texts[filter.name].map { (filter, $0) } }
    }

    /// The first filter given without the filter it needs (`fts_syntax` without `search`); a flag
    /// given as off (`fts_syntax=0`) needs nothing.
    public var unmetRequirement: (filter: ProjectFilterOption, needs: OptionName)? {
        for (filter, values) in given {
            guard let needed = filter.requires, texts[needed] == nil else { continue }
            if filter.arity == .flag, (try? FilterInput.flag(values, named: filter.name)) == false { continue }
            return (filter, needed)
        }
        return nil
    }

    /// Resolves every value against `catalog`: its reference data, and its organizations for an
    /// `organization` value with a comma ("ACME, Inc." is one organization when one has that name).
    public func resolve(in catalog: Catalog) throws -> ProjectFilter {
        var lookupError: (any Error)?
        let filter = try resolve(catalog.reference) { key in
            do {
                return try catalog.database.scalarInt(
                    "SELECT 1 FROM organization WHERE normalized_key = ? LIMIT 1", [.text(key)]) != nil
            } catch {
                lookupError = error
                return false
            }
        }
        if let lookupError { throw lookupError }
        return filter
    }

    /// Resolves every value through the importer's resolvers, so any spelling the importer accepts
    /// works; filters are resolved in declaration order, and the first value that names nothing is
    /// the error.
    /// - Parameter organizationKeyExists: whether an organization has this `MatchKey.loose` key; an
    ///   `organization` value with commas is split unless its whole key exists.
    public func resolve(
        _ reference: ReferenceData, organizationKeyExists: @escaping (String) -> Bool = { _ in false }
    ) throws(FilterValueError) -> ProjectFilter {
        var filter = ProjectFilter()
        for (option, values) in given {
            let input = FilterInput(
                name: option.name, texts: values, request: self, reference: reference,
                organizationKeyExists: organizationKeyExists)
            try option.resolve(input, &filter)
        }
        return filter
    }
}
