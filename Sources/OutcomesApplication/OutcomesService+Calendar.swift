public import Foundation
public import OutcomesCore
public import OutcomesReports
public import OutcomesStore

// Issue #17: a personal calendar address (an iCalendar feed) with the deadlines and meetings
// that concern a user, for Outlook to subscribe to. The address is its own secret — not the
// password, not an API token — and reads nothing but the calendar; the user makes a new one
// (the old stops) or revokes it.
extension OutcomesService {
    /// Makes the requester's calendar address, replacing an earlier one; returns its token,
    /// shown once.
    public func createCalendarAddress(_ requester: Requester) async throws -> String {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        let token = OutcomesService.randomToken()
        try await store.replaceCalendarToken(token, username: user.username, audit: requester.audit("create-calendar-address", subject: "user:\(user.username)"))
        return token
    }

    public func revokeCalendarAddress(_ requester: Requester) async throws -> Bool {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        return try await store.revokeCalendarToken(username: user.username, audit: requester.audit("revoke-calendar-address", subject: "user:\(user.username)"))
    }

    public func calendarAddressCreated(_ requester: Requester) async throws -> String? {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        return try await store.calendarTokenCreated(username: user.username)
    }

    /// The user a calendar address belongs to (active users only), or nil.
    public func calendarUser(token: String) async throws -> UserAccount? {
        guard token.count <= 100 else { return nil }
        return try await store.user(forCalendarToken: token)
    }

    /// The events that concern the requester: every deadline its role may see (SPEC §8, T 7)
    /// from `since` on, reminded a week before, and the steering group's meetings for the roles
    /// that see the figures. Deadlines name no household.
    public func calendarEvents(_ requester: Requester, asOf: LocalDate, since: LocalDate) async throws -> [ICalendar.Event] {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        var events: [ICalendar.Event] = []
        if Permission.readCompliance.allows(user.role) {
            let report = try await compliance(requester, asOf: asOf, namingHouseholds: false)
            for deadline in report.deadlines where deadline.due >= since {
                events.append(
                    ICalendar.Event(
                        uid: "frist-\(deadline.rule)-\(deadline.due.isoString)-\(Self.shortHash(deadline.what))@outcomes.\(commitment.id)",
                        day: deadline.due,
                        summary: "Frist: \(deadline.what)",
                        description: "\(deadline.action) (\(deadline.clause.reference)). Status pr. \(asOf.danishString): \(deadline.status.danishName). \(commitment.title).",
                        reminderDays: deadline.status == .met ? nil : 7
                    )
                )
            }
        }
        if Permission.readFigures.allows(user.role) {
            for meeting in try await meetings(requester) where meeting.heldOn >= since {
                events.append(
                    ICalendar.Event(
                        uid: "moede-\(meeting.heldOn.isoString)@outcomes.\(commitment.id)",
                        day: meeting.heldOn,
                        summary: meeting.isAnnualMeeting ? "Styregruppens årsmøde (T 7.4)" : "Styregruppemøde (T 7.3)",
                        description: meeting.minutes.isEmpty ? commitment.title : "\(meeting.minutes) — \(commitment.title)"
                    )
                )
            }
        }
        return events
    }

    /// `20261205T031500Z`.
    public static func calendarStamp(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }

    static func shortHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
