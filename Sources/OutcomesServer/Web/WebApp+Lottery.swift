import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesLottery
import OutcomesStore

/// "Lodtrækning" (issue #16, P 3.1.1, 3.2.2): the evaluator uploads the population, enters the
/// seed and draws; the hashes are published on the page; anyone who sees the list can verify it.
extension WebApp {
    func registerLottery(on router: PageRouter) {
        router.get("/lodtraekning") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                return try await lotteryPage(caller, now: now)
            }
        }
        // The list as drawn, for the evaluator to publish and anyone here to verify.
        router.get("/lodtraekning/liste.csv") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                let requester = Requester(user: caller.user, purpose: "visitationslisten (CSV)", now: now, channel: "web:lottery")
                guard let record = try await api.service.lotteryList(requester) else {
                    let drawn = try await !api.service.lotteries(requester).isEmpty
                    throw Refusal.notFound(
                        drawn
                            ? "Listen blev trukket, før Outcomes gemte selve listen; kun dens SHA-256 er gemt. Evaluator har listen fra lodtrækningen."
                            : "Der er ingen trukket liste endnu."
                    )
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"visitationsliste-\(record.listHash.prefix(12)).csv\"",
                        .cacheControl: "no-store",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: record.csv))
                )
            }
        }
        router.post("/lodtraekning") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.drawLottery.roles, now: now)
                let (fields, files) = try await upload(request, context, caller: caller)
                guard let name = fields["file:population"], let data = files[name] else {
                    return try await lotteryPage(caller, now: now, error: "Vælg populationsfilen.", seed: fields["seed"])
                }
                let requester = Requester(user: caller.user, purpose: "lodtrækning", now: now, channel: "web:lottery")
                do {
                    let draw = try await api.service.drawLottery(requester, population: String(decoding: data, as: UTF8.self), file: name, seed: fields["seed", default: ""])
                    return try await lotteryPage(caller, now: now, drawn: draw)
                } catch let error as ApplicationError {
                    return try await lotteryPage(caller, now: now, error: error.description, seed: fields["seed"])
                }
            }
        }
        router.post("/lodtraekning/kontrol") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                let (fields, files) = try await upload(request, context, caller: caller)
                guard let populationName = fields["file:population"], let listName = fields["file:list"],
                    let population = files[populationName], let list = files[listName]
                else { return try await lotteryPage(caller, now: now, error: "Vælg både populationen og listen.") }
                guard populationName != listName else {
                    return try await lotteryPage(caller, now: now, error: "Populationen og listen skal være to filer med hvert sit navn.")
                }
                let requester = Requester(user: caller.user, purpose: "kontrol af lodtrækning", now: now, channel: "web:lottery")
                do {
                    let result = try api.service.verifyLottery(
                        requester,
                        population: String(decoding: population, as: UTF8.self),
                        seed: fields["seed", default: ""],
                        list: String(decoding: list, as: UTF8.self)
                    )
                    switch result {
                    case let .matches(hash):
                        return try await lotteryPage(caller, now: now, flash: "Listen passer: den kan udledes af frøet og populationen (listens SHA-256 \(hash)).")
                    case let .differs(position, expected, found):
                        return try await lotteryPage(
                            caller,
                            now: now,
                            error: "Listen passer ikke: plads \(position) skulle være \(expected?.rawValue ?? "(ingen)"), men er \(found?.rawValue ?? "(ingen)")."
                        )
                    }
                } catch let error as ApplicationError {
                    return try await lotteryPage(caller, now: now, error: error.description)
                }
            }
        }
    }

    /// A multipart form's fields and files, after its CSRF check.
    func upload(_ request: Request, _ context: OutcomesRequestContext, caller: Caller) async throws -> (fields: [String: String], files: [String: Data]) {
        let body = try await request.body.collect(upTo: BodyLimit.json)
        let (fields, files) = try WebApp.multipart(body, contentType: request.headers[.contentType] ?? "")
        guard let sent = fields["_csrf"], constantTimeEquals(sent, caller.csrfToken ?? "") else {
            throw Refusal.forbidden("Formularen er udløbet eller kom ikke fra Outcomes (CSRF). Genindlæs siden og prøv igen.")
        }
        return (fields, files)
    }

    func lotteryPage(
        _ caller: Caller,
        now: Date,
        error: String? = nil,
        flash: String? = nil,
        seed: String? = nil,
        drawn: Lottery.Draw? = nil
    ) async throws -> Response {
        var context = base(caller, title: "Lodtrækning", current: "/lodtraekning", now: now)
        context["error"] = error
        context["flash"] = drawn.map { "Lodtrækningen er gemt: \($0.entries.count) husstande har fået deres plads på visitationslisten." } ?? flash
        context["canDraw"] = Permission.drawLottery.roles.contains(RoleKind(caller.user.role))
        context["seed"] = seed ?? ""
        let records = try await api.service.lotteries(Requester(user: caller.user, now: now, channel: "web:lottery"))
        context["hasList"] = !records.isEmpty
        context["lotteries"] = records.reversed().map {
            ["seed": $0.seed, "populationHash": $0.populationHash, "listHash": $0.listHash, "households": Danish.integer($0.households), "drawnAt": LocalDate.danishTimestamp($0.drawnAt)]
        }
        if let drawn {
            context["drawn"] = [
                "populationHash": drawn.populationHash, "listHash": drawn.listHash,
                "first": drawn.entries.prefix(20).map { ["position": $0.position, "household": $0.household.rawValue] as [String: Any] },
            ] as [String: Any]
        }
        return html("lottery", context, status: error == nil ? .ok : .unprocessableContent)
    }
}
