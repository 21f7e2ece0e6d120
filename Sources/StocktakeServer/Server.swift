import Glibc
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import SQLite
import SafeText
import Stocktaking

/// `stocktake-server` (what `stocktake serve` runs): the catalogue over HTTP, read-only.
public enum ServerMain {
    /// Runs the server until SIGINT or SIGTERM; returns the exit status.
    public static func run(_ arguments: [String]) async -> Int32 {
        let options: ServerOptions
        do {
            guard let parsed = try ServerOptions.parse(arguments) else {
                print(ServerOptions.usage)
                return 0
            }
            options = parsed
        } catch {
            printError("stocktake serve: \(error.description)")
            return 64
        }
        // A client that goes away mid-download must fail the write (EPIPE), not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let snapshots: Snapshots
        do {
            snapshots = try Snapshots(path: options.databasePath, busyTimeout: options.busyTimeout)
        } catch {
            printError("stocktake serve: " + startupMessage(error))
            return 1
        }
        let server = StocktakeServer(options: options, snapshots: snapshots)
        do {
            try await server.run()
        } catch {
            printError("stocktake serve: \(error)")
            return 1
        }
        return 0
    }

    static func startupMessage(_ error: any Error) -> String {
        let spelling = FrontEndSpelling(option: { "--" + $0.rawValue.replacingEvery("_", with: "-") }, guidance: { guidance in
            switch guidance {
            case .createDatabase: "create it with `stocktake import FILE` (or `stocktake init`), or point --db / STOCKTAKE_DB at an existing one"
            default: nil
            }
        })
        if let error = error as? any SpellableError { return error.message(spelledBy: spelling) }
        return String(describing: error)
    }

    static func printError(_ message: String) {
        var line = message + "\n"
        line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// The routes, and where their work runs: database work on a thread pool (SQLite blocks), never on
/// the event loops or Swift's cooperative threads.
final class StocktakeServer: Sendable {
    let options: ServerOptions
    let snapshots: Snapshots
    /// List, project and API requests: each holds its generation's connection for milliseconds.
    let queryPool = NIOThreadPool(numberOfThreads: 4)
    /// Downloads: one thread writes the export into a pipe, another reads it for the response.
    let downloadPool = NIOThreadPool(numberOfThreads: 2 * StocktakeServer.maximumDownloads)
    static let maximumDownloads = 4
    let downloadsRunning = Counter()
    /// The longest request target (path and query) accepted.
    static let maximumTargetLength = 8_192

    init(options: ServerOptions, snapshots: Snapshots) {
        self.options = options
        self.snapshots = snapshots
    }

    /// The formats a list downloads in: every registered one made for it (`OutputFormat.downloads`).
    var formats: [OutputFormat] { OutputFormat.downloads }

    func run() async throws {
        queryPool.start()
        downloadPool.start()
        var logger = Logger(label: "stocktake-server")
        logger.logLevel = .error
        let host = options.host
        let projects = snapshots.current.index.projectCount
        let buildMilliseconds = Int(snapshots.current.index.buildSeconds * 1000)
        let server = self
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await server.respond(to: request) },
            server: .http1(configuration: .init(
                idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000)),
                httpDecoderConfiguration: .init(maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 64))),
            configuration: .init(address: .hostname(host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host.contains(":") ? "[\(host)]" : host
                var line = "stocktake serve: http://\(shownHost):\(port)/projects (\(projects) projects, index built in \(buildMilliseconds) ms; Ctrl-C stops)\n"
                line.withUTF8 { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            },
            logger: logger)
        let watcher = Task.detached { await server.watchForChanges() }
        defer { watcher.cancel() }
        try await app.runService()
        try? await queryPool.shutdownGracefully()
    }

