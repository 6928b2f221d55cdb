import Testing

@testable import OutcomesCore

@Suite("CPR numbers: the date part and the century rule")
struct CPRNumberTests {
    @Test(
        "The seventh digit decides the century",
        arguments: [
            ("070761-4285", "1961-07-07"),  // 4, year 61 > 36 → 1900s
            ("010105-4007", "2005-01-01"),  // 4, year 05 ≤ 36 → 2000s
            ("311299-0001", "1999-12-31"),  // 0–3 → 1900s
            ("010100-3000", "1900-01-01"),
            ("290200-9000", "2000-02-29"),  // 9, year 00 → 2000, a leap year
            ("150557-5000", "2057-05-15"),  // 5–8, year 57 ≤ 57 → 2000s
            ("150558-8000", "1858-05-15"),  // 5–8, year 58 > 57 → 1800s
            ("0101361234", "1936-01-01"),  // no hyphen; 1 → 1900s
        ]
    )
    func century(text: String, born: String) throws {
        #expect(try CPRNumber(text).birthDate == LocalDate(iso: born))
    }

    @Test("Impossible dates and malformed numbers are refused, without a modulus-11 check")
    func refusals() {
        #expect(throws: CPRNumber.Problem.date) { try CPRNumber("290201-4000") }  // 2001 is no leap year
        #expect(throws: CPRNumber.Problem.date) { try CPRNumber("320101-1234") }
        #expect(throws: CPRNumber.Problem.date) { try CPRNumber("011301-1234") }
        #expect(throws: CPRNumber.Problem.format) { try CPRNumber("0101011234x") }
        #expect(throws: CPRNumber.Problem.format) { try CPRNumber("010101-123") }
        #expect(throws: CPRNumber.Problem.format) { try CPRNumber("01010-11234") }
        #expect((try? CPRNumber("010101-1235")) != nil)  // fails modulus 11, still valid
    }

    @Test("A CPR number never shows itself in a description")
    func masked() throws {
        let cpr = try CPRNumber("070761-4285")
        #expect(!String(describing: cpr).contains("0707"))
        #expect(!"\(cpr)".contains("4285"))
    }
}
