import Glibc
import SQLite
import Testing

/// I/O failures read as what an operator can act on, with the code kept in parentheses; other
/// errors keep SQLite's wording.
@Suite struct ErrorWordingTests {
    @Test func aFileSizeLimitNamesTheFileAndTheLimit() {
        let error = SQLiteError(code: .ioErrorWrite, message: "disk I/O error", path: "backup.db", systemErrno: EFBIG)
        #expect(error.description == "cannot write backup.db: the file would grow past the file-size limit (ulimit -f) or the file system's maximum (SQLite error 778)")
    }

    @Test func aFullDiskSaysSo() {
        var limit = rlimit()
        let unlimited = getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0 && limit.rlim_cur == rlim_t.max
        let error = SQLiteError(code: .full, message: "database or disk is full", sql: "INSERT INTO t VALUES (1)", path: "backup.db")
        let expected = unlimited ? "the disk is full" : "the disk is full or the file-size limit (ulimit -f) was reached"
        #expect(error.description == "cannot write backup.db: \(expected) (SQLite error 13)")
    }

    @Test(arguments: [(EACCES, "permission denied"), (EPERM, "permission denied"), (EROFS, "the file system is read-only"), (ENOSPC, "the disk is full")])
    func openAndWriteFailuresInPlainWords(_ code: Int32, _ words: String) {
        let open = SQLiteError(code: .cannotOpen, message: "unable to open database file", path: "x.db", systemErrno: code)
        #expect(open.description == "cannot open x.db: \(words) (SQLite error 14)")
        let read = SQLiteError(code: .ioErrorRead, message: "disk I/O error", path: "x.db", systemErrno: code)
        #expect(read.description == "cannot read x.db: \(words) (SQLite error 266)")
    }

    @Test func otherFailuresKeepSQLitesWordsAndTheOSText() {
        let io = SQLiteError(code: .ioErrorWrite, message: "disk I/O error", path: "x.db", systemErrno: EIO)
        #expect(io.description == "SQLite error 778: disk I/O error (\(String(cString: strerror(EIO))))")
        let constraint = SQLiteError(code: .constraintUnique, message: "UNIQUE constraint failed: t.a", sql: "INSERT", path: "x.db", systemErrno: EACCES)
        #expect(constraint.description == "SQLite error 2067: UNIQUE constraint failed: t.a — while executing: INSERT")
    }

    @Test func aFailedOpenCarriesTheOSError() throws {
        var template = Array("/tmp/stocktake-wording-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(directory) }
        let error = #expect(throws: SQLiteError.self) { try Database(path: directory + "/missing/x.db", mode: .readWrite) }
        #expect(error?.systemErrno == ENOENT)
        #expect(error?.path == directory + "/missing/x.db")
    }
}
