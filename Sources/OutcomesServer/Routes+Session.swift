import Foundation
import HTTPTypes
import Hummingbird
import OutcomesCore
import OutcomesStore

struct UserView: Codable, Sendable {
    var username: String
    var displayName: String
    /// The stored form: `projectLead`, `areaCaseworker:houlkaer`, `funder:dsi`, ….
    var role: String
    var roleName: String
    var mustChangePassword: Bool

    init(_ user: UserAccount) {
        username = user.username
        displayName = user.displayName
        role = user.role.storedForm
        roleName = user.role.danishName
        mustChangePassword = user.mustChangePassword
    }

    static let schema = Schema.record([
        ("username", .text), ("displayName", .text),
        ("role", .string(description: "projectLead, areaCaseworker:<område>, evaluator, funder:<part>, steeringGroup eller admin")),
        ("roleName", .text), ("mustChangePassword", .boolean),
    ])
}

extension OutcomesAPI {
    static var systemRoutes: [Route] {
        [
            Route(.get, "/health", "health", "Svarer, når serveren kører", access: .anyone, response: .record([("status", .text)])) { _ in
                try .json(["status": "ok"])
            },
            Route(
                .get,
                "/openapi.json",
                "openapi",
                "API'ets beskrivelse (OpenAPI 3.1)",
                access: .anyone,
                response: nil,
                responseMediaType: "application/json"
            ) { call in
                .raw(call.api.openAPIDocument(), contentType: "application/json; charset=utf-8")
            },
        ]
    }

    static var sessionRoutes: [Route] {
        struct Login: Decodable {
            var username: String
            var password: String
        }
        struct SessionView: Encodable {
            var user: UserView
            var csrfToken: String
        }
        struct PasswordChange: Decodable {
            var currentPassword: String
            var newPassword: String
        }
        struct TokenRequest: Decodable { var name: String }
        struct TokenView: Encodable {
            var token: String
            var name: String
        }
        return [
            Route(
                .post,
                "/api/session",
                "login",
                "Log ind med brugernavn og adgangskode (sætter sessionens cookie)",
                access: .anyone,
                body: .record([("username", .text), ("password", .text)]),
                response: .record([("user", .ref("User")), ("csrfToken", .text)])
            ) { call in
                let login = try call.decode(Login.self)
                let api = call.api
                let user: UserAccount
                let token: String
                let csrf: String
                switch try await api.logIn(username: login.username, password: login.password, now: call.now) {
                case let .throttled(wait):
                    var problem = Problem(
                        .tooManyRequests,
                        "too-many-logins",
                        "For mange forsøg",
                        "For mange forkerte logins for '\(login.username)'. Prøv igen om \(wait) sekunder."
                    )
                    problem.headers[.retryAfter] = String(wait)
                    throw problem
                case .wrong:
                    throw Problem(.unauthorized, "login-failed", "Forkert login", "Brugernavn eller adgangskode er forkert.")
                case let .signedIn(account, sessionToken, csrfToken):
                    (user, token, csrf) = (account, sessionToken, csrfToken)
                }
                var reply = try Reply.json(SessionView(user: UserView(user), csrfToken: csrf))
                reply.headers[.setCookie] = api.sessionCookie(token).description
                return reply
            },
            Route(
                .delete,
                "/api/session",
                "logout",
                "Log ud",
                access: .signedIn,
                status: .noContent,
                response: nil,
                allowedBeforePasswordChange: true
            ) { call in
                if let token = call.caller?.sessionToken { await call.api.sessions.end(token) }
                var reply = Reply.noContent
                reply.headers[.setCookie] = call.api.sessionCookie("", maxAge: 0).description
                return reply
            },
            Route(
                .get,
                "/api/me",
                "me",
                "Den indloggede bruger",
                access: .signedIn,
                response: .ref("User"),
                allowedBeforePasswordChange: true
            ) { call in
                try .json(UserView(try call.user))
            },
            Route(
                .post,
                "/api/me/password",
                "changePassword",
                "Skift egen adgangskode (mindst 12 tegn); afslutter brugerens andre sessioner",
                access: .signedIn,
                body: .record([("currentPassword", .text), ("newPassword", .text)]),
                status: .noContent,
                response: nil,
                allowedBeforePasswordChange: true
            ) { call in
                let change = try call.decode(PasswordChange.self)
                let user = try call.user
                guard try await call.api.store.authenticate(username: user.username, password: change.currentPassword) != nil else {
                    throw Problem.forbidden("Den nuværende adgangskode er forkert.")
                }
                guard change.newPassword != change.currentPassword else {
                    throw Problem.unprocessable("Den nye adgangskode skal være en anden end den nuværende.")
                }
                try await call.api.store.changePassword(
                    username: user.username,
                    newPassword: change.newPassword,
                    audit: call.audit("change-password", subject: "user:" + user.username)
                )
                await call.api.sessions.endAll(of: user.username)
                return .noContent
            },
            Route(
                .post,
                "/api/tokens",
                "createToken",
                "Opret et API-token til brugeren (vises kun én gang)",
                access: .signedIn,
                body: .record([("name", .text)]),
                status: .created,
                response: .record([("token", .text), ("name", .text)])
            ) { call in
                let request = try call.decode(TokenRequest.self)
                guard !request.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw Problem.unprocessable("Giv tokenet et navn, så det kan kendes igen.")
                }
                let user = try call.user
                let token = randomToken()
                try await call.api.store.saveAPIToken(
                    token,
                    username: user.username,
                    name: request.name,
                    audit: call.audit("create-token", subject: "user:" + user.username)
                )
                return try .json(TokenView(token: token, name: request.name), status: .created)
            },
        ]
    }

    enum LoginResult {
        case signedIn(UserAccount, token: String, csrf: String)
        case wrong
        /// Too many failed logins for the name: seconds to wait.
        case throttled(Int)
    }

    /// A login, for the API and the login page alike: throttled per user name, every failure
    /// and success in the audit trail, a new session on success.
    func logIn(username: String, password: String, now: Date) async throws -> LoginResult {
        if let wait = await throttle.retryAfter(username, now: now) { return .throttled(wait) }
        guard let user = try await store.authenticate(username: username, password: password) else {
            await throttle.recordFailure(username, now: now)
            _ = try await store.appendAudit(
                AuditEvent(actor: "anonymous", action: "login-failed", subject: "user:" + username, purpose: "login", at: timestamp(now))
            )
            return .wrong
        }
        await throttle.reset(username)
        let (token, csrf) = await sessions.start(username: user.username, now: now)
        _ = try await store.appendAudit(
            AuditEvent(actor: "user:" + user.username, action: "login", subject: "user:" + user.username, purpose: "login", at: timestamp(now))
        )
        return .signedIn(user, token: token, csrf: csrf)
    }

    /// The session cookie: `Secure`, `HttpOnly`, `SameSite=Strict`, for the whole site.
    func sessionCookie(_ token: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: OutcomesAPI.sessionCookie, value: token, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
