import Foundation
import HTTPTypes
import Logging
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import OutcomesStore

struct ReceiptView: Encodable, Sendable {
    var number: Int
    var contentHash: String
    var receivedOn: LocalDate
    var supersedes: Int?
    var isNew: Bool
    var rowCount: Int
    var overriddenRegister: [String]

    init(_ receipt: DeliveryReceipt) {
        overriddenRegister = receipt.overriddenRegister.map(\.rawValue)
        number = receipt.number
        contentHash = receipt.contentHash
        receivedOn = receipt.receivedOn
        supersedes = receipt.supersedes
        isNew = receipt.isNew
        rowCount = receipt.rowCount
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(contentHash, forKey: .contentHash)
        try c.encode(receivedOn, forKey: .receivedOn)
        try c.encode(supersedes, forKey: .supersedes)
        try c.encode(isNew, forKey: .isNew)
        try c.encode(rowCount, forKey: .rowCount)
        try c.encode(overriddenRegister, forKey: .overriddenRegister)
    }
    enum CodingKeys: String, CodingKey { case number, contentHash, receivedOn, supersedes, isNew, rowCount, overriddenRegister }

    static let schema = Schema.record([
        ("number", .integer()), ("contentHash", .text), ("receivedOn", .date), ("supersedes", .nullable(.integer())), ("isNew", .boolean),
        ("rowCount", .integer()), ("overriddenRegister", .array(.text)),
    ])
}

extension OutcomesAPI {
    static var deliveryRoutes: [Route] {
        struct Upload: Decodable {
            var receivedOn: LocalDate?
            /// File name → the CSV text.
            var files: [String: String]
            /// Households whose register values (caseworkers' edits) the delivery must not
            /// replace, as the preview listed them.
            var keepRegister: [String]?
        }
        let asOf = QueryParameter(name: "asOf", schema: .date, required: true, description: "Opgørelsesdatoen (ÅÅÅÅ-MM-DD).")
        return [
            Route(
                .get,
                "/api/deliveries",
                "listDeliveries",
                "Dataleverancerne på lager, ældste først",
                access: .permission(.readFigures),
                query: [.page, .pageSize],
                response: .page(of: .ref("DeliveryReceipt"))
            ) { call in
                try .json(try call.paged(try await call.api.service.deliveries(call.requester).map(ReceiptView.init)))
            },
            Route(
                .post,
                "/api/deliveries",
                "importDelivery",
                "Importér en dataleverance (SPEC §5) alt eller intet; samme filer igen ændrer intet",
                access: .permission(.importDelivery),
                body: .object(
                    [
                        ("receivedOn", .nullable(.date)),
                        ("files", .map(.string(description: "CSV-filens tekst; navnet er nøglen, fx households.csv"))),
                        ("keepRegister", .nullable(.array(.identifier))),
                    ],
                    required: ["files"]
                ),
                status: .created,
                response: .ref("DeliveryReceipt"),
                maxBodySize: BodyLimit.deliveryUpload
            ) { call in
                let upload = try call.decode(Upload.self)
                let receipt = try await call.api.service.importDelivery(
                    call.requester,
                    files: upload.files.mapValues { Data($0.utf8) },
                    receivedOn: upload.receivedOn,
                    keepingRegister: Set((upload.keepRegister ?? []).map(HouseholdID.init))
                )
                return try .json(ReceiptView(receipt), status: receipt.isNew ? .created : .ok)
            },
            Route(
                .post,
                "/api/deliveries/preview",
                "previewDelivery",
                "Hvad en leverance ville gøre, før den gemmes: husstande tilføjet, fjernet og ændret, registrets rettelser den ville overskrive, og pengene pr. halvår og mål; intet gemmes",
                access: .permission(.importDelivery),
                body: .object(
                    [("files", .map(.string(description: "CSV-filens tekst; navnet er nøglen, fx households.csv")))],
                    required: ["files"]
                ),
                response: OutcomesAPI.previewSchema,
                maxBodySize: BodyLimit.deliveryUpload
            ) { call in
                struct Files: Decodable { var files: [String: String] }
                let body = try call.decode(Files.self)
                let (imported, _, preview) = try await call.api.service.deliveryPreview(call.requester, files: body.files.mapValues { Data($0.utf8) })
                return .raw(OutcomesAPI.previewJSON(preview, imported: imported), contentType: "application/json; charset=utf-8")
            },
            Route(
                .get,
                "/api/settlements",
                "settlement",
                "Betalingsopgørelsen pr. dato (SPEC §6) med linjer pr. person og husstand (pseudonymer)",
                access: .permission(.readSettlementLines),
                query: [asOf],
                response: .ref("Settlement"),
                readsPersonData: true,
                defaultPurpose: "betalingsopgørelse"
            ) { call in
                .raw(Data(try await call.settle(lines: true).utf8), contentType: "application/json; charset=utf-8")
            },
            Route(
                .get,
                "/api/settlements/summary",
                "settlementSummary",
                "Betalingsopgørelsen som samlede tal (uden linjer): perioder, mål, trancher",
                access: .permission(.readFigures),
                query: [asOf],
                response: .ref("Settlement")
            ) { call in
                .raw(Data(try await call.settle(lines: false).utf8), contentType: "application/json; charset=utf-8")
            },
        ]
    }

