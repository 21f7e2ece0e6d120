// Temporary: replaced by the real CSV module.
public struct CSVWriter {
    public let delimiter: UInt8
    public let lineEnding: [UInt8]
    public init(delimiter: UInt8 = UInt8(ascii: ","), lineEnding: [UInt8] = [13, 10]) {
        self.delimiter = delimiter
        self.lineEnding = lineEnding
    }
    public func append(record fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(delimiter) }
            appendField(field ?? "", to: &buffer)
        }
        buffer.append(contentsOf: lineEnding)
    }
    public func appendField(_ s: String, to buffer: inout [UInt8]) {
        let needs = s.utf8.contains { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 }
        if !needs { buffer.append(contentsOf: s.utf8); return }
        buffer.append(34)
        for b in s.utf8 { if b == 34 { buffer.append(34) }; buffer.append(b) }
        buffer.append(34)
    }
}
