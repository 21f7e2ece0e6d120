/// An http(s) address split into the parts that the importer (is it an address at all?) and `check`
/// (can it be reached as written?) judge — one parser, so the two can never disagree on what the
/// host of an address is.
struct WebAddress {
    /// `http` or `https`, lower case.
    let scheme: String
    /// Everything between `scheme://` and the first `/`, `?` or `#`: user info, host and port.
    let authority: Substring
    /// The host name or IP address: the authority without user info and port, lower case, without
    /// a final dot.
    let host: Substring
    /// The text after the last `:` of the authority, when there is one (may not be a number).
    let port: Substring?

    /// Nil when `text` does not start with `http://` or `https://` (in any case).
    init?(_ text: String) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            scheme = "https"
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            scheme = "http"
            rest = lower.dropFirst(7)
        } else {
            return nil
        }
        authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var hostAndPort = authority
        if let at = hostAndPort.lastIndex(of: "@") { hostAndPort = hostAndPort[hostAndPort.index(after: at)...] }
        var host = hostAndPort
        if let colon = hostAndPort.lastIndex(of: ":") {
            port = hostAndPort[hostAndPort.index(after: colon)...]
            host = hostAndPort[..<colon]
        } else {
            port = nil
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        self.host = host
    }
}
