public import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesAnalysis
import OutcomesCore
import OutcomesReports
import OutcomesStore

/// `outcomes finance`: money in and out (SPEC §7): the disbursement plan against what was paid,
/// the relative reduction, unused grant, the return cap beside its formula, and each party's
/// cash flows with XIRR.
public struct FinanceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "finance",
        abstract: "Udbetalinger, afkastloft, pengestrømme og XIRR pr. en dato (SPEC §7)."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @OptionGroup public var date: AsOfOption
    @Option(name: .long, help: "text eller json.") public var format: OutputFormat = .text
    @Option(name: .long, help: "Databasen med betalingerne (standard data/outcomes.sqlite).") public var database = "data/outcomes.sqlite"

    public init() {}

    public func run() async throws {
        let commitment = try await options.resolve(database: database)
        let day = date.day
        let report = try await withService(database, commitment: commitment, purpose: "økonomi") { service, requester in
            try await service.finance(requester, asOf: day)
        }
        switch format {
        case .json: print(report.json.text)
        case .text: print(FinanceCommand.figures(report.figures) + FinanceCommand.text(commitment, report), terminator: "")
        }
    }

    /// SPEC §10: the four repayment figures, labelled as every page labels them.
    static func figures(_ figures: RepaymentFigures) -> String {
        let labels = RepaymentFigures.labels
        return "Tilbagebetalinger efter resultater (SPEC §10)\n"
            + "  \(labels.computed): \(figures.computed.danishString)\n"
            + "  \(labels.approved): \(figures.approved.danishString)\n"
            + "  \(labels.due): \(figures.due.danishString)\n"
            + "  \(labels.paid): \(figures.paid.danishString)\n\n"
    }

    static func text(_ commitment: Commitment, _ report: FinanceReport) -> String {
        let (plan, reduction, unused, cap, flows, reconciliation, asOf) = (
            report.plan, report.reduction, report.unused, report.cap, report.flows, report.reconciliation, report.asOf
        )
        func name(_ key: PartyKey) -> String { commitment.party(key)?.name ?? key.rawValue }
        var out = "Penge ind og ud pr. \(asOf.danishString)\n\nUdbetalingsplanen (B3.2) mod det betalte\n"
        for row in plan.rows {
            out +=
                "  \(row.installment), \(name(row.funder)) til \(name(row.recipient)), senest \(row.dueBy.danishString): planlagt \(row.planned.danishString)"
            out += row.reduced.isZero ? "" : ", reduceret \(row.reduced.danishString) (T 4.2)"
            out += ", betalt \(row.paid.danishString)"
            switch row.state {
            case .onPlan: out += "\n"
            case .overdue: out += "  FORSINKET\n"
            case .withheld: out += "  TILBAGEHOLDT (T 6.1\(row.notice.map { ": \($0)" } ?? ""))\n"
            case .stopped: out += "  INDSTILLET (T 6.2.1\(row.notice.map { ": \($0)" } ?? ""))\n"
            }
        }
        for other in plan.paidToOthers {
            out += "  \(name(other.funder)) har udbetalt \(other.amount.danishString) til \(name(other.recipient)); B3.2 nævner \(name(other.planned)), så det tæller ikke på raterne\n"
        }
        if !plan.unabsorbedReductions.isZero { out += "  registrerede reduktioner uden en rate at modregne i: \(plan.unabsorbedReductions.danishString)\n" }
        out += "\nReduktion af Tilskuddet, \(name(commitment.theGrantFunder))s tilskud (T 3.1, T 4.2); forslag indtil \(name(commitment.theGrantFunder)) registrerer en beslutning\n"
        out += "Relativ reduktion (T 4.2 (i), B4.2 nr. 3; \(reduction.basis.choice == .perYear ? "pr. budgetår" : "samlet"))\n"
        for year in reduction.years {
            out +=
                "  \(year.year): tilskud \(year.grant.danishString), visiteret \(year.actual) af forventet \(year.expected), reduktion \(year.reduction.danishString)"
            out += year.isProvisional ? " (foreløbig)\n" : "\n"
        }
        out += "  i alt: \(reduction.total.danishString)\n"
        out += "Absolut reduktion (T 4.2 (ii); tilskuddets andel \(Percent(roundedShare: commitment.grantShare).danishString) af indsatslinjerne)\n"
        for year in report.absoluteReduction.years {
            out += "  \(year.year): budget \(year.budget.danishString), forbrugt \(year.spent?.danishString ?? "regnskab mangler"), reduktion \(year.reduction.danishString)"
            out += year.isProvisional ? " (foreløbig)\n" : "\n"
        }
        out += "  i alt: \(report.absoluteReduction.total.danishString)\n"
        out += "Registrerede beslutninger\n"
        if report.decisions.isEmpty { out += "  ingen\n" }
        for decision in report.decisions {
            out += "  \(decision.decidedOn.danishString): \(decision.kind.danishName) (\(decision.kind.clause)) for \(decision.year), \(decision.amount.danishString)"
            out += decision.note.isEmpty ? "\n" : " – \(decision.note)\n"
        }
        out += "\nUbrugt tilskud (T 4.3; \(name(unused.funder))s tilskud; tæller ikke mod afkastloftet)\n"
        if unused.years.isEmpty { out += "  intet afsluttet budgetår endnu\n" }
        for year in unused.years {
            guard let spent = year.spent, let left = year.unused, let toRepay = year.toRepay else {
                out += "  \(year.year): udbetalt \(year.disbursed.danishString); regnskab mangler, så det ubrugte kan ikke opgøres\n"
                continue
            }
            out += "  \(year.year): udbetalt \(year.disbursed.danishString), forbrugt (andel) \(spent.danishString), ubrugt \(left.danishString)"
            out += year.accrued.isZero ? "" : ", periodiseret \(year.accrued.danishString)"
            out += ", tilbagebetales \(toRepay.danishString) senest \(year.due.danishString)\(year.dueIsEstimated ? " (anslået: intet årsmøde registreret)" : "")\n"
        }
        if let claim = report.revocation {
            out += "\nTilbagekaldelse (T 6.2.1, 6.2.3): orientering \(claim.noticeOn.danishString) – \(claim.subject)\n"
            for installment in claim.installments {
                out += "  udbetalt \(installment.paidOn.danishString): \(installment.amount.danishString), renter \(installment.interest.danishString)\n"
            }
            if !claim.unusedGrantRepaid.isZero { out += "  ubrugt tilskud allerede tilbagebetalt (T 4.3): −\(claim.unusedGrantRepaid.danishString)\n" }
            out += "  krav inklusive renter: \(claim.claim.danishString), betales senest \(claim.paymentDue.danishString)\n"
            out += "  betalt \(claim.paid.danishString); morarenter (renteloven § 5) \(claim.defaultInterest.total.danishString); udestående \(claim.outstanding.danishString)\n"
            if !claim.defaultInterest.missingRates.isEmpty {
                out += "  referencesatsen mangler for \(claim.defaultInterest.missingRates.map(\.danishLabel).joined(separator: ", "))\n"
            }
        }
        out += "\nAfkastloftet (T 5.2)\n"
        out += "  aftalt (bindende): \(cap.stated.value.danishString) (\(cap.stated.clause))\n"
        out +=
            "  formlen på \(commitment.returnCap.compoundedGrants.map { $0.rawValue.uppercased() + "'s" }.joined(separator: " og ")) rater, \(commitment.returnCap.annualRate.value.danishString) p.a., \(commitment.returnCap.dayCountBasis)-dages år, rentetilskrivning \(commitment.returnCap.postingDay).\(commitment.returnCap.postingMonth), til \(cap.horizon.choice.danishString) (\(cap.horizon.clause)): \(cap.formula.danishString)\n"
        out += "  forskel (aftalt − formel): \(cap.distance.danishString)\n"
        out += "\nPengestrømme pr. part\n"
        for position in flows.positions {
            out +=
                "  \(name(position.party)): modtaget \(position.received.danishString), betalt \(position.paid.danishString), netto \(position.net.danishString)"
            out += position.irr.map { _ in ", XIRR \(position.irr.danishPercentString)" } ?? ""
            out += "\n"
            for flow in position.flows {
                out +=
                    "    \(flow.date.danishString)  \(flow.amount.danishString.padding(toLength: 18, withPad: " ", startingAt: 0)) \(flow.text) (\(flow.clause))\n"
            }
        }
        out += "\nTilbagebetalinger til dato efter betaler og modtager (T 5.1)\n"
        if reconciliation.repaid.isEmpty { out += "  ingen endnu\n" }
        for pair in reconciliation.repaid { out += "  \(name(pair.from)) → \(name(pair.to)): \(pair.amount.danishString)\n" }
        out += "\n" + reconciliationText(reconciliation, name: name)
        out += report.interpretations.danishText
        return out
    }

    /// T 5.3 in words: per party what the settlement says against what was moved.
    static func reconciliationText(_ r: Reconciliation, name: (PartyKey) -> String) -> String {
        var out =
            r.isFinal
            ? "Slutafregning (T 5.3): betalt mod skyldigt efter afregningerne\n"
            : "Foreløbig kontrol (T 5.3 gælder efter sidste forfald \(r.lastPaymentDue.danishString)): betalt mod skyldigt for de godkendte, forfaldne halvår\n"
        out += "  \(r.isFinal ? "forfaldne halvår" : "godkendte, forfaldne halvår"): \(r.danishSpan)"
        out += "; godkendt, ikke forfaldent: \(r.notYetDue.danishString)"
        out += r.isFinal ? "\n" : "; beregnet, ikke godkendt: \(r.notApproved.danishString)\n"
        for row in r.rows {
            out +=
                "  \(name(row.party)): skal betale \(row.owedToPay.danishString) og modtage \(row.owedToReceive.danishString); har betalt \(row.paid.danishString) og modtaget \(row.received.danishString) — \(row.danishStatus)\n"
        }
        out += "  Kommunens tilbagebetaling i alt: \(r.municipalityPaid.danishString) af afkastloftet \(r.returnCap.danishString)"
        out += r.municipalityPaid > r.returnCap ? " — OVER LOFTET\n" : "\n"
        return out
    }
}
