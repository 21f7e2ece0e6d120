import SQLite
import Workbook

/// Why an export could not be done as asked; nothing was written. It names the options involved;
/// each front end spells them.
public struct ExportError: WordedError, Sendable {
    public let wording: Wording

    public init(_ wording: Wording) {
        self.wording = wording
    }
}

/// Streams projects (and prizes, organizations, import batches) out of a catalog.
///
/// Projects are written in the import's canonical form, ordered by external_id, so an exported CSV
/// imports into an empty database and exports again byte for byte, and imports into the same
/// database as "all unchanged". One pass over `project` through its external_id index, merge-joined
/// with the four link tables (`LinkCursor`); values go from SQLite's buffers straight into the
/// output buffer. Memory does not grow with the number of projects.
///
/// ```swift
/// let file = try AtomicFile(targetPath: "projects.csv")
/// let summary = try ProjectExporter(catalog: catalog).export(ExportOptions(), to: file.sink)
/// try file.commit()
/// ```
public struct ProjectExporter {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The column names of a projects export with these options: the file columns, each link list
    /// followed by its titles with `--labels` (JSON), and `deleted` with `--since-batch`.
    public static func projectColumns(_ options: ExportOptions) -> [String] {
        var columns: [String] = []
        let labels = options.labels && !options.format.isDelimited
        for column in exportedColumns(options) {
            columns.append(column.rawValue)
            if labels, let label = column.declaration.labelColumn { columns.append(label) }
        }
        if options.sinceBatch != nil { columns.append("deleted") }
        return columns
    }

    /// The file columns an export writes: all of them, less personal data when left out.
    static func exportedColumns(_ options: ExportOptions) -> [ProjectColumn] {
        options.personalData ? ProjectColumn.fileColumns : ProjectColumn.fileColumns.filter { !ProjectColumn.personalData.contains($0) }
    }

    /// What the hot loop writes for each file column, decided once from the column table.
    private enum Step {
        /// The text at this index of the projects statement.
        case text(Int)
        /// The stakeholder type id at this index, written as its code.
        case stakeholderType(Int)
        /// A link list, read from the link cursor at this index of `cursors` (the kind only: a
        /// table's names would be retained and released for every project).
        case links(ProjectColumn.LinkTable.Kind, cursor: Int)
    }

    /// Writes the export to `sink` and flushes it.
    ///
    /// - Throws: `ExportError` for options that do not fit the kind; `SQLiteError`, `SystemError`.
    @discardableResult
    public func export(_ options: ExportOptions, to sink: FileSink) throws -> ExportSummary {
        if options.labels && options.format.isDelimited {
            throw ExportError("\(option: .labels) is for JSON and NDJSON; CSV and TSV keep the import's columns")
        }
        if (options.byteOrderMark || options.excelSafe) && !options.format.isDelimited {
            throw ExportError("\(option: .byteOrderMark) and \(option: .excelSafe) are for CSV and TSV")
        }
        if options.sinceBatch != nil && options.kind != .projects {
            throw ExportError("\(option: .sinceBatch) applies to projects only")
        }
        if options.format.needsFile {
            guard let workbook = sink.workbook else {
                throw ExportError("an xlsx workbook is a zip file: write it to a file through \(option: .out) (a WorkbookOutput)")
            }
            try describe(options, in: workbook)
        }
        let before = sink.bytesWritten
        var summary: ExportSummary
        switch options.kind {
        case .projects: summary = try exportProjects(options, to: sink)
        case .prizes, .organizations, .imports: summary = try exportTable(options, to: sink)
        }
        try sink.flush()
        summary.bytes = sink.bytesWritten - before
        return summary
    }

    // MARK: Workbooks

    /// Names the sheet, and tells the About sheet what it holds and how current the data is (the
    /// last import batch, also the document's date: the same data gives the same bytes); a
    /// projects workbook gets the Reference sheet of Action Line and SDG titles.
    private func describe(_ options: ExportOptions, in workbook: WorkbookOutput) throws {
        workbook.sheetName = options.kind.rawValue.prefix(1).uppercased() + options.kind.rawValue.dropFirst()
        var lines: [(String, String)] = [("Contents", options.kind.rawValue)]
        if let since = options.sinceBatch { lines.append(("Changes since batch", String(since))) }
        lines.append(("Database schema", Schema.version))
        let batches = BatchRepository(database: catalog.database)
        if let id = try batches.latestBatchID(), let batch = try batches.find(id: id) {
            let when = batch.finishedAt ?? batch.startedAt
            lines.append(("Data as of", "import batch \(id), \(when)"))
            workbook.documentDate = when
        } else {
            lines.append(("Data as of", "no import yet"))
        }
        workbook.about = lines + workbook.about
        if options.kind == .projects { workbook.reference = Self.referenceSheet(catalog.reference) }
    }

