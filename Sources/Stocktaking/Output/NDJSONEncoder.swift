extension OutputFormat {
    /// One JSON object per line (`JSONRecordEncoder`'s objects without the enclosing array).
    public static let ndjson = OutputFormat(name: "ndjson") { JSONRecordEncoder(settings: $0, lines: true) }
}
