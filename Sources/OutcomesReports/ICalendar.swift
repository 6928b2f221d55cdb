public import OutcomesCore

/// An iCalendar file (RFC 5545) of all-day events — the deadlines and meetings that concern a
/// user (issue #17) — that Outlook, Google Calendar and Apple Calendar subscribe to. Written by
/// hand: no package in the mirror writes iCalendar, and the format needs little: CRLF lines
/// folded at 75 octets, text escaped, dates as `VALUE=DATE`.
public enum ICalendar {
    public struct Event: Sendable, Equatable {
        /// Stable across feeds, so a calendar updates an event instead of adding it again.
        public var uid: String
        public var day: LocalDate
        public var summary: String
        public var description: String
        /// Days before the event to remind (a VALARM); nil for none.
        public var reminderDays: Int?
        public init(uid: String, day: LocalDate, summary: String, description: String, reminderDays: Int? = nil) {
            self.uid = uid
            self.day = day
            self.summary = summary
            self.description = description
            self.reminderDays = reminderDays
        }
    }

    /// The feed. `stamp` is when it was made, `yyyyMMdd'T'HHmmss'Z'` (the clock is the caller's).
    public static func feed(name: String, events: [Event], stamp: String) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Outcomes//Frister og møder//DA", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(name), "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H",
        ]
        for event in events.sorted(by: { ($0.day, $0.uid) < ($1.day, $1.uid) }) {
            lines += [
                "BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + stamp, "DTSTART;VALUE=DATE:" + compact(event.day),
                "DTEND;VALUE=DATE:" + compact(event.day.addingDays(1)), "SUMMARY:" + escape(event.summary),
                "DESCRIPTION:" + escape(event.description), "TRANSP:TRANSPARENT",
            ]
            if let days = event.reminderDays {
                lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + escape(event.summary), "TRIGGER:-P\(days)D", "END:VALARM"]
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20250630`.
    static func compact(_ day: LocalDate) -> String { day.isoString.replacingAll("-", with: "") }

    /// RFC 5545 3.3.11: backslash, semicolon and comma escaped, a line break as `\n`, other
    /// control characters left out.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// RFC 5545 3.1: lines longer than 75 octets continue on the next line after a space,
    /// never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                result += "\r\n "
                octets = 1
            }
            result.append(character)
            octets += size
        }
        return result
    }
}
