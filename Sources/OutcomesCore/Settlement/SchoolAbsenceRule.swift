/// Goal 3's formula (*skolefravær*, B5.1 2.1 and 2.6.2).
///
/// For a cohort and point k, with A_t and A_c the mean absence percentages of the treatment
/// and control children: D_k = round1((A_t − A_c) / A_c × 100). Each result point pays
/// rate × max(0, D_baseline − D_k), the fall in the relative difference since baseline.
///
/// Worked example B5.1 2.6.2 (rate 6.500 kr.): baseline 9 % vs 10 % gives D = −10,0;
/// 1st measurement 7 % vs 10 % gives D = −30,0 and pays 20,0 × 6.500 = 130.000 kr.;
/// 2nd 7,5 % vs 9,5 % gives D = −21,1 (−21,05 rounded) and pays 11,1 × 6.500 = 72.150 kr.;
/// 3rd 8,7 % vs 9,5 % gives D = −8,4 and pays 0 kr.
public enum SchoolAbsenceRule {
    /// B5.1 2.6.2 "Procentvis forskel": (A_t − A_c) / A_c × 100, rounded to one decimal half
    /// away from zero under ``AbsenceRounding/oneDecimal`` (SPEC §4, §9).
    ///
    /// - Precondition: the control mean is not zero.
    public static func difference(treatment: Percent, control: Percent, rounding: AbsenceRounding) -> Percent {
        let exact = (treatment.value - control.value) / control.value * 100
        switch rounding {
        case .oneDecimal: return Percent(Ratio(exact.rounded(toScale: 1), 10))
        case .exact: return Percent(exact)
        }
    }

    /// B5.1 2.1 goal 3: "DKK 6.500 pr. procent reduktion i gennemsnitligt fravær sammenlignet
    /// med kontrolgruppen", corrected for the baseline difference: rate × max(0, D_b − D_k).
    public static func payment(rate: Money, baseline: Percent, point: Percent) -> Money {
        Money.rounded(rate.kroner * (baseline.value - point.value).clampedAtZero)
    }
}
