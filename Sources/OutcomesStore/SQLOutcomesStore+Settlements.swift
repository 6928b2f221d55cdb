import Foundation
import OutcomesCore
import SQLKit

// SPEC §10: settlements as approved records.
extension SQLOutcomesStore {
    public func proposeSettlement(_ record: SettlementRecord, audit: AuditEvent) async throws {
        try await transaction { database in
            if let existing = try await database.select().column("approvedAt").from("settlementRecord").where("agreementId", .equal, agreement).where("period", .equal, record.period).first(),
                try existing.decode(column: "approvedAt", as: String?.self) != nil
            {
                throw StoreError.settlementApproved(record.period)
            }
            try await database.delete(from: "settlementApproval").where("agreementId", .equal, agreement).where("period", .equal, record.period).run()
            try await database.delete(from: "settlementRecord").where("agreementId", .equal, agreement).where("period", .equal, record.period).run()
            try await database.insert(into: "settlementRecord")
                .columns("agreementId", "period", "contractId", "contractVersion", "deliveryNumber", "document", "hash", "proposedBy", "proposedAt")
                .values(
                    agreement,
                    record.period,
                    record.contractID,
                    record.contractVersion,
                    record.deliveryNumber,
                    record.document,
                    record.hash,
                    record.proposedBy,
                    record.proposedAt
                )
                .run()
            _ = try await append(audit, to: database)
        }
    }

    public func approveSettlement(
        period: String,
        approval: SettlementApproval,
        expectedHash: String,
        required: [String],
        audit: AuditEvent
    ) async throws -> SettlementRecord {
        try await transaction { database in
            guard let row = try await database.select().columns("hash", "approvedAt").from("settlementRecord").where("agreementId", .equal, agreement).where("period", .equal, period).first()
            else { throw StoreError.noSettlementProposal(period) }
            if try row.decode(column: "approvedAt", as: String?.self) != nil { throw StoreError.settlementApproved(period) }
            guard try row.decode(column: "hash", as: String.self) == expectedHash else { throw StoreError.changedMeanwhile }
            try await database.delete(from: "settlementApproval").where("agreementId", .equal, agreement).where("period", .equal, period).where("approver", .equal, approval.approver).run()
            try await database.insert(into: "settlementApproval").columns("agreementId", "period", "approver", "username", "at", "meetingOn")
                .values(agreement, period, approval.approver, approval.username, approval.at, approval.meetingOn.isoString).run()
            let signed = Set(
                try await database.select().column("approver").from("settlementApproval").where("agreementId", .equal, agreement).where("period", .equal, period).all()
                    .map { try $0.decode(column: "approver", as: String.self) }
            )
            if Set(required).isSubset(of: signed) {
                try await database.update("settlementRecord").set("approvedAt", to: approval.at).where("agreementId", .equal, agreement).where("period", .equal, period).run()
            }
            _ = try await append(audit, to: database)
            return try await settlementRecords(in: database).first { $0.period == period }!
        }
    }

    public func approvedSettlementHashes() async throws -> [(period: String, hash: String)] {
        try await reading { database in
            try await database.select().columns("period", "hash").from("settlementRecord").where("agreementId", .equal, agreement).where("approvedAt", .isNot, SQLLiteral.null)
                .orderBy("period").all().map { (try $0.decode(column: "period", as: String.self), try $0.decode(column: "hash", as: String.self)) }
        }
    }

    public func settlementRecords() async throws -> [SettlementRecord] {
        try await reading { database in try await settlementRecords(in: database) }
    }

    func settlementRecords(in database: any SQLDatabase) async throws -> [SettlementRecord] {
        var approvals: [String: [SettlementApproval]] = [:]
        for row in try await database.select().column("*").from("settlementApproval").where("agreementId", .equal, agreement).orderBy("at").all() {
            let period = try row.decode(column: "period", as: String.self)
            approvals[period, default: []].append(
                SettlementApproval(
                    approver: try row.decode(column: "approver", as: String.self),
                    username: try row.decode(column: "username", as: String.self),
                    at: try row.decode(column: "at", as: String.self),
                    meetingOn: try SQLOutcomesStore.day(row, "meetingOn", "settlementApproval")
                )
            )
        }
        return try await database.select().column("*").from("settlementRecord").where("agreementId", .equal, agreement).orderBy("period").all().map { row in
            let period = try row.decode(column: "period", as: String.self)
            var record = SettlementRecord(
                period: period,
                contractID: try row.decode(column: "contractId", as: String.self),
                contractVersion: try row.decode(column: "contractVersion", as: Int.self),
                deliveryNumber: try row.decode(column: "deliveryNumber", as: Int.self),
                document: try row.decode(column: "document", as: String.self),
                proposedBy: try row.decode(column: "proposedBy", as: String.self),
                proposedAt: try row.decode(column: "proposedAt", as: String.self),
                approvals: approvals[period] ?? [],
                approvedAt: try row.decode(column: "approvedAt", as: String?.self)
            )
            let stored = try row.decode(column: "hash", as: String.self)
            guard stored == record.hash else {
                throw StoreError.corruptRow(table: "settlementRecord", detail: "\(period): dokumentets hash passer ikke (ændret uden om Outcomes)")
            }
            record.hash = stored
            return record
        }
    }
}
