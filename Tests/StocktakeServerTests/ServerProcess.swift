import Foundation
import Glibc
import TestSupport

/// The real `stocktake-server` (built beside `stocktake`) on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    struct StartFailed: Error, CustomStringConvertible {
        let description: String
    }

    let process = Process()
    let port: Int
    let stdoutPath: String
    let stderrPath: String
    private let scratch: TemporaryDirectory

    static func binaryURL() throws -> URL {
        try StocktakeBinary.url().deletingLastPathComponent().appendingPathComponent("stocktake-server")
    }

    /// Starts the server on `database` with `--port 0` and waits for the URL it prints.
    /// - Parameter viaServeCommand: run `stocktake serve …` (which runs the server from beside itself).
    init(database: String, arguments: [String] = [], viaServeCommand: Bool = false) throws {
        scratch = try TemporaryDirectory(prefix: "stocktake-server")
        stdoutPath = scratch.path("stdout")
        stderrPath = scratch.path("stderr")
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        if viaServeCommand {
            process.executableURL = try StocktakeBinary.url()
            process.arguments = ["serve", "--db", database, "--port", "0"] + arguments
        } else {
            process.executableURL = try Self.binaryURL()
            process.arguments = ["--db", database, "--port", "0", "--poll-interval", "0.1"] + arguments
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while Date() < deadline, process.isRunning {
            let output = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let range = output.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                let text = output[range].dropFirst("http://127.0.0.1:".count).dropLast()
                found = Int(text)
                break
            }
            usleep(20_000)
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            let errors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw StartFailed(description: "stocktake-server printed no URL: \(errors)")
        }
        port = found
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Double = 30) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { stop(signal: SIGKILL) }
        scratch.remove()
    }

    func get(_ target: String, headers: [String: String] = [:]) throws -> HTTPClient.Response {
        try HTTPClient.get(port: port, target, headers: headers)
    }
}

/// A minimal HTTP/1.1 client over a loopback socket: one request per connection, so a test can
/// also send what no real client would (a huge request line, a request cut short).
enum HTTPClient {
    struct Response {
        let status: Int
        /// Names lower-cased.
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var contentType: String { headers["content-type"] ?? "" }

        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func get(port: Int, _ target: String, headers: [String: String] = [:], method: String = "GET") throws -> Response {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let raw = try exchange(port: port, Array(request.utf8))
        return try parse(raw)
    }

    /// Connects, sends `bytes`, waits `pause` seconds if asked, and reads until the server closes.
    static func exchange(port: Int, _ bytes: [UInt8], pause: Double = 0, timeout: Double = 60) throws -> [UInt8] {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { break }  // the server may close early on a request it refuses
            offset += sent
        }
        if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw Failure(description: "timed out reading") }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return received
    }

    static func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw Failure(description: "no response head in \(raw.count) bytes")
        }
        let head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstIndex(of: 13) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Failure(description: "bad chunk size \(sizeText)")
            }
            index = lineEnd + 2
            if size == 0 { break }
            guard index + size <= bytes.count else { throw Failure(description: "chunk cut short") }
            out += bytes[index..<index + size]
            index += size + 2
        }
        return out
    }
}
