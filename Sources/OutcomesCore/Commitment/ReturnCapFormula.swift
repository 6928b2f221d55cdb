/// The return cap's formula (*afkastloft*, T 5.2): the grant with interest at a fixed rate,
/// on a day-count basis, with interest added once a year.
///
/// T 5.2: "Tilskuddet med tillæg af en forrentning i Tilsagnsperioden på 5,07% p.a. baseret
/// på et 365-dages år med årlige rentetilskrivninger pr. den 31. december". Each installment
/// earns simple interest, actual days over the basis, from its date; on every posting date
/// the accrued interest is rounded to øre and added to the balance, so later interest
/// compounds on it. At the horizon any interest accrued since the last posting is added.
///
/// Worked example: 1.000.000 kr. paid 2023-11-30 at 5,07 % on 365 days, posted each
/// 31 December: 2023-12-31 adds 1.000.000 × 0,0507 × 31/365 = 4.306,03 kr.; 2024-12-31
/// adds 1.004.306,03 × 0,0507 × 366/365 = 51.057,82 kr. (a leap year has 366 days of
/// interest on a 365-day basis).
public enum ReturnCapFormula {
    /// The value at `horizon` of the installments with interest.
    ///
    /// - Parameters:
    ///   - installments: dated amounts, in any order.
    ///   - annualRate: the rate per year (5,07 %).
    ///   - dayCountBasis: days in the interest year (365).
    ///   - postingMonth: month of the yearly posting (12).
    ///   - postingDay: day of the yearly posting (31).
    ///   - horizon: the date the value is computed for.
    /// - Returns: principal plus interest, to the øre.
    public static func compoundedValue(
        installments: [(date: LocalDate, amount: Money)],
        annualRate: Percent,
        dayCountBasis: Int,
        postingMonth: Int,
        postingDay: Int,
        horizon: LocalDate
    ) -> Money {
        let sorted = installments.filter { $0.date <= horizon }.sorted { $0.date < $1.date }
        guard let first = sorted.first else { return .zero }
        var balance = Money.zero
        var accrued = Ratio.zero
        var cursor = first.date
        var pending = sorted[...]
        let dailyRate = annualRate.fraction / dayCountBasis

        func accrue(to date: LocalDate) {
            accrued += balance.kroner * dailyRate * cursor.days(to: date)
            cursor = date
        }

        var year = first.date.year
        while cursor <= horizon {
            let posting = LocalDate(year: year, month: postingMonth, day: min(postingDay, LocalDate.daysInMonth(year: year, month: postingMonth)))!
            if posting < cursor {
                year += 1
                continue
            }
            let stop = min(posting, horizon)
            while let next = pending.first, next.date <= stop {
                accrue(to: next.date)
                balance += next.amount
                pending = pending.dropFirst()
            }
            accrue(to: stop)
            if stop == posting || stop == horizon {
                balance += Money.rounded(accrued)
                accrued = .zero
            }
            if stop == horizon { break }
            year += 1
        }
        return balance
    }
}
