public import ArgumentParser
import Foundation
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// `outcomes demo-data`: writes a deterministic, realistic delivery.
public struct DemoDataCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Skriv en deterministisk, realistisk dataleverance for aftalen (Viborgs, eller --contract)."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Frø: samme frø giver samme leverance.") public var seed: UInt64
    @Option(name: .long, help: "Mappen, der skrives til.") public var out: String
    @Option(name: .long, help: "Antal husstande i indsatsgruppen (standard: aftalens, P 1.6.1).") public var households: Int?

    public init() {}

    public func validate() throws {
        if let households, households <= 0 { throw ValidationError("--households skal være mindst 1") }
    }

    public func run() async throws {
        let commitment = try options.load()
        let households = households ?? commitment.expectedHouseholds.value
        try DemoData.write(commitment: commitment, seed: seed, households: households, to: out)
        print("Leverance skrevet til \(out) (\(households) husstande i indsatsgruppen, frø \(seed))")
    }
}
