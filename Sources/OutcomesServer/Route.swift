public import Foundation
public import HTTPTypes
public import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// Who may call a route.
public enum Access: Sendable {
    /// No login needed (the login itself, health, the OpenAPI document).
    case anyone
    /// Any signed-in user.
    case signedIn
    /// Signed-in users whose role has the permission (the access policy's one table); the use
    /// case may narrow further (a caseworker's own area).
    case permission(Permission)

    func allows(_ role: Role) -> Bool {
        switch self {
        case .anyone, .signedIn: true
        case let .permission(permission): permission.allows(role)
        }
    }

    var isAnyone: Bool {
        if case .anyone = self { return true }
        return false
    }

    /// The roles the OpenAPI document lists under `x-roles`.
    var roleNames: [String] {
        switch self {
        case .anyone: ["anyone"]
        case .signedIn: RoleKind.allCases.map(\.rawValue)
        case let .permission(permission): RoleKind.allCases.filter(permission.roles.contains).map(\.rawValue)
        }
    }
}

extension OutcomesAPI {
    /// The longest password the API takes (bcrypt reads 72 bytes of it).
    static let maximumPasswordLength = 1024

    /// A CPR number as the API takes it: `ddmmåå-xxxx` or `ddmmååxxxx`.
    static let cprSchema = Schema.string(description: "ddmmåå-xxxx eller ddmmååxxxx", limits: .init(pattern: "^[0-9]{6}-?[0-9]{4}$"))

    /// A role's stored form.
    static let roleSchema = Schema.string(
        description: "projectLead, areaCaseworker:<område>, evaluator, funder:<part>, steeringGroup eller admin",
        limits: .init(
            // The area and the party must be the agreement's (the service checks that).
            pattern: "^(projectLead|evaluator|steeringGroup|admin|areaCaseworker:[a-z0-9-]{1,40}|funder:[A-Za-z0-9._-]{1,64})$"
        )
    )
}

/// A query parameter of a route.
public struct QueryParameter: Sendable {
    public var name: String
    public var schema: Schema
    public var required: Bool
    public var description: String

    static let page = QueryParameter(
        name: "page",
        schema: .integer(minimum: 1, maximum: Call.maximumPage),
        required: false,
        description: "Siden, fra 1 til \(Call.maximumPage) (standard 1)."
    )
    static let pageSize = QueryParameter(
        name: "pageSize",
        schema: .integer(minimum: 1, maximum: 500),
        required: false,
        description: "Antal pr. side, 1–500 (standard 50)."
    )
    static let purpose = QueryParameter(
        name: "purpose",
        schema: .optionalLine(maxLength: 200),
        required: false,
        description: "Formålet med opslaget, til revisionssporet (ellers headeren X-Outcomes-Purpose eller rutens standard)."
    )
}

/// One operation of the API: what the router serves and what the OpenAPI document says, from
/// the same value, so the two cannot drift apart.
public struct Route: Sendable {
    public var method: HTTPRequest.Method
    /// OpenAPI form: `/api/households/{id}`.
    public var path: String
    public var operationID: String
    public var summary: String
    public var access: Access
    public var query: [QueryParameter]
    public var requestBody: Schema?
    /// The request body's media type (JSON unless said otherwise).
    public var requestMediaType: String
    public var status: HTTPResponse.Status
    /// The response body's schema; `nil` for no body (204) or a non-JSON body.
    public var response: Schema?
    /// The media type of a non-JSON response.
    public var responseMediaType: String
    /// Whether a user who must change their password may still call it.
    public var allowedBeforePasswordChange: Bool
    /// Whether it reads person data (and so is audited per read, with its purpose).
    public var readsPersonData: Bool
    /// The purpose recorded when the caller states none.
    public var defaultPurpose: String
    /// The largest body this route reads (``BodyLimit``); more answers 413.
    public var maxBodySize: Int
    var handler: @Sendable (Call) async throws -> Reply

