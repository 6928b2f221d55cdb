public import ArgumentParser

/// `outcomes`: the command-line face of Outcomes.
public struct OutcomesCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Outcomes: udbetalinger og tilbagebetalinger efter resultater i en aftale om betinget tilskud.",
        subcommands: [
            ServeCommand.self, ContractCommand.self, SettleCommand.self, SettlementCommand.self, ImportCommand.self, CheckCommand.self, LotteryCommand.self,
            FinanceCommand.self, ForecastCommand.self, ExportCommand.self, AuditCommand.self, CalendarCommand.self,
            DemoDataCommand.self,
        ]
    )

    public init() {}
}

extension OutcomesCommand {
    /// Parses `arguments`, runs the command and exits with its code, as `main()` would.
    public static func runMain(_ arguments: [String]) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
