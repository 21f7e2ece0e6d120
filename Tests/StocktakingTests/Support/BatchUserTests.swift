import Foundation
@testable import Stocktaking
import TestSupport
import Testing

/// The name a batch records when neither $USER nor $LOGNAME is set comes from passwd(5) lines.
@Suite struct BatchUserTests {
    @Test func theUserIDIsLookedUpInAPasswdFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("passwd")
        try """
            root:x:0:0:root:/root:/bin/bash
            # a comment line
            svc100:x:100:100::/var/lib/svc:/usr/sbin/nologin

            ops:x:10:10:Operations,,,:/home/ops:/bin/bash
            broken-line-without-fields
            """.write(toFile: path, atomically: true, encoding: .utf8)
        func name(_ uid: uid_t) -> String? { BatchUser.localUserName(uid: uid, passwd: path) }
        #expect(name(0) == "root")
        #expect(name(10) == "ops")  // not svc100, whose uid only starts with 10
        #expect(name(100) == "svc100")
        #expect(name(1) == nil)
        #expect(BatchUser.localUserName(uid: 0, passwd: directory.path("missing")) == nil)
    }
}
