public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import OutcomesApplication
public import OutcomesCore
public import OutcomesStore

/// The request context of every route.
public struct OutcomesRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address (for the login throttle); `nil` in in-process tests.
    public let remoteAddress: SocketAddress?
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
    /// The largest body any request may send: a delivery's files (``BodyLimit/deliveryUpload``).
    public var maxUploadSize: Int { BodyLimit.deliveryUpload }
}

/// The largest request bodies, per kind of route (docs/decisions.md "Step 8"). A body over its
/// route's limit answers 413 before more of it is read: by its `Content-Length` at once, and a
/// body sent without one is read only up to the limit.
public enum BodyLimit {
    /// Routes anyone may call (the login): 16 KiB.
    public static let anonymous = 16 * 1024
    /// Routes with no body: 16 KiB (a body there is read and ignored).
    public static let none = 16 * 1024
    /// JSON and form bodies: 1 MiB.
    public static let json = 1024 * 1024
    /// A contract file: 2 MiB.
    public static let contract = 2 * 1024 * 1024
    /// A delivery's CSV files, as JSON or as a form upload: 64 MiB (Viborg's is under 1 MiB; a
    /// municipality of 100.000 households about 40 MiB).
    public static let deliveryUpload = 64 * 1024 * 1024
}

/// The HTTP API: every route of ``routes`` on a Hummingbird router, with login, roles,
/// CSRF, the audit of person-data reads and `application/problem+json` errors.
///
/// ```swift
/// let api = OutcomesAPI(store: store, commitment: viborg, pseudonymizer: try PersonPseudonymizer(secret: key))
/// let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public final class OutcomesAPI: Sendable {
    /// A path as the log may hold it: a calendar address's token is a standing credential, so
    /// `/kalender/<token>.ics` is logged as `/kalender/….ics`.
    static func loggedPath(_ path: String) -> String {
        guard path.hasPrefix("/kalender/"), path.hasSuffix(".ics") else { return path }
        return "/kalender/….ics"
    }

    /// The use cases; routes and pages only parse and render around them.
    public let service: OutcomesService
    public var commitment: Commitment { service.commitment }
    var pseudonymizer: PersonPseudonymizer? { service.pseudonymizer }
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Whether session cookies carry `Secure` (always, but for tests of plain-HTTP clients that
    /// drop such cookies; browsers treat `localhost` as secure).
    let secureCookies: Bool
    /// Whether the client's address is taken from the last `X-Forwarded-For` entry (behind a
    /// reverse proxy that sets it); else from the connection.
    let trustForwardedFor: Bool
    /// Whether the server speaks HTTPS itself (then `Strict-Transport-Security` is sent).
    let servesHTTPS: Bool
    /// Every operation, in the order the OpenAPI document lists them.
    public let routes: [Route]
    /// The agreements the server holds, this one among them (issue #18).
    public let portfolio: Portfolio

    public init(
        service: OutcomesService,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "outcomes.api"),
        secureCookies: Bool = true,
        trustForwardedFor: Bool = false,
        servesHTTPS: Bool = false,
        portfolio: Portfolio? = nil
    ) {
        self.service = service
        self.portfolio = portfolio ?? Portfolio(defaultID: service.commitment.id)
        self.clock = clock
        self.logger = logger
        self.secureCookies = secureCookies
        self.trustForwardedFor = trustForwardedFor
        self.servesHTTPS = servesHTTPS
        self.routes =
            OutcomesAPI.systemRoutes + OutcomesAPI.sessionRoutes + OutcomesAPI.userRoutes + OutcomesAPI.agreementRoutes
            + OutcomesAPI.householdRoutes + OutcomesAPI.actionPlanRoutes + OutcomesAPI.visitationRoutes
            + OutcomesAPI.deliveryRoutes + OutcomesAPI.approvalRoutes + OutcomesAPI.ledgerRoutes + OutcomesAPI.complianceRoutes + OutcomesAPI.financeRoutes
            + OutcomesAPI.auditRoutes + OutcomesAPI.portfolioRoutes
        self.portfolio.register(self)
    }

    /// Adds another agreement to the server: its API shares this one's settings and portfolio.
    @discardableResult
    public func add(_ service: OutcomesService) -> OutcomesAPI {
        OutcomesAPI(
            service: service,
            clock: clock,
            logger: logger,
            secureCookies: secureCookies,
            trustForwardedFor: trustForwardedFor,
            servesHTTPS: servesHTTPS,
            portfolio: portfolio
        )
    }

    /// Whether the agreement is the one the paths without an agreement mean.
    var isDefault: Bool { commitment.id == portfolio.defaultID }

    /// A convenience for tests and tools: the service over a store, then the API over it.
    public convenience init(
        store: any OutcomesStore,
        commitment: Commitment,
        pseudonymizer: PersonPseudonymizer,
        throttle: LoginThrottle = LoginThrottle(),
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "outcomes.api"),
        secureCookies: Bool = true,
        trustForwardedFor: Bool = false
    ) {
        self.init(
            service: OutcomesService(store: store, commitment: commitment, pseudonymizer: pseudonymizer, throttle: throttle, logger: logger),
            clock: clock,
            logger: logger,
            secureCookies: secureCookies,
            trustForwardedFor: trustForwardedFor
        )
    }

    /// The day in Copenhagen at `now`.
    func today(_ now: Date) -> LocalDate { LocalDate.copenhagen(now) }

    /// `now` in ISO 8601 UTC, as the audit trail writes it.
    func timestamp(_ now: Date) -> String { Requester.timestamp(now) }

    /// The router serving every route; any other method on a known path answers 405.
    public func router() -> Router<OutcomesRequestContext> {
        let router = Router(context: OutcomesRequestContext.self)
        router.add(middleware: SecurityMiddleware(servesHTTPS: servesHTTPS, logger: logger))
        router.add(middleware: ProblemMiddleware(logger: logger))
        var methods: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        let portfolio = self.portfolio
        for route in routes {
            // A route whose own path names the agreement (`/api/agreements/{agreement}/versions/…`)
            // is answered by that agreement.
            let namesAgreement = route.path.contains("{agreement}")
            let own: @Sendable (Request, OutcomesRequestContext) async throws -> Response = { request, context in
                guard namesAgreement else { return try await self.respond(route, request, context) }
                guard let id = context.parameters.get("agreement"), let api = portfolio.api(id) else { throw self.noRoleHere() }
                return try await api.respond(route, request, context)
            }
            router.on(RouterPath(route.routerPath), method: route.method, use: own)
            if route.method == .get {
                router.on(RouterPath(route.routerPath), method: .head) { request, context in
                    try await own(request, context).createHeadResponse()
                }
            }
            if methods[route.routerPath] == nil { order.append(route.routerPath) }
            methods[route.routerPath, default: []].append(route.method)
            // Issue #18: an agreement's operations also under /api/agreements/{id}/….
            guard let scoped = route.agreementPath else { continue }
            let respond: @Sendable (Request, OutcomesRequestContext) async throws -> Response = { request, context in
                guard let id = context.parameters.get("agreement"), let api = portfolio.api(id) else { throw self.noRoleHere() }
                return try await api.respond(route, request, context)
            }
            router.on(RouterPath(scoped), method: route.method, use: respond)
            if route.method == .get {
                router.on(RouterPath(scoped), method: .head) { request, context in try await respond(request, context).createHeadResponse() }
            }
            if methods[scoped] == nil { order.append(scoped) }
            methods[scoped, default: []].append(route.method)
        }
        let pages = WebApp(api: self).register(on: router, portfolio: portfolio)
        for (path, allowed) in pages where methods[path] == nil {
            order.append(path)
            methods[path] = allowed
        }
        for path in order {
            let registered = methods[path]!
            let allowed = registered.flatMap { $0 == .get ? [HTTPRequest.Method.get, .head] : [$0] }
            for method in SecurityMiddleware.methods where !allowed.contains(method) && !(method == .head && allowed.contains(.get)) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in throw Problem.methodNotAllowed(allowed: allowed) }
            }
        }
        return router
    }

    /// A body must come with its route's media type: JSON only as `application/json` (or a
    /// `+json` type), so that no HTML form on another site can post it (a form can send
    /// `text/plain`); 415 otherwise.
    static func checkContentType(_ request: Request, expected: String) throws {
        let sent = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let fits: Bool
        if expected == "application/json" {
            fits = sent == "application/json" || (sent.hasPrefix("application/") && sent.hasSuffix("+json"))
        } else if expected == "application/yaml" {
            fits = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"].contains(sent)
        } else {
            fits = sent == expected
        }
        guard fits else {
            throw Problem(
                .unsupportedMediaType,
                "unsupported-media-type",
                "Forkert medietype",
                "Kroppen skal sendes som \(expected) (Content-Type), ikke '\(InputRules.visible(sent.isEmpty ? "ingen" : sent))'."
            )
        }
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let forwardedForHeader = HTTPField.Name("X-Forwarded-For")!
    static let purposeHeader = HTTPField.Name("X-Outcomes-Purpose")!
    static let sessionCookie = "outcomes_session"

    /// Who sent the request: a bearer token, else the session cookie; with their role in this
    /// API's agreement (``Caller/hasRole`` false when they have none here).
    func identify(_ request: Request, now: Date) async throws -> Caller? {
        var caller: Caller
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else { throw Problem.notSignedIn() }
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let (user, delivery) = try await service.identify(bearerToken: token) else { throw Problem.notSignedIn() }
            caller = Caller(user: user, csrfToken: nil, sessionToken: nil, credentialHash: OutcomesService.digest(token), currentDelivery: delivery)
        } else {
            guard let token = request.cookies[OutcomesAPI.sessionCookie]?.value, !token.isEmpty,
                let (user, csrf) = try await service.identify(sessionToken: token, now: now)
            else { return nil }
            caller = Caller(user: user, csrfToken: csrf, sessionToken: token, credentialHash: OutcomesService.digest(token))
        }
        if let here = service.inAgreement(caller.user) {
            caller.user = here
        } else {
            caller.hasRole = false
        }
        return caller
    }

    /// The refusal of a request for an agreement the caller has no role in: the same answer as
    /// for an agreement that does not exist, so that nothing of it shows (issue #18).
    func noRoleHere() -> Problem {
        Problem.notFound("Aftalen findes ikke, eller du har ingen rolle i den; dine aftaler står i GET /api/agreements.")
    }

    /// The client's address: the connection's peer, or (behind a trusted reverse proxy on the
    /// same machine) the last `X-Forwarded-For` entry, which that proxy appended. The header is
    /// taken only from a peer on loopback: a client that reaches the server directly cannot
    /// choose its address.
    func clientAddress(_ request: Request, _ context: OutcomesRequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress
        let peerIsLoopback = peer.map { $0.hasPrefix("127.") || $0 == "::1" || $0.hasPrefix("::ffff:127.") } ?? true
        if trustForwardedFor, peerIsLoopback, let forwarded = request.headers[OutcomesAPI.forwardedForHeader],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return String(last.prefix(64))
        }
        return peer ?? "unknown"
    }

    func respond(_ route: Route, _ request: Request, _ context: OutcomesRequestContext) async throws -> Response {
        // A body over the route's limit is refused before anything is read or looked up.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > route.maxBodySize {
            throw Problem.contentTooLarge(limit: route.maxBodySize)
        }
        for (name, value) in context.parameters where !InputRules.isLookupKey(String(value)) {
            throw Problem.notFound("'\(InputRules.visible(String(value)))' er ikke et gyldigt id for '\(name)'; \(OutcomesAPI.loggedPath(request.uri.path)) findes ikke.")
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let (key, value) = (String(key), String(value))
            if key.unicodeScalars.contains(where: InputRules.isControl) || value.unicodeScalars.contains(where: InputRules.isControl) {
                throw Problem.badRequest("Parameteren '\(InputRules.visible(key))' indeholder et styretegn; det er ikke tilladt.")
            }
            query[key] = value
        }
        let now = clock()
        let caller = try await identify(request, now: now)
        if case .anyone = route.access {
        } else {
            guard let caller else { throw Problem.notSignedIn() }
            if case .permission = route.access, !caller.hasRole { throw noRoleHere() }
            guard route.access.allows(caller.user.role) else {
                throw Problem.forbidden("Rollen \(caller.user.role.danishName(in: commitment)) har ikke adgang til: \(route.summary).")
            }
            if caller.user.mustChangePassword && !route.allowedBeforePasswordChange {
                throw Problem.forbidden("Vælg din egen adgangskode først (POST /api/me/password).")
            }
            if let expected = caller.csrfToken, ![.get, .head, .options].contains(request.method) {
                guard let sent = request.headers[OutcomesAPI.csrfHeader], constantTimeEquals(sent, expected) else {
                    throw Problem.forbidden("CSRF-token mangler eller passer ikke: send sessionens token i headeren X-CSRF-Token.")
                }
            }
        }
        let buffer = try await Problem.collect(request.body, upTo: route.maxBodySize)
        if buffer.readableBytes > 0, route.requestBody != nil {
            try OutcomesAPI.checkContentType(request, expected: route.requestMediaType)
        }
        let purpose = query["purpose"] ?? request.headers[OutcomesAPI.purposeHeader] ?? route.defaultPurpose
        if purpose.count > 200 || purpose.unicodeScalars.contains(where: InputRules.isControl) {
            throw Problem.badRequest("Formålet ('purpose' eller X-Outcomes-Purpose) må højst have 200 tegn og ingen styretegn.")
        }
        var parameters: [String: String] = [:]
        for name in route.pathParameters { parameters[name] = context.parameters.get(name) }
        let call = Call(
            api: self,
            caller: caller,
            pathParameters: parameters,
            query: query,
            body: Data(buffer.readableBytesView),
            purpose: purpose,
            now: now,
            route: route,
            clientAddress: clientAddress(request, context)
        )
        let reply = try await route.handler(call)
        var headers = reply.headers
        if !reply.contentType.isEmpty { headers[.contentType] = reply.contentType }
        headers[.cacheControl] = "no-store"
        return Response(status: reply.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

/// Turns every error into `application/problem+json`; unexpected ones are logged with an id
/// and answered 500 without internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = OutcomesRequestContext
    let logger: Logger

    /// A browser's page request: not under `/api`, and asking for HTML.
    static func wantsPage(_ request: Request) -> Bool {
        !request.uri.path.hasPrefix("/api") && (request.headers[.accept]?.contains("text/html") ?? false)
    }

    /// "Siden findes ikke" in the app's style, with the way back.
    static func notFoundPage(_ path: String) -> Response {
        let shown = InputRules.visible(String(path.prefix(200)))
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        let html = """
            <!doctype html>
            <html lang="da">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Siden findes ikke · Outcomes</title><link rel="stylesheet" href="/static/style.css"></head>
            <body><main id="indhold"><h1>Siden findes ikke</h1>
            <p>Adressen <code>\(shown)</code> findes ikke i Outcomes. Måske er linket forældet, eller adressen er skrevet forkert.</p>
            <p><a href="/oversigt">Til oversigten</a></p></main></body>
            </html>
            """
        return Response(
            status: .notFound,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: WebApp.contentSecurityPolicy],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            logger.info("\(request.method) \(OutcomesAPI.loggedPath(request.uri.path)) \(response.status.code)")
            return response
        } catch {
            let problem: Problem
            if let known = Problem.from(error) {
                problem = known
            } else if let http = error as? HTTPError {
                // Issue #16: a browser asking for a page that does not exist gets a page in
                // Danish; the API (and any client that does not ask for HTML) problem+json.
                if http.status == .notFound, ProblemMiddleware.wantsPage(request) {
                    logger.info("\(request.method) \(OutcomesAPI.loggedPath(request.uri.path)) 404")
                    return ProblemMiddleware.notFoundPage(request.uri.path)
                }
                problem =
                    http.status == .notFound
                    ? Problem.notFound("Adressen \(OutcomesAPI.loggedPath(request.uri.path)) findes ikke; se /openapi.json.")
                    : Problem(http.status, "http-\(http.status.code)", http.status.reasonPhrase, http.body ?? http.status.reasonPhrase)
            } else {
                let id = randomToken().prefix(12)
                logger.error("fejl \(id) ved \(request.method) \(OutcomesAPI.loggedPath(request.uri.path)): \(String(reflecting: error))")
                problem = Problem(
                    .internalServerError,
                    "internal",
                    "Intern fejl",
                    "Noget gik galt hos os (fejl-id \(id)); prøv igen, eller kontakt driften med id'et."
                )
            }
            logger.info("\(request.method) \(OutcomesAPI.loggedPath(request.uri.path)) \(problem.status.code)")
            var headers = problem.headers
            headers[.contentType] = "application/problem+json; charset=utf-8"
            return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: problem.body)))
        }
    }
}
