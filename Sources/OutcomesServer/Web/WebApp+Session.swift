import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesStore

extension WebApp {
    func registerSession(on router: PageRouter) {
        router.get("/login") { _, _ in
            html("login", base(nil, title: "Log ind", current: "", now: api.clock()))
        }
        router.post("/login") { request, context in
            let now = api.clock()
            let fields = try await form(request, context, caller: nil)
            let username = fields["username", default: ""].trimmingCharacters(in: .whitespaces)
            // The typed name is not written back into the page: it may be a password typed
            // into the wrong field.
            var page = base(nil, title: "Log ind", current: "", now: now)
            let user: UserAccount
            let token: String
            switch try await api.service.logIn(
                username: username,
                password: fields["password", default: ""],
                clientAddress: api.clientAddress(request, context),
                now: now
            ) {
            case let .throttled(wait):
                page["error"] = "For mange forkerte forsøg. Prøv igen om \(wait / 60 + 1) minutter."
                return html("login", page, status: .tooManyRequests)
            case .wrong:
                page["error"] = "Brugernavn eller adgangskode er forkert."
                return html("login", page, status: .unauthorized)
            case let .signedIn(account, sessionToken, _):
                (user, token) = (account, sessionToken)
            }
            var response = redirect(user.mustChangePassword ? "/adgangskode" : "/oversigt")
            response.headers[.setCookie] = api.sessionCookie(token).description
            return response
        }
        router.post("/logout") { request, context in
            let caller = try await api.identify(request, now: api.clock())
            _ = try await form(request, context, caller: caller)
            if let token = caller?.sessionToken { try await api.service.logOut(sessionToken: token) }
            var response = redirect("/login")
            response.headers[.setCookie] = api.sessionCookie("", maxAge: 0).description
            return response
        }
        router.get("/adgangskode") { request, _ in
            guard let caller = try await api.identify(request, now: api.clock()), caller.csrfToken != nil else { return redirect("/login") }
            return html("password", passwordContext(caller, now: api.clock()))
        }
        router.post("/adgangskode") { request, context in
            let now = api.clock()
            guard let caller = try await api.identify(request, now: now), caller.csrfToken != nil else { return redirect("/login") }
            let fields = try await form(request, context, caller: caller)
            var page = passwordContext(caller, now: now)
            let current = fields["current", default: ""]
            let new = fields["new", default: ""]
            let requester = Requester(
                user: caller.user,
                purpose: "ny adgangskode",
                now: now,
                channel: "web:password",
                clientAddress: api.clientAddress(request, context)
            )
            do {
                try await api.service.changePassword(requester, current: current, new: new)
            } catch let error as ApplicationError {
                page["error"] = error.description
                return html("password", page, status: .unprocessableContent)
            } catch StoreError.weakPassword {
                page["error"] = "Den nye adgangskode skal have mindst 12 tegn og være en anden end den nuværende."
                return html("password", page, status: .unprocessableContent)
            }
            // Every session ended with the change; this browser gets a new one.
            guard
                case let .signedIn(_, token, _) = try await api.service.logIn(
                    username: caller.user.username,
                    password: new,
                    clientAddress: api.clientAddress(request, context),
                    now: now
                )
            else {
                return redirect("/login")
            }
            var response = redirect("/oversigt?besked=adgangskode")
            response.headers[.setCookie] = api.sessionCookie(token).description
            return response
        }
    }

    /// The password page: a user whose password someone else chose must pick their own (first
    /// login, after a reset); anyone else comes from the menu's "Skift adgangskode".
    func passwordContext(_ caller: Caller, now: Date) -> [String: Any] {
        let forced = caller.user.mustChangePassword
        var context = base(caller, title: forced ? "Vælg adgangskode" : "Skift adgangskode", current: forced ? "" : "/adgangskode", now: now)
        context["forced"] = forced
        return context
    }
}