    /// Looks for a new database state every poll interval; when an import has committed, builds the
    /// next generation off the request path and switches to it.
    func watchForChanges() async {
        var lastError = ""
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(options.pollInterval * 1e9))
            do {
                let snapshots = self.snapshots
                guard try await queryPool.runIfActive({ try snapshots.databaseChanged() }) else { continue }
                let generation = try await queryPool.runIfActive { try snapshots.rebuild() }
                lastError = ""
                // The other sort orders, one at a time, letting requests in between.
                while try await queryPool.runIfActive({ try generation.buildSortOrder() }) {
                    await Task.yield()
                }
            } catch {
                // Keep serving the last good generation; say so once per kind of failure.
                let message = ServerMain.startupMessage(error)
                if message != lastError { ServerMain.printError("stocktake serve: the index was not rebuilt: \(message)") }
                lastError = message
            }
        }
    }

    // MARK: Routing

    func respond(to request: Request) async -> Response {
        var response = await route(request)
        for (name, value) in Self.securityHeaders { response.headers[name] = value }
        if request.method == .head { response = response.createHeadResponse() }
        return response
    }

    static let securityHeaders: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy,
         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Cross-Origin-Resource-Policy")!, "same-origin"),
    ]

    private func route(_ request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            var response = Self.errorResponse(405, "this catalogue is read-only: it answers GET and HEAD only", json: false)
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        let target = request.uri.string
        guard target.utf8.count <= Self.maximumTargetLength else {
            return Self.errorResponse(414, "the address is longer than \(Self.maximumTargetLength) bytes", json: false)
        }
        if let length = request.headers[.contentLength], length != "0" {
            return Self.errorResponse(413, "requests here have no body", json: false)
        }
        if request.headers[.transferEncoding] != nil {
            return Self.errorResponse(413, "requests here have no body", json: false)
        }
        let path = request.uri.path
        let query = request.uri.query ?? ""
        switch path {
        case "/":
            return Response(status: .seeOther, headers: [.location: "/projects"])
        case "/projects", "/projects/":
            return await list(query: query, as: .html)
        case "/countries":
            return await list(query: query, as: .countries)
        case "/api/projects", "/api/projects/":
            return await list(query: query, as: .json)
        case "/assets/style.css":
            return Self.textResponse(Assets.styleSheet, contentType: "text/css; charset=utf-8", cache: "public, max-age=3600")
        case "/api", "/api/":
            return Self.textResponse(APIDescription.index, contentType: "application/json; charset=utf-8")
        default:
            break
        }
        if path.hasPrefix("/api/projects/") {
            return await project(encodedID: path.dropFirst("/api/projects/".count), json: true)
        }
        if path.hasPrefix("/projects/") {
            return await project(encodedID: path.dropFirst("/projects/".count), json: false)
        }
        if path.hasPrefix("/projects."), let format = formats.first(where: { "/projects." + $0.fileExtension == path }) {
            return await download(format: format, query: query)
        }
        return Self.errorResponse(404, "there is no page at this address", json: path.hasPrefix("/api/"))
    }

    // MARK: Lists

    enum ListView { case html, json, countries }

    private func list(query: String, as view: ListView) async -> Response {
        let json = view == .json
        let generation = snapshots.current
        let formats = self.formats
        let timeLimit = options.timeLimit
        do {
            let body: String = try await queryPool.runIfActive {
                // The page's data under the generation's lock; its HTML or JSON after, without it.
                let (request, page, rows, reference) = try generation.read(timeLimit: timeLimit) { catalog, index, checkTime in
                    let request = try ListRequest(query: query, reference: catalog.reference)
                    let page = try index.page(
                        request.filter, sort: request.sort, limit: view == .countries ? 0 : request.limit, offset: request.offset, in: catalog, checkTime: checkTime)
                    let searching = request.filter.search != nil
                    var projectQuery = ProjectQuery(filter: request.filter, fields: Pages.listColumns + (searching ? [.snippet] : []))
                    projectQuery.snippetMarkers = json ? .brackets : .controlCharacters
                    var rows: [Pages.ListRow] = []
                    try projectQuery.forEachRow(ids: page.ids, in: catalog) { values in
                        var byColumn: [ProjectColumn: QueryValue] = [:]
                        for (column, value) in zip(projectQuery.fields, values) { byColumn[column] = value }
                        rows.append(Pages.ListRow(values: byColumn, snippet: searching ? values.last?.textValue : nil))
                    }
                    try checkTime()
                    return (request, page, rows, catalog.reference)
                }
                switch view {
                case .json: return APIDescription.list(request: request, page: page, rows: rows)
                case .countries: return Pages.countries(request: request, page: page)
                case .html: return Pages.list(request: request, page: page, rows: rows, reference: reference, formats: formats)
                }
            }
            return json
                ? Self.textResponse(body, contentType: "application/json; charset=utf-8")
                : Self.textResponse(body, contentType: "text/html; charset=utf-8")
        } catch {
            return Self.errorResponse(for: error, json: json)
        }
    }

    // MARK: A project

    private func project(encodedID: Substring, json: Bool) async -> Response {
        guard let externalID = QueryItems.decode(encodedID), !externalID.isEmpty, externalID.utf8.count <= 200,
              !externalID.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            return Self.errorResponse(400, "not a project id", json: json)
        }
        let generation = snapshots.current
        let personalData = options.showPersonalData
        do {
            let body: String? = try await queryPool.runIfActive {
                try generation.read(timeLimit: self.options.timeLimit) { catalog, _, _ in
                    guard let details = try ProjectDetails.load(externalID: externalID, from: catalog) else { return nil }
                    return json ? details.json(personalData: personalData).rendered(indent: 2) + "\n" : Pages.project(details, personalData: personalData)
                }
            }
            guard let body else {
                return Self.errorResponse(404, "no project has the id \(TerminalText.quoted(externalID))", json: json)
            }
            return Self.textResponse(body, contentType: json ? "application/json; charset=utf-8" : "text/html; charset=utf-8")
        } catch {
            return Self.errorResponse(for: error, json: json)
        }
    }

    // MARK: Downloads

    /// Streams the export of the list's projects: `ProjectExporter` (what `stocktake export`
    /// runs) writes into a pipe on one thread, the response reads it in pieces of up to 1 MiB on
    /// another; the pipe's buffer and one piece are all that is held, whatever the size of the list,
    /// and a slow client slows the export down instead of filling memory.
    private func download(format: OutputFormat, query: String) async -> Response {
        guard downloadsRunning.increment(limit: Self.maximumDownloads) else {
            return Self.errorResponse(503, "\(Self.maximumDownloads) downloads are running; try again in a moment", json: false, retryAfter: 5)
        }
        let options = self.options
        let running = downloadsRunning
        let download: Download
        do {
            download = try await queryPool.runIfActive {
                let catalog: Catalog
                do {
                    catalog = try Catalog(path: options.databasePath, access: .read, busyTimeout: options.busyTimeout)
                } catch {
                    running.decrement()
                    throw error
                }
                // From here on the download's deinit gives the slot back and closes what it holds.
                let download = try Download(catalog: catalog, counter: running)
                // The download is one snapshot of its own, from its first row to its last.
                try catalog.beginSnapshot()
                download.filter = try ListRequest(query: query, reference: catalog.reference).filter
                return download
            }
        } catch {
            return Self.errorResponse(for: error, json: false)
        }
        var exportOptions = ExportOptions()
        exportOptions.format = format
        exportOptions.filter = download.filter
        exportOptions.personalData = options.showPersonalData
        let chosen = exportOptions
        let downloadPool = self.downloadPool
        let body = ResponseBody { writer in
            // Closing the read end stops the exporter (EPIPE) when the client goes away mid-way.
            defer { download.closeRead() }
            downloadPool.submit { _ in
                let sink = FileSink(descriptor: download.writeEnd, capacity: 1 << 18, path: "the download")
                // A failure is the client going away (EPIPE): nothing to report.
                _ = try? ProjectExporter(catalog: download.catalog).export(chosen, to: sink)
                download.closeWrite()
            }
            while true {
                let chunk = try await downloadPool.runIfActive { download.read() }
                if chunk.readableBytes == 0 { break }
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = Self.contentType(of: format)
        headers[.contentDisposition] = "attachment; filename=\"projects.\(format.fileExtension)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: body)
    }

    static func contentType(of format: OutputFormat) -> String {
        switch format.name {
        case "csv": "text/csv; charset=utf-8"
        case "tsv": "text/tab-separated-values; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "ndjson": "application/x-ndjson; charset=utf-8"
        case "markdown": "text/markdown; charset=utf-8"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        default: "application/octet-stream"
        }
    }

    // MARK: Responses

    static func textResponse(_ text: String, status: HTTPResponse.Status = .ok, contentType: String, cache: String = "no-cache") -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = contentType
        headers[.cacheControl] = cache
        let buffer = ByteBuffer(string: text)
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    static func errorResponse(for error: any Error, json: Bool) -> Response {
        switch error {
        case let error as RequestError:
            return errorResponse(error.status, error.message, json: json)
        case let error as FilterValueError:
            return errorResponse(400, error.message(spelledBy: WebSpelling.spelling), json: json)
        case ReadOnlySQLError.timedOut(let seconds):
            return errorResponse(503, "the query took longer than \(seconds) s and was stopped; narrow the search or the filters", json: json, retryAfter: 1)
        case let error as SQLiteError where error.code == .busy:
            return errorResponse(503, "the database is busy; try again in a moment", json: json, retryAfter: 1)
        default:
            ServerMain.printError("stocktake serve: \(error)")
            return errorResponse(500, "the server could not answer this request", json: json)
        }
    }

    static func errorResponse(_ status: Int, _ message: String, json: Bool, retryAfter: Int? = nil) -> Response {
        var response = json
            ? textResponse(JSONNode.object([("status", .integer(Int64(status))), ("error", .string(message))]).rendered(indent: 2) + "\n",
                           contentType: "application/json; charset=utf-8")
            : textResponse(Pages.error(status: status, message: message), contentType: "text/html; charset=utf-8")
        response.status = HTTPResponse.Status(code: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

/// One download: its own read-only connection and snapshot, and the pipe from the exporter's thread
/// to the response. Whatever happens to the response (sent, cut off, a HEAD request that never runs
/// the body), the last reference going away closes both ends and the connection and frees the slot.
final class Download: @unchecked Sendable {
    let catalog: Catalog
    let readEnd: Int32
    let writeEnd: Int32
    var filter = ProjectFilter()
    private let counter: Counter
    private let lock = Lock()
    private var readOpen = true
    private var writeOpen = true

    init(catalog: Catalog, counter: Counter) throws {
        self.catalog = catalog
        self.counter = counter
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            counter.decrement()
            throw SystemError(operation: "pipe", path: "the download", code: errno)
        }
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
        // 1 MiB instead of 64 KB: sixteen times fewer hand-overs between the threads; still a fixed
        // amount of memory whatever the size of the list.
        _ = fcntl(writeEnd, Self.setPipeSize, Self.pipeBytes)
    }

    static let pipeBytes: Int32 = 1 << 20
    /// F_SETPIPE_SZ (Linux, <fcntl.h>; Glibc's module does not export it).
    static let setPipeSize: Int32 = 1031
    private var buffer = [UInt8](repeating: 0, count: Int(pipeBytes))

    /// What the exporter wrote so far, up to 1 MiB, as a buffer to send; empty at its end. One
    /// reader at a time (the response's loop).
    func read() -> ByteBuffer {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            return count > 0 ? buffer.withUnsafeBytes { ByteBuffer(bytes: $0[0..<count]) } : ByteBuffer()
        }
    }

    func closeRead() { lock.withLock { if readOpen { close(readEnd); readOpen = false } } }
    func closeWrite() { lock.withLock { if writeOpen { close(writeEnd); writeOpen = false } } }

    deinit {
        closeRead()
        closeWrite()
        catalog.close()
        counter.decrement()
    }
}

/// A counter under a lock (downloads running).
final class Counter: Sendable {
    private let lock = Lock()
    nonisolated(unsafe) private var value = 0

    /// Adds one unless `limit` is reached; false when it is.
    func increment(limit: Int) -> Bool {
        lock.withLock {
            guard value < limit else { return false }
            value += 1
            return true
        }
    }

    func decrement() { lock.withLock { value -= 1 } }

    /// Adds one; returns the value before (a turn number).
    func advance() -> Int { lock.withLock { defer { value += 1 }; return value } }
}
