import CSV
import Glibc

/// Who ran a batch (an import, a delete, a revert), for the batch record.
enum BatchUser {
    /// `$USER`, else `$LOGNAME`, else the name `/etc/passwd`
    /// gives the user id (a cron job or a service often has neither variable), else `uid N`. Not
    /// getpwuid: the release binary is static, and glibc would have to load the system's NSS modules
    /// (LDAP, sssd…) for it, which a static program cannot do safely.
    static func current() -> String? {
        for variable in ["USER", "LOGNAME"] {
            if let value = getenv(variable), value.pointee != 0 { return String(cString: value) }
        }
        let uid = getuid()
        return localUserName(uid: uid, passwd: "/etc/passwd") ?? "uid \(uid)"
    }

    /// The name of `uid` in a passwd(5) file (`name:password:uid:…` lines); nil when it is not there.
    static func localUserName(uid: uid_t, passwd path: String) -> String? {
        guard var source = try? FileByteSource(path: path) else { return nil }
        var bytes: [UInt8] = []
        let limit = 4 << 20  // a passwd file is a few KiB; do not read an arbitrary file whole
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { chunk.deallocate() }
        while bytes.count < limit, let count = try? source.read(into: chunk), count > 0 {
            bytes.append(contentsOf: chunk[0..<count])
        }
        let wanted = Array(String(uid).utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 3, omittingEmptySubsequences: false)
            if fields.count >= 3, !fields[0].isEmpty, Array(fields[2]) == wanted {
                return String(decoding: fields[0], as: UTF8.self)
            }
        }
        return nil
    }
}
