import Foundation
import HTTPTypes
import OutcomesContractFile
import OutcomesApplication
import OutcomesCore
import OutcomesStore

extension OutcomesAPI {
    static var userRoutes: [Route] {
        struct NewUser: Decodable {
            var username: String
            var displayName: String
            var role: String
            var password: String
        }
        struct ActiveChange: Decodable { var isActive: Bool }
        return [
            Route(
                .get,
                "/api/users",
                "listUsers",
                "Brugerne og deres roller",
                access: .permission(.manageUsers),
                query: [.page, .pageSize],
                response: .page(of: .ref("User"))
            ) { call in
                try .json(try call.paged(try await call.api.service.users(call.requester).map { UserView($0, call.api.commitment) }))
            },
            Route(
                .post,
                "/api/users",
                "createUser",
                "Opret en bruger; brugeren vælger sin egen adgangskode ved første login",
                access: .permission(.manageUsers),
                body: .record([
                    ("username", .userName), ("displayName", .line(maxLength: 200)), ("role", OutcomesAPI.roleSchema),
                    ("password", .string(limits: .init(minLength: 12, maxLength: OutcomesAPI.maximumPasswordLength))),
                ]),
                status: .created,
                response: .ref("User")
            ) { call in
                let new = try call.decode(NewUser.self)
                let user = try await call.api.service.createUser(
                    call.requester,
                    username: new.username,
                    displayName: new.displayName,
                    role: new.role,
                    password: new.password
                )
                return try .json(UserView(user, call.api.commitment), status: .created)
            },
            Route(
                .patch,
                "/api/users/{username}",
                "setUserActive",
                "Deaktivér en bruger (sessioner og API-tokens ophører straks) eller genaktivér den",
                access: .permission(.manageUsers),
                body: .record([("isActive", .boolean)]),
                response: .ref("User")
            ) { call in
                let change = try call.decode(ActiveChange.self)
                return try .json(UserView(try await call.api.service.setUserActive(call.requester, username: call.parameter("username"), isActive: change.isActive), call.api.commitment))
            },
            Route(
                .delete,
                "/api/users/{username}/role",
                "revokeRole",
                "Fjern brugerens rolle i denne aftale (rollerne i andre aftaler består; sessioner og API-tokens ophører). Administratorens og en tilskudsgivers rolle gælder alle aftaler og skiftes i stedet",
                access: .permission(.manageUsers),
                status: .noContent,
                response: nil
            ) { call in
                try await call.api.service.revokeRole(call.requester, username: call.parameter("username"))
                return .noContent
            },
        ]
    }

    static var agreementRoutes: [Route] {
        struct VersionView: Encodable {
            var id: String
            var version: Int
            var inUse: Bool
        }
        // Issue #18: an agreement's file is for those with a role in it.
        let everyone: Access = .permission(.readOverview)
        return [
            Route(
                .get,
                "/api/agreements",
                "listAgreements",
                "Aftalens versioner (kontraktfiler) på lager",
                access: everyone,
                query: [.page, .pageSize],
                response: .page(of: .record([("id", .text), ("version", .integer()), ("inUse", .boolean)]))
            ) { call in
                let versions = try await call.api.service.contractVersions(call.requester).map {
                    VersionView(id: $0.version.id, version: $0.version.version, inUse: $0.inUse)
                }
                return try .json(try call.paged(versions))
            },
            Route(
                .get,
                "/api/agreements/{agreement}/versions/{version}",
                "getAgreement",
                "En version af kontraktfilen, som YAML",
                access: everyone,
                response: nil,
                responseMediaType: "application/yaml"
            ) { call in
                guard let version = Int(call.parameter("version")) else {
                    throw Problem.notFound("Aftalen \(call.parameter("agreement")) version \(call.parameter("version")) findes ikke.")
                }
                let text = try await call.api.service.contractText(call.requester, id: call.parameter("agreement"), version: version)
                return .raw(Data(text.utf8), contentType: "application/yaml; charset=utf-8")
            },
            Route(
                .get,
                "/api/agreements/{agreement}/versions/{version}/diff",
                "agreementDiff",
                "Forskellene linje for linje mellem en tidligere version (from) og denne version af kontraktfilen (T 11.1)",
                access: everyone,
                query: [QueryParameter(name: "from", schema: .integer(minimum: 1), required: true, description: "Den tidligere version.")],
                response: .record([
                    ("from", .integer()), ("to", .integer()),
                    ("lines", .array(.record([("kind", .string(values: ["removed", "added", "context", "skip"])), ("number", .text), ("line", .text)]))),
                ])
            ) { call in
                struct Line: Encodable {
                    var kind: String
                    var number: String
                    var line: String
                }
                struct Diff: Encodable {
                    var from: Int
                    var to: Int
                    var lines: [Line]
                }
                guard let to = Int(call.parameter("version")), let from = call.query["from"].flatMap(Int.init) else {
                    throw Problem.badRequest("Angiv versionen i stien og den tidligere som ?from=N.")
                }
                let id = call.parameter("agreement")
                let old = try await call.api.service.contractText(call.requester, id: id, version: from)
                let new = try await call.api.service.contractText(call.requester, id: id, version: to)
                let kinds = ["fjernet": "removed", "tilføjet": "added", "uændret": "context", "skip": "skip"]
                let lines = WebApp.lineDiff(old, new).map { Line(kind: kinds[$0["kind"] ?? ""] ?? "context", number: $0["number"] ?? "", line: $0["line"] ?? "") }
                return try .json(Diff(from: from, to: to, lines: lines))
            },
            Route(
                .post,
                "/api/agreements",
                "saveAgreement",
                "Gem en ny version af aftalens kontraktfil (YAML); afvises med fil, linje og felt ved fejl",
                access: .permission(.saveContractVersion),
                body: .string(description: "kontraktfilen som YAML"),
                bodyMediaType: "application/yaml",
                status: .created,
                response: .record([("id", .text), ("version", .integer()), ("inUse", .boolean)]),
                maxBodySize: BodyLimit.contract
            ) { call in
                let saved = try await call.api.service.saveContractVersion(call.requester, text: String(decoding: call.body, as: UTF8.self))
                return try .json(VersionView(id: saved.id, version: saved.version, inUse: false), status: .created)
            },
            Route(
                .get,
                "/api/agreements/current/findings",
                "agreementFindings",
                "Valideringens fund i den aftale, der er i brug",
                access: everyone,
                query: [.page, .pageSize],
                response: .page(
                    of: .record([
                        ("clause", .text), ("severity", .string(values: Finding.Severity.allCases.map(\.rawValue))), ("message", .text),
                        ("stated", .nullable(.text)), ("computed", .nullable(.text)),
                    ])
                )
            ) { call in
                try .json(try call.paged(ContractValidator.validate(call.api.commitment)))
            },
        ]
    }
}