    init(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ operationID: String,
        _ summary: String,
        access: Access,
        query: [QueryParameter] = [],
        body: Schema? = nil,
        bodyMediaType: String = "application/json",
        status: HTTPResponse.Status = .ok,
        response: Schema?,
        responseMediaType: String = "application/json",
        allowedBeforePasswordChange: Bool = false,
        readsPersonData: Bool = false,
        defaultPurpose: String = "",
        maxBodySize: Int? = nil,
        handler: @escaping @Sendable (Call) async throws -> Reply
    ) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.summary = summary
        self.access = access
        self.query = readsPersonData ? query + [.purpose] : query
        self.requestBody = body
        self.requestMediaType = bodyMediaType
        self.status = status
        self.response = response
        self.responseMediaType = responseMediaType
        self.allowedBeforePasswordChange = allowedBeforePasswordChange
        self.readsPersonData = readsPersonData
        self.defaultPurpose = defaultPurpose
        if let maxBodySize {
            self.maxBodySize = maxBodySize
        } else if case .anyone = access {
            self.maxBodySize = BodyLimit.anonymous
        } else {
            self.maxBodySize = body == nil ? BodyLimit.none : BodyLimit.json
        }
        self.handler = handler
    }

    /// The path's parameter names, in order (`{id}` → `id`).
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// The route's path under `/api/agreements/{agreement}` (issue #18), for an operation on an
    /// agreement's records (one a role grants); `nil` for the server's own (health, login, the
    /// caller's own password, tokens and calendar, the list of agreements).
    var agreementPath: String? {
        guard case .permission = access, path.hasPrefix("/api/"), !path.hasPrefix("/api/portfolio") else { return nil }
        // A new version of an agreement's file: beside its versions.
        if path == "/api/agreements" { return "/api/agreements/:agreement/versions" }
        if path == "/api/agreements/current/findings" { return "/api/agreements/:agreement/findings" }
        guard !path.hasPrefix("/api/agreements") else { return nil }
        return "/api/agreements/:agreement" + routerPath.dropFirst("/api".count)
    }

    /// The path as Hummingbird's router writes it (`/api/households/:id`).
    var routerPath: String {
        "/" + path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }.joined(separator: "/")
    }
}

/// A call to a route, as its handler sees it.
public struct Call: Sendable {
    public var api: OutcomesAPI
    public var caller: Caller?
    public var pathParameters: [String: String]
    public var query: [String: String]
    public var body: Data
    /// The stated purpose (query `purpose`, header `X-Outcomes-Purpose`, or the route's default).
    public var purpose: String
    public var now: Date
    public var route: Route
    /// The client's address, for the login throttle (``OutcomesAPI/clientAddress(_:_:)``).
    public var clientAddress: String = "unknown"

    /// The signed-in user (routes with `.anyone` access may have none).
    var user: UserAccount {
        get throws {
            guard let user = caller?.user else { throw Problem.notSignedIn() }
            return user
        }
    }

    var today: LocalDate { api.today(now) }

    /// The caller as the use cases take it.
    var requester: Requester { Requester(
            user: caller?.user,
            purpose: purpose,
            now: now,
            channel: route.operationID,
            credentialHash: caller?.credentialHash,
            currentDelivery: caller?.currentDelivery,
            clientAddress: clientAddress
        ) }
    var timestamp: String { api.timestamp(now) }

    func parameter(_ name: String) -> String { pathParameters[name] ?? "" }

    /// An audit event by the caller.
    func audit(_ action: String, subject: String) -> AuditEvent {
        AuditEvent(
            actor: (caller?.user.username).map { "user:" + $0 } ?? "anonymous",
            action: action,
            subject: subject,
            purpose: purpose,
            at: timestamp
        )
    }

