import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #17: the deadlines and meetings that concern a user, in their own calendar.
@Suite("A personal calendar address (iCalendar)")
struct CalendarTests {
    /// Python's icalendar, an independent reader, when installed (`.ci/run` installs it).
    static let python: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import icalendar"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// The events as icalendar reads them: `YYYY-MM-DD|summary|alarm` lines, or its error.
    static func parsed(_ feed: String) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(UUID().uuidString).ics")
        try Data(feed.utf8).write(to: file)
        let script = """
            import icalendar, sys
            calendar = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
            assert calendar["VERSION"] == "2.0", "version"
            for event in calendar.walk("VEVENT"):
                print(event.decoded("DTSTART").isoformat(), str(event["SUMMARY"]), len(event.walk("VALARM")), sep="|")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? text.split(separator: "\n").map(String.init) : ["error: " + problem]
    }

    @Test("lines are folded at 75 octets without splitting a letter, text is escaped, dates are whole days")
    func format() {
        let event = ICalendar.Event(
            uid: "frist-x@outcomes", day: LocalDate(iso: "2025-06-30")!, summary: "Frist: Årsmøde; regnskab, budget\\plan",
            description: String(repeating: "æøå ", count: 40) + "\nslut", reminderDays: 7
        )
        let feed = ICalendar.feed(name: "Outcomes", events: [event], stamp: "20261205T031500Z")
        let lines = feed.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(feed.contains("SUMMARY:Frist: Årsmøde\\; regnskab\\, budget\\\\plan"))
        #expect(feed.contains("DTSTART;VALUE=DATE:20250630\r\nDTEND;VALUE=DATE:20250701"))
        #expect(feed.contains("TRIGGER:-P7D") && feed.hasSuffix("END:VCALENDAR\r\n"))
        let unfolded = feed.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("æøå slut".replacingOccurrences(of: " slut", with: " \\nslut")))
    }

    @Test("a user makes an address, the feed lists their next deadlines without a session, a new address stops the old, revoking stops it", arguments: [Backend.sqlite])
    func address(backend: Backend) async throws {
        try await withAPI(backend) { api, store, client in
            let (cookie, csrf) = try await WebPageTests().logIn(client, .pl)
            let page = try await client.send(.get, "/kalender", headers: [.cookie: cookie])
            #expect(page.status == .ok && page.text.contains("Du har ingen kalenderadresse endnu."))
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            let made = try await client.send(.post, "/kalender/ny", raw: "_csrf=\(csrf)", headers: form)
            #expect(made.status == .ok)
            let address = try #require(made.text.components(separatedBy: "id=\"kalenderadresse\" readonly value=\"").dropFirst().first?.prefix { $0 != "\"" })
            #expect(address.hasSuffix(".ics"))
            let path = String(address[address.range(of: "/kalender/")!.lowerBound...])
            let feed = try await client.send(.get, path)
            #expect(feed.status == .ok && feed.headers[.contentType]?.hasPrefix("text/calendar") == true)
            #expect(feed.text.hasPrefix("BEGIN:VCALENDAR\r\n") && feed.text.contains("BEGIN:VEVENT"))
            // The next deadlines: the same as the compliance report's, from today on.
            let today = LocalDate.copenhagen(fixedNow)
            let requester = Requester(user: UserAccount(username: "pl", displayName: "pl", role: .projectLead), now: fixedNow, channel: "test")
            let next = try await api.service.compliance(requester, asOf: today, namingHouseholds: false).deadlines.filter { $0.due >= today }.sorted { $0.due < $1.due }
            #expect(!next.isEmpty)
            if CalendarTests.python {
                let events = try CalendarTests.parsed(feed.text)
                #expect(events.first?.hasPrefix("error") != true, "\(events.first ?? "")")
                for deadline in next.prefix(3) {
                    #expect(events.contains { $0.hasPrefix(deadline.due.isoString + "|Frist: " + deadline.what) }, "\(deadline.what) on \(deadline.due.isoString)")
                }
                #expect(events.filter { $0.hasSuffix("|1") }.count >= next.filter { $0.status != .met }.prefix(3).count, "a reminder before an open deadline")
            }
            #expect(!feed.text.contains("H0000") && !feed.text.contains("P0000"), "no household or person")
            // A new address stops the old; revoking stops the new one.
            let again = try await client.send(.post, "/kalender/ny", raw: "_csrf=\(csrf)", headers: form)
            let second = try #require(again.text.components(separatedBy: "id=\"kalenderadresse\" readonly value=\"").dropFirst().first?.prefix { $0 != "\"" })
            #expect(try await client.send(.get, path).status == .notFound)
            let secondPath = String(second[second.range(of: "/kalender/")!.lowerBound...])
            #expect(try await client.send(.get, secondPath).status == .ok)
            let revoked = try await client.send(.post, "/kalender/tilbagekald", raw: "_csrf=\(csrf)", headers: form)
            #expect(revoked.text.contains("Kalenderadressen er tilbagekaldt"))
            #expect(try await client.send(.get, secondPath).status == .notFound)
            #expect(try await client.send(.get, "/kalender/gæt.ics").status == .notFound)
            // Revoked: nothing of it is left.
            #expect(try await store.calendarTokenCreated(username: "pl") == nil)
            // The admin sees no deadlines: its calendar is valid and empty.
            let (admin, adminCSRF) = try await WebPageTests().logIn(client, .adm)
            let adminMade = try await client.send(.post, "/kalender/ny", raw: "_csrf=\(adminCSRF)", headers: [.cookie: admin, .contentType: "application/x-www-form-urlencoded"])
            let adminAddress = try #require(adminMade.text.components(separatedBy: "id=\"kalenderadresse\" readonly value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let adminFeed = try await client.send(.get, String(adminAddress[adminAddress.range(of: "/kalender/")!.lowerBound...]))
            #expect(adminFeed.status == .ok && !adminFeed.text.contains("BEGIN:VEVENT"))
        }
    }
}
