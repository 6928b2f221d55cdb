import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// The web app in Danish: server-rendered pages (swift-mustache) on the API's sessions, roles
/// and audit trail. No JavaScript framework and nothing from the internet: the stylesheet is
/// served by the app itself, charts are SVG drawn by the server.
struct WebApp: Sendable {
    let api: OutcomesAPI
    let library: MustacheLibrary
    let pending = PendingUploads()
    let forecasts = ForecastCache()
    /// Renders the half-year report to PDF with headless Chromium, where it is installed.
    let pdfRenderer: PDFRenderer

    init(api: OutcomesAPI, pdfRenderer: PDFRenderer = PDFRenderer()) {
        self.api = api
        self.pdfRenderer = pdfRenderer
        var library = MustacheLibrary()
        let templates: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
            ("password", PackageResources.password_mustache), ("overview", PackageResources.overview_mustache),
            ("visitation", PackageResources.visitation_mustache), ("households", PackageResources.households_mustache),
            ("household", PackageResources.household_mustache), ("deliveries", PackageResources.deliveries_mustache),
            ("settlement", PackageResources.settlement_mustache), ("lines", PackageResources.lines_mustache),
            ("report", PackageResources.report_mustache), ("users", PackageResources.users_mustache),
            ("finance", PackageResources.finance_mustache), ("figures", PackageResources.figures_mustache),
            ("interpretations", PackageResources.interpretations_mustache),
            ("governance", PackageResources.governance_mustache),
            ("user", PackageResources.user_mustache), ("calendar", PackageResources.calendar_mustache),
            ("lottery", PackageResources.lottery_mustache),
            ("agreement", PackageResources.agreement_mustache),
        ]
        for (name, bytes) in templates {
            do {
                library.register(try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self)), named: name)
            } catch {
                preconditionFailure("the built-in template \(name) is invalid: \(error)")
            }
        }
        self.library = library
    }

    /// A page the caller cannot have: not signed in (to the login), not allowed (403 page).
    enum Refusal: Error {
        case signIn
        case forbidden(String)
        case notFound(String)
    }

    /// The signed-in caller (session cookie), of one of `roles` when given.
    func caller(_ request: Request, roles: Set<RoleKind>? = nil, now: Date) async throws -> Caller {
        guard let caller = try await api.identify(request, now: now), caller.csrfToken != nil else { throw Refusal.signIn }
        if caller.user.mustChangePassword { throw Refusal.signIn }
        if let roles, !roles.contains(RoleKind(caller.user.role)) {
            throw Refusal.forbidden("Rollen \(caller.user.role.danishName(in: api.commitment)) har ikke adgang til denne side.")
        }
        return caller
    }

    /// The form fields of a POST (`application/x-www-form-urlencoded`), after checking its CSRF
    /// token against the session's.
    ///
    /// A form is at most 16 KiB before login and 1 MiB after (413 beyond), and no field may
    /// hold a control character but a line break or a tab (400).
    func form(_ request: Request, _ context: OutcomesRequestContext, caller: Caller?) async throws -> [String: String] {
        let limit = caller == nil ? BodyLimit.anonymous : BodyLimit.json
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw Problem.contentTooLarge(limit: limit) }
        let buffer = try await Problem.collect(request.body, upTo: limit)
        let fields = WebApp.parseForm(String(buffer: buffer))
        for (key, value) in fields where (key + value).unicodeScalars.contains(where: { InputRules.isControl($0) && !["\n", "\r", "\t"].contains($0) }) {
            throw Problem.badRequest("Feltet '\(InputRules.visible(key))' indeholder et styretegn (fx NUL); det er ikke tilladt.")
        }
        if let expected = caller?.csrfToken {
            guard let sent = fields["_csrf"], constantTimeEquals(sent, expected) else {
                throw Refusal.forbidden("Formularen er udløbet eller kom ikke fra Outcomes (CSRF). Genindlæs siden og prøv igen.")
            }
        }
        return fields
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let key = parts.first else { continue }
            fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// The layout's data: the user, the menu for their role, the CSRF token.
    func base(_ caller: Caller?, title: String, current: String, now: Date) -> [String: Any] {
        var context: [String: Any] = [
            "title": title, "agreementTitle": api.commitment.title, "today": api.today(now).danishString,
            "todayISO": api.today(now).isoString,
        ]
        if let caller {
            let kind = RoleKind(caller.user.role)
            let items: [(String, String, Set<RoleKind>)] = [
                ("/oversigt", "Oversigt", Set(RoleKind.allCases)),
                ("/visitation", "Visitation", Permission.readPersonData.roles),
                ("/lodtraekning", "Lodtrækning", Permission.readPersonData.roles),
                ("/husstande", "Husstande", Permission.readPersonData.roles),
                ("/leverancer", "Leverancer", Permission.importDelivery.roles),
                ("/opgoerelse", "Opgørelse", Permission.readFigures.roles),
                ("/oekonomi", "Økonomi", WebApp.financeRoles),
                ("/styring", "Styring", WebApp.governanceRoles),
                ("/rapport", "Halvårsrapport", Permission.readFigures.roles),
                ("/aftale", "Aftalen", Set(RoleKind.allCases)),
                ("/brugere", "Brugere", Permission.manageUsers.roles),
            ]
            context["user"] = [
                "displayName": caller.user.displayName, "roleName": caller.user.role.danishName(in: api.commitment),
                "nav": items.filter { $0.2.contains(kind) }.map { ["href": $0.0, "label": $0.1, "current": $0.0 == current] },
            ]
            context["csrf"] = caller.csrfToken ?? ""
        }
        return context
    }

    func html(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let text = library.render(context, withTemplate: template) ?? ""
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: WebApp.contentSecurityPolicy],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// Nothing from elsewhere: scripts, styles, images and forms stay on this server.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Runs a page handler, turning refusals and errors into pages.
    func page(
        _ request: Request,
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch Refusal.signIn {
            return WebApp.redirect("/login")
        } catch let Refusal.forbidden(message) {
            let caller = try? await api.identify(request, now: api.clock())
            var context = base(caller, title: "Ingen adgang", current: "", now: api.clock())
            context["error"] = message
            return html("layout", context, status: .forbidden)
        } catch let Refusal.notFound(message) {
            let caller = try? await api.identify(request, now: api.clock())
            var context = base(caller, title: "Findes ikke", current: "", now: api.clock())
            context["error"] = message
            return html("layout", context, status: .notFound)
        }
    }

    /// Registers every page; answers the pages' paths with their methods (for the 405s).
    @discardableResult
    func register(on router: Router<OutcomesRequestContext>) -> PageRouter {
        let pages = PageRouter(router)
        registerPages(on: pages)
        return pages
    }

    func registerPages(on router: PageRouter) {
        router.get("/static/style.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.style_css))
            )
        }
        router.get("/static/app.js") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.app_js))
            )
        }
        router.get("/") { request, _ in
            (try? await api.identify(request, now: api.clock())) == nil ? WebApp.redirect("/login") : WebApp.redirect("/oversigt")
        }
        registerSession(on: router)
        registerOverview(on: router)
        registerVisitation(on: router)
        registerHouseholds(on: router)
        registerDeliveries(on: router)
        registerSettlement(on: router)
        registerFinance(on: router)
        registerGovernance(on: router)
        registerLottery(on: router)
        registerAgreement(on: router)
        registerReport(on: router)
        registerWorkbooks(on: router)
        registerCalendar(on: router)
        registerUsers(on: router)
    }
}

