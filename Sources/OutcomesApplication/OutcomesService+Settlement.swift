public import Foundation
import Logging
import OutcomesReports
public import OutcomesAnalysis
public import OutcomesCore
public import OutcomesDelivery
public import OutcomesStore

// Deliveries and the settlement.
extension OutcomesService {
    /// Every delivery on record, oldest first.
    public func deliveries(_ requester: Requester) async throws -> [DeliveryReceipt] {
        try authorize(requester, .readFigures)
        return try await store.deliveries()
    }

    /// What the delivery in `files` would do if saved (issue #14): households added, removed and
    /// changed, register edits it would override, the money per half-year and goal (approved
    /// half-years through corrections). Nothing is saved.
    ///
    /// - Throws: `DeliveryRejected` with every problem, as the importer reports them.
    public func deliveryPreview(_ requester: Requester, files: [String: Data]) async throws
        -> (imported: ImportedDelivery, current: Delivery?, preview: DeliveryPreview)
    {
        try authorize(requester, .importDelivery)
        let imported = try DeliveryImporter.importFiles(files, commitment: commitment)
        let asOf = requester.today
        let number = try await store.currentDeliveryNumber()
        let current = try await number.asyncMap { try await self.delivery(number: $0).delivery }
        let before = try await number.asyncMap { try await self.settlement(ofDelivery: $0, asOf: asOf) }
        let approved = try await approvedPeriods().periods.filter { $0.period.end <= asOf }
        let after = SettlementEngine.settle(history, delivery: imported.delivery, asOf: asOf, approved: approved)
        let preview = DeliveryPreview.compute(
            current: current,
            next: imported.delivery,
            register: try await store.households(in: nil),
            before: before,
            after: after
        )
        return (imported, current, preview)
    }

    /// Imports a delivery all or nothing: the files are read and checked before anything is
    /// written; the same files twice store nothing new (`isNew` false).
    public func importDelivery(
        _ requester: Requester,
        files: [String: Data],
        receivedOn: LocalDate?,
        keepingRegister: Set<HouseholdID> = []
    ) async throws -> DeliveryReceipt {
        try authorize(requester, .importDelivery)
        let known = Set(DeliveryImporter.fileNames)
        if let unknown = files.keys.sorted().first(where: { !known.contains($0) }) {
            throw ApplicationError.invalid(
                "Filen '\(InputRules.visible(unknown))' hører ikke til en leverance; brug \(DeliveryImporter.fileNames.joined(separator: ", "))."
            )
        }
        if let receivedOn { try checkInput { () throws(InputRules.Violation) in try InputRules.date(receivedOn, field: "receivedOn") } }
        logger.info("leverance modtaget (\(files.count) filer); importerer")
        // Issue #14: the store merges the register's edits in the import's transaction
        // (``RegisterMerge``): kept field by field where asked, otherwise replaced and named in
        // the receipt and the trail — never silently.
        let receipt: DeliveryReceipt
        do {
            receipt = try await store.importDelivery(
                files,
                commitment: commitment,
                receivedOn: receivedOn ?? requester.today,
                keepingRegister: keepingRegister,
                audit: requester.audit("import-delivery", subject: "")
            )
        } catch let conflict as RegisterMerge.Conflict {
            throw ApplicationError.conflict(conflict.description.prefix(1).uppercased() + conflict.description.dropFirst() + ".")
        }
        logger.info("leverance \(receipt.number) \(receipt.isNew ? "gemt" : "fandtes allerede")")
        return receipt
    }

    /// The current delivery's settlement as of a date (SPEC §6). With `lines`, the lines per
    /// person (pseudonyms) are included, for the roles that may see them, and the read is
    /// audited; without, the figures only.
    ///
    /// The settlement depends only on the delivery, the contract version and the date, so it is
    /// computed once per (delivery, version, date) and kept (``SettlementCache``): a request
    /// then costs one small query for the current delivery's number.
    ///
    /// - Throws: ``ApplicationError/notFound(_:)`` when there is no delivery yet.
    public func settlement(_ requester: Requester, asOf: LocalDate, lines: Bool) async throws -> Settlement {
        try authorize(requester, lines ? .readSettlementLines : .readFigures)
        guard var settlement = try await currentSettlement(asOf: asOf) else {
            throw ApplicationError.notFound("Der er ingen dataleverance endnu; importér en (POST /api/deliveries).")
        }
        if lines {
            try await auditRead(requester, "settlement \(asOf.isoString) lines")
        } else {
            settlement = settlement.figuresOnly()
        }
        return settlement
    }

    /// The settlement as the SPEC §6 JSON document (``settlement(_:asOf:lines:)`` written out),
    /// kept like the settlement itself: the document of one (delivery, version, date) never
    /// changes, and writing it was a tenth of a summary request's cost.
    public func settlementDocument(_ requester: Requester, asOf: LocalDate, lines: Bool) async throws -> String {
        try authorize(requester, lines ? .readSettlementLines : .readFigures)
        let known = requester.currentDelivery
        guard let number = try await (known != nil ? known : store.currentDeliveryNumber()) else {
            throw ApplicationError.notFound("Der er ingen dataleverance endnu; importér en (POST /api/deliveries).")
        }
        let approvals = try await approvedPeriods()
        let key = DocumentKey(
            settlement: SettlementKey(delivery: number, contract: commitment.id, versions: history.fingerprint, asOf: asOf, approvals: approvals.key),
            lines: lines
        )
        let document = try await documents.value(for: key) {
            var settlement = try await self.settlement(ofDelivery: number, asOf: asOf)
            if !lines { settlement = settlement.figuresOnly() }
            return SettlementJSON.string(settlement)
        }
        if lines { try await auditRead(requester, "settlement \(asOf.isoString) lines") }
        return document
    }

