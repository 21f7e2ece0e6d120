/// Streaming RFC 4180 reader.
///
/// ```swift
/// let reader = CSVReader(source: try FileByteSource(path: path), options: CSVReaderOptions())
/// while let record = try reader.next() { ... record.fields ... record.line ... }
/// ```
///
/// Rules (strict; structural problems are errors, never repaired):
/// - Quoted fields may contain the delimiter, doubled quotes (`""` → `"`), CR, LF and CRLF.
/// - Records end at CRLF, LF or a lone CR; a last record without a line end is returned.
/// - A UTF-8 BOM at the very start is dropped; a UTF-16 BOM without an `encoding` is an error.
/// - Unterminated quotes, text after a closing quote, quotes inside unquoted fields, NUL bytes and
///   invalid UTF-8 (unless `replaceInvalid`) are errors naming the line and field.
/// - Field counts are not checked; an entirely empty line is returned as `[""]`.
/// - Line numbers count LF, CRLF and lone CR, including inside quoted fields, like an editor.
///
/// Memory stays bounded by `maxFieldBytes` plus a few chunks, whatever the file size.
/// After an error, further calls to `next()` throw the same error.
public final class CSVReader<Source: ByteSource> {
    private let core: CSVParserCore

    public init(source: Source, options: CSVReaderOptions = CSVReaderOptions()) {
        let decoder = InputDecoder(
            source: source, encoding: options.encoding, detects: options.detectsEncoding, chunkSize: options.chunkSize)
        core = CSVParserCore(input: decoder, options: options)
    }

    /// The next record, or nil at the end of input.
    public func next() throws(CSVError) -> CSVRecord? {
        try core.next()
    }

    /// Lines where `replaceInvalid` substituted U+FFFD, in order; at most the first 10,000.
    public var replacedInvalidLines: [Int] { core.replacedInvalidLines }

    /// Total number of lines where U+FFFD was substituted (not capped).
    public var replacedInvalidLineCount: Int { core.replacedInvalidLineCount }

    /// Raw input bytes read from the source so far (for progress reporting).
    public var bytesConsumed: Int { core.input.bytesConsumed }

    /// How the first record's line ended (`[13, 10]`, `[10]` or `[13]`); nil before one ended.
    public var firstLineEnding: [UInt8]? { core.firstLineEnding }

    /// The encoding the input turned out to be in (a UTF-16 byte order mark decides the byte
    /// order), and whether it started with a byte order mark: what a file written back for the
    /// same person (rejects) should use.
    public var inputEncoding: (encoding: TextEncoding, byteOrderMark: Bool) { core.input.encodingInUse }

    /// With `detectsEncoding`: the encoding chosen, once it is (a byte order mark at the start, the
    /// first byte above 0x7F, or the end of an input that had none); nil before, and without detection.
    public var detectedEncoding: DetectedEncoding? { core.input.detected }
}

/// The non-generic parser, so the hot loop is compiled once, here, whatever the source type.
final class CSVParserCore {
    static let replacedLinesCap = 10_000

    let input: any UTF8Input
    private let delimiter: UInt8
    private let replaceInvalid: Bool
    private let maxFieldBytes: Int
    private let minFree: Int

    // Decoded UTF-8 input lives in buffer[0..<end]; the current field starts at fieldStart, the scan is at pos.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var fieldStart = 0
    private var pos = 0
    private var end = 0
    /// Physical line of `pos`.
    private var line = 1
    private var fieldStartLine = 1
    private var eof = false
    private var finished = false
    /// The previous record ended with CR: an LF right after it belongs to the same line end.
    private var pendingLF = false
    private var storedError: CSVError?
    private var lastFieldCount = 4

    /// Bytes that stop the scan of an unquoted field: delimiter, quote, CR, LF, NUL.
    private let unquotedStop: UnsafeMutablePointer<UInt8>
    /// Bytes that stop the scan of a quoted field: quote, CR, LF, NUL.
    private let quotedStop: UnsafeMutablePointer<UInt8>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    private(set) var replacedInvalidLines: [Int] = []
    private(set) var replacedInvalidLineCount = 0
    /// How the first record ended (CRLF, LF or CR), so output meant to go back to the file's owner
    /// (a rejects file) can end its lines the same way. Nil until a record ends with a line break.
    private(set) var firstLineEnding: [UInt8]?
    private var lastReplacedLine = 0
    /// A field held valid UTF-8 beyond ASCII: an invalid byte later is a stray one in a UTF-8 file,
    /// not a sign of another encoding.
    private var sawMultiByteUTF8 = false

