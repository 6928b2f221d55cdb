import Foundation
import HTTPTypes
import OutcomesCore

extension OutcomesAPI {
    /// The named schemas routes refer to with `.ref`; the settlement's fields are the
    /// agreement's payers and funders.
    static func componentSchemas(_ commitment: Commitment) -> [(String, Schema)] { [
        ("User", UserView.schema),
        ("Household", HouseholdView.schema),
        ("Person", PersonView.schema),
        ("Measurements", measurementsSchema),
        ("ActionPlan", ActionPlanView.schema),
        ("Decision", DecisionView.schema),
        ("DeliveryReceipt", ReceiptView.schema),
        ("Settlement", settlementSchema(commitment)),
        ("Forecast", forecastSchema(commitment)),
        ("SettlementRecord", SettlementRecordView.schema),
        (
            "Problem",
            .object(
                [
                    ("type", .text), ("title", .text), ("status", .integer()), ("detail", .text),
                    ("errors", .array(.string(description: "fil:linje: kolonne: besked"))),
                ],
                required: ["type", "title", "status", "detail"]
            )
        ),
    ] }

    /// The OpenAPI 3.1 document of ``routes``: rendered from the same values the router
    /// serves, with each operation's roles under `x-roles`.
    func openAPIDocument() -> Data {
        var paths: [String: [String: Any]] = [:]
        let problem: [String: Any] = [
            "description": "Fejl som application/problem+json",
            "content": ["application/problem+json": ["schema": Schema.ref("Problem").json]],
        ]
        for route in routes {
            var operation: [String: Any] = [
                "operationId": route.operationID,
                "summary": route.summary,
                "x-roles": route.access.roleNames,
                "x-reads-person-data": route.readsPersonData,
            ]
            var parameters: [[String: Any]] = route.pathParameters.map {
                ["name": $0, "in": "path", "required": true, "schema": ($0 == "username" ? Schema.userName : Schema.identifier).json]
            }
            parameters += route.query.map {
                ["name": $0.name, "in": "query", "required": $0.required, "schema": $0.schema.json, "description": $0.description]
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = route.requestBody {
                operation["requestBody"] = ["required": true, "content": [route.requestMediaType: ["schema": body.json]]]
            }
            var success: [String: Any] = ["description": route.summary]
            if let schema = route.response {
                success["content"] = [route.responseMediaType: ["schema": schema.json]]
            } else if route.status != .noContent {
                success["content"] = [route.responseMediaType: [String: Any]()]
            }
            // Every operation may answer these; 415 where it takes a body, 429 for the password checks.
            var responses: [String: Any] = [String(route.status.code): success, "4XX": problem, "500": problem]
            for code in ["400", "401", "403", "404", "405", "413"] { responses[code] = problem }
            if route.requestBody != nil { responses["415"] = problem; responses["422"] = problem }
            if ["login", "changePassword"].contains(route.operationID) { responses["429"] = problem }
            if route.access.isAnyone { responses["401"] = route.operationID == "login" ? problem : nil }
            if route.operationID == "importDelivery" {
                responses["200"] = [
                    "description": "Leverancen fandtes allerede; intet ændret",
                    "content": ["application/json": ["schema": Schema.ref("DeliveryReceipt").json]],
                ]
            }
            operation["responses"] = responses
            if case .anyone = route.access {
                operation["security"] = [[String: Any]]()
            }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        var schemas: [String: Any] = [:]
        for (name, schema) in OutcomesAPI.componentSchemas(commitment) { schemas[name] = schema.json }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "Outcomes",
                "version": "1",
                "description":
                    "Systemet for aftalen om betinget tilskud: husstande, visitation, handleplaner, dataleverancer, betalingsopgørelser, betalinger og revisionsspor. Fejl er application/problem+json; lister pagineres med page (1–1000000) og pageSize (1–500); ikke-understøttede metoder giver 405. Grænser: krop højst 16 KiB før login og uden krop, 1 MiB for JSON, 2 MiB for en kontraktfil, 64 MiB for en leverance (413 derover); JSON kun som application/json (415 ellers); id'er efter mønstret \(InputRules.identifierPattern); beløb over 0 og højst 1.000.000.000,00 kr.; år og datoer 1900–2100; tekst uden styretegn. Ændringer fra en anden sides Origin afvises (403). Flere aftaler (issue #18): hver operation på en aftales poster (alle med x-roles ud over de indloggedes egne) findes også under /api/agreements/{aftalens id}/… (fx /api/agreements/aarhus-staerke-familier/households); stierne uden aftale gælder standardaftalen, \(commitment.id). En aftale, man ikke har en rolle i, svarer 404 som en, der ikke findes; GET /api/portfolio/agreements viser ens aftaler.",
            ],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "API-token fra POST /api/tokens"],
                    "session": [
                        "type": "apiKey", "in": "cookie", "name": OutcomesAPI.sessionCookie,
                        "description": "Sessionens cookie fra POST /api/session; ændringer kræver også headeren X-CSRF-Token",
                    ],
                ],
            ],
            "security": [["bearer": [String]()], ["session": [String]()]],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
