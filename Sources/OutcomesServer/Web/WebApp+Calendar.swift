import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesStore

/// "Kalender" (issue #17): every user makes a personal calendar address for Outlook (or any
/// calendar) to subscribe to — the deadlines and meetings that concern them — and can make a
/// new one (the old stops) or revoke it. The address carries its own token: it reads the
/// calendar and nothing else.
extension WebApp {
    func registerCalendar(on router: PageRouter) {
        router.get("/kalender") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await signedIn(request, now: now)
                return try await calendarPage(caller, request: request, now: now)
            }
        }
        router.post("/kalender/ny") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await signedIn(request, now: now)
                _ = try await form(request, context, caller: caller)
                let token = try await api.service.createCalendarAddress(Requester(user: caller.user, purpose: "kalenderadresse", now: now, channel: "web:calendar"))
                return try await calendarPage(caller, request: request, now: now, token: token)
            }
        }
        router.post("/kalender/tilbagekald") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await signedIn(request, now: now)
                _ = try await form(request, context, caller: caller)
                let revoked = try await api.service.revokeCalendarAddress(Requester(user: caller.user, purpose: "kalenderadresse", now: now, channel: "web:calendar"))
                return try await calendarPage(caller, request: request, now: now, flash: revoked ? "Kalenderadressen er tilbagekaldt; den viser intet mere." : "Der var ingen kalenderadresse.")
            }
        }
        // The feed itself: no session, the token in the address is the key.
        router.get("/kalender/:file") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".ics"), let feed = try await calendarFeed(token: String(file.dropLast(4)), now: api.clock()) else {
                return Response(
                    status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "Kalenderadressen findes ikke eller er tilbagekaldt.\n"))
                )
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300", .contentDisposition: "inline; filename=\"outcomes.ics\""],
                body: .init(byteBuffer: ByteBuffer(string: feed))
            )
        }
    }

    /// Issue #18: the events of every agreement the user has a role in, each as their role there
    /// sees them (a calendar is the user's, not an agreement's).
    func calendarEvents(of user: UserAccount, now: Date, since: LocalDate) async throws -> [ICalendar.Event] {
        var events: [ICalendar.Event] = []
        for (other, here) in api.agreements(of: user) {
            let requester = Requester(user: here, purpose: "kalender", now: now, channel: "calendar")
            events += try await other.service.calendarEvents(requester, asOf: api.today(now), since: since)
        }
        return events
    }

    /// The calendar file of a calendar address, or nil for an unknown or revoked one.
    func calendarFeed(token: String, now: Date) async throws -> String? {
        guard let user = try await api.service.calendarUser(token: token) else { return nil }
        let mine = api.agreements(of: user)
        let events = try await calendarEvents(of: user, now: now, since: api.today(now).addingMonths(-3))
        let name = mine.count == 1 ? "Outcomes: \(mine[0].api.commitment.title)" : "Outcomes: \(mine.count) aftaler"
        return ICalendar.feed(name: name, events: events, stamp: OutcomesService.calendarStamp(now))
    }

    func calendarPage(_ caller: Caller, request: Request, now: Date, token: String? = nil, flash: String? = nil) async throws -> Response {
        // The calendar is the user's: with no role in the default agreement, no agreement's menu.
        var context = caller.hasRole ? base(caller, title: "Kalender", current: "/kalender", now: now) : serverPage(caller, title: "Kalender", current: "/kalender", now: now)
        context["flash"] = flash
        let requester = Requester(user: caller.user, purpose: "kalender", now: now, channel: "web:calendar")
        if let created = try await api.service.calendarAddressCreated(requester) { context["created"] = LocalDate.danishTimestamp(created) }
        if let token {
            // The address as this server is reached: behind a trusted proxy (`trustForwardedFor`)
            // the forwarded host; https but on this machine's own addresses, as a developer runs it.
            let forwarded = api.trustForwardedFor ? request.headers[HTTPField.Name("X-Forwarded-Host")!] : nil
            let host = forwarded ?? request.head.authority ?? "127.0.0.1"
            let local = host.hasPrefix("127.") || host.hasPrefix("localhost") || host.hasPrefix("[::1]")
            let scheme = local && request.headers[HTTPField.Name("X-Forwarded-Proto")!] != "https" ? "http" : "https"
            let address = "\(scheme)://\(host)/kalender/\(token).ics"
            context["address"] = address
            context["webcal"] = "webcal://\(host)/kalender/\(token).ics"
        }
        let today = api.today(now)
        let events = try await calendarEvents(of: caller.user, now: now, since: today)
        context["upcoming"] = events.sorted { $0.day < $1.day }.prefix(10).map { ["day": $0.day.danishString, "summary": $0.summary] }
        context["hasUpcoming"] = !events.isEmpty
        return html("calendar", context)
    }
}
