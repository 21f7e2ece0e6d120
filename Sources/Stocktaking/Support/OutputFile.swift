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
    public let sink: FileSink
    private let atomicFile: AtomicFile?

    /// Opens the target. A FIFO blocks here until it has a reader, as `cat > fifo` would.
    ///
    /// - Parameter mode: `--mode` for a regular file; without it a new file is 0600 and a
    ///   replaced one keeps its mode. A stream or standard output has no mode of its own to set.
    public init(_ target: OutputTarget, mode: OutputPermissions? = nil) throws {
        self.target = target
        switch target.kind {
        case .standardOutput:
            atomicFile = nil
            sink = FileSink.standardOutput()
        case .replaceFile(let resolvedPath):
            let file = try AtomicFile(targetPath: resolvedPath, permissions: AtomicFile.Permissions(mode))
            atomicFile = file
            sink = file.sink
        case .stream:
            // No O_CREAT and no O_TRUNC: the node exists and is not a regular file; if it was
            // swapped for something else since it was classified, fstat below says so.
            let descriptor = open(target.path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { throw SystemError(operation: "open", path: target.path, code: errno) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFCHR || info.st_mode & S_IFMT == S_IFIFO else {
                close(descriptor)
                throw OutputRefused("\(option: target.option) \(target.path) changed while being opened; it is no longer a device or FIFO")
            }
            atomicFile = nil
            sink = FileSink(descriptor: descriptor, capacity: 1 << 16, closesDescriptor: true, path: target.path)
        }
    }

    /// Writes what is buffered and, for a regular file, makes the new contents visible.
    public func commit() throws {
        if let atomicFile {
            try atomicFile.commit()
        } else {
            try sink.flush()
        }
    }

    /// Drops a regular file's new contents (it stays as it was). Bytes already sent to a stream
    /// or standard output cannot be taken back.
    public func discard() {
        atomicFile?.discard()
    }
}
