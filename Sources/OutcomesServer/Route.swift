public import Foundation
public import HTTPTypes
public import OutcomesApplication
public import OutcomesCore
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

    /// The roles the OpenAPI document lists under `x-roles`.
    var roleNames: [String] {
        switch self {
        case .anyone: ["anyone"]
        case .signedIn: RoleKind.allCases.map(\.rawValue)
        case let .permission(permission): RoleKind.allCases.filter(permission.roles.contains).map(\.rawValue)
        }
    }
}

/// A query parameter of a route.
public struct QueryParameter: Sendable {
    public var name: String
    public var schema: Schema
    public var required: Bool
    public var description: String

    static let page = QueryParameter(name: "page", schema: .integer(), required: false, description: "Siden, fra 1 (standard 1).")
    static let pageSize = QueryParameter(
        name: "pageSize",
        schema: .integer(),
        required: false,
        description: "Antal pr. side, 1–500 (standard 50)."
    )
    static let purpose = QueryParameter(
        name: "purpose",
        schema: .text,
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
        self.handler = handler
    }

    /// The path's parameter names, in order (`{id}` → `id`).
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
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
            currentDelivery: caller?.currentDelivery
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

    /// Decodes the JSON body, or answers 400 naming the field that is wrong.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !body.isEmpty else { throw Problem.badRequest("Forespørgslen mangler en JSON-krop.") }
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

    private func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The page the query asks for.
    func page() throws -> (page: Int, size: Int) {
        let page =
            try query["page"].map { text in
                guard let value = Int(text), value >= 1 else { throw Problem.badRequest("'page' skal være et helt tal fra 1, ikke '\(text)'.") }
                return value
            } ?? 1
        let size =
            try query["pageSize"].map { text in
                guard let value = Int(text), (1...500).contains(value) else {
                    throw Problem.badRequest("'pageSize' skal være et helt tal fra 1 til 500, ikke '\(text)'.")
                }
                return value
            } ?? 50
        return (page, size)
    }

    /// One page of `items`.
    func paged<T: Encodable & Sendable>(_ items: [T]) throws -> Page<T> {
        let (page, size) = try page()
        let start = min((page - 1) * size, items.count)
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
