import Foundation
import HTTPTypes
import OutcomesAnalysis
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

/// The portfolio as the API answers it (issue #18 (4)).
struct PortfolioJSON: Encodable {
    struct Distribution: Encodable {
        var mean: String
        var p5: String
        var p95: String
    }
    struct DeadlineView: Encodable {
        var what: String
        var clause: String
        var due: LocalDate
        var status: String
    }
    struct Funder: Encodable {
        var funder: String
        var name: String
        var approved: String
        var paid: String
        var expected: String
        /// The forecast's median annual rate of return (XIRR) as a fraction, `"0.0412"`.
        var expectedReturn: String?
    }
    struct Agreement: Encodable {
        var id: String
        var title: String
        var version: Int
        var enrolled: Int
        var target: Int
        var computed: String
        var approved: String
        var due: String
        var paid: String
        var expected: Distribution
        /// Issue #19: the settled half-years' repayments, the same in every run.
        var known: String
        var returnCap: String
        var returnCapUsed: String
        var returnCapBinds: String
        var breaches: Int
        var warnings: Int
        var nextDeadlines: [DeadlineView]
        var funders: [Funder]
    }
    struct Total: Encodable {
        var funder: String
        var name: String
        var agreements: Int
        var approved: String
        var paid: String
        var expected: String
    }
    var asOf: LocalDate
    var agreements: [Agreement]
    var funders: [Total]

    init(_ figures: PortfolioFigures) {
        asOf = figures.asOf
        agreements = figures.agreements.map { s in
            Agreement(
                id: s.id, title: s.title, version: s.version, enrolled: s.enrolled, target: s.target,
                computed: s.repayments.computed.machineString, approved: s.repayments.approved.machineString,
                due: s.repayments.due.machineString, paid: s.repayments.paid.machineString,
                expected: Distribution(mean: s.expected.mean.machineString, p5: s.expected.p5.machineString, p95: s.expected.p95.machineString),
                known: s.known.machineString,
                returnCap: s.returnCap.machineString, returnCapUsed: s.returnCapUsed.machineString,
                returnCapBinds: s.returnCapBinds.decimalString(scale: 3),
                breaches: s.breaches, warnings: s.warnings,
                nextDeadlines: s.nextDeadlines.map { DeadlineView(what: $0.what, clause: $0.clause.reference, due: $0.due, status: $0.status.rawValue) },
                funders: s.funders.map {
                    Funder(
                        funder: $0.funder.rawValue, name: $0.name, approved: $0.approved.machineString, paid: $0.paid.machineString,
                        expected: $0.expected.machineString, expectedReturn: $0.expectedReturn.map { String(format: "%.4f", $0) }
                    )
                }
            )
        }
        funders = figures.funders.map {
            Total(
                funder: $0.funder.rawValue, name: $0.name, agreements: $0.agreements, approved: $0.approved.machineString,
                paid: $0.paid.machineString, expected: $0.expected.machineString
            )
        }
    }

    static var schema: Schema {
        let distribution = Schema.record([("mean", .money), ("p5", .money), ("p95", .money)])
        let deadline = Schema.record([("what", .text), ("clause", .text), ("due", .date), ("status", .string(values: ["met", "upcoming", "overdue"]))])
        let funder = Schema.object(
            [("funder", .text), ("name", .text), ("approved", .money), ("paid", .money), ("expected", .money), ("expectedReturn", .nullable(.text))],
            required: ["funder", "name", "approved", "paid", "expected"]
        )
        let agreement = Schema.record([
            ("id", .text), ("title", .text), ("version", .integer()), ("enrolled", .integer()), ("target", .integer()),
            ("computed", .money), ("approved", .money), ("due", .money), ("paid", .money), ("expected", distribution),
            ("known", .money), ("returnCap", .money), ("returnCapUsed", .money), ("returnCapBinds", .text), ("breaches", .integer()), ("warnings", .integer()),
            ("nextDeadlines", .array(deadline)), ("funders", .array(funder)),
        ])
        let total = Schema.record([
            ("funder", .text), ("name", .text), ("agreements", .integer()), ("approved", .money), ("paid", .money), ("expected", .money),
        ])
        return .record([("asOf", .date), ("agreements", .array(agreement)), ("funders", .array(total))])
    }
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
                "/api/portfolio",
                "portfolio",
                "Porteføljen: for hver aftale, du ser tal for, indskrivning mod mål, godkendte og betalte tilbagebetalinger, forventede (prognosen), afkastloftet, åbne brud og de næste frister; summer pr. tilskudsgiver",
                access: .signedIn,
                query: [QueryParameter(name: "asOf", schema: .date, required: true, description: "Datoen (ÅÅÅÅ-MM-DD).")],
                response: PortfolioJSON.schema
            ) { call in
                let figures = try await PortfolioFigures.compute(call.api, user: try call.user, asOf: try call.asOfDate(), now: call.now, channel: "portfolio")
                return try .json(PortfolioJSON(figures))
            },
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
