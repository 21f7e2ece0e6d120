extension ProjectDetails {
    /// The project in full as JSON (`show --format json`): fields, links with their titles, prizes,
    /// and every batch that changed it.
    public var json: JSONNode { json(personalData: true) }

    /// - Parameter personalData: false leaves out the contact e-mail and the batches' user names
    ///   (the web server, unless started with `--show-personal-data`).
    public func json(personalData: Bool) -> JSONNode {
        let record = self.record
        let text = JSONNode.string(orNull:)
        func batch(_ id: Int64?, _ batch: ImportBatch?) -> JSONNode {
            guard let id else { return .null }
            var members: [(String, JSONNode)] = [
                ("id", .integer(id)), ("kind", text(batch?.kind.rawValue)), ("file", text(batch?.fileName)),
                ("started_at", text(batch?.startedAt)), ("finished_at", text(batch?.finishedAt)),
            ]
            if personalData { members.append(("user", text(batch?.user))) }
            return .object(members)
        }
        let members: [(String, JSONNode)] = [
            ("external_id", .string(record.externalID)),
            ("title", .string(record.title)),
            ("description", text(record.description)),
            ("organization", text(record.organization)),
            ("stakeholder_type", stakeholderType.map { .object([("code", .string($0.code)), ("name", .string($0.name))]) } ?? .null),
            ("countries", .array(countries.map { entry in
                .object([
                    ("code", .string(entry.country.canonicalToken)), ("iso3", .string(entry.country.iso3)),
                    ("name", .string(entry.country.name)), ("region", text(entry.region?.code)), ("region_name", text(entry.region?.name)),
                ])
            })),
            ("coverage", text(record.coverage?.rawValue)),
            ("status", text(record.status?.rawValue)),
            ("start_date", text(record.startDate)),
            ("end_date", text(record.endDate)),
            ("website", text(record.website)),
            ("contact_email", text(record.contactEmail)),
            ("partners", text(record.partners)),
            ("activity_type", text(record.activityType)),
            ("action_lines", .array(actionLines.map { .object([("code", .string($0.code)), ("title", .string($0.title))]) })),
            ("sdgs", .array(sdgs.map {
                .object([("number", .integer(Int64($0.id))), ("short_title", .string($0.shortTitle)), ("title", .string($0.title))])
            })),
            ("gdc_objectives", .array(gdcObjectives.map { .object([("number", .integer(Int64($0.id))), ("title", .string($0.title))]) })),
            ("submitted_on", text(record.submittedOn)),
            ("prizes", .array(prizes.map {
                .object([("year", .integer(Int64($0.year))), ("category", .string($0.category.code)), ("result", .string($0.result.rawValue))])
            })),
            ("created_at", .string(project.createdAt)),
            ("updated_at", .string(project.updatedAt)),
            ("created_batch", batch(project.createdBatchID, createdBatch)),
            ("last_batch", batch(project.batchID, lastBatch)),
            ("history", .array(history.map { entry in
                .object([
                    ("batch", batch(entry.batchID, entry.batch)), ("change", .string(entry.kind.rawValue)),
                    ("line", entry.line.map { .integer(Int64($0)) } ?? .null),
                    ("changed", .array(entry.changedFields.map(JSONNode.string))),
                ])
            })),
        ]
        return .object(personalData ? members : members.filter { $0.0 != ProjectColumn.contactEmail.rawValue })
    }
}
