/// A projects file (CSV or workbook) loaded into a temporary catalog, to be queried before, or
/// instead of, importing it: what the read commands' `--from FILE` and `inspect` run on.
///
/// The file goes through the import itself, so its rows are checked and stored exactly as
/// `import --skip-invalid` would: the valid rows are in, the others are counted as rejected and
/// their problems reach the observer. The catalog is private to this process
/// (`Catalog.Access.temporary`: in memory while its pages fit the import's 32 MiB page cache, then a
/// temporary file that never outlives the process) and query-only once loaded, so `sql` on it is as
/// read-only as on a database file.
public struct LoadedFile {
    public let catalog: Catalog
    /// What the import found: rows, how many were rejected, the delimiter or sheet, the header.
    public let summary: ImportSummary

    /// Loads the projects of `path` (`-` for standard input).
    ///
    /// - Parameter options: how to read the file (delimiter, encoding, sheet, `--map`…); the
    ///   policy is the loader's own: valid rows in, invalid ones rejected, no rejects or report files.
    /// - Throws: `ImportRejected` when the file cannot be read as a whole (bad header, broken
    ///   structure, not a projects file); I/O and SQLite errors.
    public static func load(_ path: String, options: ImportOptions, observer: (any ImportObserver)? = nil) throws -> LoadedFile {
        var options = options
        options.kind = .projects
        options.skipInvalid = true
        options.dryRun = false
        options.rejectsPath = nil
        options.reportPath = nil
        let catalog = try Catalog(path: "", access: .temporary)
        do {
            let summary = try Importer(catalog: catalog, options: options, observer: observer).importFile(at: path)
            try catalog.database.execute("PRAGMA query_only = ON")
            return LoadedFile(catalog: catalog, summary: summary)
        } catch {
            catalog.close()
            throw error
        }
    }
}
