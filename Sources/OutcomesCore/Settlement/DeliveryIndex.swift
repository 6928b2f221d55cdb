/// Lookup tables over a delivery: persons by household, measurements by person.
///
/// Built once per settlement in linear time (a counting sort by index), so the engine
/// never hashes an id.
struct DeliveryIndex {
    let personStart: [Int32]
    let personOrder: [Int32]
    /// Per person, its employment rows at start, 12, 18, 24.
    let employment: [EmploymentMeasurement?]
    let social: [(baseline: MeasureLevel?, result: MeasureLevel?)]
    let life: [(baseline: Int?, result: Int?)]
    let planStart: [Int32]
    let planOrder: [Int32]
    let delivery: Delivery

    init(delivery: Delivery) {
        self.delivery = delivery
        (personStart, personOrder) = DeliveryIndex.group(delivery.persons.map(\.household), buckets: delivery.households.count)
        (planStart, planOrder) = DeliveryIndex.group(delivery.actionPlanGoals.map(\.household), buckets: delivery.households.count)
        var employment = [EmploymentMeasurement?](repeating: nil, count: delivery.persons.count * 4)
        for row in delivery.employment { employment[row.person * 4 + row.point.index] = row }
        self.employment = employment
        var social = [(baseline: MeasureLevel?, result: MeasureLevel?)](repeating: (nil, nil), count: delivery.persons.count)
        for row in delivery.socialMeasures {
            if row.point == .baseline { social[row.person].baseline = row.measure } else { social[row.person].result = row.measure }
        }
        self.social = social
        var life = [(baseline: Int?, result: Int?)](repeating: (nil, nil), count: delivery.persons.count)
        for row in delivery.lifeSatisfaction {
            if row.point == .baseline { life[row.person].baseline = row.score } else { life[row.person].result = row.score }
        }
        self.life = life
    }

    /// Counting sort of item indices by bucket: `order[start[b]..<start[b+1]]` are bucket b's items.
    static func group(_ buckets: [Int], buckets count: Int) -> ([Int32], [Int32]) {
        var start = [Int32](repeating: 0, count: count + 1)
        for b in buckets { start[b + 1] += 1 }
        for i in 0..<count { start[i + 1] += start[i] }
        var next = start
        var order = [Int32](repeating: 0, count: buckets.count)
        for (item, b) in buckets.enumerated() {
            order[Int(next[b])] = Int32(item)
            next[b] += 1
        }
        return (start, order)
    }

    func persons(of household: Int) -> LazyMapSequence<ArraySlice<Int32>, Int> {
        personOrder[Int(personStart[household])..<Int(personStart[household + 1])].lazy.map { Int($0) }
    }

    func employment(of person: Int, at point: EmploymentPoint) -> EmploymentMeasurement? {
        employment[person * 4 + point.index]
    }

    func socialMeasures(of person: Int) -> (baseline: MeasureLevel?, result: MeasureLevel?) { social[person] }
    func lifeSatisfaction(of person: Int) -> (baseline: Int?, result: Int?) { life[person] }

    func actionPlanGoals(of household: Int) -> [ActionPlanGoalAssessment] {
        planOrder[Int(planStart[household])..<Int(planStart[household + 1])].map { delivery.actionPlanGoals[Int($0)] }
    }
}

/// The rank of every household and person id in sorted (UTF-8 byte) order, so lines sort on integers.
struct Ranks {
    let household: [Int32]
    let person: [Int32]

    init(delivery: Delivery) {
        household = Ranks.rank(delivery.households.map(\.id.rawValue))
        person = Ranks.rank(delivery.persons.map(\.id.rawValue))
    }

    static func rank(_ ids: [String]) -> [Int32] {
        var rank = [Int32](repeating: 0, count: ids.count)
        for (position, index) in ids.indices.sorted(by: { ids[$0].utf8.lexicographicallyPrecedes(ids[$1].utf8) }).enumerated() {
            rank[index] = Int32(position)
        }
        return rank
    }
}
