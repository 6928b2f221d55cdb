import Foundation
import OutcomesCore
import OutcomesTestSupport
import Testing

@testable import OutcomesStore

@Suite("Money, budget actuals, meetings and reports (every backend)")
struct LedgerStoreTests {
    let audit = AuditEvent(actor: "projektleder", action: "record", subject: "", purpose: "økonomi", at: "2026-11-26T10:00:00Z")
    func day(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    @Test("Payments keep their amounts exactly, to the øre; a zero amount is refused", arguments: Backend.available)
    func transfers(backend: Backend) async throws {
        try await backend.withStore { store in
            let installment = MoneyTransfer(
                kind: .disbursement,
                from: PartyKey("dsi"),
                to: PartyKey("kommune"),
                paidOn: day("2023-11-28"),
                amount: try Money.parse("1304166.67", form: .machine),
                reference: "Første rate"
            )
            let repayment = MoneyTransfer(
                kind: .repayment,
                from: PartyKey("kommune"),
                to: PartyKey("dsi"),
                paidOn: day("2025-09-30"),
                amount: try Money.parse("273860.61", form: .machine),
                reference: "2025-H1"
            )
            try await store.recordTransfer(installment, audit: audit)
            try await store.recordTransfer(repayment, audit: audit)
            #expect(try await store.transfers() == [installment, repayment])
            var nothing = repayment
            nothing.amount = .zero
            await #expect(throws: StoreError.nonPositiveAmount) { try await store.recordTransfer(nothing, audit: audit) }
            #expect(try await store.auditEntries().count == 2)
        }
    }

    @Test("A budget actual per line and year; the latest figure counts", arguments: Backend.available)
    func budget(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.setBudgetActual(BudgetActual(lineKey: "staff", year: 2024, amount: Money(kroner: 1_400_000)), audit: audit)
            try await store.setBudgetActual(BudgetActual(lineKey: "staff", year: 2024, amount: Money(kroner: 1_450_000)), audit: audit)
            try await store.setBudgetActual(BudgetActual(lineKey: "flatRent", year: 2024, amount: Money(kroner: 100_000)), audit: audit)
            #expect(try await store.budgetActuals().map(\.amount) == [Money(kroner: 100_000), Money(kroner: 1_450_000)])
            #expect(try await store.auditEntries().count == 3)
        }
    }

    @Test("Meetings and half-yearly reports are kept", arguments: Backend.available)
    func meetingsAndReports(backend: Backend) async throws {
        try await backend.withStore { store in
            let annual = Meeting(
                heldOn: day("2025-06-20"),
                isAnnualMeeting: true,
                accountsReceivedOn: day("2025-06-06"),
                minutes: "Regnskab 2024 godkendt."
            )
            try await store.recordMeeting(annual, audit: audit)
            #expect(try await store.meetings() == [annual])
            let report = SteeringReport(period: HalfYear(year: 2025, half: 1), submittedOn: day("2025-08-15"))
            try await store.recordReport(report, audit: audit)
            #expect(try await store.reports() == [report])
        }
    }
}
