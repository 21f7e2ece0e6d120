/// The one exit-code table of the tool (also in the README and `stocktake --help`).
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Runtime failure: I/O, missing or out-of-date database, refused or timed-out SQL.
    case failure = 1
    /// An import finished with rejected rows (`--skip-invalid`).
    case rejectedRows = 2
    /// `check` found data-quality problems (the database itself is sound).
    case problemsFound = 3
    /// `check` found the database damaged (integrity or foreign-key check).
    case damaged = 4
    /// Usage error, including an unknown filter value, an option the other options would make
    /// ignored, and an output that would overwrite the database or an input (EX_USAGE).
    case usage = 64
    /// Input rejected, nothing written (EX_DATAERR).
    case dataError = 65
    /// Gave up waiting for a lock (EX_TEMPFAIL).
    case lockTimeout = 75

    public static let table = """
        Exit codes:
          0   success
          1   runtime failure (I/O, missing or out-of-date database, refused or timed-out SQL)
          2   import finished with rejected rows (--skip-invalid)
          3   check found data-quality problems (the database itself is sound)
          4   check found the database damaged (integrity or foreign-key check)
          64  usage error, including an unknown filter value or a refused output path
          65  input rejected, nothing written
          75  gave up waiting for a lock (--busy-timeout)
        """
}
