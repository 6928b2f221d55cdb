public import Foundation
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

    /// A read of records that are figures only (SPEC §1: the roles that see the settlement's totals).
    private func figures<T>(_ requester: Requester, _ read: (any OutcomesStore) async throws -> T) async throws -> T {
        try authorize(requester, .readFigures)
        return try await read(store)
    }

    /// The whole audit trail, in order.
    public func auditTrail(_ requester: Requester) async throws -> [AuditEntry] {
        try authorize(requester, .readAudit)
        return try await store.auditEntries()
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
        guard requester.user != nil else { throw ApplicationError.notSignedIn }
        return try await store.contractVersions().map { ($0, $0.id == commitment.id && $0.version == commitment.version) }
    }

    public func contractText(_ requester: Requester, id: String, version: Int) async throws -> String {
        guard requester.user != nil else { throw ApplicationError.notSignedIn }
        guard let text = try await store.contractText(id: id, version: version) else {
            throw ApplicationError.notFound("Aftalen \(id) version \(version) findes ikke.")
        }
        return text
    }

    /// Keeps a new version of a contract file after reading it whole; a file that cannot be read
    /// is refused naming file, line and field.
    public func saveContractVersion(_ requester: Requester, text: String) async throws -> ContractVersion {
        try authorize(requester, .saveContractVersion)
        try checkInput { () throws(InputRules.Violation) in try InputRules.text(text, field: "text", maximumLength: 1_000_000, allowEmpty: false) }
        let commitment: Commitment
        do {
            commitment = try ContractFile.parse(text, file: "upload.yaml")
        } catch let error as ContractFileError {
            throw ApplicationError.invalid(error.description)
        }
        _ = try await store.saveContract(
            id: commitment.id,
            version: commitment.version,
            text: text,
            audit: requester.audit("save-agreement", subject: "\(commitment.id) v\(commitment.version)")
        )
        return ContractVersion(id: commitment.id, version: commitment.version)
    }
}
