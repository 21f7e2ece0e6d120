import CSV

/// Imports a projects or prizes file into a catalog: the main job.
///
/// ```swift
/// let summary = try Importer(catalog: catalog, options: options).importFile(at: "projects.csv")
/// ```
public struct Importer {
    public let catalog: Catalog
    public let options: ImportOptions
    public weak var observer: (any ImportObserver)?

    public init(catalog: Catalog, options: ImportOptions, observer: (any ImportObserver)? = nil) {
        self.catalog = catalog
        self.options = options
        self.observer = observer
    }

    /// Imports the file at `path`, or standard input when `path` is `-`.
    ///
    /// - Throws: `ImportRejected` when the file or (all-or-nothing) any row is invalid — nothing is
    ///   written then; `SQLiteError` (e.g. busy) and I/O errors otherwise.
    public func importFile(at path: String) throws -> ImportSummary {
        if path == "-" {
            return try run(source: FileByteSource(fileDescriptor: 0), displayName: "<stdin>", totalBytes: nil)
        }
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw SystemError(operation: "open", path: path, code: errno == 0 ? ENOENT : errno)
        }
        return try run(source: source, path: path, displayName: path, totalBytes: source.fileSize)
    }

    /// Imports from `source`; `path` names the regular file it reads, so that a workbook is read in
    /// place instead of being copied to a temporary file first.
    public func run(source: some ByteSource, path: String? = nil, displayName: String, totalBytes: Int?) throws -> ImportSummary {
        switch options.kind {
        case .projects:
            let handler = ProjectRowHandler(catalog: catalog, options: options)
            return try ImportRunner(catalog: catalog, options: options, handler: handler, observer: observer)
                .run(source: source, path: path, displayName: displayName, totalBytes: totalBytes)
        case .prizes:
            let handler = PrizeRowHandler(catalog: catalog, options: options)
            return try ImportRunner(catalog: catalog, options: options, handler: handler, observer: observer)
                .run(source: source, path: path, displayName: displayName, totalBytes: totalBytes)
        }
    }
}

import Glibc
