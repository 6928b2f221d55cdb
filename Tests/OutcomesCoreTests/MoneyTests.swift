import Testing

@testable import OutcomesCore

@Suite("Money: exact amounts, one rounding rule, strict parsing")
struct MoneyTests {
    static let roundingCases: [(Ratio, Int64)] = [
        (Ratio(1, 200), 1),  // 0.005 kr. → 0.01
        (Ratio(-1, 200), -1),  // -0.005 → -0.01
        (Ratio(3, 200), 2),  // 0.015 → 0.02
        (Ratio(5, 200), 3),  // 0.025 → 0.03 (half-even would give 0.02)
        (Ratio(2675, 1000), 268),  // 2.675 → 2.68 (a Double holds 2.67499…)
        (Ratio(1, 300), 0),  // 0.00333…
        (Ratio(149, 10000), 1),  // 0.0149 → 0.01
        (Ratio(-2675, 1000), -268),
        (Ratio(125 * 200, 3), 833_333),  // 125 × 66.666… = 8333.33
        (Ratio(0), 0),
    ]

    @Test("Rounding to øre is half away from zero", arguments: roundingCases)
    func rounding(kroner: Ratio, expectedOre: Int64) {
        #expect(Money.rounded(kroner).minorUnits == expectedOre)
    }

    @Test("Machine and Danish forms")
    func formatting() {
        #expect(Money(minorUnits: 123_450).machineString == "1234.50")
        #expect(Money(minorUnits: 123_450).danishString == "1.234,50 kr.")
        #expect(Money(minorUnits: -5).machineString == "-0.05")
        #expect(Money(minorUnits: -5).danishString == "-0,05 kr.")
        #expect(Money(kroner: 3_912_500).danishString == "3.912.500,00 kr.")
        #expect(Money(kroner: 3_912_500).danishShortString == "3.912.500 kr.")
        #expect(Money(minorUnits: 100_000_000_07).danishNumber == "100.000.000,07")
        #expect(Money(kroner: 999).danishString == "999,00 kr.")
    }

    @Test(
        "Parsing the machine form",
        arguments: [("1234.50", Int64(123_450)), ("-0.05", -5), ("12", 1200), ("0.5", 50), (" 7.25 ", 725), ("0", 0)]
    )
    func machine(text: String, ore: Int64) throws {
        #expect(try Money.parse(text, form: .machine).minorUnits == ore)
    }

    @Test(
        "Parsing the Danish form",
        arguments: [
            ("1.234,50 kr.", Int64(123_450)), ("1234,5", 123_450), ("3.912.500", 391_250_000), ("-1.234,50", -123_450),
            ("5,07", 507), ("12 kr", 1200), ("DKK 8.600", 860_000), ("999,99 kr.", 99_999), ("5.070", 507_000),
        ]
    )
    func danish(text: String, ore: Int64) throws {
        #expect(try Money.parse(text, form: .danish).minorUnits == ore)
    }

    @Test("Machine form rejects grouping, Danish marks and excess decimals")
    func machineRejects() {
        #expect(throws: NumberParseError.malformed("1,234.50")) { try Money.parse("1,234.50", form: .machine) }
        #expect(throws: NumberParseError.malformed("5,07")) { try Money.parse("5,07", form: .machine) }
        #expect(throws: NumberParseError.tooManyDecimals("1234.567")) { try Money.parse("1234.567", form: .machine) }
        #expect(throws: NumberParseError.malformed("12.")) { try Money.parse("12.", form: .machine) }
        #expect(throws: NumberParseError.malformed(".5")) { try Money.parse(".5", form: .machine) }
        #expect(throws: NumberParseError.empty) { try Money.parse("  ", form: .machine) }
        #expect(throws: NumberParseError.unexpectedCharacter(" ", in: "1 234")) { try Money.parse("1 234", form: .machine) }
        #expect(throws: NumberParseError.unexpectedCharacter("k", in: "12kr")) { try Money.parse("12kr", form: .machine) }
    }

    @Test("Danish form rejects ambiguous full stops such as 5.07")
    func danishRejects() {
        #expect(throws: NumberParseError.ambiguousFullStop("5.07")) { try Money.parse("5.07", form: .danish) }
        #expect(throws: NumberParseError.ambiguousFullStop("1.23.4")) { try Money.parse("1.23.4", form: .danish) }
        #expect(throws: NumberParseError.ambiguousFullStop("1234.500")) { try Money.parse("1234.500", form: .danish) }
        #expect(throws: NumberParseError.ambiguousFullStop("1.234.5,00")) { try Money.parse("1.234.5,00", form: .danish) }
        #expect(throws: NumberParseError.tooManyDecimals("12,345")) { try Money.parse("12,345", form: .danish) }
        #expect(throws: NumberParseError.malformed("1,2,3")) { try Money.parse("1,2,3", form: .danish) }
        #expect(throws: NumberParseError.ambiguousFullStop("1.234,5.0")) { try Money.parse("1.234,5.0", form: .danish) }
        let message = NumberParseError.ambiguousFullStop("5.07").description
        #expect(message.contains("5,07"))
    }

    @Test("Money round-trips through both forms")
    func roundTrip() throws {
        for ore: Int64 in [0, 1, -1, 99, 100, 123_456_789, -987_654_321, 391_250_000] {
            let money = Money(minorUnits: ore)
            #expect(try Money.parse(money.machineString, form: .machine) == money)
            #expect(try Money.parse(money.danishString, form: .danish) == money)
        }
    }

    @Test("Totals are sums of rounded lines")
    func sums() {
        let lines = [Ratio(1, 3), Ratio(1, 3), Ratio(1, 3)].map(Money.rounded)
        #expect(Money.sum(lines) == Money(minorUnits: 99))
        #expect(Money(kroner: 8600) * 3 == Money(kroner: 25_800))
    }

    @Test("Ratios are exact and in lowest terms")
    func ratios() {
        #expect(Ratio(6, 4) == Ratio(3, 2))
        #expect(Ratio(1, -2).numerator == -1 && Ratio(1, -2).denominator == 2)
        #expect(Ratio(1, 10) + Ratio(2, 10) == Ratio(3, 10))
        #expect(Ratio(74, 100) * Ratio(5_275_000) == Ratio(3_903_500))
        #expect(Ratio(3_912_500) / Ratio(5_275_000) * 100 > Ratio(74))
        #expect(Ratio(3_912_500 * 100, 5_275_000).decimalString(scale: 2) == "74.17")
        #expect(Ratio(-2105, 100).rounded(toScale: 1) == -211)
        #expect(Ratio(985, 100).compactString() == "9.85")
        #expect(Ratio(985, 100).compactString(danish: true) == "9,85")
    }

    @Test("Decimals from a delivery accept either mark; machine decimals only a full stop")
    func decimals() throws {
        #expect(try DecimalNumber.parseEitherMark("9,85").ratio == Ratio(985, 100))
        #expect(try DecimalNumber.parseEitherMark("9.85").ratio == Ratio(985, 100))
        #expect(try DecimalNumber.parseMachine("-10.00").ratio == Ratio(-10))
        #expect(throws: NumberParseError.self) { try DecimalNumber.parseMachine("9,85") }
        #expect(throws: NumberParseError.self) { try DecimalNumber.parseEitherMark("9,8,5") }
    }

    @Test("counts in Danish form group thousands with a point")
    func danishCounts() {
        #expect(100_000.danishString == "100.000")
        #expect(999.danishString == "999")
        #expect((-1_234_567).danishString == "-1.234.567")
    }
}
