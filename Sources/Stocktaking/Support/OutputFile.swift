import Glibc

/// One output of a command, open for writing the way its `OutputTarget` says: standard output,
/// a stream into a device or FIFO, or an `AtomicFile` that replaces a regular file on `commit()`.
///
/// ```swift
/// let file = try OutputFile(OutputTarget(path: "projects.csv", option: .out))
/// try file.sink.write("external_id,title\r\n")
/// try file.commit()
/// ```
public final class OutputFile {
    public let target: OutputTarget
    /// Where the bytes go: the file, or for xlsx the workbook's first sheet.
    public let sink: FileSink
    /// The file's own sink (the same as `sink` but for a workbook).
    private let fileSink: FileSink
    /// The workbook being written, for a format that is a package (xlsx); `sink` is its sheet.
    public let workbook: WorkbookOutput?
    private let atomicFile: AtomicFile?

    /// Opens the target. A FIFO blocks here until it has a reader, as `cat > fifo` would.
    ///
    /// - Parameters:
    ///   - mode: `--mode` for a regular file; without it a new file is 0600 and a replaced one
    ///     keeps its mode. A stream or standard output has no mode of its own to set.
    ///   - format: what will be written; a package format (xlsx) gets a `WorkbookOutput`, and
    ///     is refused on standard output or a pipe.
    ///   - truncateLongCells: xlsx: cut cells longer than Excel holds instead of failing.
    public init(_ target: OutputTarget, mode: OutputPermissions? = nil, format: OutputFormat? = nil, truncateLongCells: Bool = false) throws {
        self.target = target
        let needsFile = format?.needsFile ?? false
        if needsFile && target.kind == .standardOutput {
            throw OutputRefused("\(option: target.option) is standard output, but an xlsx workbook is a zip file, which needs a file of its own: give \(option: target.option) FILE")
        }
        let descriptor: Int32
        switch target.kind {
        case .standardOutput:
            atomicFile = nil
            fileSink = FileSink.standardOutput()
            descriptor = STDOUT_FILENO
        case .replaceFile(let resolvedPath):
            let file = try AtomicFile(targetPath: resolvedPath, permissions: AtomicFile.Permissions(mode))
            atomicFile = file
            fileSink = file.sink
            descriptor = file.descriptor
        case .stream:
            // No O_CREAT and no O_TRUNC: the node exists and is not a regular file; if it was
            // swapped for something else since it was classified, fstat below says so.
            let stream = open(target.path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard stream >= 0 else { throw SystemError(operation: "open", path: target.path, code: errno) }
            var info = stat()
            guard fstat(stream, &info) == 0, info.st_mode & S_IFMT == S_IFCHR || info.st_mode & S_IFMT == S_IFIFO else {
                close(stream)
                throw OutputRefused("\(option: target.option) \(target.path) changed while being opened; it is no longer a device or FIFO")
            }
            atomicFile = nil
            fileSink = FileSink(descriptor: stream, capacity: 1 << 16, closesDescriptor: true, path: target.path)
            descriptor = stream
        }
        workbook = needsFile ? try WorkbookOutput(descriptor: descriptor, path: target.path, option: target.option, truncateLongCells: truncateLongCells) : nil
        sink = workbook?.sink ?? fileSink
    }

    /// Writes what is buffered and, for a regular file, makes the new contents visible.
    public func commit() throws {
        try workbook?.finish()
        if let atomicFile {
            try atomicFile.commit()
        } else {
            try fileSink.flush()
        }
    }

    /// Drops a regular file's new contents (it stays as it was). Bytes already sent to a stream
    /// or standard output cannot be taken back.
    public func discard() {
        atomicFile?.discard()
    }
}
