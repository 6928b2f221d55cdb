public import Foundation
import Logging
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

    /// Imports a delivery all or nothing: the files are read and checked before anything is
    /// written; the same files twice store nothing new (`isNew` false).
    public func importDelivery(_ requester: Requester, files: [String: Data], receivedOn: LocalDate?) async throws -> DeliveryReceipt {
        try authorize(requester, .importDelivery)
        let known = Set(DeliveryImporter.fileNames)
        if let unknown = files.keys.sorted().first(where: { !known.contains($0) }) {
            throw ApplicationError.invalid("Filen '\(unknown)' hører ikke til en leverance; brug \(DeliveryImporter.fileNames.joined(separator: ", ")).")
        }
        logger.info("leverance modtaget (\(files.count) filer); importerer")
        let receipt = try await store.importDelivery(
            files,
            commitment: commitment,
            receivedOn: receivedOn ?? requester.today,
            audit: requester.audit("import-delivery", subject: "")
        )
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
            settlement.lines = []
        }
        return settlement
    }

    /// The settlement of the current delivery, from the cache when it holds it; `nil` without
    /// a delivery. For the use cases of this layer (no access check).
    public func currentSettlement(asOf: LocalDate) async throws -> Settlement? {
        guard let number = try await store.currentDeliveryNumber() else { return nil }
        let key = SettlementCache.Key(delivery: number, contract: commitment.id, version: commitment.version, asOf: asOf)
        let store = self.store
        let commitment = self.commitment
        return try await settlements.value(for: key) {
            guard let imported = try await store.delivery(number: number) else {
                throw ApplicationError.notFound("Leverance \(number) findes ikke.")
            }
            var settlement = SettlementEngine.settle(commitment, delivery: imported.delivery, asOf: asOf)
            settlement.warnings = imported.warnings + settlement.warnings
            return settlement
        }
    }
}

/// Settlements already computed, by what they depend on: the delivery, the contract version
/// and the date. Concurrent requests for the same key wait for one computation. A delivery is
/// never changed once stored (a correction is a new delivery with a new number), so an entry
/// never goes stale; the oldest entries are dropped beyond ``capacity``.
actor SettlementCache {
    struct Key: Hashable, Sendable {
        var delivery: Int
        var contract: String
        var version: Int
        var asOf: LocalDate
    }

    private var entries: [Key: Task<Settlement, any Error>] = [:]
    private var order: [Key] = []
    let capacity: Int

    init(capacity: Int = 64) { self.capacity = capacity }

    func value(for key: Key, compute: @escaping @Sendable () async throws -> Settlement) async throws -> Settlement {
        if let task = entries[key] { return try await task.value }
        let task = Task { try await compute() }
        entries[key] = task
        order.append(key)
        if order.count > capacity { entries[order.removeFirst()] = nil }
        do {
            return try await task.value
        } catch {
            // A failure is not kept: the next request tries again.
            if entries[key] != nil {
                entries[key] = nil
                order.removeAll { $0 == key }
            }
            throw error
        }
    }
}
