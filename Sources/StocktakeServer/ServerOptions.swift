import Glibc
import SafeText

/// How the server was started: `stocktake serve` passes its options on unchanged.
public struct ServerOptions: Sendable, Equatable {
    public var databasePath = "stocktaking.db"
    /// Loopback unless told otherwise: the catalogue is not published by accident.
    public var host = "127.0.0.1"
    /// 0: any free port (the URL printed says which).
    public var port = 8080
    /// Contact e-mails and the user names of import batches: hidden unless asked for.
    public var showPersonalData = false
    /// A request's database work stops after this many seconds with 503.
    public var timeLimit = 5.0
    /// A connection that sends nothing (or reads nothing) for this long is closed: slow clients.
    public var idleTimeout = 30.0
    /// Seconds to wait for another process's lock when opening or reading.
    public var busyTimeout = 30.0
    /// How often the server looks for a new database state (an import committed).
    public var pollInterval = 0.25

    public init() {
        if let fromEnvironment = getenv("STOCKTAKE_DB").map({ String(cString: $0) }), !fromEnvironment.isEmpty {
            databasePath = fromEnvironment
        }
    }

    public static let usage = """
        usage: stocktake serve [--db PATH] [--host 127.0.0.1] [--port 8080] [--show-personal-data]
                               [--time-limit SECONDS] [--idle-timeout SECONDS] [--busy-timeout SECONDS]

        Serves the catalogue read-only over HTTP: the projects list with search and facets, project
        pages, downloads in every export format and a JSON API under /api/. Binds to loopback unless
        --host says otherwise. Contact e-mails and import users are hidden unless --show-personal-data.
        Stops cleanly on SIGINT or SIGTERM.
        """

    /// Why the arguments could not be read.
    public struct UsageError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `arguments` (without the program name); nil for `--help`.
    public static func parse(_ arguments: [String]) throws(UsageError) -> ServerOptions? {
        var options = ServerOptions()
        var index = 0
        func value(_ name: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(description: "\(name) needs a value") }
            return arguments[index]
        }
        func seconds(_ name: String) throws(UsageError) -> Double {
            let text = try value(name)
            guard let number = Double(text), number.isFinite, number > 0, number <= 86_400 else {
                throw UsageError(description: "\(name) takes a number of seconds above 0, not '\(text)'")
            }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            // --port=8081 as well as --port 8081.
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                let name = String(argument[..<equals])
                var rest = Array(arguments)
                rest[index] = name
                rest.insert(String(argument[argument.index(after: equals)...]), at: index + 1)
                return try parse(rest)
            }
            switch argument {
            case "-h", "--help": return nil
            case "--db": options.databasePath = try value(argument)
            case "--host": options.host = try value(argument)
            case "--port":
                let text = try value(argument)
                guard let port = Int(text), (0...65_535).contains(port) else {
                    throw UsageError(description: "--port takes a port number from 0 to 65535, not '\(text)'")
                }
                options.port = port
            case "--show-personal-data": options.showPersonalData = true
            case "--time-limit": options.timeLimit = try seconds(argument)
            case "--idle-timeout": options.idleTimeout = try seconds(argument)
            case "--busy-timeout": options.busyTimeout = try seconds(argument)
            case "--poll-interval": options.pollInterval = try seconds(argument)
            default:
                throw UsageError(description: "unknown option \(TerminalText.quoted(argument)) (`stocktake serve --help` lists the options)")
            }
            index += 1
        }
        return options
    }
}
