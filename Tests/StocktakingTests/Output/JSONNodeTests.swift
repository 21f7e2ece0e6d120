import Foundation
import Stocktaking
import Testing

@Suite struct JSONNodeTests {
    static let document = JSONNode.object([
        ("name", .string("a \"b\"\n")), ("count", .integer(-3)), ("share", .real(12.5)), ("none", .null), ("ok", .bool(true)),
        ("sdgs", .array([.integer(4), .integer(5)])), ("empty", .array([])), ("nested", .object([])),
    ])

    @Test func renderedWithTwoSpaceIndentation() {
        #expect(Self.document.rendered() == """
            {
              "name": "a \\"b\\"\\n",
              "count": -3,
              "share": 12.5,
              "none": null,
              "ok": true,
              "sdgs": [
                4,
                5
              ],
              "empty": [],
              "nested": {}
            }
            """)
    }

    @Test func compactOnOneLine() throws {
        let compact = Self.document.compact
        #expect(compact == #"{"name":"a \"b\"\n","count":-3,"share":12.5,"none":null,"ok":true,"sdgs":[4,5],"empty":[],"nested":{}}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(compact.utf8)) is [String: Any])
        #expect(JSONNode.real(.nan).compact == "null")
        #expect(JSONNode.string(orNull: nil).compact == "null")
    }

    @Test func linesPutEachItemOnItsOwnLine() {
        let files = JSONNode.lines([.object([("name", .string("a.csv"))]), .object([("name", .string("b.csv"))])])
        #expect(JSONNode.object([("n", .integer(2)), ("files", files)]).compact == "{\"n\":2,\"files\":[\n{\"name\":\"a.csv\"},\n{\"name\":\"b.csv\"}\n]}")
        #expect(JSONNode.lines([]).compact == "[\n]")
        var buffer: [UInt8] = []
        JSONNode.appendMembers([("a", .bool(false)), ("b", .real(0.25))], to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "\"a\":false,\"b\":0.25")
    }
}