    init(input: any UTF8Input, options: CSVReaderOptions) {
        let d = options.dialect.delimiter
        precondition(
            d != ASCII.quote && d != ASCII.cr && d != ASCII.lf && d != ASCII.nul,
            "the delimiter cannot be a quote, CR, LF or NUL")
        precondition(options.maxFieldBytes > 0 && options.chunkSize > 0)
        self.input = input
        delimiter = d
        replaceInvalid = options.replaceInvalid
        maxFieldBytes = options.maxFieldBytes
        minFree = max(options.chunkSize * input.expansion, 64)
        capacity = minFree + 64 * 1024
        buffer = .allocate(capacity: capacity)
        unquotedStop = .allocate(capacity: 256)
        unquotedStop.initialize(repeating: 0, count: 256)
        quotedStop = .allocate(capacity: 256)
        quotedStop.initialize(repeating: 0, count: 256)
        for b in [ASCII.quote, ASCII.cr, ASCII.lf, ASCII.nul] {
            unquotedStop[Int(b)] = 1
            quotedStop[Int(b)] = 1
        }
        unquotedStop[Int(d)] = 1
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        buffer.deallocate()
        unquotedStop.deallocate()
        quotedStop.deallocate()
        scratch.deallocate()
    }

    func next() throws(CSVError) -> CSVRecord? {
        if let storedError { throw storedError }
        if finished { return nil }
        do throws(CSVError) {
            guard let record = try parseRecord() else {
                finished = true
                return nil
            }
            return record
        } catch {
            storedError = error
            throw error
        }
    }

    // MARK: - Buffer

    /// Called when `pos == end`. Keeps buffer[fieldStart..<end], reads more after it.
    /// Returns false at end of input.
    private func refill(fieldIndex: Int) throws(CSVError) -> Bool {
        if eof { return false }
        let keep = end - fieldStart
        if keep > maxFieldBytes + 2 {
            throw error(.fieldTooLarge(limit: maxFieldBytes), line: fieldStartLine, fieldIndex: fieldIndex,
                        excerptFrom: fieldStart, to: min(end, fieldStart + 60))
        }
        if fieldStart > 0 {
            if keep > 0 { buffer.update(from: buffer + fieldStart, count: keep) }
            pos -= fieldStart
            end -= fieldStart
            fieldStart = 0
        }
        if capacity - end < minFree {
            let newCapacity = max(capacity * 2, end + minFree)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity = newCapacity
        }
        let n = try input.fill(buffer + end, capacity: capacity - end)
        if n == 0 {
            eof = true
            return false
        }
        end += n
        return true
    }

    // MARK: - Records

    /// Records the line end at `index` (a CR or LF). A CR followed by an LF already in the buffer is
    /// CRLF; when the LF would be in the next chunk (a header ending exactly at a chunk boundary) CRLF
    /// is assumed, the RFC 4180 and Excel form.
    private func noteFirstLineEnding(at index: Int) {
        if buffer[index] == ASCII.lf {
            firstLineEnding = [ASCII.lf]
        } else if index + 1 < end, buffer[index + 1] != ASCII.lf {
            firstLineEnding = [ASCII.cr]
        } else {
            firstLineEnding = [ASCII.cr, ASCII.lf]
        }
    }

    private func finish(_ fields: [String], line recordLine: Int, endLine: Int) -> CSVRecord {
        lastFieldCount = fields.count
        return CSVRecord(fields: fields, line: recordLine, endLine: endLine)
    }

