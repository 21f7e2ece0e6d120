extension OutputFormat {
    /// CSV's rules with TAB as the delimiter and lines ending in LF, for `cut`, `awk` and `while read`.
    public static let tsv = OutputFormat(name: "tsv", isDelimited: true) { CSVEncoder(writer: .tsv, settings: $0) }
}
