import ArgumentParser
import Glibc
import Stocktaking

/// The web server is a second program beside this one, and it is not there.
struct ServerProgramMissing: Error, CustomStringConvertible {
    let path: String

    var description: String {
        "the web server is the program stocktake-server, which must be beside stocktake, and it is not at \(path); "
            + "`swift build -c release` builds both (copy both files together)"
    }
}

extension StocktakeCommand {
    /// `serve`: runs `stocktake-server` from the directory of this executable. The server is its own
    /// program so that this one carries no HTTP server: argument-parser's start-up scans every
    /// protocol conformance in the binary, and SwiftNIO's would slow every command down.
    struct Serve: StocktakeSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the catalogue read-only in a browser: search, facets, project pages, downloads and a JSON API.",
            discussion: """
                Binds to 127.0.0.1 unless --host says otherwise, prints the URL, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM. \
                Contact e-mails and the user names of import batches are hidden unless --show-personal-data. \
                The server is the program stocktake-server, which must be in the same directory as stocktake.

                Examples:
                  stocktake serve
                  stocktake serve --db catalogue.db --port 8081
                  curl 'http://127.0.0.1:8080/api/projects?action_line=C7.e-health&region=AFR&sdg=3'
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(help: ArgumentHelp("The address to listen on (0.0.0.0: every interface).", valueName: "address"))
        var host = "127.0.0.1"

        @Option(help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "port"))
        var port = 8080

        @Flag(help: "Show and allow downloading contact e-mails and the user names of import batches.")
        var showPersonalData = false

        @Option(help: ArgumentHelp("Seconds a request's queries may take before it is answered 503.", valueName: "seconds"))
        var timeLimit: Double = 5

        @Option(help: ArgumentHelp("Seconds a connection may stay silent before it is closed.", valueName: "seconds"))
        var idleTimeout: Double = 30

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port takes a port number from 0 to 65535") }
            try Seconds.validate(timeLimit, option: "--time-limit", allowingZero: false)
            try Seconds.validate(idleTimeout, option: "--idle-timeout", allowingZero: false)
        }

        func execute() throws {
            let server = Self.serverPath()
            guard access(server, X_OK) == 0 else { throw ServerProgramMissing(path: server) }
            var arguments = [
                server, "--db", globals.databasePath, "--host", host, "--port", String(port),
                "--time-limit", String(timeLimit), "--idle-timeout", String(idleTimeout),
            ]
            if let busyTimeout = globals.busyTimeout, busyTimeout > 0 { arguments += ["--busy-timeout", String(busyTimeout)] }
            if showPersonalData { arguments.append("--show-personal-data") }
            fflush(nil)
            // The server replaces this process: signals and the exit status are its own.
            var cArguments = arguments.map { strdup($0) } + [nil]
            execv(server, &cArguments)
            let reason = String(cString: strerror(errno))
            throw ServerProgramMissing(path: server + " (" + reason + ")")
        }

        /// `stocktake-server` in the directory of the running executable.
        static func serverPath() -> String {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            let executable = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
            let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            return (directory.isEmpty ? "." : directory) + "/stocktake-server"
        }
    }
}