    private func parseRecord() throws(CSVError) -> CSVRecord? {
        if pendingLF {
            fieldStart = pos
            if pos == end, try !refill(fieldIndex: 0) { return nil }
            if buffer[pos] == ASCII.lf { pos += 1 }
            pendingLF = false
        }
        fieldStart = pos
        if pos == end, try !refill(fieldIndex: 0) { return nil }

        let recordLine = line
        var fields: [String] = []
        fields.reserveCapacity(lastFieldCount)

        fieldLoop: while true {
            fieldStart = pos
            fieldStartLine = line
            if pos == end, try !refill(fieldIndex: fields.count) {
                fields.append("")  // the input ends right after a delimiter
                return finish(fields, line: recordLine, endLine: line)
            }

            if buffer[pos] != ASCII.quote {
                // Unquoted field: scan to the next delimiter, line end, quote or NUL.
                while true {
                    let b = buffer
                    let e = end
                    let stop = unquotedStop
                    var p = pos
                    while p < e, stop[Int(b[p])] == 0 { p += 1 }
                    pos = p
                    if p == e {
                        if try refill(fieldIndex: fields.count) { continue }
                        fields.append(try makeField(from: fieldStart, to: pos, escaped: false, index: fields.count))
                        return finish(fields, line: recordLine, endLine: line)
                    }
                    switch b[p] {
                    case delimiter:
                        fields.append(try makeField(from: fieldStart, to: p, escaped: false, index: fields.count))
                        pos = p + 1
                        continue fieldLoop
                    case ASCII.lf, ASCII.cr:
                        fields.append(try makeField(from: fieldStart, to: p, escaped: false, index: fields.count))
                        if firstLineEnding == nil { noteFirstLineEnding(at: p) }
                        pendingLF = b[p] == ASCII.cr
                        pos = p + 1
                        let endLine = line
                        line += 1
                        return finish(fields, line: recordLine, endLine: endLine)
                    case ASCII.quote:
                        try checkFieldSize(upTo: p, fieldIndex: fields.count)
                        throw error(.strayQuote, line: line, fieldIndex: fields.count,
                                    excerptFrom: max(fieldStart, p - 30), to: p + 1, cutAtStart: p - 30 > fieldStart)
                    default:
                        try checkFieldSize(upTo: p, fieldIndex: fields.count)
                        throw error(.nulByte, line: line, fieldIndex: fields.count,
                                    excerptFrom: fieldStart, to: p)
                    }
                }
            }

            // Quoted field.
            let openedAt = line
            var escaped = false
            pos += 1
            while true {
                let b = buffer
                let e = end
                let stop = quotedStop
                var p = pos
                var ln = line
                while p < e {
                    let c = b[p]
                    if stop[Int(c)] == 0 {
                        p += 1
                        continue
                    }
                    if c == ASCII.quote { break }
                    switch c {
                    case ASCII.cr:
                        ln += 1
                    case ASCII.lf:
                        if b[p - 1] != ASCII.cr { ln += 1 }  // b[p - 1] is at least the opening quote
                    default:
                        pos = p
                        line = ln
                        try checkFieldSize(upTo: p, fieldIndex: fields.count)
                        throw error(.nulByte, line: ln, fieldIndex: fields.count,
                                    excerptFrom: max(fieldStart, p - 30), to: p, cutAtStart: p - 30 > fieldStart)
                    }
                    p += 1
                }
                line = ln
                pos = p
                if p == e {
                    if try refill(fieldIndex: fields.count) { continue }
                    throw error(.unterminatedQuote(openedAtLine: openedAt), line: openedAt, fieldIndex: fields.count,
                                excerptFrom: fieldStart, to: min(end, fieldStart + 60))
                }
                // A quote at p: closing, or the first of a doubled pair.
                pos = p + 1
                if pos == end, try !refill(fieldIndex: fields.count) {
                    fields.append(try makeField(from: fieldStart + 1, to: pos - 1, escaped: escaped, index: fields.count))
                    return finish(fields, line: recordLine, endLine: line)
                }
                let next = buffer[pos]
                switch next {
                case ASCII.quote:
                    escaped = true
                    pos += 1
                    continue
                case delimiter:
                    fields.append(try makeField(from: fieldStart + 1, to: pos - 1, escaped: escaped, index: fields.count))
                    pos += 1
                    continue fieldLoop
                case ASCII.lf, ASCII.cr:
                    fields.append(try makeField(from: fieldStart + 1, to: pos - 1, escaped: escaped, index: fields.count))
                    if firstLineEnding == nil { noteFirstLineEnding(at: pos) }
                    pendingLF = next == ASCII.cr
                    pos += 1
                    let endLine = line
                    line += 1
                    return finish(fields, line: recordLine, endLine: endLine)
                case ASCII.nul:
                    try checkFieldSize(upTo: pos, fieldIndex: fields.count)
                    throw error(.nulByte, line: line, fieldIndex: fields.count,
                                excerptFrom: max(fieldStart, pos - 30), to: pos, cutAtStart: pos - 30 > fieldStart)
                default:
                    try checkFieldSize(upTo: pos, fieldIndex: fields.count)
                    let from = max(fieldStart, pos - 30)
                    throw error(.textAfterClosingQuote, line: line, fieldIndex: fields.count,
                                excerptFrom: from, to: pos + 1, cutAtStart: from > fieldStart)
                }
            }
        }
    }

    /// Before reporting a problem in the middle of a field: when the field already holds more than
    /// `refill` accepts, report its size instead, as `refill` would have done had the chunk ended
    /// earlier. Which error a file gets must not depend on the chunk size.
    private func checkFieldSize(upTo p: Int, fieldIndex: Int) throws(CSVError) {
        if p - fieldStart > maxFieldBytes + 2 {
            throw error(.fieldTooLarge(limit: maxFieldBytes), line: fieldStartLine, fieldIndex: fieldIndex,
                        excerptFrom: fieldStart, to: min(p, fieldStart + 60))
        }
    }