/// Danish number formats: `1.234` and `1.234,50 kr.`.
enum Danish {
    static func integer(_ value: Int) -> String { value.danishString }

    static func date(_ date: LocalDate?) -> String { date?.danishString ?? "–" }
}

/// The router as the pages register on it: it records each path's methods, so that every
/// other method on a page answers 405 (``OutcomesAPI/router()``).
final class PageRouter: @unchecked Sendable {
    let router: Router<OutcomesRequestContext>
    /// Path → methods, in the order registered. Only written while the router is built.
    private(set) var methods: [(String, [HTTPRequest.Method])] = []

    init(_ router: Router<OutcomesRequestContext>) { self.router = router }

    typealias Handler = @Sendable (Request, OutcomesRequestContext) async throws -> Response

    @discardableResult
    func get(_ path: String, use handler: @escaping Handler) -> PageRouter {
        router.on(RouterPath(path), method: .head) { request, context in try await handler(request, context).createHeadResponse() }
        return on(path, .get, handler)
    }

    @discardableResult
    func post(_ path: String, use handler: @escaping Handler) -> PageRouter { on(path, .post, handler) }

    private func on(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping Handler) -> PageRouter {
        router.on(RouterPath(path), method: method, use: handler)
        if let index = methods.firstIndex(where: { $0.0 == path }) {
            methods[index].1.append(method)
        } else {
            methods.append((path, [method]))
        }
        return self
    }
}
