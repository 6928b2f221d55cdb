import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// One agreement the caller has a role in (issue #18).
struct AgreementView: Encodable, Sendable {
    var id: String
    var title: String
    var version: Int
    /// The caller's role there, stored form and Danish name.
    var role: String
    var roleName: String
    /// Whether it is the agreement the paths without an agreement mean.
    var isDefault: Bool
    /// The agreement's API and pages.
    var api: String
    var web: String

    init(_ api: OutcomesAPI, role: Role) {
        id = api.commitment.id
        title = api.commitment.title
        version = api.commitment.version
        self.role = role.storedForm
        roleName = role.danishName(in: api.commitment)
        isDefault = api.isDefault
        self.api = "/api/agreements/\(api.commitment.id)"
        web = WebApp.agreementPrefix(api.commitment.id) + "/oversigt"
    }

    static let schema = Schema.record([
        ("id", .text), ("title", .text), ("version", .integer()), ("role", .text), ("roleName", .text), ("isDefault", .boolean),
        ("api", .text), ("web", .text),
    ])
}

extension OutcomesAPI {
    /// The agreements `user` has a role in, the default first.
    func agreements(of user: UserAccount) -> [(api: OutcomesAPI, user: UserAccount)] {
        portfolio.all.compactMap { api in api.service.inAgreement(user).map { (api, $0) } }
    }

    static var portfolioRoutes: [Route] {
        [
            Route(
                .get,
                "/api/portfolio/agreements",
                "listMyAgreements",
                "De aftaler, serveren har, og som du har en rolle i, med din rolle og deres adresser",
                access: .signedIn,
                query: [.page, .pageSize],
                response: .page(of: AgreementView.schema)
            ) { call in
                let user = try call.user
                let views = call.api.agreements(of: user).map { api, here in AgreementView(api, role: here.role) }
                return try .json(try call.paged(views))
            },
            Route(
                .post,
                "/api/portfolio/agreements",
                "addAgreement",
                "Tilføj en aftale af samme familie fra dens kontraktfil (YAML); dens poster starter tomme ved siden af de andres",
                access: .permission(.addAgreement),
                body: .string(description: "kontraktfilen som YAML"),
                bodyMediaType: "application/yaml",
                status: .created,
                response: AgreementView.schema,
                maxBodySize: BodyLimit.contract
            ) { call in
                let service = try await call.api.service.addAgreement(call.requester, text: String(decoding: call.body, as: UTF8.self))
                let api = call.api.add(service)
                let user = try call.user
                let role = service.role(of: user) ?? user.role
                return try .json(AgreementView(api, role: role), status: .created)
            },
        ]
    }
}