    /// Builds the String for buffer[from..<to], unescaping doubled quotes when `escaped`.
    @inline(__always)
    private func makeField(from: Int, to: Int, escaped: Bool, index: Int) throws(CSVError) -> String {
        let count = to - from
        if count == 0 { return "" }
        if count > maxFieldBytes {
            throw error(.fieldTooLarge(limit: maxFieldBytes), line: fieldStartLine, fieldIndex: index,
                        excerptFrom: from, to: from + min(count, 60))
        }
        var bytes = UnsafeBufferPointer(start: buffer + from, count: count)
        if escaped { bytes = unescape(bytes) }
        // Strict validation without the generic (unspecialised) String(validating:as:):
        // ASCII is checked 8 bytes at a time; anything else goes through our own validator, after
        // which String(decoding:as:) cannot substitute anything.
        if !UTF8Scan.isASCII(bytes) {
            if UTF8Scan.firstInvalid(bytes) != nil { return try invalidField(bytes, index: index) }
            sawMultiByteUTF8 = true
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Copies `bytes` into the scratch buffer, turning each `""` into `"`.
    private func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if scratchCapacity < bytes.count {
            scratch.deallocate()
            scratchCapacity = max(bytes.count, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        var o = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            scratch[o] = c
            o += 1
            // Inside a well-formed quoted field quotes only come in pairs.
            i += c == ASCII.quote ? 2 : 1
        }
        return UnsafeBufferPointer(start: scratch, count: o)
    }

    /// Slow path: the field is not valid UTF-8. Either throws naming the first bad byte, or
    /// (with replaceInvalid) records the affected lines and decodes with U+FFFD. Encoding detection
    /// that found the input is not what it chose always throws: `--replace-invalid` is for stray
    /// bytes, not for a wrong guess; a stray byte in a file `auto` read as UTF-8 throws without it.
    private func invalidField(_ bytes: UnsafeBufferPointer<UInt8>, index: Int) throws(CSVError) -> String {
        let refusal = input.refusal ?? (input.detectedUTF8 && !replaceInvalid ? .mixedUTF8 : nil)
        let offsets = UTF8Scan.invalidOffsets(bytes, limit: replaceInvalid && refusal == nil ? .max : 1)
        guard let first = offsets.first else { return String(decoding: bytes, as: UTF8.self) }
        if !replaceInvalid || refusal != nil {
            let badLine = fieldStartLine + UTF8Scan.lineBreaks(bytes, before: first)
            var kind: CSVError.Kind
            var looksLike: EncodingGuess?
            switch input.encodingInUse.encoding {
            case .utf16, .utf16LE, .utf16BE: kind = .invalidUTF16(byteOffset: first)
            default:
                kind = .invalidUTF8(byteOffset: first)
                // Cyrillic evidence in the field wins over valid UTF-8 elsewhere (windows-1251 has
                // byte pairs that are valid UTF-8: "Ні" is CD B3).
                var guess = EncodingDetector.guess(bytes)
                if sawMultiByteUTF8 && guess == .windows1252 { guess = .mixedUTF8 }
                if [.mixedUTF8, .windows1251, .windows1252].contains(guess) { looksLike = guess }
            }
            if let refusal {
                kind = .encodingNotRecognised(refusal)
                looksLike = nil
            }
            // The 0xFF that marks where detection refused is not part of the input: leave it out.
            let marker = input.refusal != nil ? 1 : 0
            let from = max(0, first - 25)
            var context = Array(bytes[from..<first])
            context += bytes[min(bytes.count, first + marker)..<min(bytes.count, first + 15)]
            let excerpt = context.withUnsafeBufferPointer { displayExcerpt($0, cutAtStart: from > 0) }
            throw CSVError(kind: kind, line: badLine, fieldIndex: index, excerpt: excerpt, looksLike: looksLike)
        }
        var counted = 0
        var breaks = 0
        for offset in offsets {
            breaks += UTF8Scan.lineBreaks(UnsafeBufferPointer(rebasing: bytes[counted...]), before: offset - counted)
            counted = offset
            let badLine = fieldStartLine + breaks
            if badLine != lastReplacedLine {
                lastReplacedLine = badLine
                replacedInvalidLineCount += 1
                if replacedInvalidLines.count < Self.replacedLinesCap { replacedInvalidLines.append(badLine) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Errors

    private func error(
        _ kind: CSVError.Kind, line: Int, fieldIndex: Int, excerptFrom from: Int, to: Int, cutAtStart: Bool = false
    ) -> CSVError {
        let excerpt = to > from
            ? displayExcerpt(UnsafeBufferPointer(start: buffer + from, count: to - from), cutAtStart: cutAtStart)
            : nil
        return CSVError(kind: kind, line: line, fieldIndex: fieldIndex, excerpt: excerpt)
    }
}
