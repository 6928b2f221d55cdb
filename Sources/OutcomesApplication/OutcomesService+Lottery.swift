import Foundation
import OutcomesCore
public import OutcomesLottery
public import OutcomesStore

// The visitation lottery (P 3.1.1, 3.2.2) for the web app; the command line draws the same way.
extension OutcomesService {
    /// The lotteries on record: seed, hashes, size, when (no person data: anyone signed in).
    public func lotteries(_ requester: Requester) async throws -> [LotteryRecord] {
        try authorize(requester, .readOverview)
        return try await store.lotteries().map { record in
            var withoutList = record
            withoutList.list = []
            return withoutList
        }
    }

    /// The list drawn, to publish and verify: household ids, so it is person data; the read is
    /// audited. Nil before a lottery is kept (or for one kept before the list was).
    public func lotteryList(_ requester: Requester) async throws -> LotteryRecord? {
        try authorize(requester, .readPersonData)
        guard let record = try await store.lotteries().last, !record.list.isEmpty else { return nil }
        try await auditRead(requester, "lottery list \(record.listHash.prefix(12))")
        return record
    }

    /// Draws the list from a population file and keeps it: the record with its hashes, and each
    /// household's place in the register (docs/lottery.md).
    public func drawLottery(_ requester: Requester, population text: String, file: String, seed: String) async throws -> Lottery.Draw {
        try authorize(requester, .drawLottery)
        // One list per agreement: a second draw would move households that already have their
        // place, and decisions, on the list (P 3.2.2).
        if let earlier = try await store.lotteries().first {
            throw ApplicationError.conflict("Listen er allerede trukket (\(LocalDate.danishTimestamp(earlier.drawnAt)), listens SHA-256 \(earlier.listHash.prefix(12))…); en ny lodtrækning ville flytte pladser, der er givet.")
        }
        try checkInput { () throws(InputRules.Violation) in try InputRules.line(seed, field: "seed") }
        let population: [(household: HouseholdID, area: Area?)]
        let draw: Lottery.Draw
        do {
            population = try Lottery.population(text, file: file, areas: commitment.areas)
            draw = try Lottery.draw(population: population.map(\.household), seed: seed)
        } catch let problem as Lottery.FileProblem {
            throw ApplicationError.invalid(problem.description)
        } catch let problem as Lottery.Problem {
            throw ApplicationError.invalid(problem.description.prefix(1).uppercased() + problem.description.dropFirst() + ".")
        }
        let areas = Dictionary(population.map { ($0.household, $0.area) }, uniquingKeysWith: { first, _ in first })
        do {
            try await store.recordLottery(
                LotteryRecord(
                    seed: seed,
                    populationHash: draw.populationHash,
                    listHash: draw.listHash,
                    households: draw.entries.count,
                    drawnAt: requester.timestamp
                ),
                list: draw.entries.map { ($0.household, areas[$0.household] ?? nil) },
                audit: requester.audit("draw-lottery", subject: "list \(draw.listHash.prefix(12))")
            )
        } catch let error as RegisterError {
            throw ApplicationError.invalid(
                "\(error.description): en husstand, der ikke er i registret, skal have sit område i populationsfilen (kolonnen area)."
            )
        }
        return draw
    }

    /// Re-derives a list from its population and seed and compares (anyone who sees the list).
    public func verifyLottery(_ requester: Requester, population: String, seed: String, list: String) throws -> Lottery.Verification {
        try authorize(requester, .readPersonData)
        do {
            let households = try Lottery.population(population, file: "population").map(\.household)
            let listed = try Lottery.population(list, file: "listen").map(\.household)
            return try Lottery.verify(population: households, seed: seed, list: listed)
        } catch let problem as Lottery.FileProblem {
            throw ApplicationError.invalid(problem.description)
        } catch let problem as Lottery.Problem {
            throw ApplicationError.invalid(problem.description.prefix(1).uppercased() + problem.description.dropFirst() + ".")
        }
    }
}
