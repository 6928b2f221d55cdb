import Foundation
import OutcomesContractFile
public import OutcomesCore
public import OutcomesStore

// The records that are read as they are kept: the ledger, governance, notices, the audit trail
// and the agreement's versions.
extension OutcomesService {
    public func transfers(_ requester: Requester) async throws -> [MoneyTransfer] { try await figures(requester) { try await $0.transfers() } }
    public func budgetActuals(_ requester: Requester) async throws -> [BudgetActual] { try await figures(requester) { try await $0.budgetActuals() } }
    public func meetings(_ requester: Requester) async throws -> [Meeting] { try await figures(requester) { try await $0.meetings() } }
    public func reports(_ requester: Requester) async throws -> [SteeringReport] { try await figures(requester) { try await $0.reports() } }
    public func notices(_ requester: Requester) async throws -> [Notice] { try await figures(requester) { try await $0.notices() } }
    public func grantDecisions(_ requester: Requester) async throws -> [GrantDecision] { try await figures(requester) { try await $0.grantDecisions() } }
    public func referenceRates(_ requester: Requester) async throws -> [ReferenceRate] { try await figures(requester) { try await $0.referenceRates() } }

    /// Renteloven § 5: enters the reference rate from a date (a second entry for the same
    /// date replaces the first; the audit trail keeps both). A rate outside −10 … 30 % is a typo.
    public func setReferenceRate(_ requester: Requester, _ rate: ReferenceRate) async throws {
        try authorize(requester, .recordReferenceRate)
        try checkInput { () throws(InputRules.Violation) in try InputRules.date(rate.effectiveFrom, field: "effectiveFrom") }
        guard rate.rate >= Percent(-10), rate.rate <= Percent(30) else {
            throw ApplicationError.invalid("Feltet 'rate': \(rate.rate.danishString) er ikke en referencesats; angiv den årlige sats i procent, fx 1.6.")
        }
        try await store.setReferenceRate(rate, audit: requester.audit("set-reference-rate", subject: "\(rate.effectiveFrom.isoString) \(rate.rate)"))
    }

    /// SPEC §7: records a grant decision. A reduction (T 4.2) is DSI's to decide, so only a
    /// funder records it; an accrual of unused grant (T 4.3) is the steering group's, recorded
    /// by the project lead or the steering group. The year is a budget year; the decision is
    /// dated by when it was taken, not after today.
    public func recordGrantDecision(_ requester: Requester, _ decision: GrantDecision) async throws {
        let user = try authorize(requester, .recordGrantDecision)
        let grantFunder = commitment.theGrantFunder
        if decision.kind.isReduction, user.role != .funder(grantFunder) {
            let name = commitment.party(grantFunder)?.name ?? grantFunder.rawValue
            throw ApplicationError.forbidden("En reduktion af tilskuddet besluttes af \(name) (\(decision.kind.clause)); den registreres af \(name).")
        }
        if decision.kind == .accrual, RoleKind(user.role) == .funder {
            throw ApplicationError.forbidden("Periodisering af ubrugt tilskud besluttes af styregruppen (T 4.3); den registreres af projektlederen eller styregruppen.")
        }
        try checkInput { () throws(InputRules.Violation) in
            try InputRules.amount(decision.amount, field: "amount")
            try InputRules.date(decision.decidedOn, field: "decidedOn")
            try InputRules.text(decision.note, field: "note", maximumLength: InputRules.maximumLineLength * 4)
        }
        let years = commitment.budget.years
        guard years.contains(decision.year) else {
            throw ApplicationError.invalid("Feltet 'year': \(decision.year) er ikke et budgetår; brug \(years.map(String.init).joined(separator: ", ")) (B4.1).")
        }
        guard decision.decidedOn <= requester.today else {
            throw ApplicationError.invalid("Feltet 'decidedOn': \(decision.decidedOn.danishString) ligger efter i dag; registrér en beslutning, når den er truffet.")
        }
        try await store.recordGrantDecision(
            decision,
            audit: requester.audit("record-grant-decision:\(decision.kind.rawValue)", subject: "\(decision.year) \(decision.amount.machineString)")
        )
    }

    /// A read of records that are figures only (SPEC §1: the roles that see the settlement's totals).
    private func figures<T>(_ requester: Requester, _ read: (any OutcomesStore) async throws -> T) async throws -> T {
        try authorize(requester, .readFigures)
        return try await read(store)
    }

    /// The whole audit trail, in order.
    ///
    /// Issue #18: the admin sees every entry. Anyone else sees this agreement's entries, and
    /// the entries written before agreements were scopes when this is the agreement whose
    /// records those were (migration 15's choice: the built-in agreement's when the database
    /// holds it, else the contract it holds). The database's own entries since (logins, users,
    /// tokens, the reference rate) are the admin's.
    public func auditTrail(_ requester: Requester) async throws -> [AuditEntry] {
        let user = try authorize(requester, .readAudit)
        let entries = try await store.auditEntries()
        guard user.role != .admin else { return entries }
        let firstScoped = entries.first { !$0.event.agreement.isEmpty }?.sequence ?? Int.max
        let ids = Set(try await store.contractVersions().map(\.id))
        let owner = ids.contains(SQLOutcomesStore.defaultAgreement) ? SQLOutcomesStore.defaultAgreement : (ids.min() ?? SQLOutcomesStore.defaultAgreement)
        return entries.filter { entry in
            entry.event.agreement == commitment.id || (entry.event.agreement.isEmpty && entry.sequence < firstScoped && owner == commitment.id)
        }
    }

