/// One table of counts, as the bundle writes it (`stats-action-line.csv`) and the report shows it.
public struct StatisticsTable: Sendable, Equatable {
    public let name: String
    public let columns: [String]
    public let rows: [[String]]

    /// The facet's values with their counts; matching projects with no value at all, if any, as a
    /// last row with an empty code and the label `(none)`.
    public init(facet: Facet) {
        name = facet.dimension.rawValue
        columns = [facet.dimension.columnName, "label", "projects"]
        var rows = facet.rows.map { [$0.value.code, $0.value.label, String($0.projects)] }
        if facet.unassignedCount > 0 { rows.append(["", "(none)", String(facet.unassignedCount)]) }
        self.rows = rows
    }

    /// One row per row value, one column per column value, then the row total.
    public init(crossTab: CrossTab, name: String) {
        self.name = name
        columns = [crossTab.rowDimension.columnName, "label"] + crossTab.columns.map { crossTab.columnDimension.heading(for: $0) } + ["total"]
        rows = crossTab.rows.enumerated().map { index, value in
            [value.code, value.label] + crossTab.counts[index].map(String.init) + [String(crossTab.rowTotals[index])]
        }
    }

    /// The table as CSV, through the export's encoder so `--bom` and `--excel-safe` mean the same
    /// here as in projects.csv.
    public func writeCSV(to sink: FileSink, byteOrderMark: Bool = false, excelSafe: Bool = false) throws {
        var encoder = RecordEncoder(format: .csv, columns: columns, excelSafe: excelSafe)
        try sink.withBuffer { encoder.start(byteOrderMark: byteOrderMark, into: &$0) }
        for row in rows {
            try sink.withBuffer { buffer in
                for value in row { encoder.text(value, &buffer) }
                encoder.endRecord(&buffer)
            }
        }
        try sink.flush()
    }
}

/// The statistics tables of a bundle, from the shared `Statistics` API (the numbers `stats` prints).
public struct StatisticsTables {
    /// The facets a bundle carries, in this order, before the Action Line × SDG matrix.
    public static let dimensions: [StatisticsDimension] = [.year, .actionLine, .sdg, .gdc, .region, .stakeholderType, .status, .coverage]
    public static let matrixName = "action-line-x-sdg"

    public let catalog: Catalog
    public let filter: ProjectFilter

    public init(catalog: Catalog, filter: ProjectFilter = ProjectFilter()) {
        self.catalog = catalog
        self.filter = filter
    }

    public func all() throws -> [StatisticsTable] {
        let statistics = Statistics(catalog: catalog)
        var tables = try Self.dimensions.map { StatisticsTable(facet: try statistics.facet(by: $0, filter: filter)) }
        tables.append(StatisticsTable(crossTab: try statistics.matrix(filter: filter), name: Self.matrixName))
        return tables
    }
}
