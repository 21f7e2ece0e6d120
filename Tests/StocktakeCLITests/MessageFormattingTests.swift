@testable import StocktakeCLI
import Testing

/// The number formatting of stderr messages (import summary, progress bar), done without Foundation.
@Suite struct MessageFormattingTests {
    @Test(arguments: [
        (1.234, 2, "1.23"), (0.005, 2, "0.01"), (0.2, 2, "0.20"), (12.0, 2, "12.00"), (59.96, 1, "60.0"),
        (99.5, 0, "100"), (0.4, 0, "0"), (-1.25, 1, "-1.3"), (-0.001, 2, "0.00"), (3, 3, "3.000"),
    ])
    func fixedPointText(value: Double, decimals: Int, expected: String) {
        #expect(fixed(value, decimals) == expected)
    }

    @Test func nonFiniteValuesAreSpelledOut() {
        #expect(fixed(.infinity, 2) == "inf")
        #expect(fixed(.nan, 1) == "nan")
    }
}