    /// The settlement as JSON (SPEC §6): per half-year the goals, the cap reduction, what each
    /// payer pays (`kommune`, `lbf`) and what each funder receives (`toDSI`, `toLBF`) — the
    /// agreement's own parties.
    static func settlementSchema(_ c: Commitment) -> Schema {
        let payers = Set(c.paymentGoals.map(\.payer.value.rawValue)).sorted()
        let amounts = ["capReduction", "total"] + payers + c.tranches.shares.map { "to" + $0.funder.rawValue.uppercased() }
        let periodFields: [(String, Schema)] =
            [
                ("period", .text), ("start", .date), ("end", .date), ("due", .date), ("closed", .boolean),
                // SPEC §10: `correction` only on a goal that has one.
                ("goals", .map(.object([("amount", .money), ("payable", .money), ("correction", .money)], required: ["amount", "payable"]))),
            ] + amounts.map { ($0, Schema.money) }
        let correction = Schema.record([
            ("period", .text), ("settledIn", .text), ("goal", .integer()), ("point", .text), ("household", .nullable(.text)),
            ("person", .nullable(.text)), ("cohort", .nullable(.integer())), ("before", .money), ("after", .money), ("difference", .money),
            ("reason", .text),
        ])
        let settlement = Schema.record([
            ("contract", .text), ("asOf", .date),
            // SPEC §10: `approved` only on an approved half-year.
            // T 11.1: `version` only when the agreement is amended within the settlement.
            ("periods", .array(.object(periodFields + [("approved", .boolean), ("version", .integer(minimum: 1))], required: periodFields.map(\.0)))),
            ("goals", .map(.record([("amount", .money), ("imputed", .money), ("payable", .money), ("lines", .integer())]))),
            ("totals", .record([("amount", Schema.money)] + amounts.map { ($0, Schema.money) })),
            (
                "lines",
                .array(
                    .record([
                        ("goal", .integer()), ("point", .text), ("date", .date), ("period", .text), ("household", .nullable(.text)),
                        ("person", .nullable(.text)), ("cohort", .nullable(.integer())), ("amount", .money), ("imputed", .boolean),
                        ("basis", .text),
                    ])
                )
            ),
            ("warnings", .array(.text)),
        ])
        // SPEC §9: the interpretations used; SPEC §10: `corrections` only when a later delivery
        // changed an approved half-year.
        guard case let .object(properties, required) = settlement else { return settlement }
        let interpretations = Schema.array(.record([("key", .text), ("clause", .text), ("reading", .text)]))
        return .object(properties + [("interpretations", interpretations), ("corrections", .array(correction))], required: required)
    }
}

extension OutcomesAPI {
    static let previewSchema: Schema = {
        let change = Schema.record([
            ("household", .text), ("changes", .array(.record([("field", .text), ("before", .text), ("after", .text)]))),
        ])
        return .record([
            ("rows", .integer()), ("added", .array(.text)), ("removed", .array(.text)), ("changed", .array(change)),
            ("registerOverrides", .array(change)),
            (
                "money",
                .array(
                    .record([
                        ("period", .text), ("goal", .integer()), ("approved", .boolean), ("before", .money), ("after", .money), ("difference", .money),
                    ])
                )
            ),
            ("corrections", .money), ("totalBefore", .money), ("totalAfter", .money), ("warnings", .array(.text)),
        ])
    }()

    static func previewJSON(_ preview: DeliveryPreview, imported: ImportedDelivery) -> Data {
        func changes(_ list: [DeliveryPreview.HouseholdChange]) -> [[String: Any]] {
            list.map { change in
                [
                    "household": change.household.rawValue,
                    "changes": change.changes.map { ["field": $0.field, "before": $0.before, "after": $0.after] },
                ]
            }
        }
        let object: [String: Any] = [
            "rows": imported.delivery.households.count + imported.delivery.persons.count + imported.delivery.employment.count
                + imported.delivery.socialMeasures.count + imported.delivery.lifeSatisfaction.count + imported.delivery.actionPlanGoals.count
                + imported.delivery.schoolAbsence.count,
            "added": preview.added.map(\.rawValue), "removed": preview.removed.map(\.rawValue),
            "changed": changes(preview.changed), "registerOverrides": changes(preview.registerOverrides),
            "money": preview.money.map {
                [
                    "period": $0.period.label, "goal": $0.goal, "approved": $0.isApproved, "before": $0.before.machineString,
                    "after": $0.after.machineString, "difference": $0.difference.machineString,
                ] as [String: Any]
            },
            "corrections": preview.corrections.machineString, "totalBefore": preview.totalBefore.machineString,
            "totalAfter": preview.totalAfter.machineString, "warnings": imported.warnings,
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

extension Call {
    /// The current delivery's settlement as of the `asOf` query parameter, as its JSON document.
    func settle(lines: Bool) async throws -> String {
        let asOf = try asOfDate()
        return try await api.service.settlementDocument(requester, asOf: asOf, lines: lines)
    }
}
