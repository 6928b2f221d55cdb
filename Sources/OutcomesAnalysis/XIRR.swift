public import OutcomesCore
import RealModule

/// The internal rate of return of dated cash flows (XIRR, as spreadsheets compute it): the
/// annual rate r at which Σ amount × (1 + r)^(−days/365) is zero.
///
/// Money stays exact; only the rate is found numerically, since no closed form exists. It lives
/// outside the exact core for that reason: a rate is reported, never money.
public enum XIRR {
    /// The lowest and highest rate searched: −99,99 % and +1.000.000 %.
    static let bounds = (low: -0.9999, high: 10_000.0)

    /// The rate, or `nil` when the flows have no sign change (no rate exists) or no root lies
    /// between −99,99 % and +1.000.000 %.
    public static func rate(_ flows: [(date: LocalDate, amount: Money)]) -> Double? {
        let flows = flows.filter { !$0.amount.isZero }
        guard let first = flows.map(\.date).min() else { return nil }
        let years = flows.map { Double(first.days(to: $0.date)) / 365 }
        let amounts = flows.map { Double($0.amount.minorUnits) / 100 }
        return solve(years: years, amounts: amounts)
    }

    /// The root of Σ amounts[i] × (1 + r)^(−years[i]) in the bounds: Newton's method kept inside
    /// a bracket that bisection shrinks whenever a Newton step would leave it (so it always
    /// converges, and in a handful of steps for ordinary flows). `guess` starts the search; the
    /// forecast passes the expected case's rate so that each run needs few steps.
    public static func solve(years: [Double], amounts: [Double], guess: Double = 0.1) -> Double? {
        var hasIn = false
        var hasOut = false
        for amount in amounts {
            if amount > 0 { hasIn = true } else if amount < 0 { hasOut = true }
        }
        guard hasIn, hasOut else { return nil }
        func value(_ rate: Double) -> (value: Double, slope: Double) {
            let logBase = Double.log(onePlus: rate)
            var value = 0.0
            var slope = 0.0
            for i in years.indices {
                let discounted = amounts[i] * Double.exp(-years[i] * logBase)
                value += discounted
                slope -= years[i] * discounted
            }
            return (value, slope / (1 + rate))
        }
        var low = bounds.low
        var high = bounds.high
        let valueLow = value(low).value
        guard valueLow.sign != value(high).value.sign else { return nil }
        var rate = min(max(guess, low), high)
        for _ in 0..<200 {
            let (v, slope) = value(rate)
            if v == 0 { return rate }
            if v.sign == valueLow.sign { low = rate } else { high = rate }
            var next = rate - v / slope
            if !(next > low && next < high) || !next.isFinite { next = (low + high) / 2 }
            if abs(next - rate) < 1e-12 * max(1, abs(rate)) || high - low < 1e-12 { return next }
            rate = next
        }
        return rate
    }
}

extension Optional where Wrapped == Double {
    /// A rate as a Danish percentage with two decimals ("4,12 %", "-8,70 %"), "–" where none
    /// exists.
    public var danishPercentString: String {
        guard let rate = self, rate.isFinite else { return "–" }
        let hundredths = Int((rate * 10_000).rounded())
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(hundredths < 0 ? "-" : "")\((magnitude / 100).danishString),\(fraction < 10 ? "0" : "")\(fraction) %"
    }
}
