@_spi(_Unicode) import Swift

// Unicode helpers on the standard library alone (no Foundation, see Threads.swift for why).

extension String {
    /// Unicode NFC, with a fast path for ASCII (already normalized).
    var precomposedNFC: String {
        if utf8.allSatisfy({ $0 < 0x80 }) { return self }
        return String(decoding: _nfcCodeUnits, as: UTF8.self)
    }

    /// Without diacritics: canonical decomposition, non-spacing marks dropped, recomposed
    /// (`Côte d'Ivoire` → `Cote d'Ivoire`). The decomposition is the standard library's
    /// (`_nfd`, the interface swift-foundation itself uses; there is no public one yet).
    var withoutDiacritics: String {
        if utf8.allSatisfy({ $0 < 0x80 }) { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in _nfd where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars).precomposedNFC
    }
}

extension Unicode.Scalar {
    /// Letters, marks and numbers (Unicode general categories L*, M* and N*): the characters a
    /// name's words are made of.
    var isAlphanumeric: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            false
        }
    }
}

extension StringProtocol {
    /// Every occurrence of `target` replaced, compared byte for byte in UTF-8 (so `"\n"` also
    /// matches inside `"\r\n"`, as text-format escaping needs).
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        let bytes = Array(utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return String(self) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == pattern[0], index + pattern.count <= bytes.count,
               bytes[index..<index + pattern.count].elementsEqual(pattern) {
                result.append(contentsOf: replacement.utf8)
                index += pattern.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
