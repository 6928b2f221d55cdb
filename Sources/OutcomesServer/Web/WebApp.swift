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
    /// Renders the half-year report to PDF with headless Chromium, where it is installed.
    let pdfRenderer: PDFRenderer
    /// Where the agreement's pages live: empty for the default agreement at the root,
    /// `/aftaler/{id}` under an agreement's own address (issue #18).
    let prefix: String

    init(api: OutcomesAPI, prefix: String = "", pdfRenderer: PDFRenderer = PDFRenderer()) {
        self.api = api
        self.prefix = prefix
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
            ("agreements", PackageResources.agreements_mustache),
            ("portfolio", PackageResources.portfolio_mustache),
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
        /// The user has no role in the agreement (issue #18): answered as if it did not exist.
        case noRoleHere
        /// The user has no role in the default agreement the root's pages show: to their list.
        case chooseAgreement
        case forbidden(String)
        case notFound(String)
    }

    /// The signed-in caller (session cookie), of one of `roles` when given.
    func caller(_ request: Request, roles: Set<RoleKind>? = nil, now: Date) async throws -> Caller {
        guard let caller = try await api.identify(request, now: now), caller.csrfToken != nil else { throw Refusal.signIn }
        if caller.user.mustChangePassword { throw Refusal.signIn }
        guard caller.hasRole else { throw prefix.isEmpty ? Refusal.chooseAgreement : Refusal.noRoleHere }
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
            // Issue #18: no role in this agreement (the list of one's agreements): no menu of it.
            context["user"] = [
                "displayName": caller.user.displayName,
                "roleName": caller.hasRole ? caller.user.role.danishName(in: api.commitment) : "ingen rolle i \(api.commitment.title)",
                "nav": caller.hasRole ? items.filter { $0.2.contains(kind) }.map { ["href": $0.0, "label": $0.1, "current": $0.0 == current] } : [],
            ]
            context["csrf"] = caller.csrfToken ?? ""
        }
        return context
    }

    func html(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let text = WebApp.prefixingLinks(library.render(context, withTemplate: template) ?? "", with: prefix)
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

    /// A redirect to one of this agreement's pages (under its prefix).
    func redirect(_ location: String) -> Response {
        WebApp.redirect(WebApp.isAgreementPath(location) ? prefix + location : location)
    }

    /// The pages of an agreement under its own address.
    static func agreementPrefix(_ id: String) -> String { "/aftaler/" + id }

    /// Paths that belong to the server and the user, not to an agreement: the stylesheet and
    /// script, login and logout, the user's password and calendar, the list of agreements.
    static let serverPaths = ["/static/", "/login", "/logout", "/adgangskode", "/kalender", "/aftaler", "/portefolje", "/api/", "/openapi"]

    /// Whether a path on this server is one of an agreement's pages.
    static func isAgreementPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path != "/" && !serverPaths.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") || path.hasPrefix($0 + "?") || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "#") }
    }

    /// Every link and form of a page of the agreement's under its prefix: the templates and the
    /// code write paths as on the default agreement (`href="/husstande/H-1"`), and one place
    /// puts them under `/aftaler/{id}`. Only attributes the templates write are touched: text
    /// a user typed is escaped (`&quot;`), so it cannot look like one.
    static func prefixingLinks(_ html: String, with prefix: String) -> String {
        guard !prefix.isEmpty else { return html }
        var result = ""
        result.reserveCapacity(html.utf8.count + 1024)
        var rest = Substring(html)
        while let range = rest.range(of: "=\"/") {
            let attribute = rest[..<range.lowerBound]
            result += rest[..<range.upperBound].dropLast()
            let after = rest[range.upperBound...]
            let path = after.prefix { $0 != "\"" }
            if attribute.hasSuffix(" href") || attribute.hasSuffix(" action"), isAgreementPath("/" + path) {
                result += prefix
            }
            result += "/"
            rest = after
        }
        result += rest
        return result
    }

    /// Runs a page handler, turning refusals and errors into pages.
    func page(
        _ request: Request,
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch Refusal.signIn {
            return redirect("/login")
        } catch Refusal.chooseAgreement {
            return WebApp.redirect("/aftaler")
        } catch Refusal.noRoleHere {
            // Nothing of the agreement shows: not its title, not its menu.
            var context = base(nil, title: "Findes ikke", current: "", now: api.clock())
            context["agreementTitle"] = "Aftaler"
            context["error"] = "Aftalen findes ikke, eller du har ingen rolle i den. Dine aftaler står under Aftaler (/aftaler)."
            return html("layout", context, status: .notFound)
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

    /// Registers every page at the root (the default agreement's) and, for an agreement's pages,
    /// under `/aftaler/{id}` too, where the agreement's own pages answer; answers the paths
    /// with their methods (for the 405s).
    @discardableResult
    func register(on router: Router<OutcomesRequestContext>, portfolio: Portfolio) -> [(String, [HTTPRequest.Method])] {
        let pages = PageRouter(router)
        registerPages(on: pages)
        var methods = pages.methods
        for (path, allowed) in pages.methods where WebApp.isAgreementPath(path) {
            let scoped = "/aftaler/:agreement" + path
            for method in allowed {
                let handler: PageRouter.Handler = { request, context in
                    guard let id = context.parameters.get("agreement"), let pages = portfolio.pages(id),
                        let handler = pages.handlers[path + " " + method.rawValue]
                    else { return ProblemMiddleware.notFoundPage(request.uri.path) }
                    return try await handler(request, context)
                }
                router.on(RouterPath(scoped), method: method, use: handler)
                if method == .get {
                    router.on(RouterPath(scoped), method: .head) { request, context in try await handler(request, context).createHeadResponse() }
                }
            }
            methods.append((scoped, allowed))
        }
        return methods
    }

    /// An agreement's pages as handlers by path and method, to answer under `/aftaler/{id}`.
    struct Pages: Sendable {
        let web: WebApp
        let handlers: [String: PageRouter.Handler]
        init(web: WebApp) {
            self.web = web
            let recorder = PageRouter(nil)
            web.registerPages(on: recorder)
            handlers = recorder.handlers
        }
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
            (try? await api.identify(request, now: api.clock())) == nil ? redirect("/login") : redirect("/oversigt")
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
        if prefix.isEmpty { registerPortfolio(on: router) }
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
    /// The router to register on; `nil` to only record the handlers (an agreement's pages
    /// under `/aftaler/{id}`).
    let router: Router<OutcomesRequestContext>?
    /// Path → methods, in the order registered. Only written while the router is built.
    private(set) var methods: [(String, [HTTPRequest.Method])] = []
    /// "path METHOD" → handler. Only written while the router is built.
    private(set) var handlers: [String: Handler] = [:]

    init(_ router: Router<OutcomesRequestContext>?) { self.router = router }

    typealias Handler = @Sendable (Request, OutcomesRequestContext) async throws -> Response

    @discardableResult
    func get(_ path: String, use handler: @escaping Handler) -> PageRouter {
        router?.on(RouterPath(path), method: .head) { request, context in try await handler(request, context).createHeadResponse() }
        return on(path, .get, handler)
    }

    @discardableResult
    func post(_ path: String, use handler: @escaping Handler) -> PageRouter { on(path, .post, handler) }

    private func on(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping Handler) -> PageRouter {
        router?.on(RouterPath(path), method: method, use: handler)
        handlers[path + " " + method.rawValue] = handler
        if let index = methods.firstIndex(where: { $0.0 == path }) {
            methods[index].1.append(method)
        } else {
            methods.append((path, [method]))
        }
        return self
    }
}
