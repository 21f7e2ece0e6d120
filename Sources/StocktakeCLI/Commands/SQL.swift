import ArgumentParser
import CSV
import Glibc
import SafeText
import Stocktaking

extension ReadOnlySQLError: ExitStatusProviding {
    var exitStatus: ExitStatus {
        switch self {
        case .missingParameter, .unknownParameter, .positionalParameter, .noStatement: .usage
        case .refused, .timedOut, .valueTooLarge, .outOfMemory: .failure
        }
    }
}

extension StocktakeCommand {
    struct SQL: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "sql",
            abstract: "Run one read-only SQL statement and print its rows.",
            discussion: """
                The connection is opened read-only and guarded: writes, DDL, ATTACH and VACUUM INTO, PRAGMAs that change anything, transaction control and extension loading are refused (exit 1, naming what was refused) and no file is created. A query still running, or still printing, after --timeout seconds is interrupted (exit 1). A string or BLOB over 64 MiB, or SQLite needing over 256 MiB of memory, stops the query too (exit 1). Values of -p bind as text; SQLite converts them where a number is compared. BLOBs print as base64; REALs in their shortest exact form.

                The view project_flat holds one row per project with its links as ';' lists; the tables are project, project_action_line, project_sdg, project_gdc_objective, project_country, prize, organization, import_batch, project_change and the reference tables (action_line, sdg, gdc_objective, country, region, stakeholder_type); `stocktake schema` lists every table, view and column with a line of description.

                Examples:
                  stocktake sql "SELECT status, count(*) FROM project GROUP BY status"
                  stocktake sql -p id=WSIS-0000000042 "SELECT * FROM project_flat WHERE external_id = :id"
                  stocktake sql - --format json < query.sql
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var source: FromFileOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("The SQL statement, or - to read it from standard input.", valueName: "sql"))
        var statement: String

        @Option(
            name: [.customShort("p"), .customLong("param")],
            help: ArgumentHelp("Bind a named parameter: name=value binds :name (repeatable).", valueName: "name=value"))
        var parameters: [String] = []

        @Option(help: ArgumentHelp("Interrupt the query after this many seconds, printing included.", valueName: "seconds"))
        var timeout: Double = ReadOnlySQL.defaultTimeout

        func validate() throws {
            try Seconds.validate(timeout, option: "--timeout", allowingZero: false)
            _ = try boundParameters()
        }

        /// `-p name=value` pairs by bare name (a leading `:`, `@` or `$` is dropped).
        func boundParameters() throws -> [String: String] {
            var values: [String: String] = [:]
            for parameter in parameters {
                guard let equals = parameter.firstIndex(of: "=") else {
                    throw ValidationError("-p \(TerminalText.quoted(parameter)): expected name=value")
                }
                var name = Substring(parameter[..<equals])
                if let first = name.first, ":@$".contains(first) { name = name.dropFirst() }
                guard !name.isEmpty else { throw ValidationError("-p \(TerminalText.quoted(parameter)): the name is empty") }
                guard values[String(name)] == nil else { throw ValidationError("-p \(TerminalText.quoted(String(name))) is given twice") }
                values[String(name)] = String(parameter[parameter.index(after: equals)...])
            }
            return values
        }

        func execute() throws {
            let text = statement == "-"
                ? try readStandardInput()
                : statement
            // Before the first connection opens, or the cap cannot take effect.
            ReadOnlySQL.limitProcessMemory()
            let catalog = try source.open(globals, snapshot: false)  // one statement is one snapshot; VACUUM must be refused by the authorizer, not by an open transaction
            defer { catalog.close() }
            let runner = ReadOnlySQL(catalog: catalog)
            var printer: Printer?
            try runner.run(
                text, parameters: try boundParameters(), timeout: timeout,
                header: { columns in
                    let started = try output.printer(columns: columns, globals: globals, inputs: source.inputs)
                    try started.start()
                    printer = started
                },
                row: { values in
                    try printer?.add(values)
                })
            try printer?.finish()
        }
    }
}

/// All of stdin as text (`stocktake sql -`); invalid UTF-8 becomes U+FFFD and SQLite reports the error.
private func readStandardInput() throws -> String {
    var source = FileByteSource(fileDescriptor: STDIN_FILENO)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while case let count = try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), count > 0 {
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}
