public import OutcomesCore
import RealModule

/// The internal rate of return of dated cash flows (XIRR, as spreadsheets compute it): the
/// annual rate r at which Σ amount × (1 + r)^(−days/365) is zero.
///
/// Money stays exact; only the rate is found numerically (bisection on doubles), since no closed
/// form exists. It lives outside the exact core for that reason: a rate is reported, never money.
public enum XIRR {
    /// The rate, or `nil` when the flows have no sign change (no rate exists) or no root lies
    /// between −99,99 % and +1.000.000 %.
    public static func rate(_ flows: [(date: LocalDate, amount: Money)]) -> Double? {
        let flows = flows.filter { !$0.amount.isZero }
        guard let first = flows.map(\.date).min(), flows.contains(where: { $0.amount.isNegative }),
            flows.contains(where: { !$0.amount.isNegative })
        else { return nil }
        let points = flows.map { (years: Double(first.days(to: $0.date)) / 365, amount: Double($0.amount.minorUnits) / 100) }
        func value(_ rate: Double) -> Double {
            points.reduce(0) { $0 + $1.amount * pow(1 + rate, -$1.years) }
        }
        var low = -0.9999
        var high = 10_000.0
        var valueLow = value(low)
        guard valueLow.sign != value(high).sign else { return nil }
        for _ in 0..<300 {
            let middle = (low + high) / 2
            let valueMiddle = value(middle)
            if valueMiddle == 0 || (high - low) < 1e-12 { return middle }
            if valueMiddle.sign == valueLow.sign {
                low = middle
                valueLow = valueMiddle
            } else {
                high = middle
            }
        }
        return (low + high) / 2
    }

    /// x^y for positive x (swift-numerics).
    static func pow(_ x: Double, _ y: Double) -> Double { Double.pow(x, y) }
}
