import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport

let viborg = ContractFile.builtIn()
/// The tests' "now": 2026-11-26 12:00 UTC.
let fixedNow = Date(timeIntervalSince1970: 1_795_694_400)
let testKey = Data(repeating: 7, count: 32)
let demoFiles = DemoData.generate(commitment: viborg, seed: 2023, households: 180)

/// A user of each role, with a password and an API token.
enum TestUser: String, CaseIterable, Sendable {
    case pl, cw, ev, dsi, sg, adm

    var role: Role { role(in: viborg) }

    /// The role in `agreement`: the caseworker of its first area, the funder of its grant.
    func role(in agreement: Commitment) -> Role {
        switch self {
        case .pl: .projectLead
        case .cw: .areaCaseworker(agreement.areas[0].area)
        case .ev: .evaluator
        case .dsi: .funder(agreement.theGrantFunder)
        case .sg: .steeringGroup
        case .adm: .admin
        }
    }
    var password: String { "adgangskode-\(rawValue)-2026" }
    var token: String { "token-\(rawValue)-0123456789abcdef" }
}

/// The matrix household: Houlkær, course started 2026-10-01 (its plan adjustable until 2027-04-01).
let matrixHousehold = "H-MATRIX"
/// A CPR number registered on the matrix household.
let registeredCPR = "0101901234"

/// An API over a fresh store holding Viborg's agreement (or `agreement`, from `contractText`),
/// the demo delivery, one user of each role (with a token), the matrix household (in the
/// agreement's first area) with an action plan and a registered person.
func withAPI(
    _ backend: Backend,
    trustForwardedFor: Bool = false,
    agreement viborg: Commitment = viborg,
    contractText: String = ContractFile.builtInText,
    demoFiles: [String: String] = demoFiles,
    _ body: @Sendable (OutcomesAPI, SQLOutcomesStore, any TestClientProtocol) async throws -> Void
) async throws {
    try await backend.withStore { database in
        database.setPasswordCost(4)
        // The agreement's records (issue #18): users get their roles in it.
        let store = database.sqlScoped(to: viborg.id)
        let at = "2026-11-26T12:00:00Z"
        let system = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: at)
        _ = try await store.saveContract(id: viborg.id, version: viborg.version, text: contractText)
        _ = try await store.importDelivery(demoFiles.mapValues { Data($0.utf8) }, commitment: viborg, receivedOn: LocalDate(iso: "2026-11-01")!)
        for user in TestUser.allCases {
            try await store.createUser(
                UserAccount(username: user.rawValue, displayName: user.rawValue, role: user.role(in: viborg)),
                password: user.password,
                audit: system
            )
            try await store.saveAPIToken(user.token, username: user.rawValue, name: "test", audit: system)
        }
        let start = LocalDate(iso: "2026-10-01")!
        try await store.saveHousehold(
            Household(id: HouseholdID(matrixHousehold), area: viborg.areas[0].area, group: .treatment, start: start),
            interventionPeriod: viborg.interventionPeriod.value,
            audit: system
        )
        try await store.createActionPlan(
            ActionPlan(household: HouseholdID(matrixHousehold), courseStart: start, goals: [.init(id: "M1", text: "Et fast dagligt måltid")]),
            audit: system
        )
        let pseudonymizer = try PersonPseudonymizer(secret: testKey)
        let cpr = try CPRNumber(registeredCPR)
        try await store.addPerson(
            PersonRecord(id: pseudonymizer.pseudonym(for: cpr), household: HouseholdID(matrixHousehold), birthDate: cpr.birthDate, name: "Anna Test"),
            audit: system
        )
        let api = OutcomesAPI(store: store, commitment: viborg, pseudonymizer: pseudonymizer, clock: { fixedNow }, trustForwardedFor: trustForwardedFor)
        let app = Application(router: api.router())
        try await app.test(.router) { client in try await body(api, store, client) }
    }
}

/// A response, with its body as text and JSON.
struct Answer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
}

extension TestClientProtocol {
    /// Sends a request as `user` (bearer token), or anonymously.
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        as user: TestUser? = nil,
        json: Any? = nil,
        raw: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let user { headers[.authorization] = "Bearer \(user.token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            Answer(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }
}
