import Foundation
import OutcomesCore
import Testing

@testable import OutcomesStore

@Suite("Person pseudonyms (HMAC of the CPR number)")
struct PseudonymTests {
    let key = Data(repeating: 7, count: 32)

    @Test("The same person gets the same pseudonym under one key, another under another key")
    func stable() throws {
        let cpr = try CPRNumber("070761-4285")
        let one = try PersonPseudonymizer(secret: key)
        #expect(one.pseudonym(for: cpr) == one.pseudonym(for: try CPRNumber("0707614285")))
        #expect(one.pseudonym(for: cpr) != one.pseudonym(for: try CPRNumber("070761-4286")))
        #expect(one.pseudonym(for: cpr) != (try PersonPseudonymizer(secret: Data(repeating: 8, count: 32))).pseudonym(for: cpr))
        let pseudonym = one.pseudonym(for: cpr).rawValue
        #expect(pseudonym.hasPrefix("p-") && pseudonym.count == 34)
        #expect(!pseudonym.contains("0707614285"))
    }

    @Test("A short key is refused")
    func shortKey() {
        #expect(throws: PseudonymKeyError.tooShort(16)) { try PersonPseudonymizer(secret: Data(count: 16)) }
    }
}