    /// Decodes the JSON body, or answers 400 naming the field that is wrong. No string in it
    /// may hold a control character but a line break or a tab (``InputRules/text(_:field:maximumLength:allowEmpty:)``);
    /// the use cases hold each field to its own rule.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !body.isEmpty else { throw Problem.badRequest("Forespørgslen mangler en JSON-krop.") }
        if let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]), let field = Call.controlCharacterField(in: json) {
            throw Problem.badRequest("Feltet '\(field)' indeholder et styretegn (fx NUL); det er ikke tilladt.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem.badRequest("Feltet '\(path(context.codingPath + [key]))' mangler.")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Problem.badRequest("Feltet '\(path(context.codingPath))' har forkert type.")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Problem.badRequest("Feltet '\(path(context.codingPath))' mangler en værdi.")
        } catch let DecodingError.dataCorrupted(context) {
            if context.codingPath.isEmpty { throw Problem.badRequest("Kroppen er ikke gyldig JSON.") }
            throw Problem.badRequest("Feltet '\(path(context.codingPath))' er ugyldigt: \(context.debugDescription)")
        }
    }

    /// The path of the first string (or key) in a JSON value holding a control character other
    /// than a line break or a tab.
    static func controlCharacterField(in value: Any, path: String = "") -> String? {
        func bad(_ text: String) -> Bool {
            text.unicodeScalars.contains { InputRules.isControl($0) && !["\n", "\r", "\t"].contains($0) }
        }
        switch value {
        case let text as String: return bad(text) ? (path.isEmpty ? "(kroppen)" : path) : nil
        case let array as [Any]:
            for (index, item) in array.enumerated() {
                if let found = controlCharacterField(in: item, path: path.isEmpty ? String(index) : "\(path).\(index)") { return found }
            }
        case let object as [String: Any]:
            for (key, item) in object {
                let itemPath = path.isEmpty ? key : "\(path).\(key)"
                if bad(key) { return InputRules.visible(itemPath) }
                if let found = controlCharacterField(in: item, path: itemPath) { return found }
            }
        default: break
        }
        return nil
    }

    private func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The highest page a list may be asked for (the OpenAPI document states it).
    static let maximumPage = 1_000_000

    /// The page the query asks for.
    func page() throws -> (page: Int, size: Int) {
        let page =
            try query["page"].map { text in
                guard let value = Int(text), (1...Call.maximumPage).contains(value) else {
                    throw Problem.badRequest("'page' skal være et helt tal fra 1 til \(Call.maximumPage), ikke '\(InputRules.visible(text))'.")
                }
                return value
            } ?? 1
        let size =
            try query["pageSize"].map { text in
                guard let value = Int(text), (1...500).contains(value) else {
                    throw Problem.badRequest("'pageSize' skal være et helt tal fra 1 til 500, ikke '\(InputRules.visible(text))'.")
                }
                return value
            } ?? 50
        return (page, size)
    }

    /// One page of `items`.
    func paged<T: Encodable & Sendable>(_ items: [T]) throws -> Page<T> {
        let (page, size) = try page()
        // Both are bounded, but the product is checked all the same: no query can trap.
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        let start = overflow ? items.count : min(offset, items.count)
        return Page(items: Array(items[start..<min(start + size, items.count)]), page: page, pageSize: size, total: items.count)
    }
}

/// A page of a list.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var page: Int
    public var pageSize: Int
    public var total: Int
}

/// What a handler answers.
public struct Reply: Sendable {
    public var status: HTTPResponse.Status
    public var contentType: String
    public var body: Data
    public var headers: HTTPFields = [:]

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Reply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Reply(status: status, contentType: "application/json; charset=utf-8", body: try encoder.encode(value))
    }

    static func raw(_ body: Data, contentType: String, status: HTTPResponse.Status = .ok) -> Reply {
        Reply(status: status, contentType: contentType, body: body)
    }

    static let noContent = Reply(status: .noContent, contentType: "", body: Data())
}
