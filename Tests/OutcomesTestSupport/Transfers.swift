public import OutcomesCore
public import OutcomesStore

extension SQLOutcomesStore {
    /// Records payments for a test: (kind, from, to, ISO date, kroner), each with a test audit entry.
    public func recordTransfers(_ rows: [(kind: MoneyTransfer.Kind, from: String, to: String, date: String, kroner: Int64)]) async throws {
        let event = AuditEvent(actor: "test", action: "record-transfer", subject: "", purpose: "test", at: "2026-11-01T00:00:00Z")
        for row in rows {
            try await recordTransfer(
                MoneyTransfer(
                    kind: row.kind,
                    from: PartyKey(row.from),
                    to: PartyKey(row.to),
                    paidOn: LocalDate(iso: row.date)!,
                    amount: Money(kroner: row.kroner),
                    reference: "test"
                ),
                audit: event
            )
        }
    }
}
