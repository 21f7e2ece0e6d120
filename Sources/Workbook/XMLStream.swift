import Glibc
import CExpat

/// An element or attribute name as written: `c`, or `x:c` with a namespace prefix.
///
/// Names are matched by their local part. Expat's namespace processing would give the namespace
/// URI instead of the prefix, but every name of every cell would then carry ~60 bytes of URI to
/// skip: that cost a third of the CPU time of importing a 100,000-row workbook (9-10 s, now 6-7 s).
/// SpreadsheetML parts use one namespace for
/// their elements, so the local name is enough.
struct XMLName {
    let full: UnsafePointer<CChar>

    /// The part after the namespace: `c` for both `<c>` and `<x:c>`.
    var local: UnsafePointer<CChar> {
        var last = full
        var cursor = full
        while cursor.pointee != 0 {
            if cursor.pointee == XMLStream.prefixSeparator { last = cursor + 1 }
            cursor += 1
        }
        return last
    }

    /// Written with a prefix (`r:id`, `x:c`).
    var hasNamespace: Bool { local != full }

    /// Whether the local name is `literal` (ASCII).
    func `is`(_ literal: StaticString) -> Bool {
        XMLName.equal(local, literal)
    }

    static func equal(_ text: UnsafePointer<CChar>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        // strncmp, not memcmp: it stops at the end of a shorter name instead of reading past it
        // (found by the workbook fuzzer under AddressSanitizer); `text[count]` is read only when the
        // first `count` bytes matched, so it is within the name or its terminating NUL.
        return literal.utf8Start.withMemoryRebound(to: CChar.self, capacity: count) { literalBytes in
            strncmp(text, literalBytes, count) == 0 && text[count] == 0
        }
    }
}

/// The attributes of a start tag: Expat's NULL-terminated list of name/value pairs.
struct XMLAttributes {
    let pairs: UnsafeMutablePointer<UnsafePointer<CChar>?>?

    /// The value of the attribute whose local name is `local` and that has (or has not) a namespace prefix (`r:id`).
    func value(_ local: StaticString, namespaced: Bool = false) -> UnsafePointer<CChar>? {
        guard let pairs else { return nil }
        var index = 0
        while let name = pairs[index] {
            let xmlName = XMLName(full: name)
            if xmlName.hasNamespace == namespaced && xmlName.is(local) { return pairs[index + 1] }
            index += 2
        }
        return nil
    }

    func string(_ local: StaticString, namespaced: Bool = false) -> String? {
        value(local, namespaced: namespaced).map { String(cString: $0) }
    }

    /// A non-negative decimal integer attribute; nil when absent or not one.
    func integer(_ local: StaticString) -> Int? {
        guard let text = value(local) else { return nil }
        return XMLAttributes.parseInteger(text)
    }

    static func parseInteger(_ text: UnsafePointer<CChar>) -> Int? {
        var cursor = text
        var result = 0
        guard cursor.pointee != 0 else { return nil }
        while cursor.pointee != 0 {
            let digit = Int(cursor.pointee) - 48
            guard (0...9).contains(digit), result < Int.max / 20 else { return nil }
            result = result * 10 + digit
            cursor += 1
        }
        return result
    }
}

/// What an `XMLStream` tells as it parses.
protocol XMLEventHandler: AnyObject {
    func startElement(_ name: XMLName, _ attributes: XMLAttributes, stream: XMLStream)
    func endElement(_ name: XMLName, stream: XMLStream)
    func characters(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// Expat as a push parser fed in chunks: the XML is never held whole in memory.
///
/// Any document type declaration is refused: SpreadsheetML never has one, and refusing it refuses
/// every entity declaration with it, so neither external entities (XXE) nor entity expansion
/// ("billion laughs") can happen. Expat itself never opens files or the network.
final class XMLStream {
    static let prefixSeparator = CChar(UInt8(ascii: ":"))

    private let parser: XML_Parser
    private let handler: any XMLEventHandler
    /// Why a handler stopped the parse; reported instead of Expat's "parsing aborted".
    private var stopReason: WorkbookError?
    private let partName: String

    init(partName: String, handler: any XMLEventHandler) {
        self.partName = partName
        self.handler = handler
        parser = XML_ParserCreate(nil)
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        // The element and text callbacks run for every cell: they borrow the stream (alive for the
        // whole `XML_Parse` call that invokes them) instead of retaining and releasing it, which
        // with the handler's retain was about a tenth of the CPU time of reading a sheet.
        XML_SetElementHandler(parser, { context, name, attributes in
            Unmanaged<XMLStream>.fromOpaque(context!)._withUnsafeGuaranteedRef { stream in
                stream.handler.startElement(XMLName(full: name!), XMLAttributes(pairs: attributes), stream: stream)
            }
        }, { context, name in
            Unmanaged<XMLStream>.fromOpaque(context!)._withUnsafeGuaranteedRef { stream in
                stream.handler.endElement(XMLName(full: name!), stream: stream)
            }
        })
        XML_SetCharacterDataHandler(parser) { context, text, length in
            Unmanaged<XMLStream>.fromOpaque(context!)._withUnsafeGuaranteedRef { stream in
                text!.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    stream.handler.characters(UnsafeBufferPointer(start: $0, count: Int(length)))
                }
            }
        }
        XML_SetStartDoctypeDeclHandler(parser) { context, _, _, _, _ in
            let stream = Unmanaged<XMLStream>.fromOpaque(context!).takeUnretainedValue()
            stream.stop(WorkbookError(.invalidXML, "\(stream.partName) declares a document type (DTD); workbooks never do, and it is refused so that no entity is expanded or fetched"))
        }
        XML_SetEntityDeclHandler(parser) { context, _, _, _, _, _, _, _, _ in
            let stream = Unmanaged<XMLStream>.fromOpaque(context!).takeUnretainedValue()
            stream.stop(WorkbookError(.invalidXML, "\(stream.partName) declares an entity; refused so that no entity is expanded or fetched"))
        }
    }

    deinit {
        XML_ParserFree(parser)
    }

    /// Ends the parse from a handler; `feed` then throws `reason`.
    func stop(_ reason: WorkbookError) {
        if stopReason == nil { stopReason = reason }
        XML_StopParser(parser, XML_FALSE)
    }

    /// Parses the next chunk; `isFinal` on the last one (it may be empty).
    func feed(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) throws(WorkbookError) {
        if let stopReason { throw stopReason }
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let status = XML_Parse(parser, base, Int32(bytes.count), isFinal ? 1 : 0)
        if let stopReason { throw stopReason }
        if status == XML_STATUS_ERROR {
            let code = XML_GetErrorCode(parser)
            let message = XML_ErrorString(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
            throw WorkbookError(.invalidXML, "\(partName) is not well-formed XML (line \(XML_GetCurrentLineNumber(parser)): \(message))")
        }
    }
}
