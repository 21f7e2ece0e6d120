import Foundation
import SQLite
import TestSupport
import Testing

/// A value to bind, with the storage class SQLite must report for it.
struct BoundValue: Sendable, CustomTestStringConvertible {
    let value: SQLiteValue
    let storageClass: String
    let label: String

    var testDescription: String { label }
}

let roundTripValues: [BoundValue] = [
    BoundValue(value: .integer(0), storageClass: "integer", label: "integer 0"),
    BoundValue(value: .integer(-1), storageClass: "integer", label: "integer -1"),
    BoundValue(value: .integer(Int64.max), storageClass: "integer", label: "Int64.max"),
    BoundValue(value: .integer(Int64.min), storageClass: "integer", label: "Int64.min"),
    BoundValue(value: .real(0.1), storageClass: "real", label: "real 0.1"),
    BoundValue(value: .real(-0.0), storageClass: "real", label: "real -0.0"),
    BoundValue(value: .real(1e308), storageClass: "real", label: "real 1e308"),
    BoundValue(value: .real(-2.5), storageClass: "real", label: "real -2.5"),
    BoundValue(value: .text(""), storageClass: "text", label: "empty text"),
    BoundValue(value: .text("plain ASCII"), storageClass: "text", label: "ASCII text"),
    BoundValue(value: .text("Côte d’Ivoire — 日本語 — 🇰🇪🌍👩🏽‍💻 — e\u{301}"), storageClass: "text", label: "Unicode text with emoji"),
    BoundValue(value: .text("  spaces and\r\nCRLF\tinside  "), storageClass: "text", label: "text with white space"),
    BoundValue(value: .blob([]), storageClass: "blob", label: "empty blob"),
    BoundValue(value: .blob([0, 1, 2, 0xFF, 0]), storageClass: "blob", label: "blob with NUL bytes"),
    BoundValue(value: .null, storageClass: "null", label: "NULL"),
]

/// Exact comparison: `-0.0 == 0.0` and canonically equivalent strings compare equal in Swift.
func isIdentical(_ a: SQLiteValue, _ b: SQLiteValue) -> Bool {
    switch (a, b) {
    case (.real(let x), .real(let y)): x.bitPattern == y.bitPattern
    case (.text(let x), .text(let y)): Array(x.utf8) == Array(y.utf8)
    default: a == b
    }
}

