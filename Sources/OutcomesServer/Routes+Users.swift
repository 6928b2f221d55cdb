import Foundation
import HTTPTypes
import OutcomesContractFile
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
        return [
            Route(
                .get,
                "/api/users",
                "listUsers",
                "Brugerne og deres roller",
                access: .roles([.admin]),
                query: [.page, .pageSize],
                response: .page(of: .ref("User"))
            ) { call in
                try .json(try call.paged(try await call.api.store.users().map(UserView.init)))
            },
            Route(
                .post,
                "/api/users",
                "createUser",
                "Opret en bruger; brugeren vælger sin egen adgangskode ved første login",
                access: .roles([.admin]),
                body: .record([("username", .text), ("displayName", .text), ("role", .text), ("password", .text)]),
                status: .created,
                response: .ref("User")
            ) { call in
                let new = try call.decode(NewUser.self)
                guard let role = Role(storedForm: new.role) else {
                    throw Problem.unprocessable(
                        "Rollen '\(new.role)' findes ikke: brug projectLead, areaCaseworker:houlkaer|ellekonebakken|karup-kolvraa, evaluator, funder:dsi|lbf, steeringGroup eller admin."
                    )
                }
                if case let .funder(party) = role, call.api.commitment.party(party) == nil {
                    throw Problem.unprocessable("Parten '\(party.rawValue)' findes ikke i aftalen.")
                }
                let username = new.username.trimmingCharacters(in: .whitespaces)
                guard (1...64).contains(username.count), username.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                    throw Problem.unprocessable("Brugernavnet skal have 1–64 tegn: bogstaver, tal, punktum, bindestreg eller understregning.")
                }
                let user = UserAccount(username: username, displayName: new.displayName, role: role, mustChangePassword: true)
                try await call.api.store.createUser(user, password: new.password, audit: call.audit("create-user", subject: "user:" + username))
                return try .json(UserView(user), status: .created)
            },
        ]
    }

    static var agreementRoutes: [Route] {
        struct VersionView: Encodable {
            var id: String
            var version: Int
            var inUse: Bool
        }
        let everyone: Access = .signedIn
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
                let inUse = call.api.commitment
                let versions = try await call.api.store.contractVersions().map {
                    VersionView(id: $0.id, version: $0.version, inUse: $0.id == inUse.id && $0.version == inUse.version)
                }
                return try .json(try call.paged(versions))
            },
            Route(
                .get,
                "/api/agreements/{id}/versions/{version}",
                "getAgreement",
                "En version af kontraktfilen, som YAML",
                access: everyone,
                response: nil,
                responseMediaType: "application/yaml"
            ) { call in
                guard let version = Int(call.parameter("version")),
                    let text = try await call.api.store.contractText(id: call.parameter("id"), version: version)
                else { throw Problem.notFound("Aftalen \(call.parameter("id")) version \(call.parameter("version")) findes ikke.") }
                return .raw(Data(text.utf8), contentType: "application/yaml; charset=utf-8")
            },
            Route(
                .post,
                "/api/agreements",
                "saveAgreement",
                "Gem en ny version af en kontraktfil (YAML); afvises med fil, linje og felt ved fejl",
                access: .roles([.projectLead]),
                body: .string(description: "kontraktfilen som YAML"),
                bodyMediaType: "application/yaml",
                status: .created,
                response: .record([("id", .text), ("version", .integer()), ("inUse", .boolean)])
            ) { call in
                let text = String(decoding: call.body, as: UTF8.self)
                let commitment: Commitment
                do {
                    commitment = try ContractFile.parse(text, file: "upload.yaml")
                } catch let error as ContractFileError {
                    throw Problem.unprocessable(error.description)
                }
                _ = try await call.api.store.saveContract(
                    id: commitment.id,
                    version: commitment.version,
                    text: text,
                    audit: call.audit("save-agreement", subject: "\(commitment.id) v\(commitment.version)")
                )
                return try .json(VersionView(id: commitment.id, version: commitment.version, inUse: false), status: .created)
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
