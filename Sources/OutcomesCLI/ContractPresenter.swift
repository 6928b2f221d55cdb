import OutcomesCore

/// Renders an agreement readably in Danish, every figure with its clause.
enum ContractPresenter {
    static func render(_ c: Commitment) -> String {
        var out = Lines()
        out.heading("\(c.title) — \(c.id), version \(c.version)")
        out.line(c.source)
        out.line("Underskrevet \(c.signedOn.value.danishLongString)", c.signedOn.clause)
        let period = c.interventionPeriod.value
        out.line(
            "Indsatsperiode \(period.start.danishLongString) – \(period.end.danishLongString) (\(period.months) måneder)",
            c.interventionPeriod.clause
        )
        out.line("Indsatsgruppe: \(c.expectedHouseholds.value) husstande, ca. \(c.expectedPersons.value) personer", c.expectedHouseholds.clause)

        out.heading("Parter")
        for party in c.parties {
            var text = "\(party.name) (\(roleName(party.role)))"
            if let cvr = party.cvr { text += ", CVR-nr. \(cvr)" }
            if let address = party.address { text += ", \(address)" }
            out.line(text, party.clause)
        }

        out.heading("Tilskud og medfinansiering")
        for grant in c.grants {
            out.line("\(name(c, grant.funder)): \(grant.amount.value.danishShortString)", grant.amount.clause)
        }
        out.line("I alt \(c.totalGrants.danishShortString)")
        out.line(
            "\"Tilskuddet\" er \(name(c, c.theGrantFunder))s tilskud: kun det reduceres (T 4.2) og tilbagebetales som ubrugt (T 4.3)",
            c.grantFunder?.clause ?? "T 3.1"
        )
        for condition in c.coFunding {
            let what =
                switch condition.kind {
                case .grant: "yder tilskud på"
                case .outcomePayments: "yder resultatbetaling på op til"
                case .donation: "donerer"
                }
            let to = condition.recipient.map { " til \(name(c, $0))" } ?? ""
            out.line("Betingelse: \(name(c, condition.party)) \(what) \(condition.amount.value.danishShortString)\(to)", condition.amount.clause)
        }

        out.heading("Udbetalingsplan")
        let plan = c.disbursementPlan
        let funders = plan.statedTotals.keys.sorted()
        for installment in plan.installments {
            let amounts = funders.map { "\(name(c, $0)) \((installment.amounts[$0] ?? .zero).danishShortString)" }
            out.line("\(installment.name), senest \(installment.dueBy.danishLongString): \(amounts.joined(separator: ", "))", plan.clause)
        }
        out.line("Total: " + funders.map { "\(name(c, $0)) \(plan.statedTotals[$0]!.danishShortString)" }.joined(separator: ", "), plan.clause)
        if let recipients = plan.recipients {
            out.line(
                "Modtagere: " + funders.map { "\(name(c, $0)) til \(name(c, recipients.value[$0] ?? c.municipalityKey))" }.joined(separator: ", "),
                recipients.clause
            )
        }

        out.heading("Budget")
        let budget = c.budget
        out.line("År: " + budget.years.map(String.init).joined(separator: ", "), budget.clause)
        for line in budget.lines {
            let years = line.perYear.map { " (" + zip(budget.years, $0).map { "\($0): \($1.danishShortString)" }.joined(separator: "; ") + ")" } ?? ""
            let financed = line.financedBy.isEmpty ? "" : ", finansieres af " + line.financedBy.map { name(c, $0) }.joined(separator: ", ")
            out.line("\(line.name): \(line.statedTotal.danishShortString)\(years)\(financed)", budget.clause)
        }
        for subtotal in budget.subtotals {
            let financing = subtotal.financing.sorted { $0.key < $1.key }.map { "\(name(c, $0.key)) \($0.value.danishShortString)" }
            out.line(
                "\(subtotal.name): \(subtotal.statedTotal.danishShortString)"
                    + (financing.isEmpty ? "" : " (finansieres af \(financing.joined(separator: " og ")))"),
                budget.clause
            )
        }
        out.line(
            "Budget i alt: \(budget.statedGrandTotal.danishShortString) (pr. år: \(zip(budget.years, budget.statedYearTotals).map { "\($0): \($1.danishShortString)" }.joined(separator: "; ")))",
            budget.clause
        )
        out.line(
            "Forventet antal husstande: \(budget.statedHouseholdTotal) (pr. år: \(zip(budget.years, budget.expectedHouseholds).map { "\($0): \($1)" }.joined(separator: "; ")))",
            budget.clause
        )

        out.heading("Betalingsmål")
        for goal in c.paymentGoals { renderGoal(goal, c, &out) }

        out.heading("Trancher")
        let tranches = c.tranches
        out.line("Tranche 1 indtil Kommunen og LBF samlet har tilbagebetalt \(tranches.threshold.value.danishShortString)", tranches.threshold.clause)
        for share in tranches.shares {
            out.line(
                "\(name(c, share.funder)): tilskud \(share.statedGrant.danishShortString), andel af samlet tilskud \(share.shareOfGrants.danishString), tranche 1 \(share.tranche1.danishString), tranche 2 \(share.tranche2.danishString)",
                tranches.clause
            )
        }

        out.heading("Afkastloft")
        let cap = c.returnCap
        out.line("Kommunens samlede tilbagebetaling kan aldrig overstige \(cap.amount.value.danishShortString)", cap.amount.clause)
        out.line(
            "Forrentning \(cap.annualRate.value.danishString) p.a., \(cap.dayCountBasis)-dages år, rentetilskrivning \(cap.postingDay)/\(cap.postingMonth), af tilskud fra \(cap.compoundedGrants.map { name(c, $0) }.joined(separator: ", "))",
            cap.annualRate.clause
        )
        out.line(
            "Formlen som trykt" + (cap.printedFormulaIsInterestOnly ? " giver kun renterne: (1 + rente)^år × Tilskud − Tilskud" : ""),
            cap.printedFormulaClause
        )

        out.heading("Overholdelse")
        let compliance = c.compliance
        out.line("Tilbageholdelse ved flere end \(compliance.endedCoursesLimit.value) forløb ophørt før tid", compliance.endedCoursesLimit.clause)
        out.line(
            "Afsluttet som planlagt (ikke ophørt før tid): \(compliance.regularCompletion.value.map(\.rawValue).joined(separator: ", "))",
            compliance.regularCompletion.clause
        )
        for milestone in compliance.enrolmentMilestones {
            out.line("Mindst \(milestone.households) husstande visiteret inden for \(milestone.withinMonths) måneder", milestone.clause)
        }
        out.line(
            "Genforhandling, hvis realiseret baseline afviger mere end \(compliance.baselineDeviation.value.danishString)",
            compliance.baselineDeviation.clause
        )
        out.line("Visitation med sigte på \(compliance.annualEnrolmentPace.value) husstande årligt", compliance.annualEnrolmentPace.clause)
        out.line("En husstand tæller med efter \(compliance.countingMonths.value) måneders forløb", compliance.countingMonths.clause)
        out.line(
            "Ophør inden for \(compliance.replacementWindowMonths.value) måneder forpligter til ny visitation (undtagen når behovet er ophørt)",
            compliance.replacementWindowMonths.clause
        )
        out.line(
            "En væsentlig del af indsatsen skal realiseres i de første \(compliance.realisationQuarters.value) kvartaler",
            compliance.realisationQuarters.clause
        )

        out.heading("Rapportering og frister")
        let r = c.reporting
        out.line("Rapportering til Styregruppen \(r.reportsPerYear.value) gange årligt", r.reportsPerYear.clause)
        out.line(
            "Styregruppemøder: \(r.firstYearMeetingsPerQuarter.value) pr. kvartal i første år, derefter mindst \(r.meetingsPerYear.value) årligt",
            r.meetingsPerYear.clause
        )
        out.line(
            "Årsmøde senest ved udgangen af \(r.annualMeetingByQuarter.value). kvartal; regnskab senest \(r.accountsDaysBeforeAnnualMeeting.value) kalenderdage før",
            r.annualMeetingByQuarter.clause
        )
        out.line(
            "Ikke-anvendt tilskud tilbagebetales senest \(r.unusedGrantRepaymentMonths.value) måned efter Årsmødet",
            r.unusedGrantRepaymentMonths.clause
        )
        out.line(
            "Betalingsopgørelser \(r.settlementsPerYear.value) gange årligt; betaling senest ved udgangen af kvartalet efter perioden",
            r.settlementsPerYear.clause
        )
        let d = c.deadlines
        out.line("Betalingsfrist ved tilbagekaldelse: \(d.revocationPaymentDays.value) kalenderdage", d.revocationPaymentDays.clause)
        out.line("Indsigelse mod tilbagekaldelse: senest \(d.objectionDays.value) kalenderdage efter modtagelse", d.objectionDays.clause)
        out.line("Mindelig løsning af tvister: \(d.amicableResolutionDays.value) kalenderdage", d.amicableResolutionDays.clause)
        if d.nonBusinessDayReceiptMovesForward.value {
            out.line(
                "Meddelelser modtaget på en dag, der ikke er en hverdag, anses for modtaget første hverdag derefter",
                d.nonBusinessDayReceiptMovesForward.clause
            )
        }

        out.heading("Fortolkninger (SPEC §9)")
        for item in c.interpretationSummary {
            out.line("\(item.reading) [\(item.key)]", item.clause)
        }
        return out.text
    }

