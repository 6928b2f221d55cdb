import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesStore

struct UserView: Codable, Sendable {
    var username: String
    var displayName: String
    /// The stored form: `projectLead`, `areaCaseworker:houlkaer`, `funder:dsi`, ….
    var role: String
    var roleName: String
    var mustChangePassword: Bool
    var isActive: Bool

    init(_ user: UserAccount, _ commitment: Commitment) {
        username = user.username
        displayName = user.displayName
        role = user.role.storedForm
        roleName = user.role.danishName(in: commitment)
        mustChangePassword = user.mustChangePassword
        isActive = user.isActive
    }

    static let schema = Schema.record([
        ("username", .text), ("displayName", .text),
        ("role", .string(description: "projectLead, areaCaseworker:<område>, evaluator, funder:<part>, steeringGroup eller admin")),
        ("roleName", .text), ("mustChangePassword", .boolean), ("isActive", .boolean),
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
        struct TokenInfoView: Encodable, Sendable {
            var id: String
            var name: String
            var createdAt: String
            init(_ info: APITokenInfo) {
                id = info.id
                name = info.name
                createdAt = info.createdAt
            }
        }
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
                body: .record([("username", .optionalLine(maxLength: 200)), ("password", .optionalLine(maxLength: OutcomesAPI.maximumPasswordLength))]),
                response: .record([("user", .ref("User")), ("csrfToken", .text)])
            ) { call in
                let login = try call.decode(Login.self)
                guard login.username.unicodeScalars.count <= 200, login.password.unicodeScalars.count <= OutcomesAPI.maximumPasswordLength else {
                    throw Problem.badRequest("Brugernavnet må højst have 200 tegn og adgangskoden \(OutcomesAPI.maximumPasswordLength).")
                }
                let api = call.api
                let user: UserAccount
                let token: String
                let csrf: String
                switch try await api.service.logIn(username: login.username, password: login.password, clientAddress: call.clientAddress, now: call.now) {
                case let .throttled(wait):
                    var problem = Problem(
                        .tooManyRequests,
                        "too-many-logins",
                        "For mange forsøg",
                        "For mange forkerte forsøg på at logge ind. Prøv igen om \(wait) sekunder."
                    )
                    problem.headers[.retryAfter] = String(wait)
                    throw problem
                case .wrong:
                    throw Problem(.unauthorized, "login-failed", "Forkert login", "Brugernavn eller adgangskode er forkert.")
                case let .signedIn(account, sessionToken, csrfToken):
                    (user, token, csrf) = (account, sessionToken, csrfToken)
                }
                var reply = try Reply.json(SessionView(user: UserView(user, api.commitment), csrfToken: csrf))
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
                if let token = call.caller?.sessionToken { try await call.api.service.logOut(sessionToken: token) }
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
                try .json(UserView(try call.user, call.api.commitment))
            },
            Route(
                .post,
                "/api/me/password",
                "changePassword",
                "Skift egen adgangskode (mindst 12 tegn); afslutter alle brugerens sessioner og API-tokens",
                access: .signedIn,
                body: .record([
                    ("currentPassword", .string(limits: .init(maxLength: OutcomesAPI.maximumPasswordLength))),
                    ("newPassword", .string(limits: .init(minLength: 12, maxLength: OutcomesAPI.maximumPasswordLength))),
                ]),
                status: .noContent,
                response: nil,
                allowedBeforePasswordChange: true
            ) { call in
                let change = try call.decode(PasswordChange.self)
                guard change.currentPassword.unicodeScalars.count <= OutcomesAPI.maximumPasswordLength,
                    change.newPassword.unicodeScalars.count <= OutcomesAPI.maximumPasswordLength
                else { throw Problem.badRequest("En adgangskode må højst have \(OutcomesAPI.maximumPasswordLength) tegn.") }
                try await call.api.service.changePassword(call.requester, current: change.currentPassword, new: change.newPassword)
                return .noContent
            },
            Route(
                .post,
                "/api/tokens",
                "createToken",
                "Opret et API-token til brugeren (vises kun én gang)",
                access: .signedIn,
                body: .record([("name", .line(maxLength: 100))]),
                status: .created,
                response: .record([("token", .text), ("name", .text)])
            ) { call in
                let request = try call.decode(TokenRequest.self)
                let token = try await call.api.service.createToken(call.requester, name: request.name)
                return try .json(TokenView(token: token, name: request.name), status: .created)
            },
            Route(
                .get,
                "/api/tokens",
                "listTokens",
                "Brugerens egne API-tokens (navn, id og hvornår de blev oprettet; aldrig selve tokenet)",
                access: .signedIn,
                query: [.page, .pageSize],
                response: .page(of: .record([("id", .text), ("name", .text), ("createdAt", .text)]))
            ) { call in
                try .json(try call.paged(try await call.api.service.tokens(call.requester).map(TokenInfoView.init)))
            },
            Route(
                .delete,
                "/api/tokens/{id}",
                "revokeToken",
                "Tilbagekald et af brugerens egne API-tokens",
                access: .signedIn,
                status: .noContent,
                response: nil
            ) { call in
                try await call.api.service.revokeToken(call.requester, id: call.parameter("id"))
                return .noContent
            },
        ]
    }

    /// The session cookie: `Secure`, `HttpOnly`, `SameSite=Strict`, for the whole site.
    func sessionCookie(_ token: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: OutcomesAPI.sessionCookie, value: token, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
