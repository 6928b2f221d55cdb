import Foundation
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// A user's portfolio (issue #18 (4)): every agreement they may see figures of, and the totals
/// per funder across them. Aggregates only (T 8.1).
struct PortfolioFigures: Sendable {
    var asOf: LocalDate
    var agreements: [AgreementSummary]
    /// Per funder across the agreements: name, how many, approved, paid, expected.
    var funders: [FunderTotal]

    struct FunderTotal: Sendable {
        var funder: PartyKey
        var name: String
        var agreements: Int
        var approved: Money
        var paid: Money
        var expected: Money
    }

    /// The summaries of the agreements `user` has a role in that sees figures, computed side
    /// by side (each is kept until its agreement changes).
    static func compute(_ api: OutcomesAPI, user: UserAccount, asOf: LocalDate, now: Date, channel: String) async throws -> PortfolioFigures {
        let visible = api.agreements(of: user).filter { Permission.readFigures.allows($0.user.role) }
        // Every agreement's change count in one statement; the summaries themselves are kept.
        let changes = try await api.service.store.lastChanges(of: visible.map(\.api.commitment.id))
        let summaries = try await withThrowingTaskGroup(of: (Int, AgreementSummary).self) { group in
            for (index, (other, here)) in visible.enumerated() {
                let change = changes[other.commitment.id] ?? AgreementChange(count: 0)
                group.addTask {
                    (index, try await other.service.portfolioSummary(Requester(user: here, now: now, channel: channel), asOf: asOf, change: change))
                }
            }
            var found: [(Int, AgreementSummary)] = []
            for try await item in group { found.append(item) }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var totals: [PartyKey: FunderTotal] = [:]
        var order: [PartyKey] = []
        for summary in summaries {
            for funder in summary.funders {
                if totals[funder.funder] == nil {
                    order.append(funder.funder)
                    totals[funder.funder] = FunderTotal(funder: funder.funder, name: funder.name, agreements: 0, approved: .zero, paid: .zero, expected: .zero)
                }
                totals[funder.funder]!.agreements += 1
                totals[funder.funder]!.approved += funder.approved
                totals[funder.funder]!.paid += funder.paid
                totals[funder.funder]!.expected += funder.expected
            }
        }
        return PortfolioFigures(asOf: asOf, agreements: summaries, funders: order.map { totals[$0]! })
    }
}
