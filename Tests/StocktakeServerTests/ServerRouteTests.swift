import Foundation
import Glibc
import Testing
import TestSupport

/// A database made once for the route tests: the 1,200-project sample, the prizes sample and two
/// projects whose titles are HTML injections. Each test starts its own server on it.
enum SharedCatalogue {
    static let hostileCSV = #"""
        external_id,title,description,organization,stakeholder_type,countries,coverage,status,start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,gdc_objectives,submitted_on
        HOSTILE-1,<script>alert(1)</script>,A <b>bold</b> claim & more,Org & Co,government,KE,national,ongoing,2020-01-01,,"https://example.org/""><script>alert(3)</script>",secret.person@example.org,,,C7.e-health,3,,2024-05-01
        HOSTILE-2,"""><img src=x onerror=alert(2)>",Another,"Quote "" Org",government,KE,national,ongoing,2020-01-01,,https://example.org/?a=1&b=<x>,hidden.contact@example.org,,,C5,4,,2024-05-02

        """#

    /// Kept for the whole test run (a `TemporaryDirectory` is removed when released).
    nonisolated(unsafe) static var directory: TemporaryDirectory?

    static let path: String = {
        do {
            let directory = try TemporaryDirectory(prefix: "stocktake-serve-tests")
            Self.directory = directory
            let database = directory.path("catalogue.db")
            let hostile = directory.path("hostile.csv")
            try hostileCSV.write(toFile: hostile, atomically: true, encoding: .utf8)
            for arguments in [
                ["import", "--db", database, "--quiet", Fixtures.url("projects-sample.csv").path],
                ["import", "--db", database, "--quiet", "--kind", "prizes", Fixtures.url("prizes-sample.csv").path],
                ["import", "--db", database, "--quiet", hostile],
            ] {
                let result = try StocktakeBinary.run(arguments: arguments)
                precondition(result.status == 0, "\(arguments): \(result.stderr)")
            }
            return database
        } catch {
            fatalError("cannot make the test catalogue: \(error)")
        }
    }()

    static func stocktake(_ arguments: [String]) throws -> StocktakeBinary.Result {
        try StocktakeBinary.run(arguments: arguments + ["--db", path])
    }

    static func findCount(_ filters: [String]) throws -> Int {
        let result = try stocktake(["find", "--count"] + filters)
        #expect(result.status == 0, "\(result.stderr)")
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

@Suite(.serialized, .enabled(if: (try? ServerProcess.binaryURL()).map { FileManager.default.isExecutableFile(atPath: $0.path) } ?? false))
struct ServerRouteTests {
    /// The CLI's options for URL filters: `region=AFR` → `--region AFR`.
    static func cliOptions(_ filters: [(String, String)]) -> [String] {
        filters.flatMap { ["--" + $0.0.replacingOccurrences(of: "_", with: "-"), $0.1] }
    }

    static func query(_ filters: [(String, String)]) -> String {
        filters.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
        }.joined(separator: "&")
    }

    /// Which URL filters are a facet's own selection.
    static func own(_ facet: String) -> Set<String> {
        switch facet {
        case "year": ["submitted_since", "submitted_until"]
        case "prize": ["prize", "prize_year"]
        default: [facet]
        }
    }

    static let statsDimension: [String: String] = [
        "action_line": "action-line", "sdg": "sdg", "gdc": "gdc", "region": "region", "country": "country",
        "stakeholder_type": "stakeholder-type", "status": "status", "coverage": "coverage", "year": "year", "prize": "prize",
    ]

    @Test func listPageServesHTMLWithTheTotalOfFindCount() throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        let page = try server.get("/projects")
        #expect(page.status == 200)
        #expect(page.contentType == "text/html; charset=utf-8")
        let policy = page.headers["content-security-policy"] ?? ""
        #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
        #expect(page.headers["x-content-type-options"] == "nosniff")
        let total = try SharedCatalogue.findCount([])
        #expect(page.text.contains("data-total=\"\(total)\""))
        #expect(!page.text.contains("<script"))
        #expect(page.text.contains("<label for=\"search\">"))
        #expect(page.text.components(separatedBy: "<li class=\"project\">").count - 1 == 25)

        // Every country (250, INTERNATIONAL too) on a page of their own, with the list's filters.
        let countries = try server.get("/countries?region=AFR&sdg=3")
        #expect(countries.status == 200)
        let links = countries.text.components(separatedBy: "<li><a href=\"/projects?").count - 1
        #expect(links == 250, "\(links) country links")
        #expect(countries.text.contains("International"))
        #expect(countries.text.contains("href=\"/projects?sdg=3&amp;region=AFR&amp;country=KE\""))

        let style = try server.get("/assets/style.css")
        #expect(style.status == 200 && style.contentType == "text/css; charset=utf-8")
        let root = try server.get("/")
        #expect(root.status == 303 && root.headers["location"] == "/projects")
        let api = try server.get("/api/projects?limit=3")
        #expect(api.status == 200 && api.contentType == "application/json; charset=utf-8")
        let json = try api.json()
        #expect(json["total"] as? Int == total)
        #expect((json["projects"] as? [Any])?.count == 3)
        #expect(try server.get("/nowhere").status == 404)
        #expect(server.stop() == 0)
    }