    /// Action Lines (code, title) beside SDGs (number, title), each with a bold header.
    static func referenceSheet(_ reference: ReferenceData) -> SmallSheet {
        let lines = reference.actionLines
        let sdgs = reference.sdgs.sorted { $0.id < $1.id }
        var rows: [[SheetCell]] = [[.text("action_line"), .text("action_line_title"), .empty, .text("sdg"), .text("sdg_title")]]
        for index in 0..<max(lines.count, sdgs.count) {
            var row: [SheetCell] = index < lines.count ? [.text(lines[index].code), .text(lines[index].title)] : [.empty, .empty]
            row.append(.empty)
            if index < sdgs.count { row += [.integer(Int64(sdgs[index].id)), .text(sdgs[index].shortTitle)] }
            rows.append(row)
        }
        return SmallSheet(rows: rows, columnWidths: [14, 60, 4, 8, 50], header: true)
    }

    // MARK: Projects

    private func exportProjects(_ options: ExportOptions, to sink: FileSink) throws -> ExportSummary {
        let database = catalog.database
        let names = ReferenceBytes(catalog.reference)
        let labels = options.labels && !options.format.isDelimited
        let columns = Self.projectColumns(options)
        var settings = EncoderSettings(columns: columns, excelSafe: options.excelSafe)
        settings.sheet = sink.workbook?.sheet
        let dateNames = Set(ProjectColumn.fileColumns.filter { if case .date = $0.declaration.importRule { true } else { false } }.map(\.rawValue))
        settings.dateColumns = Set(columns.indices.filter { dateNames.contains(columns[$0]) })
        settings.recordName = (0, "project")
        var encoder = RecordEncoder(format: options.format, settings: settings)

        var (condition, arguments) = options.filter.condition(projectAlias: "p")
        if let since = options.sinceBatch {
            condition += " AND p.batch_id > ?"
            arguments.append(.integer(since))
        }
        // One statement column per stored column, one merge-joined cursor per link table.
        var selected = ["p.id"]
        var steps: [Step] = []
        var linkTables: [ProjectColumn.LinkTable] = []
        for column in Self.exportedColumns(options) {
            switch column.declaration.storage {
            case .text(let sqlColumn):
                steps.append(.text(selected.count))
                selected.append("p." + sqlColumn)
            case .stakeholderType:
                steps.append(.stakeholderType(selected.count))
                selected.append("p.stakeholder_type_id")
            case .links(let table):
                steps.append(.links(table.kind, cursor: linkTables.count))
                linkTables.append(table)
            case .derived:
                preconditionFailure("a file column is stored")
            }
        }
        let projects = try database.prepare(
            "SELECT \(selected.joined(separator: ", ")) FROM project p WHERE \(condition) ORDER BY p.external_id")
        try projects.bind(arguments)
        let tombstones: Statement?
        if let since = options.sinceBatch {
            // A project deleted after the batch and not written again since: a tombstone.
            let statement = try database.prepare("""
                SELECT pc.external_id FROM project_change pc
                WHERE pc.change = ?1 AND pc.batch_id > ?2
                  AND NOT EXISTS (SELECT 1 FROM project p WHERE p.external_id = pc.external_id)
                GROUP BY pc.external_id ORDER BY pc.external_id
                """)
            try statement.bind([.text(ProjectChange.Kind.deleted.rawValue), .integer(since)])
            tombstones = statement
        } else {
            tombstones = nil
        }
        let cursors = try linkTables.map { table in
            try LinkCursor(database: database, sql: """
                SELECT project_id, \(table.idColumn) FROM \(table.table) WHERE project_id >= ?1 ORDER BY project_id, \(table.idColumn)
                """)
        }

        var ids: [Int] = []
        var items: [[UInt8]] = []
        var summary = ExportSummary()
        try sink.withBuffer { encoder.start(byteOrderMark: options.byteOrderMark, header: options.header, into: &$0) }

        /// Writes the project under `projects`.
        func writeProject(_ buffer: inout [UInt8]) throws {
            let p = projects
            let projectID = p.int64(at: 0)
            for step in steps {
                switch step {
                case .text(let index):
                    p.withUTF8(at: index) { encoder.text($0, &buffer) }
                case .stakeholderType(let index):
                    encoder.text(bytes: p.isNull(at: index) ? nil : names.stakeholderType(p.int(at: index)), &buffer)
                case .links(let kind, let cursor):
                    try cursors[cursor].values(of: projectID, into: &ids)
                    switch kind {
                    case .countries:
                        // Canonical tokens sorted.
                        ids.sort { names.countryRank($0) < names.countryRank($1) }
                        items.removeAll(keepingCapacity: true)
                        for id in ids { items.append(names.countryToken(id)) }
                        encoder.list(items, &buffer)
                        if labels { encoder.list(ids.map { names.countryName($0) }, &buffer) }
                    case .actionLines:
                        items.removeAll(keepingCapacity: true)
                        for id in ids { items.append(names.actionLineCode(id)) }
                        encoder.list(items, &buffer)
                        if labels { encoder.list(ids.map { names.actionLineTitle($0) }, &buffer) }
                    case .sdgs:
                        encoder.numbers(ids, &buffer)
                        if labels { encoder.list(ids.map { names.sdgTitle($0) }, &buffer) }
                    case .gdcObjectives:
                        encoder.numbers(ids, &buffer)
                        if labels { encoder.list(ids.map { names.gdcObjectiveTitle($0) }, &buffer) }
                    }
                }
            }
            if options.sinceBatch != nil { encoder.boolean(false, &buffer) }
            encoder.endRecord(&buffer)
        }

        func writeTombstone(_ buffer: inout [UInt8]) {
            tombstones!.withUTF8(at: 0) { encoder.text($0, &buffer) }
            for column in Self.exportedColumns(options).dropFirst() {
                if let table = column.linkTable {
                    if table.isNumbered { encoder.numbers([], &buffer) } else { encoder.list([], &buffer) }
                    if labels { encoder.list([], &buffer) }
                } else {
                    encoder.text(nil as UnsafeRawBufferPointer?, &buffer)
                }
            }
            encoder.boolean(true, &buffer)
            encoder.endRecord(&buffer)
        }

        var live = try projects.step()
        var dead = try tombstones?.step() ?? false
        while live || dead {
            var takeTombstone = dead
            if live && dead {
                takeTombstone = tombstones!.withUTF8(at: 0) { deadID in
                    projects.withUTF8(at: 1) { liveID in Self.compareNoCase(deadID, liveID) < 0 }
                }
            }
            if takeTombstone {
                try sink.withBuffer { writeTombstone(&$0) }
                summary.tombstones += 1
                dead = try tombstones!.step()
            } else {
                try sink.withBuffer { try writeProject(&$0) }
                summary.rows += 1
                live = try projects.step()
            }
        }
        try sink.withBuffer { encoder.finish(into: &$0) }
        return summary
    }

