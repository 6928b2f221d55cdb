import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// "Aftaler" (issue #18): the agreements the user has a role in, each with a link to its own
/// pages under `/aftaler/{id}`; the admin adds an agreement from its contract file.
extension WebApp {
    func registerPortfolio(on router: PageRouter) {
        router.get("/aftaler") { request, _ in
            try await page(request) {
                let now = api.clock()
                return try await agreementsPage(try await signedIn(request, now: now), now: now)
            }
        }
        router.post("/aftaler") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await signedIn(request, now: now)
                let (fields, files) = try await upload(request, context, caller: caller)
                guard let name = fields["file:file"], let data = files[name] else { return try await agreementsPage(caller, now: now, error: "Vælg kontraktfilen (YAML).") }
                let requester = Requester(user: caller.user, purpose: "ny aftale", now: now, channel: "web:agreements")
                do {
                    let service = try await api.service.addAgreement(requester, text: String(decoding: data, as: UTF8.self), file: name)
                    api.add(service)
                    return try await agreementsPage(caller, now: now, flash: "Aftalen \(service.commitment.title) er tilføjet.")
                } catch let error as ApplicationError {
                    if case .forbidden = error { throw Refusal.forbidden(error.description) }
                    return try await agreementsPage(caller, now: now, error: error.description)
                }
            }
        }
    }

    /// The signed-in caller, whatever their roles (the list of agreements is theirs).
    func signedIn(_ request: Request, now: Date) async throws -> Caller {
        guard let caller = try await api.identify(request, now: now), caller.csrfToken != nil, !caller.user.mustChangePassword else {
            throw Refusal.signIn
        }
        return caller
    }

    func agreementsPage(_ caller: Caller, now: Date, flash: String? = nil, error: String? = nil) async throws -> Response {
        var context = base(caller, title: "Aftaler", current: "/aftaler", now: now)
        context["agreementTitle"] = "Aftaler"
        context["agreements"] = api.agreements(of: caller.user).map { other, here in
            [
                "title": other.commitment.title, "version": String(other.commitment.version), "roleName": here.role.danishName(in: other.commitment),
                "href": WebApp.agreementPrefix(other.commitment.id) + "/oversigt", "isDefault": other.isDefault,
            ] as [String: Any]
        }
        context["canAdd"] = caller.user.grants.contains { $0.agreement == nil && $0.role == .admin }
        if let flash { context["flash"] = flash }
        if let error { context["error"] = error }
        return html("agreements", context, status: error == nil ? .ok : .unprocessableContent)
    }
}