    static func renderGoal(_ goal: PaymentGoal, _ c: Commitment, _ out: inout Lines) {
        out.subheading("\(goal.number). \(goal.name)" + (goal.isPrimary ? " (primært mål)" : " (sekundært mål)"))
        out.line("Delmålgruppe: \(goal.subgroup.value.text)", goal.subgroup.clause)
        out.line("Sats: \(goal.rate.value.danishShortString) \(goal.unit.danishDescription)", goal.rate.clause)
        out.line("Målinger: " + goal.points.value.map(\.danishDescription).joined(separator: ", "), goal.points.clause)
        out.line("Betaler: \(name(c, goal.payer.value))", goal.payer.clause)
        if let cap = goal.cap { out.line("Loft: \(cap.value.danishShortString)", cap.clause) }
        switch goal.terms {
        case let .employment(t):
            out.line("Forventet baseline og succesrate pr. ydelsestype:", t.clause)
            for row in t.rows {
                out.item(
                    "\(row.label): \(row.expectedCount) personer (\(row.expectedShare.danishString)), \(row.criterion.danishName), forventet succesrate \(row.expectedSuccessRate.danishString)"
                )
            }
            out.item(
                "Total: \(t.statedTotalCount) personer (\(t.statedTotalShare.danishString)), samlet succesrate \(t.statedTotalSuccessRate.danishString)"
            )
        case let .socialMeasures(t):
            out.line("Foranstaltningstrappen:", t.clause)
            for row in t.rows {
                let rate = row.expectedSuccessRate.map { ", succesrate \($0.danishString)" } ?? ""
                out.item("\(row.label): \(row.stepUnits) trin-enheder, \(row.expectedCount) personer (\(row.expectedShare.danishString))\(rate)")
            }
            out.item("\(t.subtotal.label): \(t.subtotal.statedCount) personer (\(t.subtotal.statedShare.danishString))")
            out.item("Total: \(t.statedTotalCount) personer (\(t.statedTotalShare.danishString))")
            out.line("Regneeksempel:", t.exampleClause)
            for citizen in t.example {
                out.item("\(citizen.label): \(citizen.baseline.rawValue) → \(citizen.result.rawValue): \(citizen.statedPayment.danishShortString)")
            }
        case let .schoolAbsence(t):
            out.line(
                "\(t.cohorts.value) kohorter à mindst \(t.minimumHouseholdsPerCohort.value) husstande; fravær som gennemsnit af de seneste \(t.averagingMonths.value) måneder",
                t.cohorts.clause
            )
            out.line("Forventet fravær (indsats / kontrol / succesrate):", t.expectedClause)
            for row in t.expected {
                out.item(
                    "\(row.point.danishDescription): \(row.treatment.danishString) / \(row.control.danishString)"
                        + (row.successRate.map { " / \($0.danishString)" } ?? "")
                )
            }
            out.line("Loftet svarer til en overperformance på ca. \(t.capOverperformance.value.danishString)", t.capOverperformance.clause)
        case let .lifeSatisfaction(t):
            out.line(
                "Skala \(t.scaleMinimum)–\(t.scaleMaximum); ca. \(t.expectedPopulation.value) personer; forventet \(t.expectedImprovedShare.value.danishString) med højere livstilfredshed",
                t.expectedImprovedShare.clause
            )
        case let .actionPlans(t):
            out.line("En helt opfyldt handleplan udløser \(t.statedFullPlanPayment.value.danishShortString)", t.statedFullPlanPayment.clause)
            out.line(
                "Forventet opfyldelse \(t.expectedFulfilment.value.danishString); målene kan justeres de første \(t.adjustmentMonths.value) måneder",
                t.expectedFulfilment.clause
            )
        }
    }

    static func name(_ c: Commitment, _ key: PartyKey) -> String { c.party(key)?.name ?? key.rawValue }

    static func roleName(_ role: Party.Role) -> String {
        switch role {
        case .funder: "tilskudsgiver"
        case .coFunder: "medfinansierer"
        case .municipality: "kommune"
        case .donor: "donor"
        case .supplier: "leverandør"
        case .evaluator: "evaluator"
        case .housingAssociation: "boligselskab"
        }
    }
}

/// A small text builder: headings, lines with their clause, indented items.
struct Lines {
    var text = ""
    mutating func heading(_ title: String) {
        if !text.isEmpty { text += "\n" }
        text += title + "\n" + String(repeating: "=", count: title.count) + "\n"
    }
    mutating func subheading(_ title: String) { text += "\n" + title + "\n" }
    mutating func line(_ content: String, _ clause: Clause? = nil) {
        text += "  " + content + (clause.map { "  [\($0)]" } ?? "") + "\n"
    }
    mutating func item(_ content: String) { text += "    - " + content + "\n" }
}
