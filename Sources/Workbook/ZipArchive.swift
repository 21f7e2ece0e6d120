import CMinizip
import Glibc

/// Limits on what a zip may inflate to. A zip declares each entry's sizes, but a hostile one lies;
/// these count the bytes actually produced while inflating.
public struct ZipLimits: Sendable, Equatable {
    /// All entries together, inflated.
    public var maximumTotalBytes: Int = 4 << 30
    /// Inflated bytes per compressed byte, once an entry has produced `ratioGrace` bytes. Excel's
    /// parts compress 5–30 times; deflate's maximum is about 1,030, reached only by repeated bytes.
    public var maximumRatio: Int = 200
    public var ratioGrace: Int = 1 << 20

    public init() {}
}

/// A zip file read with minizip: its directory, and its entries inflated as streams.
///
/// One entry is open at a time (minizip keeps one current entry per handle).
final class ZipArchive {
    private let handle: unzFile
    let limits: ZipLimits
    /// Inflated bytes so far, over all entries.
    private(set) var totalInflated = 0
    private var openEntry: String?
    private var entryInflated = 0
    private var entryStart: UInt64 = 0

    init(path: String, limits: ZipLimits) throws(WorkbookError) {
        guard let handle = unzOpen64(path) else {
            throw WorkbookError(.damaged, "the workbook is damaged or incomplete: its zip directory cannot be read",
                                suggestion: "ask for the file again, or open it in Excel and save it again")
        }
        self.handle = handle
        self.limits = limits
    }

    deinit {
        if openEntry != nil { unzCloseCurrentFile(handle) }
        unzClose(handle)
    }

    /// Whether the archive has an entry of that name (part names compare case-insensitively).
    func contains(_ name: String) -> Bool {
        unzLocateFile(handle, name, 2) == UNZ_OK
    }

    /// Opens `name` for `read(into:)`, closing the entry that was open.
    func open(_ name: String) throws(WorkbookError) {
        closeEntry()
        guard unzLocateFile(handle, name, 2) == UNZ_OK else {
            throw WorkbookError(.notAWorkbook, "the workbook has no part \(name)")
        }
        var info = unz_file_info64()
        guard unzGetCurrentFileInfo64(handle, &info, nil, 0, nil, 0, nil, 0) == UNZ_OK else {
            throw Self.damaged(name)
        }
        if info.flag & 1 != 0 {
            throw WorkbookError(.encrypted, "the workbook is password-protected",
                                suggestion: "open it in Excel, remove the password (File › Info › Protect Workbook), save it and import that file")
        }
        guard info.compression_method == 0 || info.compression_method == 8 else {
            throw WorkbookError(.damaged, "\(name) uses an unsupported zip compression method (\(info.compression_method))",
                                suggestion: "open the file in Excel and save it again")
        }
        guard unzOpenCurrentFile(handle) == UNZ_OK else { throw Self.damaged(name) }
        openEntry = name
        entryInflated = 0
        entryStart = unzGetCurrentFileZStreamPos64(handle)
    }

    /// Inflates the next bytes of the open entry; 0 at its end (after its CRC was checked).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(WorkbookError) -> Int {
        guard let name = openEntry else { return 0 }
        let count = unzReadCurrentFile(handle, buffer.baseAddress, UInt32(min(buffer.count, Int(Int32.max))))
        if count < 0 {
            closeEntry()
            throw Self.damaged(name)
        }
        if count == 0 {
            openEntry = nil
            if unzCloseCurrentFile(handle) != UNZ_OK { throw Self.damaged(name) }  // CRC mismatch
            return 0
        }
        totalInflated += Int(count)
        entryInflated += Int(count)
        if totalInflated > limits.maximumTotalBytes {
            closeEntry()
            throw WorkbookError(.tooLarge, "the workbook inflates to more than \(Self.size(limits.maximumTotalBytes)) (a zip bomb?)",
                                suggestion: "split it into smaller workbooks, or save it as CSV")
        }
        if entryInflated > limits.ratioGrace {
            let consumed = max(1, Int(unzGetCurrentFileZStreamPos64(handle) &- entryStart))
            if entryInflated / consumed > limits.maximumRatio {
                closeEntry()
                throw WorkbookError(.tooLarge, "\(name) inflates more than \(limits.maximumRatio) times its compressed size (a zip bomb?)",
                                    suggestion: "open the file in Excel and save it again, or save it as CSV")
            }
        }
        return Int(count)
    }

    /// Reads the whole of `name` through `consume`, chunk by chunk.
    func stream(_ name: String, into consume: (UnsafeRawBufferPointer, _ isFinal: Bool) throws(WorkbookError) -> Void) throws(WorkbookError) {
        try open(name)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = try read(into: buffer)
            try consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), count == 0)
            if count == 0 { return }
        }
    }

    private func closeEntry() {
        if openEntry != nil {
            unzCloseCurrentFile(handle)
            openEntry = nil
        }
    }

    /// `4096 MiB`, or `100000 bytes` below a MiB.
    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    private static func damaged(_ name: String) -> WorkbookError {
        WorkbookError(.damaged, "the workbook is damaged: \(name) cannot be inflated (corrupt or truncated data)",
                      suggestion: "ask for the file again, or open it in Excel and save it again")
    }
}
