import ArgumentParser
import CSV
import SafeText
import Stocktaking

/// How to read a projects file: the options `import`, `inspect` and every read command's
/// `--from FILE` share, so a file that inspects clean with them imports with the same ones.
struct FileReadingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter (one character; \\t for tab). Without it, comma, semicolon, tab or pipe is recognised from the header.", valueName: "char"))
    var delimiter: String?

    @Flag(help: "The file is tab-separated (same as --delimiter '\\t').")
    var tsv = false

    @Option(help: ArgumentHelp("Input encoding: utf-8 (default), windows-1252, windows-1251, latin1, utf-16, utf-16le, utf-16be, or auto to recognise UTF-8, a byte order mark or windows-1252.", valueName: "name"),
            completion: .list(TextEncoding.allCases.map(\.rawValue) + ["auto"]))
    var encoding: String?

    @Flag(help: "Replace invalid UTF-8 with U+FFFD instead of rejecting the file; affected lines are listed as warnings.")
    var replaceInvalid = false

    // Optional (default 16) so that `--from` can tell it was given.
    @Option(help: ArgumentHelp("Largest accepted field, in MiB (default: 16).", valueName: "MiB"))
    var maxFieldSize: Int?

    @Option(name: .customLong("map"), help: ArgumentHelp("Map a header to a field: \"Source Header=field\" (repeatable).", valueName: "header=field"))
    var mappings: [String] = []

    @Flag(help: "Skip columns that match no field instead of rejecting the file.")
    var ignoreUnknownColumns = false

    @Option(name: .customLong("generate-ids"), help: ArgumentHelp("Derive stable ids for rows without external_id, as PREFIX-<hash>.", valueName: "prefix"))
    var generateIDs: String?

    @Option(help: ArgumentHelp("How to read dates that are not YYYY-MM-DD: DD/MM/YYYY or MM/DD/YYYY.", valueName: "format"),
            completion: .list(DateOrder.allCases.filter { $0 != .iso }.map(\.rawValue)))
    var dateFormat: String?

    @Option(help: ArgumentHelp("Characters that separate items in list cells (default \";|\").", valueName: "chars"))
    var listSeparator: String?

    @Flag(help: "Trim white space at the edges of free text (title, description, organization, partners).")
    var trimText = false

    @Option(help: ArgumentHelp("Workbook: the sheet to read, by name (default: the first visible sheet with values).", valueName: "name"))
    var sheet: String?

    @Option(help: ArgumentHelp("Workbook: the sheet to read, by position (1 is the first tab).", valueName: "n"))
    var sheetIndex: Int?

    @Option(help: ArgumentHelp("Workbook: the row holding the column names, when title rows are above it (default: the first row with values).", valueName: "n"))
    var headerRow: Int?

    /// The largest --max-field-size, in MiB.
    static let maximumFieldSize = 1024
    static let defaultFieldSize = 16

    func validate() throws {
        if let encoding, TextEncoding(name: encoding) == nil, encoding.lowercased() != "auto" {
            throw ValidationError("unknown encoding \(TerminalText.quoted(encoding)); use one of: " + (TextEncoding.allCases.map(\.rawValue) + ["auto"]).joined(separator: ", "))
        }
        if let delimiter, Self.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter must be one ASCII character (or \\t), got \(TerminalText.quoted(delimiter))")
        }
        if let dateFormat, DateOrder(rawValue: dateFormat.uppercased()) == nil {
            throw ValidationError("--date-format must be DD/MM/YYYY or MM/DD/YYYY (ISO dates are always accepted)")
        }
        for mapping in mappings where !mapping.contains("=") {
            throw ValidationError("--map expects \"Source Header=field\", got \(TerminalText.quoted(mapping))")
        }
        // The size in bytes must not overflow, and SQLite stores no value over 10^9 bytes anyway.
        if let maxFieldSize, !(1...Self.maximumFieldSize).contains(maxFieldSize) {
            throw ValidationError("--max-field-size must be from 1 to \(Self.maximumFieldSize) (MiB), got \(maxFieldSize)")
        }
        if tsv && delimiter != nil { throw ValidationError("give either --tsv or --delimiter, not both") }
        if sheet != nil && sheetIndex != nil { throw ValidationError("give either --sheet or --sheet-index, not both") }
        if let sheetIndex, sheetIndex < 1 { throw ValidationError("--sheet-index counts from 1, got \(sheetIndex)") }
        if let headerRow, !(1...1_048_576).contains(headerRow) {
            throw ValidationError("--header-row must be a row number from 1 to 1048576, got \(headerRow)")
        }
    }

    /// The options given, by name: what `--from` refuses without a file, and prizes imports without projects.
    var given: [(name: String, isGiven: Bool)] {
        [
            ("--delimiter", delimiter != nil), ("--tsv", tsv), ("--encoding", encoding != nil), ("--replace-invalid", replaceInvalid),
            ("--max-field-size", maxFieldSize != nil), ("--map", !mappings.isEmpty), ("--ignore-unknown-columns", ignoreUnknownColumns),
            ("--generate-ids", generateIDs != nil), ("--date-format", dateFormat != nil), ("--list-separator", listSeparator != nil),
            ("--trim-text", trimText), ("--sheet", sheet != nil), ("--sheet-index", sheetIndex != nil), ("--header-row", headerRow != nil),
        ]
    }

    /// The import options these make, for a file of `kind`.
    func importOptions(kind: ImportOptions.Kind = .projects) -> ImportOptions {
        var options = ImportOptions()
        options.kind = kind
        options.reader.dialect = CSVDialect(delimiter: tsv ? UInt8(ascii: "\t") : delimiter.flatMap(Self.delimiterByte) ?? UInt8(ascii: ","))
        options.detectsDelimiter = !tsv && delimiter == nil
        options.reader.encoding = encoding.flatMap(TextEncoding.init(name:))
        options.reader.detectsEncoding = encoding?.lowercased() == "auto"
        options.reader.replaceInvalid = replaceInvalid
        options.reader.maxFieldBytes = (maxFieldSize ?? Self.defaultFieldSize) << 20
        options.values.dateOrder = dateFormat.flatMap { DateOrder(rawValue: $0.uppercased()) } ?? .iso
        if let listSeparator { options.values.listSeparators = Set(listSeparator) }
        options.values.trimText = trimText
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1)
            options.columnMappings[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        options.ignoreUnknownColumns = ignoreUnknownColumns
        options.generateIDPrefix = generateIDs
        options.sheetName = sheet
        options.sheetIndex = sheetIndex
        options.headerRow = headerRow
        return options
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        switch delimiter {
        case UInt8(ascii: ";"): "semicolon"
        case UInt8(ascii: "\t"): "tab"
        case UInt8(ascii: "|"): "pipe"
        case UInt8(ascii: ","): "comma"
        default: "'" + String(UnicodeScalar(delimiter)) + "'"
        }
    }

    /// `encoding windows-1252`, `encoding utf-8 (byte order mark)`, `encoding utf-8 (ASCII only)`.
    static func encodingNote(_ detected: DetectedEncoding) -> String {
        "encoding " + detected.encoding.rawValue
            + (detected.byteOrderMark ? " (byte order mark)" : detected.asciiOnly ? " (ASCII only)" : "")
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        if text == "\\t" || text == "\t" || text.lowercased() == "tab" { return UInt8(ascii: "\t") }
        guard text.utf8.count == 1, let byte = text.utf8.first, byte < 0x80, byte != UInt8(ascii: "\""),
              byte != 10, byte != 13 else { return nil }
        return byte
    }
}
