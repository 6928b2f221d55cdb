import Foundation
import OutcomesApplication
import OutcomesCore

/// Charts as SVG drawn by the server: no script, no fonts or files from elsewhere, and a
/// text alternative (`role="img"` with a title) for screen readers.
enum Chart {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

    /// Households enrolled by month (a line) against the targets (points with their figure).
    static func enrolment(_ progress: EnrolmentProgress, period: DateRange) -> String {
        let width = 760.0
        let height = 280.0
        let left = 48.0
        let right = 40.0
        let top = 16.0
        let bottom = 36.0
        let maxValue = Double(max(progress.targets.map(\.households).max() ?? 0, progress.enrolled, 10))
        let yMax = (maxValue / 30).rounded(.up) * 30
        let days = Double(period.end.dayNumber - period.start.dayNumber)
        func x(_ date: LocalDate) -> Double { left + (width - left - right) * Double(date.dayNumber - period.start.dayNumber) / days }
        func y(_ value: Int) -> Double { top + (height - top - bottom) * (1 - Double(value) / yMax) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"enrolment-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"enrolment-title\">\(progress.enrolled) husstande visiteret pr. \(progress.asOf.danishString); mål: "
        svg += progress.targets.map { "\($0.households) senest \($0.by.danishString)" }.joined(separator: ", ") + "</title>"
        var tick = 0
        while Double(tick) <= yMax {
            svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"#d5dbe3\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#4b5563\">\(tick)</text>"
            tick += 30
        }
        var month = LocalDate(year: period.start.year, month: period.start.month, day: 1)!
        while month <= period.end {
            if (month.month - period.start.month + 12) % 6 == 0 {
                svg += "<line x1=\"\(f(x(month)))\" x2=\"\(f(x(month)))\" y1=\"\(f(top))\" y2=\"\(f(height - bottom))\" stroke=\"#eef2f7\"/>"
                svg += "<text x=\"\(f(x(month)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4b5563\">"
                svg += "\(monthNames[month.month - 1]) \(month.year % 100)</text>"
            }
            month = month.addingMonths(1)
        }
        // The target path: a dashed line through the targets.
        var targetPoints = "\(f(x(period.start))),\(f(y(0)))"
        for target in progress.targets { targetPoints += " \(f(x(target.by))),\(f(y(target.households)))" }
        svg += "<polyline points=\"\(targetPoints)\" fill=\"none\" stroke=\"#8a96a8\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>"
        let points = ([(period.start, 0)] + progress.enrolledByMonth.map { ($0.monthEnd, $0.enrolled) }).map { "\(f(x($0.0))),\(f(y($0.1)))" }
        svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#0b5cad\" stroke-width=\"3\"/>"
        for target in progress.targets {
            let color = target.reached ? "#1d6b34" : (target.by <= progress.asOf ? "#a1261b" : "#4b5563")
            svg += "<circle cx=\"\(f(x(target.by)))\" cy=\"\(f(y(target.households)))\" r=\"5\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(f(x(target.by) - 8))\" y=\"\(f(y(target.households) - 8))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(color)\">"
            svg += "\(target.households)</text>"
        }
        if let last = progress.enrolledByMonth.last {
            svg += "<text x=\"\(f(x(last.monthEnd) + 6))\" y=\"\(f(y(last.enrolled) + 4))\" font-size=\"12\" font-weight=\"700\" fill=\"#0b5cad\">"
            svg += "\(last.enrolled)</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars per goal: what is payable (dark) against the goal's cap (light).
    static func goalBars(_ rows: [(label: String, payable: Money, cap: Money?)]) -> String {
        let width = 760.0
        let rowHeight = 34.0
        let labelWidth = 230.0
        let valueWidth = 200.0
        let height = rowHeight * Double(rows.count) + 8
        let largest = rows.map { max($0.payable.minorUnits, $0.cap?.minorUnits ?? 0) }.max() ?? 1
        let scale = (width - labelWidth - valueWidth) / Double(max(largest, 1))
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"bars-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"bars-title\">"
        svg += escape(
            rows.map { "\($0.label): \($0.payable.danishShortString)" + ($0.cap.map { " af loftet \($0.danishShortString)" } ?? "") }.joined(
                separator: "; "
            )
        )
        svg += "</title>"
        for (index, row) in rows.enumerated() {
            let top = Double(index) * rowHeight + 4
            svg += "<text x=\"0\" y=\"\(f(top + 18))\" font-size=\"12\" fill=\"#1b2330\">\(escape(row.label))</text>"
            if let cap = row.cap {
                svg +=
                    "<rect x=\"\(f(labelWidth))\" y=\"\(f(top + 4))\" width=\"\(f(Double(cap.minorUnits) * scale))\" height=\"20\" fill=\"#dbe6f3\" rx=\"3\"/>"
            }
            svg +=
                "<rect x=\"\(f(labelWidth))\" y=\"\(f(top + 4))\" width=\"\(f(Double(row.payable.minorUnits) * scale))\" height=\"20\" fill=\"#0b5cad\" rx=\"3\"/>"
            svg += "<text x=\"\(f(width))\" y=\"\(f(top + 18))\" text-anchor=\"end\" font-size=\"12\" fill=\"#1b2330\">"
            svg += escape(row.payable.danishShortString + (row.cap.map { " / " + $0.danishShortString } ?? "")) + "</text>"
        }
        return svg + "</svg>"
    }

    /// A money axis: a round step so that about five gridlines cover `largest` (in øre).
    static func moneyStep(_ largest: Int64) -> Int64 {
        let target = max(largest / 5, 1)
        var step: Int64 = 100
        while step < target {
            for factor: Int64 in [2, 5, 10] where step * factor >= target { return step * factor }
            step *= 10
        }
        return step
    }

    /// Stacked bars per half-year: the forecast's expected repayment split between the funders
    /// (one colour each), and a marker where the settlement shows what was actually owed.
    /// Each half-year is named in Danish ("2. halvår 2024"), on the axis in two lines.
    /// `ranges`, when given, is each half-year's 5–95 % of the forecast's runs (issue #19): a
    /// whisker over the bar.
    static func halfYears(_ rows: [(period: HalfYear, parts: [Money], settled: Money?)], legend: [String], ranges: [(low: Money, high: Money)] = []) -> String {
        let width = 760.0
        let height = 300.0
        let left = 78.0
        let right = 12.0
        let top = 24.0
        let bottom = 40.0
        let colours = ["#0b5cad", "#7fb0e0", "#c58a00", "#1d6b34"]
        let largest = max(
            rows.map { max(Money.sum($0.parts).minorUnits, $0.settled?.minorUnits ?? 0) }.max() ?? 0,
            ranges.map(\.high.minorUnits).max() ?? 0
        )
        let step = moneyStep(largest)
        let yMax = Double(max(step, (largest + step - 1) / step * step))
        func y(_ minor: Int64) -> Double { top + (height - top - bottom) * (1 - Double(minor) / yMax) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let slot = (width - left - right) / Double(max(rows.count, 1))
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"halfyears-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"halfyears-title\">"
        svg += escape(
            rows.map { row in
                "\(row.period.danishLabel): " + zip(legend, row.parts).map { "\($0) \($1.danishShortString)" }.joined(separator: ", ")
                    + (row.settled.map { "; afregnet \($0.danishShortString)" } ?? "")
            }.joined(separator: "; ")
                + (ranges.isEmpty
                    ? "" : ". 5–95 % af kørslerne: " + zip(rows, ranges).map { "\($0.period.danishLabel) \($1.low.danishShortString)–\($1.high.danishShortString)" }.joined(separator: "; "))
        )
        svg += "</title>"
        var tick: Int64 = 0
        while Double(tick) <= yMax {
            svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"#d5dbe3\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#4b5563\">"
            svg += escape(Money(minorUnits: tick).danishShortString) + "</text>"
            tick += step
        }
        for (index, row) in rows.enumerated() {
            let x = left + slot * Double(index) + slot * 0.18
            let barWidth = slot * 0.64
            var base: Int64 = 0
            for (part, amount) in row.parts.enumerated() where amount.minorUnits > 0 {
                let y0 = y(base)
                let y1 = y(base + amount.minorUnits)
                svg +=
                    "<rect x=\"\(f(x))\" y=\"\(f(y1))\" width=\"\(f(barWidth))\" height=\"\(f(y0 - y1))\" fill=\"\(colours[part % colours.count])\"/>"
                base += amount.minorUnits
            }
            if index < ranges.count, ranges[index].high.minorUnits > 0 {
                let centre = x + barWidth / 2
                let low = y(ranges[index].low.minorUnits)
                let high = y(ranges[index].high.minorUnits)
                svg += "<line x1=\"\(f(centre))\" x2=\"\(f(centre))\" y1=\"\(f(low))\" y2=\"\(f(high))\" stroke=\"#1b2330\" stroke-width=\"1.5\"/>"
                for end in [low, high] {
                    svg += "<line x1=\"\(f(centre - 5))\" x2=\"\(f(centre + 5))\" y1=\"\(f(end))\" y2=\"\(f(end))\" stroke=\"#1b2330\" stroke-width=\"1.5\"/>"
                }
            }
            if let settled = row.settled {
                let ys = y(settled.minorUnits)
                svg +=
                    "<line x1=\"\(f(x - 3))\" x2=\"\(f(x + barWidth + 3))\" y1=\"\(f(ys))\" y2=\"\(f(ys))\" stroke=\"#a1261b\" stroke-width=\"3\"/>"
            }
            svg += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(height - bottom + 15))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#4b5563\">"
            svg += "\(row.period.half). halvår<tspan x=\"\(f(x + barWidth / 2))\" dy=\"12\">\(row.period.year)</tspan></text>"
        }
        // The legend: the funders' colours and the settled marker.
        var lx = left
        for (index, name) in legend.enumerated() {
            svg += "<rect x=\"\(f(lx))\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colours[index % colours.count])\"/>"
            svg += "<text x=\"\(f(lx + 16))\" y=\"14\" font-size=\"11\" fill=\"#1b2330\">\(escape(name))</text>"
            lx += 28 + Double(name.count) * 6.5
        }
        svg += "<line x1=\"\(f(lx))\" x2=\"\(f(lx + 14))\" y1=\"10\" y2=\"10\" stroke=\"#a1261b\" stroke-width=\"3\"/>"
        svg += "<text x=\"\(f(lx + 18))\" y=\"14\" font-size=\"11\" fill=\"#1b2330\">afregnet</text>"
        if !ranges.isEmpty {
            lx += 80
            svg += "<line x1=\"\(f(lx + 7))\" x2=\"\(f(lx + 7))\" y1=\"4\" y2=\"16\" stroke=\"#1b2330\" stroke-width=\"1.5\"/>"
            svg += "<text x=\"\(f(lx + 18))\" y=\"14\" font-size=\"11\" fill=\"#1b2330\">5–95 % af kørslerne</text>"
        }
        return svg + "</svg>"
    }

    /// Each party's cumulative net cash position over time (money in less money out), one
    /// stepped line per party.
    static func cashPositions(
        _ series: [(name: String, flows: [(date: LocalDate, amount: Money)])],
        from start: LocalDate,
        to end: LocalDate
    )
        -> String
    {
        let width = 760.0
        let height = 300.0
        let left = 84.0
        let right = 200.0
        let top = 16.0
        let bottom = 36.0
        let colours = ["#0b5cad", "#c58a00", "#1d6b34", "#7a3fa0", "#a1261b"]
        var running: [[(LocalDate, Int64)]] = []
        for entry in series {
            var total: Int64 = 0
            var points: [(LocalDate, Int64)] = [(start, 0)]
            for flow in entry.flows.sorted(by: { $0.date < $1.date }) {
                points.append((flow.date, total))
                total += flow.amount.minorUnits
                points.append((flow.date, total))
            }
            points.append((end, total))
            running.append(points)
        }
        let values: [Int64] = running.flatMap { points in points.map { $0.1 } } + [0]
        let low = values.min() ?? 0
        let high = values.max() ?? 0
        let step = moneyStep(max(high - low, 1))
        let yLow = Double((low - step + 1) / step * step)
        let yHigh = Double(max((high + step - 1) / step * step, Int64(yLow) + step))
        let days = Double(max(1, end.dayNumber - start.dayNumber))
        func x(_ date: LocalDate) -> Double { left + (width - left - right) * Double(date.dayNumber - start.dayNumber) / days }
        func y(_ minor: Double) -> Double { top + (height - top - bottom) * (1 - (minor - yLow) / (yHigh - yLow)) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"cash-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"cash-title\">"
        svg += escape(
            zip(series, running).map { "\($0.name): netto \(Money(minorUnits: $1.last?.1 ?? 0).danishShortString)" }.joined(separator: "; ")
        )
        svg += "</title>"
        var tick = yLow
        while tick <= yHigh {
            svg +=
                "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"\(tick == 0 ? "#8a96a8" : "#d5dbe3")\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#4b5563\">"
            svg += escape(Money(minorUnits: Int64(tick)).danishShortString) + "</text>"
            tick += Double(step)
        }
        var year = start.year + 1
        while let january = LocalDate(year: year, month: 1, day: 1), january <= end {
            svg += "<line x1=\"\(f(x(january)))\" x2=\"\(f(x(january)))\" y1=\"\(f(top))\" y2=\"\(f(height - bottom))\" stroke=\"#eef2f7\"/>"
            svg +=
                "<text x=\"\(f(x(january)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4b5563\">\(year)</text>"
            year += 1
        }
        // Labels at the right end, kept 14 points apart so that close positions stay readable.
        var labels = running.enumerated().map { (index: $0.offset, y: y(Double($0.element.last?.1 ?? 0)) + 4) }.sorted { $0.y < $1.y }
        for i in labels.indices.dropFirst() where labels[i].y < labels[i - 1].y + 14 { labels[i].y = labels[i - 1].y + 14 }
        for (index, points) in running.enumerated() {
            let colour = colours[index % colours.count]
            svg +=
                "<polyline points=\"\(points.map { "\(f(x($0.0))),\(f(y(Double($0.1))))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
            let last = points.last?.1 ?? 0
            let labelY = labels.first { $0.index == index }?.y ?? 0
            svg += "<text x=\"\(f(width - right + 6))\" y=\"\(f(labelY))\" font-size=\"11\" fill=\"\(colour)\">"
            svg += escape("\(series[index].name) \(Money(minorUnits: last).danishShortString)") + "</text>"
        }
        return svg + "</svg>"
    }
}
