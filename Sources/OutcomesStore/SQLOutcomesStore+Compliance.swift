import Foundation
public import OutcomesCore
import OutcomesDelivery
import SQLKit

/// A lottery on record: what it was drawn from and the list's hash (P 3.1.1, 3.2.2).
public struct LotteryRecord: Sendable, Equatable {
    public var seed: String
    public var populationHash: String
    public var listHash: String
    public var households: Int
    public var drawnAt: String
    /// The list in its order, position 1 first (empty for a lottery kept before migration 13).
    public var list: [HouseholdID]
    public init(seed: String, populationHash: String, listHash: String, households: Int, drawnAt: String, list: [HouseholdID] = []) {
        self.seed = seed
        self.populationHash = populationHash
        self.listHash = listHash
        self.households = households
        self.drawnAt = drawnAt
        self.list = list
    }

    /// The list as the lottery's page publishes it: `list_position,household_id` and a line per
    /// household; the lines after the header are exactly those the list's hash is taken of.
    public var csv: String {
        "list_position,household_id\n" + list.enumerated().map { "\($0.offset + 1),\($0.element.rawValue)\n" }.joined()
    }
}

// Lotteries and notices.
extension SQLOutcomesStore {
    /// Keeps a drawn list: the lottery's record, and each household's place on the list in the
    /// register (households not yet registered join it in the control group with their area).
    public func recordLottery(
        _ record: LotteryRecord,
        list: [(household: HouseholdID, area: Area?)],
        audit: AuditEvent
    ) async throws {
        try await transaction { database in
            let sequence = try await SQLOutcomesStore.nextSequence("lottery", in: database)
            let lines = list.enumerated().map { "\($0.offset + 1),\($0.element.household.rawValue)\n" }.joined()
            try await database.insert(into: "lottery")
                .columns("sequence", "seed", "populationHash", "listHash", "households", "drawnAt", "list", "agreementId")
                .values(sequence, record.seed, record.populationHash, record.listHash, record.households, record.drawnAt, lines, agreement).run()
            for (index, entry) in list.enumerated() {
                let existing = try await database.select().column("id").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, entry.household.rawValue)
                    .first()
                if existing != nil {
                    try await database.update("registeredHousehold").set("listPosition", to: index + 1)
                        .where("agreementId", .equal, agreement).where("id", .equal, entry.household.rawValue).run()
                } else {
                    guard let area = entry.area else { throw RegisterError.unknownHousehold(entry.household) }
                    try await upsert(
                        [Household(id: entry.household, area: area, listPosition: index + 1, group: .control)],
                        into: database
                    )
                }
            }
            _ = try await append(audit, to: database)
        }
    }

    public func lotteries() async throws -> [LotteryRecord] {
        try await reading { database in try await lotteries(in: database) }
    }

    func lotteries(in database: any SQLDatabase) async throws -> [LotteryRecord] {
        try await database.select().column("*").from("lottery").where("agreementId", .equal, agreement).orderBy("sequence").all().map { row in
            LotteryRecord(
                seed: try row.decode(column: "seed", as: String.self),
                populationHash: try row.decode(column: "populationHash", as: String.self),
                listHash: try row.decode(column: "listHash", as: String.self),
                households: try row.decode(column: "households", as: Int.self),
                drawnAt: try row.decode(column: "drawnAt", as: String.self),
                list: try row.decode(column: "list", as: String.self).split(separator: "\n").compactMap { line in
                    line.split(separator: ",", maxSplits: 1).last.map { HouseholdID(String($0)) }
                }
            )
        }
    }

    /// Records a notice received (T 6.1.2, 6.2.3) or a dispute (T 12.2).
    public func recordNotice(_ notice: Notice, audit: AuditEvent) async throws {
        try await transaction { database in
            let sequence = try await SQLOutcomesStore.nextSequence("notice", in: database)
            let (kind, remedy): (String, String?) =
                switch notice.kind {
                case let .withholding(remedyBy): ("withholding", remedyBy.isoString)
                case .revocation: ("revocation", nil)
                case .dispute: ("dispute", nil)
                }
            try await database.insert(into: "notice").columns("sequence", "kind", "received", "remedyBy", "subject", "agreementId")
                .values(sequence, kind, notice.received.isoString, remedy, notice.subject, agreement).run()
            _ = try await append(audit, to: database)
        }
    }

    public func notices() async throws -> [Notice] {
        try await reading { database in try await notices(in: database) }
    }

    func notices(in database: any SQLDatabase) async throws -> [Notice] {
        try await database.select().column("*").from("notice").where("agreementId", .equal, agreement).orderBy("sequence").all().map { row in
            let received = try SQLOutcomesStore.day(row, "received", "notice")
            let kind: Notice.Kind
            switch try row.decode(column: "kind", as: String.self) {
            case "withholding":
                guard let remedy = try row.decode(column: "remedyBy", as: String?.self).flatMap({ LocalDate(iso: $0) }) else {
                    throw StoreError.corruptRow(table: "notice", detail: "remedyBy")
                }
                kind = .withholding(remedyBy: remedy)
            case "revocation": kind = .revocation
            case "dispute": kind = .dispute
            case let other: throw StoreError.corruptRow(table: "notice", detail: other)
            }
            return Notice(kind: kind, received: received, subject: try row.decode(column: "subject", as: String.self))
        }
    }

    /// Everything the compliance monitor looks at, as the store holds it.
    public func complianceInput(_ commitment: Commitment) async throws -> ComplianceInput {
        ComplianceInput(
            commitment: commitment,
            households: try await households(in: nil),
            delivery: try await currentDelivery()?.delivery,
            decisions: try await enrolmentDecisions(),
            meetings: try await meetings(),
            reports: try await reports(),
            budgetActuals: try await budgetActuals(),
            transfers: try await transfers()
        )
    }
}