    /// SQLite's NOCASE order (ASCII letters folded, then bytes), so tombstones merge into the
    /// stream where `ORDER BY external_id` puts them.
    static func compareNoCase(_ a: UnsafeRawBufferPointer?, _ b: UnsafeRawBufferPointer?) -> Int {
        let a = a ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let b = b ?? UnsafeRawBufferPointer(start: nil, count: 0)
        for index in 0..<min(a.count, b.count) {
            var x = a[index], y = b[index]
            if x >= 0x41 && x <= 0x5A { x |= 0x20 }
            if y >= 0x41 && y <= 0x5A { y |= 0x20 }
            if x != y { return x < y ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    // MARK: Prizes, organizations, import batches

    private enum ColumnType {
        case text, integer
    }

    private func exportTable(_ options: ExportOptions, to sink: FileSink) throws -> ExportSummary {
        let (condition, arguments) = options.filter.condition(projectAlias: "p")
        let columns: [(String, ColumnType)]
        let sql: String
        switch options.kind {
        case .prizes:
            // The columns of a prizes import file, so an export re-imports.
            columns = [("year", .integer), ("category", .text), ("external_id", .text), ("result", .text)]
            sql = """
                SELECT pr.year, al.code, p.external_id, pr.result FROM prize pr
                JOIN action_line al ON al.id = pr.action_line_id JOIN project p ON p.id = pr.project_id
                WHERE \(condition) ORDER BY pr.year, al.id, p.external_id
                """
        case .organizations:
            columns = [("id", .integer), ("name", .text), ("normalized_name", .text), ("country", .text), ("projects", .integer)]
            sql = """
                SELECT o.id, o.name, o.normalized_key,
                       CASE WHEN c.iso2 = ? THEN ? ELSE c.iso2 END,
                       count(p.id)
                FROM organization o LEFT JOIN country c ON c.id = o.country_id
                \(options.filter.isEmpty ? "LEFT JOIN" : "JOIN") project p ON p.organization_id = o.id AND \(condition)
                GROUP BY o.id ORDER BY o.normalized_key, o.id
                """
        case .imports:
            guard options.filter.isEmpty else { throw ExportError("the project filters do not apply to \(option: .kind) imports") }
            columns = [
                ("batch", .integer), ("kind", .text), ("file", .text), ("sha256", .text), ("started_at", .text),
                ("finished_at", .text), ("user", .text), ("inserted", .integer), ("updated", .integer),
                ("unchanged", .integer), ("rejected", .integer), ("deleted", .integer), ("reverts", .integer),
                ("reverted_by", .integer), ("options", .text),
            ]
            sql = """
                SELECT id, kind, file_name, sha256, started_at, finished_at, user, inserted, updated, unchanged, rejected,
                       deleted, reverts_batch_id, reverted_by_batch_id, options
                FROM import_batch ORDER BY id
                """
        case .projects:
            preconditionFailure("projects are exported by exportProjects")
        }
        let statement = try catalog.database.prepare(sql)
        switch options.kind {
        case .organizations:
            try statement.bind([.text(Country.internationalISO2), .text(Country.internationalToken)] + arguments)
        case .prizes:
            try statement.bind(arguments)
        case .imports, .projects:
            break
        }
        var settings = EncoderSettings(columns: columns.map(\.0), excelSafe: options.excelSafe)
        settings.sheet = sink.workbook?.sheet
        if options.kind == .prizes { settings.recordName = (2, "project") }
        var encoder = RecordEncoder(format: options.format, settings: settings)
        var summary = ExportSummary()
        try sink.withBuffer { encoder.start(byteOrderMark: options.byteOrderMark, header: options.header, into: &$0) }
        while try statement.step() {
            try sink.withBuffer { buffer in
                for (index, column) in columns.enumerated() {
                    switch column.1 {
                    case .text: statement.withUTF8(at: index) { encoder.text($0, &buffer) }
                    case .integer: encoder.integer(statement.isNull(at: index) ? nil : statement.int64(at: index), &buffer)
                    }
                }
                encoder.endRecord(&buffer)
            }
            summary.rows += 1
        }
        try sink.withBuffer { encoder.finish(into: &$0) }
        return summary
    }
}

/// Reference codes and titles as UTF-8 bytes, indexed by id, for the export's hot loop.
struct ReferenceBytes {
    private var stakeholderTypes: [Int: [UInt8]] = [:]
    private var actionLineCodes: [Int: [UInt8]] = [:]
    private var actionLineTitles: [Int: [UInt8]] = [:]
    private var countryTokens: [[UInt8]] = []
    private var countryNames: [[UInt8]] = []
    /// Position of each country's canonical token in sorted order, indexed by country id.
    private var countryRanks: [Int] = []
    private var sdgTitles: [Int: [UInt8]] = [:]
    private var gdcTitles: [Int: [UInt8]] = [:]

    init(_ reference: ReferenceData) {
        for type in reference.stakeholderTypes { stakeholderTypes[type.id] = Array(type.code.utf8) }
        for line in reference.actionLines {
            actionLineCodes[line.id] = Array(line.code.utf8)
            actionLineTitles[line.id] = Array(line.title.utf8)
        }
        let maxCountry = reference.countries.map(\.id).max() ?? 0
        countryTokens = Array(repeating: [], count: maxCountry + 1)
        countryNames = Array(repeating: [], count: maxCountry + 1)
        countryRanks = Array(repeating: Int.max, count: maxCountry + 1)
        let sorted = reference.countries.sorted { $0.canonicalToken < $1.canonicalToken }
        for (rank, country) in sorted.enumerated() {
            countryTokens[country.id] = Array(country.canonicalToken.utf8)
            countryNames[country.id] = Array(country.name.utf8)
            countryRanks[country.id] = rank
        }
        for sdg in reference.sdgs { sdgTitles[sdg.id] = Array(sdg.shortTitle.utf8) }
        for objective in reference.gdcObjectives { gdcTitles[objective.id] = Array(objective.title.utf8) }
    }

    func stakeholderType(_ id: Int) -> [UInt8]? { stakeholderTypes[id] }
    func actionLineCode(_ id: Int) -> [UInt8] { actionLineCodes[id] ?? [] }
    func actionLineTitle(_ id: Int) -> [UInt8] { actionLineTitles[id] ?? [] }
    func countryToken(_ id: Int) -> [UInt8] { id < countryTokens.count ? countryTokens[id] : [] }
    func countryName(_ id: Int) -> [UInt8] { id < countryNames.count ? countryNames[id] : [] }
    func countryRank(_ id: Int) -> Int { id < countryRanks.count ? countryRanks[id] : Int.max }
    func sdgTitle(_ id: Int) -> [UInt8] { sdgTitles[id] ?? [] }
    func gdcObjectiveTitle(_ id: Int) -> [UInt8] { gdcTitles[id] ?? [] }
}
