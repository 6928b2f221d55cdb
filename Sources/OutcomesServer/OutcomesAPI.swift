public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import OutcomesApplication
public import OutcomesCore
public import OutcomesStore

/// The request context of every route.
public struct OutcomesRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    /// A delivery's files for the whole project fit well within this.
    public var maxUploadSize: Int { 256 * 1024 * 1024 }
}

/// The HTTP API: every route of ``routes`` on a Hummingbird router, with login, roles,
/// CSRF, the audit of person-data reads and `application/problem+json` errors.
///
/// ```swift
/// let api = OutcomesAPI(store: store, commitment: viborg, pseudonymizer: try PersonPseudonymizer(secret: key))
/// let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public final class OutcomesAPI: Sendable {
    /// The use cases; routes and pages only parse and render around them.
    public let service: OutcomesService
    public var commitment: Commitment { service.commitment }
    var pseudonymizer: PersonPseudonymizer? { service.pseudonymizer }
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Whether session cookies carry `Secure` (always, but for tests of plain-HTTP clients that
    /// drop such cookies; browsers treat `localhost` as secure).
    let secureCookies: Bool
    /// Every operation, in the order the OpenAPI document lists them.
    public let routes: [Route]

    public init(
        service: OutcomesService,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "outcomes.api"),
        secureCookies: Bool = true
    ) {
        self.service = service
        self.clock = clock
        self.logger = logger
        self.secureCookies = secureCookies
        self.routes =
            OutcomesAPI.systemRoutes + OutcomesAPI.sessionRoutes + OutcomesAPI.userRoutes + OutcomesAPI.agreementRoutes
            + OutcomesAPI.householdRoutes + OutcomesAPI.actionPlanRoutes + OutcomesAPI.visitationRoutes
            + OutcomesAPI.deliveryRoutes + OutcomesAPI.ledgerRoutes + OutcomesAPI.complianceRoutes + OutcomesAPI.financeRoutes
            + OutcomesAPI.auditRoutes
    }

    /// A convenience for tests and tools: the service over a store, then the API over it.
    public convenience init(
        store: any OutcomesStore,
        commitment: Commitment,
        pseudonymizer: PersonPseudonymizer,
        throttle: LoginThrottle = LoginThrottle(),
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "outcomes.api"),
        secureCookies: Bool = true
    ) {
        self.init(
            service: OutcomesService(store: store, commitment: commitment, pseudonymizer: pseudonymizer, throttle: throttle, logger: logger),
            clock: clock,
            logger: logger,
            secureCookies: secureCookies
        )
    }

    /// The day in Copenhagen at `now`.
    func today(_ now: Date) -> LocalDate { LocalDate.copenhagen(now) }

    /// `now` in ISO 8601 UTC, as the audit trail writes it.
    func timestamp(_ now: Date) -> String { Requester.timestamp(now) }

    /// The router serving every route; any other method on a known path answers 405.
    public func router() -> Router<OutcomesRequestContext> {
        let router = Router(context: OutcomesRequestContext.self)
        router.add(middleware: ProblemMiddleware(logger: logger))
        var methods: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        for route in routes {
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in
                try await self.respond(route, request, context)
            }
            if methods[route.routerPath] == nil { order.append(route.routerPath) }
            methods[route.routerPath, default: []].append(route.method)
        }
        WebApp(api: self).register(on: router)
        for path in order {
            let allowed = methods[path]!
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in throw Problem.methodNotAllowed(allowed: allowed) }
            }
        }
        return router
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let purposeHeader = HTTPField.Name("X-Outcomes-Purpose")!
    static let sessionCookie = "outcomes_session"

    /// Who sent the request: a bearer token, else the session cookie.
    func identify(_ request: Request, now: Date) async throws -> Caller? {
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else { throw Problem.notSignedIn() }
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let (user, delivery) = try await service.identify(bearerToken: token) else { throw Problem.notSignedIn() }
            return Caller(user: user, csrfToken: nil, sessionToken: nil, credentialHash: OutcomesService.digest(token), currentDelivery: delivery)
        }
        guard let token = request.cookies[OutcomesAPI.sessionCookie]?.value, !token.isEmpty,
            let (user, csrf) = try await service.identify(sessionToken: token, now: now)
        else { return nil }
        return Caller(user: user, csrfToken: csrf, sessionToken: token, credentialHash: OutcomesService.digest(token))
    }

    func respond(_ route: Route, _ request: Request, _ context: OutcomesRequestContext) async throws -> Response {
        let now = clock()
        let caller = try await identify(request, now: now)
        if case .anyone = route.access {
        } else {
            guard let caller else { throw Problem.notSignedIn() }
            guard route.access.allows(caller.user.role) else {
                throw Problem.forbidden("Rollen \(caller.user.role.danishName) har ikke adgang til: \(route.summary).")
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
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let purpose = query["purpose"] ?? request.headers[OutcomesAPI.purposeHeader] ?? route.defaultPurpose
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
            route: route
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            logger.info("\(request.method) \(request.uri.path) \(response.status.code)")
            return response
        } catch {
            let problem: Problem
            if let known = Problem.from(error) {
                problem = known
            } else if let http = error as? HTTPError {
                problem =
                    http.status == .notFound
                    ? Problem.notFound("Adressen \(request.uri.path) findes ikke; se /openapi.json.")
                    : Problem(http.status, "http-\(http.status.code)", http.status.reasonPhrase, http.body ?? http.status.reasonPhrase)
            } else {
                let id = randomToken().prefix(12)
                logger.error("fejl \(id) ved \(request.method) \(request.uri.path): \(String(reflecting: error))")
                problem = Problem(
                    .internalServerError,
                    "internal",
                    "Intern fejl",
                    "Noget gik galt hos os (fejl-id \(id)); prøv igen, eller kontakt driften med id'et."
                )
            }
            logger.info("\(request.method) \(request.uri.path) \(problem.status.code)")
            var headers = problem.headers
            headers[.contentType] = "application/problem+json; charset=utf-8"
            return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: problem.body)))
        }
    }
}
