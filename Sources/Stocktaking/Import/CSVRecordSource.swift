import CSV

/// A CSV (or TSV, or semicolon-separated) file as a `RecordSource`: decodes, hashes and parses it,
/// and words CSV's structural errors as import problems.
final class CSVRecordSource<Base: ByteSource>: RecordSource {
    private let hashing: HashingByteSource<Base>
    private let reader: CSVReader<HashingByteSource<Base>>
    private let delimiter: UInt8
    private let detectsEncoding: Bool
    /// Names the column of a structural error once the header is known.
    private var headerNames: [String]?

    init(source: Base, options: CSVReaderOptions) {
        hashing = HashingByteSource(base: source)
        reader = CSVReader(source: hashing, options: options)
        delimiter = options.dialect.delimiter
        detectsEncoding = options.detectsEncoding
    }

    /// Opens `peeking` (whose first bytes were looked at) as CSV: a binary container is refused with
    /// what to do instead, and, when `options.detectsDelimiter`, the delimiter is taken from the
    /// header line (the one that splits it into the most known column names).
    static func open<Inner: ByteSource>(
        _ peeking: PeekingByteSource<Inner>, options: inout ImportOptions, knownColumns: ([String]) -> Int
    ) throws(RecordSourceFailure) -> CSVRecordSource<PeekingByteSource<Inner>> {
        if let container = InputSniffer.container(peeking.head) {
            throw RecordSourceFailure(problem: ImportProblem(
                line: 1, column: nil, value: nil, problem: "the file is \(container), not a CSV file",
                suggestion: "open it in Excel or LibreOffice and save it as \"CSV UTF-8\" (File › Save As), then import that file"))
        }
        if options.detectsDelimiter {
            if let detected = InputSniffer.delimiter(head: peeking.head, options: options.reader, knownColumns: knownColumns) {
                options.reader.dialect.delimiter = detected
            } else {
                options.detectsDelimiter = false  // nothing recognised: read as comma-separated, as before
            }
        }
        return CSVRecordSource<PeekingByteSource<Inner>>(source: peeking, options: options.reader)
    }

    func readHeader() throws(RecordSourceFailure) -> SourceRecord? {
        let header = try next()
        headerNames = header?.fields
        return header
    }

    func next() throws(RecordSourceFailure) -> SourceRecord? {
        do throws(CSVError) {
            return try reader.next().map { SourceRecord(fields: $0.fields, line: $0.line) }
        } catch {
            throw RecordSourceFailure(problem: Self.problem(from: error, header: headerNames))
        }
    }

    var bytesConsumed: Int { reader.bytesConsumed }

    func endOfInputWarnings() -> (listed: [ImportProblem], unlisted: Int) {
        let listed = reader.replacedInvalidLines.map {
            ImportProblem(severity: .warning, line: $0, column: nil, value: nil, problem: "invalid UTF-8 replaced with U+FFFD (--replace-invalid)")
        }
        return (listed, reader.replacedInvalidLineCount - listed.count)
    }

    func contentDigest() -> String {
        hashing.hexDigest()
    }

    var rejectsFormat: RejectsFormat {
        let input = reader.inputEncoding
        // `auto` has seen only ASCII so far: write ASCII until it chooses (`detectedEncoding`).
        let undetermined = detectsEncoding && reader.detectedEncoding == nil
        return RejectsFormat(
            delimiter: delimiter, lineEnding: reader.firstLineEnding ?? [13, 10],
            encoder: OutputEncoder(encoding: input.encoding, byteOrderMark: input.byteOrderMark, asciiOnly: undetermined))
    }

    var detectedEncoding: DetectedEncoding? { reader.detectedEncoding }

    /// When a header did not map because it was split on the wrong character: which one to name.
    func headerHint(_ header: [String]) -> String? {
        let joined = header.joined(separator: String(UnicodeScalar(delimiter)))
        for candidate in InputSniffer.delimiters where candidate != delimiter && joined.utf8.contains(candidate) {
            let shown = candidate == UInt8(ascii: "\t") ? "'\\t'" : "'" + String(UnicodeScalar(candidate)) + "'"
            return "the header was split on \(InputSniffer.name(of: delimiter)); if the file is separated by \(InputSniffer.name(of: candidate)), pass --delimiter \(shown)"
        }
        return nil
    }

    /// What to do about invalid UTF-8, sharpened by what the field's bytes look like.
    static func invalidUTF8Suggestion(_ looksLike: EncodingGuess?) -> String {
        switch looksLike {
        case .windows1252?: "looks like windows-1252: add --encoding windows-1252"
        case .windows1251?: "looks like Cyrillic windows-1251: add --encoding windows-1251"
        case .mixedUTF8?: "the file also holds valid UTF-8, so this is a stray byte: correct it, or use --replace-invalid to substitute U+FFFD"
        default: "if the file came from Excel use --encoding windows-1252, or --replace-invalid to substitute U+FFFD"
        }
    }

    /// A structural CSV error as a located problem: line, column by name, excerpt, what and a suggestion.
    static func problem(from error: CSVError, header: [String]?) -> ImportProblem {
        let column = error.fieldIndex.map { index in
            header.flatMap { index < $0.count ? $0[index] : nil } ?? "#\(index + 1)"
        }
        let (problem, suggestion): (String, String?) = switch error.kind {
        case .unterminatedQuote(let openedAtLine):
            ("the quoted field opened on line \(openedAtLine) is never closed", "add the closing quote, and double any quote inside the field")
        case .textAfterClosingQuote:
            ("text follows the closing quote of a quoted field", "quote the whole field and double any quote inside it")
        case .strayQuote:
            ("a quote inside a field that is not quoted", "quote the whole field and double the quote")
        case .nulByte:
            ("the input contains a NUL byte", "the file may be binary or UTF-16; try --encoding utf-16")
        case .invalidUTF8(let offset):
            ("invalid UTF-8 at byte \(offset + 1) of the field", invalidUTF8Suggestion(error.looksLike))
        case .encodingNotRecognised(.mixedUTF8):
            ("the file mixes valid UTF-8 with bytes that are not UTF-8, so --encoding auto cannot read it as one encoding",
             "correct the stray bytes, or use --encoding utf-8 --replace-invalid to substitute U+FFFD for them")
        case .encodingNotRecognised(.cyrillic):
            ("the bytes look like Cyrillic text in windows-1251, not windows-1252, which is all --encoding auto recognises besides UTF-8",
             "use --encoding windows-1251")
        case .encodingNotRecognised(.notWindows1252):
            ("the bytes are neither UTF-8 nor plausible windows-1252 text (--encoding auto)",
             "save the file as \"CSV UTF-8\" (File › Save As), or name its encoding with --encoding")
        case .invalidUTF16:
            ("invalid UTF-16 (an unpaired surrogate)", "check --encoding, or use --replace-invalid")
        case .utf16ByteOrderMark(let littleEndian):
            ("the file starts with a UTF-16 \(littleEndian ? "LE" : "BE") byte order mark", "use --encoding utf-16")
        case .fieldTooLarge(let limit):
            ("a field is larger than \(limit >> 20) MiB", "raise --max-field-size, or look for an unbalanced quote that swallowed the rest of the file")
        case .io(let message):
            (message, nil)
        }
        var located = ImportProblem(line: error.line, column: column, value: nil, problem: problem, suggestion: suggestion)
        located.value = error.excerpt  // already shortened and escaped by the reader
        return located
    }
}
