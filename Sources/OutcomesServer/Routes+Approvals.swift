import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// A proposed or approved half-year (SPEC §10), as the API shows it.
struct SettlementRecordView: Encodable, Sendable {
    struct ApprovalView: Encodable, Sendable {
        var approver: String
        var username: String
        var at: String
        var meetingOn: LocalDate
    }
    var period: String
    /// `indstillet` (proposed) or `godkendt` (approved).
    var status: String
    var contract: String
    var contractVersion: Int
    var delivery: Int
    var hash: String
    var proposedBy: String
    var proposedAt: String
    var approvals: [ApprovalView]
    var missingApprovals: [String]
    var approvedAt: String?
    var document: String?

    init(_ record: SettlementRecord, approvers: [String], document: Bool) {
        period = record.period
        status = record.isApproved ? "godkendt" : "indstillet"
        contract = record.contractID
        contractVersion = record.contractVersion
        delivery = record.deliveryNumber
        hash = record.hash
        proposedBy = record.proposedBy
        proposedAt = record.proposedAt
        approvals = record.approvals.map { ApprovalView(approver: $0.approver, username: $0.username, at: $0.at, meetingOn: $0.meetingOn) }
        missingApprovals = approvers.filter { approver in !record.approvals.contains { $0.approver == approver } }
        approvedAt = record.approvedAt
        self.document = document ? record.document : nil
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(period, forKey: .period)
        try c.encode(status, forKey: .status)
        try c.encode(contract, forKey: .contract)
        try c.encode(contractVersion, forKey: .contractVersion)
        try c.encode(delivery, forKey: .delivery)
        try c.encode(hash, forKey: .hash)
        try c.encode(proposedBy, forKey: .proposedBy)
        try c.encode(proposedAt, forKey: .proposedAt)
        try c.encode(approvals, forKey: .approvals)
        try c.encode(missingApprovals, forKey: .missingApprovals)
        try c.encode(approvedAt, forKey: .approvedAt)
        if let document { try c.encode(document, forKey: .document) }
    }
    enum CodingKeys: String, CodingKey {
        case period, status, contract, contractVersion, delivery, hash, proposedBy, proposedAt, approvals, missingApprovals, approvedAt, document
    }

    static let fields: [(String, Schema)] = [
        ("period", .text), ("status", .string(values: ["indstillet", "godkendt"])), ("contract", .text), ("contractVersion", .integer()),
        ("delivery", .integer()), ("hash", .text), ("proposedBy", .text), ("proposedAt", .text),
        ("approvals", .array(.record([("approver", .text), ("username", .text), ("at", .text), ("meetingOn", .date)]))),
        ("missingApprovals", .array(.text)), ("approvedAt", .nullable(.text)),
    ]
    static let schema = Schema.object(fields + [("document", .text)], required: fields.map(\.0))
}

extension OutcomesAPI {
    static var approvalRoutes: [Route] {
        struct Proposal: Decodable { var period: String }
        struct Approval: Decodable {
            var hash: String
            var meetingOn: LocalDate
        }
        let period = Schema.string(description: "halvåret, fx 2024-H2", limits: .init(pattern: "^(19[0-9]{2}|20[0-9]{2}|2100)-H[12]$"))
        @Sendable func halfYear(_ text: String, field: String) throws -> HalfYear {
            guard let value = HalfYear(label: text) else {
                throw Problem.unprocessable("Feltet '\(field)' skal være et halvår som 2024-H2, ikke '\(InputRules.visible(text))'.")
            }
            return value
        }
        struct InstructionView: Encodable {
            var period: String
            var from: String
            var to: String
            var amount: Money
            var dueBy: LocalDate
            var paid: Money
            var outstanding: Money
            var status: String
        }
        let asOf = QueryParameter(name: "asOf", schema: .date, required: true, description: "Datoen (ÅÅÅÅ-MM-DD).")
        return [
            Route(
                .get,
                "/api/payment-instructions",
                "paymentInstructions",
                "Betalingsinstrukserne fra de godkendte halvår: hvem betaler hvem hvor meget hvornår, og hvad der er betalt (SPEC §10, T 5.1)",
                access: .permission(.readFigures),
                query: [asOf, .page, .pageSize],
                response: .page(
                    of: .record([
                        ("period", .text), ("from", .text), ("to", .text), ("amount", .money), ("dueBy", .date), ("paid", .money),
                        ("outstanding", .money), ("status", .string(values: ["paid", "open", "overdue"])),
                    ])
                )
            ) { call in
                let instructions = try await call.api.service.paymentInstructions(call.requester, asOf: try call.asOfDate())
                return try .json(
                    try call.paged(
                        instructions.map {
                            InstructionView(
                                period: $0.period.label,
                                from: $0.from.rawValue,
                                to: $0.to.rawValue,
                                amount: $0.amount,
                                dueBy: $0.dueBy,
                                paid: $0.paid,
                                outstanding: $0.outstanding,
                                status: $0.status.rawValue
                            )
                        }
                    )
                )
            },
            Route(
                .get,
                "/api/settlements/records",
                "listSettlementRecords",
                "De indstillede og godkendte halvårsopgørelser (SPEC §10), ældste først",
                access: .permission(.readFigures),
                query: [.page, .pageSize],
                response: .page(of: .ref("SettlementRecord"))
            ) { call in
                let approvers = call.api.service.approvers
                let records = try await call.api.service.settlementRecords(call.requester)
                return try .json(try call.paged(records.map { SettlementRecordView($0, approvers: approvers, document: false) }))
            },
            Route(
                .get,
                "/api/settlements/records/{period}",
                "getSettlementRecord",
                "Én halvårsopgørelse som indstillet eller godkendt; det fastfrosne dokument (med linjer) for roller med adgang til linjerne",
                access: .permission(.readFigures),
                response: .ref("SettlementRecord")
            ) { call in
                let wanted = try halfYear(call.parameter("period"), field: "period")
                let approvers = call.api.service.approvers
                let (record, _, shows) = try await call.api.service.settlementRecord(call.requester, period: wanted)
                return try .json(SettlementRecordView(record, approvers: approvers, document: shows))
            },
            Route(
                .post,
                "/api/settlements/records",
                "proposeSettlement",
                "Indstil et afsluttet halvårs opgørelse til godkendelse (evaluator, T 5.5); den fastfryses med en hash",
                access: .permission(.proposeSettlement),
                body: .record([("period", period)]),
                status: .created,
                response: .ref("SettlementRecord")
            ) { call in
                let body = try call.decode(Proposal.self)
                let record = try await call.api.service.proposeSettlement(call.requester, period: try halfYear(body.period, field: "period"))
                return try .json(SettlementRecordView(record, approvers: call.api.service.approvers, document: true), status: .created)
            },
            Route(
                .post,
                "/api/settlements/records/{period}/approvals",
                "approveSettlement",
                "Godkend den indstillede opgørelse, du har set (dens hash), og det styregruppemøde den blev forelagt (projektleder og DSI)",
                access: .permission(.approveSettlement),
                body: .record([("hash", .string(limits: .init(pattern: "^[0-9a-f]{64}$"))), ("meetingOn", .date)]),
                response: .ref("SettlementRecord")
            ) { call in
                let body = try call.decode(Approval.self)
                let record = try await call.api.service.approveSettlement(
                    call.requester,
                    period: try halfYear(call.parameter("period"), field: "period"),
                    hash: body.hash,
                    meetingOn: body.meetingOn
                )
                return try .json(SettlementRecordView(record, approvers: call.api.service.approvers, document: false))
            },
        ]
    }
}
