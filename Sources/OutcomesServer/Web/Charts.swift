import Foundation
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
}
