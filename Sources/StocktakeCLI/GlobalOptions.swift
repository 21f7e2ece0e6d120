import ArgumentParser
import Glibc
import Stocktaking

/// Options every command that touches the database shares.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $STOCKTAKE_DB, else ./stocktaking.db).", valueName: "path"),
            completion: .file(extensions: ["db", "sqlite", "sqlite3"]))
    public var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds to wait for another process's lock before giving up with exit 75 (default: 600 for writers, 30 for readers).",
            valueName: "seconds"))
    public var busyTimeout: Double?

    public init() {}

    public func validate() throws {
        if let busyTimeout { try Seconds.validate(busyTimeout, option: "--busy-timeout", allowingZero: true) }
    }

    /// The database path: --db, else $STOCKTAKE_DB, else ./stocktaking.db.
    public var databasePath: String {
        if let db { return db }
        if let fromEnvironment = getenv("STOCKTAKE_DB").map({ String(cString: $0) }), !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "stocktaking.db"
    }

    /// - Parameter snapshot: for read access, hold one read transaction for the whole command.
    public func open(_ access: Catalog.Access, snapshot: Bool = true) throws -> Catalog {
        let defaultTimeout: Double = access == .read ? 30 : Catalog.defaultWriterBusyTimeout
        let catalog = try Catalog(path: databasePath, access: access, busyTimeout: busyTimeout ?? defaultTimeout)
        // A read command sees one snapshot from start to end, even while an import commits.
        if access == .read && snapshot { try catalog.beginSnapshot() }
        return catalog
    }

    /// Classifies a command's outputs and refuses, before the database is opened or anything is
    /// written, any that is the database (or its -wal, -shm, -journal), an input, or another output
    /// (exit 64). Every command that writes a file calls this first.
    ///
    /// - Returns: the targets, in the order given.
    func checkedOutputs(_ outputs: [(option: OptionName, path: String)], inputs: [String] = []) throws -> [OutputTarget] {
        try outputGuard(inputs: inputs).check(outputs)
    }

    func outputGuard(inputs: [String] = []) -> OutputGuard {
        OutputGuard(database: databasePath, inputs: inputs)
    }

    static let optionsTakingValue: Set<String> = ["--db", "--busy-timeout"]

    /// `stocktake --db x.db ref sdgs` → `stocktake ref sdgs --db x.db`: argument-parser only gives a
    /// subcommand the options written after its name.
    static func movingLeadingGlobalOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if optionsTakingValue.contains(argument), index + 1 < arguments.count {
                leading.append(contentsOf: arguments[index...index + 1])
                index += 2
            } else if let name = argument.split(separator: "=", maxSplits: 1).first, argument.contains("="),
                optionsTakingValue.contains(String(name))
            {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        // Keep nested subcommand names (`ref sdgs`, `imports show 3`) before the moved options.
        var rest = Array(arguments[index...])
        var insertAt = 0
        var command: ParsableCommand.Type = StocktakeCommand.self
        while insertAt < rest.count,
            let sub = command.configuration.subcommands.first(where: { $0._commandName == rest[insertAt] })
        {
            command = sub
            insertAt += 1
        }
        rest.insert(contentsOf: leading, at: insertAt)
        return rest
    }
}

extension Catalog.Access {
    static func == (lhs: Catalog.Access, rhs: Catalog.Access) -> Bool {
        switch (lhs, rhs) {
        case (.read, .read), (.write, .write), (.migrate, .migrate), (.temporary, .temporary): true
        default: false
        }
    }
}

/// Rules for options given in seconds (`--busy-timeout`, `--timeout`).
enum Seconds {
    /// The longest wait an option accepts: a day. Anything longer is a typo (or `1e19`, which would
    /// overflow the conversion to SQLite's milliseconds and to a deadline).
    static let maximum: Double = 86_400

    /// Throws a usage error unless `value` is a finite number of seconds within 0 (or above, when
    /// zero is not allowed) and `maximum`; NaN fails every comparison and is refused too.
    static func validate(_ value: Double, option: String, allowingZero: Bool) throws {
        let aboveMinimum = allowingZero ? value >= 0 : value > 0
        guard aboveMinimum, value <= maximum else {
            throw ValidationError(
                "\(option) must be a number of seconds \(allowingZero ? "from 0" : "above 0") up to \(Int(maximum)), got \(value)")
        }
    }
}