@Suite struct ValueRoundTripTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("values.db"), mode: .readWriteCreate(permissions: 0o600))
        // No declared type: no affinity, so values are stored exactly as bound.
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
    }

    @Test(arguments: roundTripValues)
    func roundTripsThroughATable(_ bound: BoundValue) throws {
        try database.execute("INSERT INTO t (id, v) VALUES (1, ?)", [bound.value])
        let statement = try database.prepare("SELECT v, typeof(v) FROM t WHERE id = 1")
        #expect(try statement.step())
        let read = statement.value(at: 0)
        #expect(isIdentical(read, bound.value), "read back \(read)")
        #expect(statement.text(at: 1) == bound.storageClass)
        #expect(statement.isNull(at: 0) == (bound.storageClass == "null"))
        switch bound.value {
        case .integer(let integer):
            #expect(statement.int64(at: 0) == integer)
        case .real(let real):
            #expect(statement.double(at: 0).bitPattern == real.bitPattern)
        case .text(let text):
            #expect(statement.text(at: 0).map { Array($0.utf8) } == Array(text.utf8))
            let bytes = statement.withUTF8(at: 0) { $0.map(Array.init) }
            #expect(bytes == Array(text.utf8))
        case .blob(let bytes):
            #expect(statement.blob(at: 0) == bytes)
        case .null:
            #expect(statement.text(at: 0) == nil)
            #expect(statement.blob(at: 0) == nil)
            #expect(statement.withUTF8(at: 0) { $0 == nil })
        }
        #expect(try statement.step() == false)
    }

    @Test(arguments: roundTripValues)
    func roundTripsThroughAParameter(_ bound: BoundValue) throws {
        let row = try #require(try database.rows("SELECT ?1, typeof(?1)", [bound.value]).first)
        #expect(isIdentical(row[0], bound.value), "read back \(row[0])")
        #expect(row[1] == .text(bound.storageClass))
    }

    @Test func swiftValuesBindAsTheirStorageClasses() throws {
        let statement = try database.prepare("SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4), typeof(?5), typeof(?6), ?5")
        try statement.bind(42, at: 1)
        try statement.bind(Int64(7), at: 2)
        try statement.bind(2.5, at: 3)
        try statement.bind("x", at: 4)
        try statement.bind(true, at: 5)
        try statement.bind(String?.none, at: 6)
        #expect(try statement.step())
        #expect(statement.row() == [.text("integer"), .text("integer"), .text("real"), .text("text"), .text("integer"), .text("null"), .integer(1)])
    }

    @Test func emptyStringAndNullStayDistinct() throws {
        try database.execute("INSERT INTO t (id, v) VALUES (1, ?), (2, ?)", [.text(""), .null])
        #expect(try database.count("t", where: "v IS NULL") == 1)
        #expect(try database.count("t", where: "v = ''") == 1)
        let rows = try database.rows("SELECT v, typeof(v) FROM t ORDER BY id")
        #expect(rows == [[.text(""), .text("text")], [.null, .text("null")]])
        let statement = try database.prepare("SELECT v FROM t ORDER BY id")
        #expect(try statement.step())
        #expect(statement.text(at: 0) == "")
        #expect(!statement.isNull(at: 0))
        #expect(try statement.step())
        #expect(statement.text(at: 0) == nil)
        #expect(statement.isNull(at: 0))
        // The Optional binding: "" is text, nil is NULL.
        try database.execute("DELETE FROM t")
        let insert = try database.prepare("INSERT INTO t (id, v) VALUES (?, ?)")
        try insert.bind(3, at: 1)
        try insert.bind(String?.some(""), at: 2)
        try insert.execute()
        try insert.bind(4, at: 1)
        try insert.bind(String?.none, at: 2)
        try insert.execute()
        #expect(try database.column("SELECT typeof(v) FROM t ORDER BY id") == ["text", "null"])
    }

    @Test(arguments: [":name", "@name", "$name"])
    func bindsByName(_ name: String) throws {
        let statement = try database.prepare("SELECT \(name) || '/' || ?9")
        #expect(statement.parameterCount == 9)
        #expect(statement.parameterName(at: 1) == name)
        try statement.bind("named", named: name)
        try statement.bind("indexed", at: 9)
        #expect(try statement.step())
        #expect(statement.text(at: 0) == "named/indexed")
    }

    @Test func sameNamedParameterIsBoundEverywhere() throws {
        let statement = try database.prepare("SELECT :x + :x, ?2")
        try statement.bind(21, named: ":x")
        try statement.bind("second", at: 2)
        #expect(try statement.step())
        #expect(statement.row() == [.integer(42), .text("second")])
    }

    @Test func unknownParameterNameThrows() throws {
        let statement = try database.prepare("SELECT :known")
        #expect {
            try statement.bind(1, named: ":unknown")
        } throws: { error in
            (error as? SQLiteError)?.code == .range && "\(error)".contains(":unknown")
        }
        // The prefix is part of the name.
        #expect(throws: SQLiteError.self) { try statement.bind(1, named: "known") }
        try statement.bind(5, named: ":known")
        #expect(try statement.step())
        #expect(statement.int(at: 0) == 5)
    }

    @Test func indexOutOfRangeThrows() throws {
        let statement = try database.prepare("SELECT ?")
        #expect {
            try statement.bind(1, at: 2)
        } throws: { error in
            (error as? SQLiteError)?.code == .range
        }
    }

    @Test func columnNamesAndReadOnlyFlag() throws {
        let select = try database.prepare("SELECT 1 AS one, 'x' AS two")
        #expect(select.columnNames == ["one", "two"])
        #expect(select.isReadOnly)
        #expect(try database.prepare("INSERT INTO t (v) VALUES (1)").isReadOnly == false)
    }
}