    /// The settlement's figures (no lines) for the overview, the report and the settlement page;
    /// `nil` before the first delivery.
    public func settlementFigures(_ requester: Requester, asOf: LocalDate) async throws -> Settlement? {
        try authorize(requester, .readOverview)
        guard let settlement = try await currentSettlement(asOf: asOf) else { return nil }
        return settlement.figuresOnly()
    }

    /// The settlement of the current delivery, from the cache when it holds it; `nil` without
    /// a delivery. For the use cases of this layer (no access check).
    func currentSettlement(asOf: LocalDate) async throws -> Settlement? {
        guard let number = try await store.currentDeliveryNumber() else { return nil }
        return try await settlement(ofDelivery: number, asOf: asOf)
    }

    /// SPEC §10: the half-years approved and ended by `asOf` are kept as approved.
    func settlement(ofDelivery number: Int, asOf: LocalDate) async throws -> Settlement {
        let approvals = try await approvedPeriods()
        let key = SettlementKey(delivery: number, contract: commitment.id, versions: history.fingerprint, asOf: asOf, approvals: approvals.key)
        let history = self.history
        let approved = approvals.periods.filter { $0.period.end <= asOf }
        return try await settlements.value(for: key) {
            let imported = try await self.delivery(number: number)
            var settlement = SettlementEngine.settle(history, delivery: imported.delivery, asOf: asOf, approved: approved)
            settlement.warnings = imported.warnings + settlement.warnings
            return settlement
        }
    }

    /// A delivery on record, read from the store once and then kept: a delivery never changes
    /// once stored (a correction is a new delivery with a new number).
    func delivery(number: Int) async throws -> ImportedDelivery {
        let store = self.store
        return try await deliveries.value(for: number) {
            guard let imported = try await store.delivery(number: number) else {
                throw ApplicationError.notFound("Leverance \(number) findes ikke.")
            }
            return imported
        }
    }

    /// What the compliance monitor and the finance report look at: the register, the ledger
    /// and the governance records as stored now, with the current delivery from the cache.
    ///
    /// Issue #18: the agreement's records are read once per change of them (its last audited
    /// write, ``OutcomesStore/lastChange()``) and kept; the reference rates, which are the
    /// database's, are read each time.
    func complianceInput() async throws -> (input: ComplianceInput, deliveryNumber: Int?) {
        let change = try await store.lastChange()
        let records = try await inputs.value(for: RecordsKey(change: change, versions: history.fingerprint)) { try await self.readComplianceInput() }
        var input = records.input
        input.referenceRates = try await store.referenceRates()
        return (input, records.deliveryNumber)
    }

    /// The agreement's records as the compliance monitor and the finance report read them.
    func readComplianceInput() async throws -> AgreementRecords {
        let number = try await store.currentDeliveryNumber()
        let delivery = try await number.asyncMap { try await self.delivery(number: $0).delivery }
        let input = ComplianceInput(
            commitment: commitment,
            households: try await store.households(in: nil),
            delivery: delivery,
            decisions: try await store.enrolmentDecisions(),
            meetings: try await store.meetings(),
            reports: try await store.reports(),
            budgetActuals: try await store.budgetActuals(),
            transfers: try await store.transfers()
        )
        var withDecisions = input
        withDecisions.grantDecisions = try await store.grantDecisions()
        withDecisions.notices = try await store.notices()
        return AgreementRecords(input: withDecisions, deliveryNumber: number)
    }

    /// Money in and out as of a date (SPEC §7), figures only; the settlement inside it comes
    /// from the cache.
    public func finance(_ requester: Requester, asOf: LocalDate) async throws -> FinanceReport {
        try authorize(requester, .readFigures)
        let (input, number) = try await complianceInput()
        var settled: Settlement?
        if let number { settled = try await settlement(ofDelivery: number, asOf: asOf) }
        return FinanceReport.compute(input, asOf: asOf, settlement: settled)
    }
}

/// What an agreement's records as read depend on: their last change and the versions (the
/// input holds the newest).
struct RecordsKey: Hashable, Sendable {
    var change: AgreementChange
    var versions: String
}

/// An agreement's records as of one change of them.
struct AgreementRecords: Sendable {
    var input: ComplianceInput
    var deliveryNumber: Int?
}

/// What a settlement depends on: the delivery, the contract version and the date.
struct SettlementKey: Hashable, Sendable {
    var delivery: Int
    var contract: String
    /// The agreement's versions (``AgreementHistory/fingerprint``).
    var versions: String
    var asOf: LocalDate
    /// The approved half-years' hashes (SPEC §10): another approval is another settlement.
    var approvals: String
}

/// A settlement document: with or without its lines.
struct DocumentKey: Hashable, Sendable {
    var settlement: SettlementKey
    var lines: Bool
}

/// Values computed once per key and kept (settlements, deliveries): concurrent requests for the
/// same key wait for one computation; a failure is not kept; the oldest entries are dropped
/// beyond ``capacity``. Only values that never go stale for their key belong here.
actor ComputedCache<Key: Hashable & Sendable, Value: Sendable> {
    private var entries: [Key: Task<Value, any Error>] = [:]
    private var order: [Key] = []
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value(for key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = entries[key] { return try await task.value }
        let task = Task { try await compute() }
        entries[key] = task
        order.append(key)
        if order.count > capacity { entries[order.removeFirst()] = nil }
        do {
            return try await task.value
        } catch {
            if entries[key] != nil {
                entries[key] = nil
                order.removeAll { $0 == key }
            }
            throw error
        }
    }
}
