public import ArgumentParser
import Foundation
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// `outcomes demo-data`: writes a deterministic, realistic delivery.
public struct DemoDataCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Skriv en deterministisk, realistisk dataleverance som Viborgs."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Frø: samme frø giver samme leverance.") public var seed: UInt64
    @Option(name: .long, help: "Mappen, der skrives til.") public var out: String
    @Option(name: .long, help: "Antal husstande i indsatsgruppen.") public var households: Int = 180

    public init() {}

    public func validate() throws {
        guard households > 0 else { throw ValidationError("--households skal være mindst 1") }
    }

    public func run() async throws {
        let commitment = try options.load()
        try DemoData.write(commitment: commitment, seed: seed, households: households, to: out)
        print("Leverance skrevet til \(out) (\(households) husstande i indsatsgruppen, frø \(seed))")
    }
}
