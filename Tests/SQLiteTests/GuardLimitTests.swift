import DatabaseTestSupport
import Foundation
import SQLite
import TestSupport
import Testing

/// Limits that hold on every connection, whatever statement runs on it.
@Suite struct GuardLimitTests {
    /// `fts3_tokenizer('simple')` returns the address of a C struct when the function is enabled.
    @Test(arguments: [Database.Mode.readOnly, .readWrite])
    func theFTS3TokenizerFunctionAnswersNoPointer(_ mode: Database.Mode) throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        try temporary.open().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        let database = try temporary.open(mode)
        #expect(try database.scalar("SELECT fts3_tokenizer('simple')") == nil)
    }

    @Test(arguments: [1e19, .infinity, .nan, -1])
    func absurdTimeoutsDoNotTrap(_ seconds: Double) throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try temporary.open()
        // Each converted the seconds to an integer, which trapped (SIGILL) for 1e19, infinity and NaN.
        database.setBusyTimeout(seconds: seconds)
        _ = try? database.withTimeLimit(seconds: seconds) { try database.scalarInt("SELECT 1") }
        #expect(try database.scalarInt("SELECT 1") == 1)
    }

    @Test func aValueOverTheLengthLimitIsTooBig() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try temporary.open()
        database.limitValueLength(bytes: 1000)
        #expect(try database.scalarInt("SELECT length(randomblob(1000))") == 1000)
        #expect { try database.scalar("SELECT randomblob(1001)") } throws: { ResultCode.tooBig ~= ($0 as? SQLiteError)?.code ?? .ok }
    }
}
