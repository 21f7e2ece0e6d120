import Foundation

/// A unique directory under the system temporary directory, removed when the object goes away
/// (or earlier, with `remove()`).
///
/// Keep the object alive for as long as files in it are used: hold it in a suite's stored
/// property, or refer to it after the last use (`defer { directory.remove() }`).
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    private var removed = false

    public init(prefix: String = "stocktake-tests") throws {
        let name = "\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    /// The path of `name` inside the directory (the file is not created).
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    public func fileExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: path(name))
    }

    public func remove() {
        guard !removed else { return }
        removed = true
        try? FileManager.default.removeItem(at: url)
    }

    deinit {
        remove()
    }
}
