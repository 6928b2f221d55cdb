public import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesStore

/// `outcomes calendar`: writes a user's calendar (iCalendar, RFC 5545) — the same file their
/// personal calendar address serves (issue #17): the deadlines and meetings that concern them.
public struct CalendarCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Skriv en brugers kalender med frister og møder som .ics (iCalendar).",
        discussion: "Samme fil som brugerens kalenderadresse i webappen: fristerne fra tre måneder før datoen og frem, og styregruppens møder."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @OptionGroup public var date: AsOfOption
    @Option(name: .long, help: "Databasen (standard data/outcomes.sqlite).") public var database = "data/outcomes.sqlite"
    @Option(name: .long, help: "Brugeren, hvis frister og møder kalenderen viser.") public var user: String
    @Option(name: .long, help: "Filen, der skrives (fx frister.ics); - for standard-output.") public var out: String

    public init() {}

    public func run() async throws {
        let commitment = try await options.resolve(database: database)
        let day = date.day
        let now = Date()
        let feed: String = try await withService(database, commitment: commitment, purpose: "kalender") { service, _ in
            guard let account = try await service.store.user(named: user), account.isActive else {
                printError("Brugeren \(user) findes ikke eller er deaktiveret.")
                throw ExitCode(1)
            }
            let requester = Requester(user: account, purpose: "kalender", now: now, channel: "cli")
            let events = try await service.calendarEvents(requester, asOf: day, since: day.addingMonths(-3))
            return ICalendar.feed(name: "Outcomes: \(commitment.title)", events: events, stamp: OutcomesService.calendarStamp(now))
        }
        if out == "-" {
            FileHandle.standardOutput.write(Data(feed.utf8))
        } else {
            do { try Data(feed.utf8).write(to: URL(fileURLWithPath: out)) } catch {
                printError("\(out) kan ikke skrives: \(error.localizedDescription)")
                throw ExitCode(1)
            }
            print("Kalenderen for \(user) er skrevet til \(out).")
        }
    }
}
