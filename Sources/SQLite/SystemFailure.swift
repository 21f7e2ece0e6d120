import Glibc

/// Plain words for the operating-system failures an operator can act on: a full disk, a file-size
/// limit, a permission, a read-only file system.
///
/// Both error types that carry an errno use it: `SQLiteError` (SQLite's own message for these is
/// a generic "disk I/O error") and `SystemError` in Stocktaking. The code stays in the message, in
/// parentheses, for whoever searches for it.
///
/// ```swift
/// SystemFailure.plainReason(errno: ENOSPC)  // "the disk is full"
/// SystemFailure.name(errno: ENOSPC)         // "ENOSPC"
/// ```
public enum SystemFailure {
    /// The plain reason for `code`, or nil when it is none of the common I/O failures (the caller
    /// then shows strerror's text).
    public static func plainReason(errno code: Int32) -> String? {
        switch code {
        case ENOSPC: "the disk is full"
        case EDQUOT: "the disk quota is used up"
        case EFBIG: "the file would grow past the file-size limit (ulimit -f) or the file system's maximum"
        case EACCES, EPERM: "permission denied"
        case EROFS: "the file system is read-only"
        default: nil
        }
    }

    /// The symbolic name of the errno values `plainReason(errno:)` knows; `errno N` for others.
    public static func name(errno code: Int32) -> String {
        switch code {
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        case EFBIG: "EFBIG"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EROFS: "EROFS"
        default: "errno \(code)"
        }
    }

    /// What SQLITE_FULL means here (RLIM_INFINITY is all ones; Swift cannot import its macro). SQLite's unix VFS returns it for ENOSPC and also for a short
    /// write, which is what a write across a file-size limit gets; with no errno recorded
    /// (https://sqlite.org/rescode.html#full), only the process's own limit can tell them apart.
    static var diskFullReason: String {
        hasFileSizeLimit ? "the disk is full or the file-size limit (ulimit -f) was reached" : "the disk is full"
    }

    /// What an I/O error without an OS error means here. SQLite reads errno only after it has
    /// cleaned up (a failed COMMIT rolls back first), by which time errno may be gone; the
    /// process's file-size limit is then the one cause still visible.
    static var unknownIOErrorReason: String? {
        hasFileSizeLimit ? "a disk I/O error, with a file-size limit (ulimit -f) in effect" : nil
    }

    static var hasFileSizeLimit: Bool {
        var limit = rlimit()
        return getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0 && limit.rlim_cur != rlim_t.max
    }
}
