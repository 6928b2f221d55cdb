/// What a delivery would do before it is saved (issue #14, SPEC §10): the households it adds,
/// removes and changes, every register value it would override, and the money effect per
/// half-year and goal — open half-years directly, approved ones as corrections.
public struct DeliveryPreview: Sendable, Equatable {
    /// One field of a household, before and after (Danish names and values).
    public struct FieldChange: Sendable, Equatable {
        public var field: String
        public var before: String
        public var after: String

        public init(field: String, before: String, after: String) {
            self.field = field
            self.before = before
            self.after = after
        }
    }

    /// A household and what changes in it.
    public struct HouseholdChange: Sendable, Equatable {
        public var household: HouseholdID
        public var changes: [FieldChange]
    }

    /// A goal's payable in a half-year, now and with the new delivery.
    public struct MoneyEffect: Sendable, Equatable {
        public var period: HalfYear
        public var goal: Int
        /// The half-year is approved: its figures stay; the effect shows as corrections.
        public var isApproved: Bool
        public var before: Money
        public var after: Money
        public var difference: Money { after - before }
    }

    public var added: [HouseholdID]
    public var removed: [HouseholdID]
    public var changed: [HouseholdChange]
    /// Register values (a caseworker's edits) the delivery's would replace.
    public var registerOverrides: [HouseholdChange]
    /// Only the half-years and goals whose payable changes.
    public var money: [MoneyEffect]
    /// What approved half-years would be corrected by, settled in the first open half-year.
    public var corrections: Money
    /// The settlement total, now and with the new delivery.
    public var totalBefore: Money
    public var totalAfter: Money

    /// Compares `next` with `current` (the delivery on record, `nil` for the first) and the
    /// register; `before` and `after` are the settlements of the two (with the same approved
    /// half-years kept).
    public static func compute(
        current: Delivery?,
        next: Delivery,
        register: [Household],
        before: Settlement?,
        after: Settlement
    ) -> DeliveryPreview {
        let old = current.map { delivery in Dictionary(delivery.households.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) } ?? [:]
        let new = Dictionary(next.households.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let added = new.keys.filter { old[$0] == nil }.sorted()
        let removed = current == nil ? [] : old.keys.filter { new[$0] == nil }.sorted()
        let changed = new.keys.sorted().compactMap { id -> HouseholdChange? in
            guard let before = old[id], let after = new[id] else { return nil }
            let changes = RegisterMerge.differences(before, after)
            return changes.isEmpty ? nil : HouseholdChange(household: id, changes: changes)
        }
        let overrides = RegisterMerge.overrides(previous: current?.households, register: register, next: next.households)
        var money: [MoneyEffect] = []
        for period in after.periods {
            let previous = before?.periods.first { $0.period == period.period }
            for goal in period.goals {
                let was = previous?.goals.first { $0.goal == goal.goal }?.payable ?? .zero
                if was != goal.payable {
                    money.append(MoneyEffect(period: period.period, goal: goal.goal, isApproved: period.isApproved, before: was, after: goal.payable))
                }
            }
        }
        let correctionsBefore = Money.sum((before?.corrections ?? []).map(\.difference))
        return DeliveryPreview(
            added: added,
            removed: removed,
            changed: changed,
            registerOverrides: overrides,
            money: money,
            corrections: Money.sum(after.corrections.map(\.difference)) - correctionsBefore,
            totalBefore: before?.totals.total ?? .zero,
            totalAfter: after.totals.total
        )
    }
}