    /// The chain's check, and how many entries it has.
    public func verifyAudit(_ requester: Requester) async throws -> (verification: AuditVerification, entries: Int) {
        try authorize(requester, .readAudit)
        let verification = try await store.verifyAudit()
        if case let .intact(count) = verification { return (verification, count) }
        return (verification, try await store.auditEntries().count)
    }

    /// Every contract version kept, and whether it is the one this server runs.
    public func contractVersions(_ requester: Requester) async throws -> [(version: ContractVersion, inUse: Bool)] {
        try authorize(requester, .readOverview)
        // Issue #18: this agreement's versions only.
        return try await store.contractVersions().filter { $0.id == commitment.id }.map { ($0, $0.version == commitment.version) }
    }

    public func contractText(_ requester: Requester, id: String, version: Int) async throws -> String {
        try authorize(requester, .readOverview)
        // Issue #18: this agreement's file only.
        guard id == commitment.id, let text = try await store.contractText(id: id, version: version) else {
            throw ApplicationError.notFound("Aftalen \(id) version \(version) findes ikke.")
        }
        return text
    }

    /// Keeps a new version of a contract file after reading it whole; a file that cannot be read
    /// is refused naming file, line and field.
    /// `file` names the upload in an error ("aftale.yaml:12: …").
    public func saveContractVersion(_ requester: Requester, text: String, file: String = "upload.yaml") async throws -> ContractVersion {
        try authorize(requester, .saveContractVersion)
        let commitment = try parseContract(text, file: file)
        guard commitment.id == self.commitment.id else {
            throw ApplicationError.invalid(
                "\(file): filen er aftalen '\(commitment.id)', ikke '\(self.commitment.id)'; en ny aftale oprettes af administratoren under Aftaler."
            )
        }
        // SPEC §10, T 11.1: an approved half-year keeps the version it was approved with; an
        // amendment takes effect after the last approved half-year at the earliest.
        if !history.versions.contains(where: { $0.version == commitment.version }),
            let next = try? AgreementHistory(history.versions + [commitment])
        {
            for record in try await store.settlementRecords() where record.isApproved {
                // Only a change of the version in force for an approved half-year is refused.
                guard let period = HalfYear(label: record.period), next.inForce(for: period).version != history.inForce(for: period).version
                else { continue }
                throw ApplicationError.invalid(
                    "\(file): version \(commitment.version) ville gælde for \(period.danishLabel), som er godkendt med version \(record.contractVersion); "
                        + "en ændring kan tidligst gælde fra \(period.next.start.danishString) (effectiveFrom: \(period.next.start.isoString))."
                )
            }
        }
        _ = try await store.saveContract(
            id: commitment.id,
            version: commitment.version,
            text: text,
            audit: requester.audit("save-agreement", subject: "\(commitment.id) v\(commitment.version)")
        )
        // T 11.1: the version is in force from its effectiveFrom, at once (approved half-years keep theirs).
        adopt(commitment)
        return ContractVersion(id: commitment.id, version: commitment.version)
    }

    /// A contract file read whole, or a 422 naming file, line and field.
    func parseContract(_ text: String, file: String) throws -> Commitment {
        try checkInput { () throws(InputRules.Violation) in try InputRules.text(text, field: "text", maximumLength: 1_000_000, allowEmpty: false) }
        do {
            return try ContractFile.parse(text, file: file)
        } catch {
            throw ApplicationError.invalid(error.description)
        }
    }

    /// Issue #18: the admin adds an agreement of the family to the server from its contract
    /// file; its records start empty beside the others'. Answers the new agreement's service.
    ///
    /// - Throws: 409 when the server already holds an agreement with the file's id (a new
    ///   version of it is uploaded on its own page).
    public func addAgreement(_ requester: Requester, text: String, file: String = "aftale.yaml") async throws -> OutcomesService {
        try authorize(requester, .addAgreement)
        let added = try parseContract(text, file: file)
        if try await store.contractVersions().contains(where: { $0.id == added.id }) {
            throw ApplicationError.conflict("Aftalen '\(added.id)' findes allerede; en ny version lægges op under aftalen.")
        }
        let scoped = store.scoped(to: added.id)
        _ = try await scoped.saveContract(
            id: added.id,
            version: added.version,
            text: text,
            audit: requester.audit("add-agreement", subject: "\(added.id) v\(added.version)")
        )
        return OutcomesService(store: scoped, commitment: added, pseudonymizer: pseudonymizer, throttle: throttle, sessionIdleTimeout: sessionIdleTimeout, logger: logger)
    }
}
