import Foundation
import OutcomesCore
import OutcomesLottery
import Testing

@Suite("The visitation lottery (P 3.1.1, 3.2.2)")
struct LotteryTests {
    let population = (1...250).map { HouseholdID(String(format: "H%05d", $0)) }

    @Test("the same seed and population give the same list; another seed another")
    func deterministic() throws {
        let a = try Lottery.draw(population: population, seed: "Viborg 2023-10-15")
        let b = try Lottery.draw(population: population.reversed(), seed: "Viborg 2023-10-15")
        let c = try Lottery.draw(population: population, seed: "Viborg 2023-10-16")
        #expect(a == b, "the population's order does not matter")
        #expect(a.entries.map(\.household) != c.entries.map(\.household))
        #expect(Set(a.entries.map(\.household)) == Set(population))
        #expect(a.entries.map(\.position) == Array(1...250))
        #expect(a.populationHash == c.populationHash)
        #expect(a.listHash != c.listHash)
    }

    /// The documented one-line check (docs/lottery.md), run with the system's sha256sum.
    @Test("an independent implementation (sh, sha256sum, sort) re-derives the list")
    func independentImplementation() throws {
        let seed = "Styregruppen 2023-10-31 kl. 10:00"
        let draw = try Lottery.draw(population: population, seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lottery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ids = folder.appendingPathComponent("population.txt")
        try Data(population.shuffled().map { $0.rawValue + "\n" }.joined().utf8).write(to: ids)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            #"while read -r id; do printf '%s %s\n' "$(printf '%s:%s' "$SEED" "$id" | sha256sum | cut -d' ' -f1)" "$id"; done < "$1" | LC_ALL=C sort | awk '{print NR","$2}'"#,
            "sh", ids.path,
        ]
        process.environment = ["SEED": seed, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = draw.entries.map { "\($0.position),\($0.household.rawValue)" }
        #expect(text.split(separator: "\n").map(String.init) == expected)
        // The list's hash is the SHA-256 of exactly those lines.
        #expect(Lottery.sha256(text) == draw.listHash)
    }

    @Test("verify finds the first position that differs")
    func verify() throws {
        let seed = "frø"
        let draw = try Lottery.draw(population: population, seed: seed)
        var list = draw.entries.map(\.household)
        #expect(try Lottery.verify(population: population, seed: seed, list: list) == .matches(listHash: draw.listHash))
        list.swapAt(9, 10)
        #expect(
            try Lottery.verify(population: population, seed: seed, list: list)
                == .differs(position: 10, expected: draw.entries[9].household, found: draw.entries[10].household)
        )
        #expect(try Lottery.verify(population: population, seed: seed, list: Array(list.prefix(5))) != .matches(listHash: draw.listHash))
    }

    @Test("a duplicate, an unusable id, an empty population or seed is refused")
    func problems() {
        #expect(throws: Lottery.Problem.duplicate(HouseholdID("H1"))) {
            try Lottery.draw(population: [HouseholdID("H1"), HouseholdID("H1")], seed: "s")
        }
        #expect(throws: Lottery.Problem.invalidID("H 1")) { try Lottery.draw(population: [HouseholdID("H 1")], seed: "s") }
        #expect(throws: Lottery.Problem.emptyPopulation) { try Lottery.draw(population: [], seed: "s") }
        #expect(throws: Lottery.Problem.emptySeed) { try Lottery.draw(population: [HouseholdID("H1")], seed: "") }
    }
}