    /// Every facet's counts equal `stocktake stats --by F` with the same filters minus F's own
    /// selection, and the total equals `find --count`; C7's total equals `find --count --action-line C7`.
    @Test(arguments: [
        [(String, String)](),
        [("region", "AFR"), ("sdg", "3")],
        [("action_line", "C7.e-health"), ("region", "AFR"), ("sdg", "3")],
        [("stakeholder_type", "government"), ("status", "ongoing"), ("status", "completed"), ("coverage", "national")],
        [("search", "health"), ("country", "KE"), ("submitted_since", "2020"), ("submitted_until", "2020")],
        [("prize", "any"), ("gdc", "1"), ("action_line", "C7")],
        [("prize", "winner"), ("prize_year", "2019"), ("organization", "University of Lusaka")],
    ])
    func facetCountsEqualStats(_ filters: [(String, String)]) throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        defer { server.stop() }
        let response = try server.get("/api/projects?limit=5&" + Self.query(filters))
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json()
        #expect(json["total"] as? Int == (try SharedCatalogue.findCount(Self.cliOptions(filters))))
        let facets = try #require(json["facets"] as? [String: Any])
        #expect(facets.count == 10)
        for (name, value) in facets {
            let facet = try #require(value as? [String: Any])
            let others = filters.filter { !Self.own(name).contains($0.0) }
            let stats = try SharedCatalogue.stocktake(["stats", "--by", Self.statsDimension[name]!, "--format", "json"] + Self.cliOptions(others))
            #expect(stats.status == 0, "\(stats.stderr)")
            let rows = try #require(JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]])
            var expected: [String: Int] = [:]
            for row in rows {
                guard let code = row[name] as? String ?? (row[name] as? Int).map(String.init), let projects = row["projects"] as? Int else { continue }
                expected[code] = projects
            }
            var served: [String: Int] = [:]
            for entry in facet["values"] as? [[String: Any]] ?? [] {
                served[entry["code"] as? String ?? ""] = entry["projects"] as? Int
            }
            if name == "country" || name == "year" {
                // stats lists the values that occur; the server lists every country (zeros too) and
                // the years that occur.
                #expect(served.filter { $0.value > 0 } == expected.filter { $0.value > 0 }, "facet \(name) with \(filters)")
            } else {
                #expect(served == expected, "facet \(name) with \(filters)")
            }
            if name == "action_line" {
                #expect(facet["c7_total"] as? Int == (try SharedCatalogue.findCount(Self.cliOptions(others) + ["--action-line", "C7"])))
            }
        }
    }

    @Test func pagesFollowTheSortAndTheCommandLinesOrder() throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        defer { server.stop() }
        for (sort, cli) in [("-submitted_on", "submitted_on:desc"), ("title", "title"), ("-end_date", "end_date:desc")] {
            let response = try server.get("/api/projects?region=EUR&limit=20&page=2&sort=\(sort)")
            let ids = (try response.json()["projects"] as? [[String: Any]] ?? []).compactMap { $0["external_id"] as? String }
            let find = try SharedCatalogue.stocktake(["find", "--region", "EUR", "--sort", cli, "--limit", "20", "--offset", "20", "--columns", "external_id", "--format", "csv", "--no-header"])
            #expect(ids == find.stdoutLines, "sort \(sort)")
        }
        let searched = try server.get("/api/projects?search=health&limit=10")
        let ids = (try searched.json()["projects"] as? [[String: Any]] ?? []).compactMap { $0["external_id"] as? String }
        let find = try SharedCatalogue.stocktake(["find", "--search", "health", "--limit", "10", "--columns", "external_id", "--format", "csv", "--no-header"])
        #expect(ids == find.stdoutLines)
        let snippets = (try searched.json()["projects"] as? [[String: Any]] ?? []).compactMap { $0["snippet"] as? String }
        #expect(snippets.count == 10 && snippets.allSatisfy { $0.lowercased().contains("[health") })
        let html = try server.get("/projects?search=health")
        #expect(html.text.contains("<mark>"))
    }

    @Test func mistakesAre400sThatSayWhatWasWrong() throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        defer { server.stop() }
        let cases: [(String, String)] = [
            ("/projects?action_line=C99", "expected one of the 18 leaf Action Lines"),
            ("/projects?sdgs=3", "did you mean sdg?"),
            ("/projects?region=AFRICAA", "region"),
            ("/projects?limit=5&limit=6", "limit is given more than once"),
            ("/projects?search=a&search=b", "search is given more than once"),
            ("/projects?search=%00x", "control character"),
            ("/projects?search=%FF%FE", "not percent-encoded UTF-8"),
            ("/projects?search=%zz", "not percent-encoded UTF-8"),
            ("/projects?search=" + String(repeating: "a", count: 5_000), "too long"),
            ("/projects?page=0", "page"),
            ("/projects?limit=100000", "limit"),
            ("/projects?sort=password", "no such sort key"),
            ("/projects?sort=relevance", "relevance needs a search"),
            ("/projects?fts_syntax=1", "fts_syntax needs search"),
            ("/projects?search=%22unterminated&fts_syntax=1", "not a valid full-text query"),
            ("/api/projects?country=Narnia", "country"),
        ]
        for (target, expected) in cases {
            let response = try server.get(target)
            #expect(response.status == 400, "\(target)")
            #expect(response.text.contains(expected) || response.text.contains(expected.replacingOccurrences(of: "\"", with: "&quot;")), "\(target): \(response.text.prefix(600))")
            #expect(!response.text.contains("data-total"), "\(target) must not be an empty list")
        }
        #expect(try server.get("/api/projects?sdg=99").contentType.hasPrefix("application/json"))
        // Requests a browser would never send.
        #expect(try HTTPClient.get(port: server.port, "/projects", method: "POST").status == 405)
        #expect(try HTTPClient.get(port: server.port, "/projects", method: "DELETE").status == 405)
        #expect(try server.get("/projects", headers: ["Content-Length": "5"]).status >= 400)
        let longTarget = "/projects?search=" + String(repeating: "b", count: 20_000)
        let long = try HTTPClient.exchange(port: server.port, Array("GET \(longTarget) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect([400, 414].contains(try Self.status(long)))
        let manyHeaders = (0..<200).map { "X-Filler-\($0): \(String(repeating: "z", count: 100))\r\n" }.joined()
        let flooded = try HTTPClient.exchange(port: server.port, Array("GET /projects HTTP/1.1\r\nHost: x\r\n\(manyHeaders)\r\n".utf8))
        #expect([400, 431].contains(try Self.status(flooded)))
        let rawBytes = try HTTPClient.exchange(port: server.port, [UInt8]("GET /projects?search=".utf8) + [0xFF, 0xC3] + [UInt8](" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(try Self.status(rawBytes) == 400)
        // …and the server goes on serving.
        #expect(try server.get("/projects?region=AFR").status == 200)
        #expect(server.stop() == 0)
    }

    @Test func hostileTitlesShowAsText() throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        defer { server.stop() }
        for target in ["/projects?search=alert", "/projects?organization=Org%20%26%20Co", "/projects/HOSTILE-1", "/projects/HOSTILE-2", "/projects?search=onerror"] {
            let page = try server.get(target)
            #expect(page.status == 200, "\(target)")
            #expect(!page.text.contains("<script>"), "\(target)")
            #expect(!page.text.contains("<img"), "\(target)")
            #expect(!page.text.contains("<b>bold"), "\(target)")
            #expect(!page.text.contains("href=\"javascript:"), "\(target)")
        }
        #expect(try server.get("/projects?search=alert").text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(try server.get("/projects/HOSTILE-2").text.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        // A value with quotes and angle brackets stays inside its attribute and its link.
        let searched = try server.get("/projects?search=%22%3E%3Cimg%20src%3Dx%3E")
        #expect(searched.status == 200)
        #expect(searched.text.contains("value=\"&quot;&gt;&lt;img src=x&gt;\""))
        #expect(!searched.text.contains("<img"))
        let json = try server.get("/api/projects/HOSTILE-1").json()
        #expect(json["title"] as? String == "<script>alert(1)</script>")
    }

    @Test func personalDataIsHiddenUnlessAskedFor() throws {
        let hidden = try ServerProcess(database: SharedCatalogue.path)
        defer { hidden.stop() }
        for target in ["/projects/HOSTILE-1", "/api/projects/HOSTILE-1", "/projects.csv", "/projects.json?search=alert", "/api/projects?search=alert"] {
            let response = try hidden.get(target)
            #expect(response.status == 200, "\(target)")
            #expect(!response.text.contains("secret.person@example.org"), "\(target)")
            #expect(!response.text.contains("contact_email"), "\(target)")
            #expect(!response.text.contains("@example.org"), "\(target)")
        }
        let details = try hidden.get("/api/projects/WSIS-0000000001").json()
        let batch = try #require(details["last_batch"] as? [String: Any])
        #expect(batch["user"] == nil && batch["id"] != nil)

        let shown = try ServerProcess(database: SharedCatalogue.path, arguments: ["--show-personal-data"])
        defer { shown.stop() }
        #expect(try shown.get("/projects/HOSTILE-1").text.contains("secret.person@example.org"))
        #expect(try shown.get("/projects.csv?search=alert").text.contains("secret.person@example.org"))
        #expect(((try shown.get("/api/projects/HOSTILE-1").json()["last_batch"] as? [String: Any])?["user"]) != nil)
    }

    /// A download is `stocktake export` of the same filters, byte for byte, in every format the
    /// list offers (every registered download format: a new one appears without a server change).
    @Test func downloadsAreTheExportOfTheList() throws {
        let server = try ServerProcess(database: SharedCatalogue.path, arguments: ["--show-personal-data"])
        defer { server.stop() }
        let page = try server.get("/projects?region=AFR&sdg=3")
        let links = page.text.components(separatedBy: "href=\"/projects.").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(links.count >= 5, "\(links)")
        let expectedTypes = ["csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/json", "ndjson": "application/x-ndjson", "md": "text/markdown"]
        for link in links {
            let target = "/projects." + link.replacingOccurrences(of: "&amp;", with: "&")
            let response = try server.get(target)
            #expect(response.status == 200, "\(target)")
            let fileExtension = String(link.prefix { $0 != "?" })
            if let type = expectedTypes[fileExtension] { #expect(response.contentType.hasPrefix(type), "\(target)") }
            #expect(response.headers["content-disposition"] == "attachment; filename=\"projects.\(fileExtension)\"")
            let format = fileExtension == "md" ? "markdown" : fileExtension
            if fileExtension != "md" {
                let export = try SharedCatalogue.stocktake(["export", "--format", format, "--region", "AFR", "--sdg", "3"])
                #expect(export.status == 0)
                #expect(response.text == export.stdout, "\(target)")
            } else {
                let lines = response.text.split(separator: "\n")
                #expect(lines.count == 2 + (try SharedCatalogue.findCount(["--region", "AFR", "--sdg", "3"])))
            }
        }
        let all = try server.get("/projects.csv")
        #expect(all.text == (try SharedCatalogue.stocktake(["export"])).stdout)
        // HEAD requests and clients that leave mid-download give their slot back (4 at a time).
        for _ in 0..<6 { #expect(try HTTPClient.get(port: server.port, "/projects.ndjson", method: "HEAD").status == 200) }
        for _ in 0..<6 { try Self.leaveEarly(port: server.port, "/projects.json") }
        usleep(300_000)
        #expect(try server.get("/projects.csv?region=EUR").status == 200)
        #expect(try server.get("/projects.csv?sdg=77").status == 400)
        #expect(try server.get("/projects.table").status == 404)
    }

    @Test func projectPageShowsEveryField() throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        defer { server.stop() }
        let show = try SharedCatalogue.stocktake(["show", "WSIS-0000000808", "--format", "json"])
        let details = try #require(JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let page = try server.get("/projects/wsis-0000000808")
        #expect(page.status == 200)
        #expect(page.text.contains(Self.html(details["title"] as? String ?? "?")))
        for line in details["action_lines"] as? [[String: Any]] ?? [] {
            #expect(page.text.contains(Self.html(line["title"] as? String ?? "?")))
        }
        for sdg in details["sdgs"] as? [[String: Any]] ?? [] { #expect(page.text.contains(Self.html(sdg["title"] as? String ?? "?"))) }
        for country in details["countries"] as? [[String: Any]] ?? [] {
            #expect(page.text.contains(Self.html(country["name"] as? String ?? "?")))
            if let region = country["region_name"] as? String { #expect(page.text.contains(Self.html(region))) }
        }
        #expect(page.text.contains("WSIS Prizes") && page.text.contains("winner"))
        #expect(page.text.contains("Import batches"))
        let api = try server.get("/api/projects/WSIS-0000000808").json()
        #expect(api["external_id"] as? String == "WSIS-0000000808")
        #expect((api["prizes"] as? [Any])?.isEmpty == false)
        #expect(try server.get("/projects/NO-SUCH-ID").status == 404)
        #expect(try server.get("/api/projects/NO-SUCH-ID").contentType.hasPrefix("application/json"))
        #expect(try server.get("/projects/%FF").status == 400)
    }

    /// Reads the first bytes of a response, then hangs up.
    static func leaveEarly(port: Int, _ target: String) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let request = Array("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 1_024)
        _ = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
    }

    /// The status of a raw response; a connection the server closed without answering counts as refused (999).
    static func status(_ raw: [UInt8]) throws -> Int {
        raw.isEmpty ? 999 : try HTTPClient.parse(raw).status
    }

    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    @Test func aQueryPastTheTimeLimitIs503AndTheServerGoesOn() throws {
        let server = try ServerProcess(database: SharedCatalogue.path, arguments: ["--time-limit", "0.000001"])
        defer { server.stop() }
        for _ in 0..<3 {
            let response = try server.get("/projects?search=health")
            #expect(response.status == 503)
            #expect(response.text.contains("took longer than"))
            #expect(response.headers["retry-after"] != nil)
        }
        #expect(try server.get("/assets/style.css").status == 200)
        #expect(server.stop() == 0)
    }

    @Test func slowClientsAreDisconnected() throws {
        let server = try ServerProcess(database: SharedCatalogue.path, arguments: ["--idle-timeout", "1"])
        defer { server.stop() }
        // Half a request, then silence: the server answers and closes after its 1 s idle timeout. The
        // client would throw "timed out reading" after its own, far longer wait (no wall-clock bound
        // here: a reply at all is the proof, however busy the machine).
        let reply = try HTTPClient.exchange(port: server.port, Array("GET /projects HTTP/1.1\r\nHost: x\r\n".utf8), timeout: 300)
        #expect(try Self.status(reply) >= 400)
        #expect(try server.get("/projects").status == 200)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func stopsCleanlyOnSignals(_ signal: Int32) throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        #expect(try server.get("/projects").status == 200)
        #expect(server.stop(signal: signal) == 0)
    }

    /// SIGTERM while a download is being received: the client still gets it whole, and the server
    /// exits 0. (On loopback the kernel's socket buffers can hold the whole 2 MB, so this shows that
    /// stopping cuts nothing off, not how long the server waits for a slower client.)
    @Test func stoppingCutsNoDownloadOff() throws {
        let server = try ServerProcess(database: SharedCatalogue.path)
        let whole = try server.get("/projects.ndjson").body
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // A small receive window (set before connecting) keeps the download in flight in the server
        // until the client reads; afterwards a larger buffer lets the rest come quickly.
        var size: Int32 = 4_096
        setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let request = Array("GET /projects.ndjson HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let first = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if first > 0 { received += buffer[0..<first] }
        kill(server.process.processIdentifier, SIGTERM)
        usleep(300_000)
        size = 1 << 20
        setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let response = try HTTPClient.parse(received)
        #expect(response.status == 200)
        #expect(response.body == whole, "\(response.body.count) of \(whole.count) bytes")
        #expect(server.stop() == 0)
    }

    @Test func serveRunsTheServerFromBesideItselfOrSaysWhereItLooked() throws {
        let scratch = try TemporaryDirectory(prefix: "stocktake-serve-alone")
        defer { scratch.remove() }
        let alone = scratch.path("stocktake")
        try FileManager.default.copyItem(atPath: try StocktakeBinary.url().path, toPath: alone)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: alone)
        process.arguments = ["serve", "--db", SharedCatalogue.path, "--port", "0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(message.contains(scratch.path("stocktake-server")), "\(message)")

        let bad = try StocktakeBinary.run(arguments: ["serve", "--port", "70000"])
        #expect(bad.status == 64)
    }
}
