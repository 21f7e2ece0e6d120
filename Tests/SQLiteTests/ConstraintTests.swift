import SQLite
import TestSupport
import Testing

@Suite struct ConstraintTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("constraints.db"), mode: .readWriteCreate(permissions: 0o600))
        try database.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;
            CREATE TABLE child (
                id INTEGER PRIMARY KEY,
                parent_id INTEGER REFERENCES parent(id),
                name TEXT NOT NULL,
                code TEXT,
                amount INTEGER CHECK (amount > 0)
            ) STRICT;
            CREATE UNIQUE INDEX child_code ON child(code);
            INSERT INTO parent (id) VALUES (1);
            INSERT INTO child (id, parent_id, name, code, amount) VALUES (1, 1, 'first', 'a', 1);
            """)
    }

    /// Runs `sql` with `arguments`, which must fail; returns the error.
    func failure(_ sql: String, _ arguments: [SQLiteValue]) throws -> SQLiteError {
        do {
            try database.execute(sql, arguments)
        } catch {
            return error
        }
        Issue.record("no error for \(sql)")
        throw SQLiteError(code: .ok, message: "no error")
    }

    @Test func foreignKeysAreOn() throws {
        #expect(try database.scalarInt("PRAGMA foreign_keys") == 1)
    }

    @Test func uniqueViolation() throws {
        let error = try failure("INSERT INTO child (name, code) VALUES ('second', ?)", [.text("a")])
        #expect(error.code == .constraintUnique)
        #expect(error.code.primary == .constraint)
        #expect(error.code.isPrimary == false)
        #expect(error.sql?.contains("INSERT INTO child") == true)

        // Pattern matching: the family, the exact extended code, and not another extended code.
        var matched: [String] = []
        do { try database.execute("INSERT INTO child (name, code) VALUES ('second', ?)", [.text("a")]) } catch ResultCode.constraint { matched.append("family") } catch { Issue.record("not matched by the family: \(error)") }
        do { try database.execute("INSERT INTO child (name, code) VALUES ('second', ?)", [.text("a")]) } catch SQLiteError.constraintUnique { matched.append("unique") } catch { Issue.record("not matched exactly: \(error)") }
        do { try database.execute("INSERT INTO child (name, code) VALUES ('second', ?)", [.text("a")]) } catch SQLiteError.constraintNotNull { Issue.record("matched another extended code") } catch { matched.append("other") }
        #expect(matched == ["family", "unique", "other"])
        // Nothing was inserted.
        #expect(try database.count("child") == 1)
    }

    @Test func uniqueViolationThroughExecuteWithoutParameters() throws {
        #expect {
            try database.execute("INSERT INTO child (name, code) VALUES ('second', 'a')")
        } throws: { error in
            (error as? SQLiteError)?.code == .constraintUnique
        }
    }

    @Test func primaryKeyViolation() throws {
        let error = try failure("INSERT INTO child (id, name) VALUES (?, 'dup')", [.integer(1)])
        #expect(error.code == .constraintPrimaryKey)
        #expect(ResultCode.constraint ~= error)
    }

    @Test func notNullViolation() throws {
        let error = try failure("INSERT INTO child (name) VALUES (?)", [.null])
        #expect(error.code == .constraintNotNull)
        #expect(SQLiteError.constraintNotNull ~= error)
        #expect(!(SQLiteError.constraintUnique ~= error))
    }

    @Test func foreignKeyViolation() throws {
        let error = try failure("INSERT INTO child (parent_id, name) VALUES (?, 'orphan')", [.integer(99)])
        #expect(error.code == .constraintForeignKey)
        #expect(SQLiteError.constraintForeignKey ~= error)
        // Deleting a referenced parent is refused too.
        let delete = try failure("DELETE FROM parent WHERE id = ?", [.integer(1)])
        #expect(delete.code == .constraintForeignKey)
        #expect(try database.count("parent") == 1)
    }

    @Test func checkViolation() throws {
        let error = try failure("INSERT INTO child (name, amount) VALUES ('x', ?)", [.integer(0)])
        #expect(error.code == .constraintCheck)
        #expect(SQLiteError.constraintCheck ~= error)
    }

    @Test func strictDatatypeMismatch() throws {
        let error = try failure("INSERT INTO child (name, amount) VALUES ('x', ?)", [.text("three")])
        #expect(error.code == .constraintDataType)
        #expect(ResultCode.constraint ~= error)
        // A blob in a TEXT column of a STRICT table is refused too.
        let blob = try failure("INSERT INTO child (name) VALUES (?)", [.blob([1, 2])])
        #expect(blob.code == .constraintDataType)
    }

    @Test func syntaxErrorIsPlainError() throws {
        #expect {
            _ = try database.prepare("SELEC 1")
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.code == .error && error.sql == "SELEC 1" && !(ResultCode.constraint ~= error)
        }
    }

    @Test func nonSQLiteErrorsDoNotMatch() {
        struct Other: Error {}
        #expect(!(ResultCode.constraint ~= Other()))
    }
}
