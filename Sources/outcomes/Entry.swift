import ArgumentParser
import OutcomesCLI

/// The executable: parses the command line and runs the command (all logic lives in OutcomesCLI).
@main
enum Entry {
    static func main() async {
        await OutcomesCommand.runMain(CommandLine.arguments.dropFirst().map { $0 })
    }
}
