/// Issue #14 (6), the written rule for when the register and a delivery disagree.
///
/// The delivery is the municipality's record, so it wins. The exception is a value someone
/// edited in Outcomes since the last delivery, where the register no longer says what that
/// delivery said. An import lists every such value that the new delivery would replace. For
/// each household the user either keeps the register's edited values or lets the delivery
/// replace them.
///
/// Keeping works field by field. The household takes the delivery's values, except for the
/// fields edited in the register, which keep their edits. The merged household must still pass
/// ``Household/validate(interventionPeriod:cohorts:)``.
/// A household the register has but the last delivery did not (entered in Outcomes) counts as
/// edited in every field.
public enum RegisterMerge {
    /// One field of a household: its Danish name, how it reads, and how to carry it over.
    struct Field {
        var name: String
        var text: (Household) -> String
        var copy: (inout Household, Household) -> Void

        init<Value: Equatable>(_ name: String, _ path: WritableKeyPath<Household, Value>, _ show: @escaping (Value) -> String) {
            self.name = name
            self.text = { show($0[keyPath: path]) }
            self.copy = { $0[keyPath: path] = $1[keyPath: path] }
        }
    }

    /// Every field a delivery and the register both hold, in the order the pages list them.
    static var fields: [Field] {
        func date(_ day: LocalDate?) -> String { day?.danishString ?? "–" }
        return [
            // The key; the pages show the agreement's name for it.
            Field("område", \.area) { $0.rawValue },
            Field("gruppe", \.group) { $0.danishName },
            Field("plads på listen", \.listPosition) { $0.map(String.init) ?? "–" },
            Field("indsatsstart", \.start, date),
            Field("afslutning", \.end, date),
            Field("afslutningsårsag", \.endReason) { $0?.rawValue ?? "–" },
            Field("erstatter", \.replaces) { $0?.rawValue ?? "–" },
            Field("kohorte", \.cohort) { $0.map(String.init) ?? "–" },
        ]
    }

    /// Field by field where `a` and `b` differ, in Danish (`before` from `a`, `after` from `b`).
    public static func differences(_ a: Household, _ b: Household) -> [DeliveryPreview.FieldChange] {
        fields.compactMap { field in
            let (x, y) = (field.text(a), field.text(b))
            return x == y ? nil : DeliveryPreview.FieldChange(field: field.name, before: x, after: y)
        }
    }

    /// The register's edited values that `incoming` would replace. A field counts when the
    /// register differs from `previous` (the last delivery's record of the household; `nil`
    /// when that delivery did not hold it) and from `incoming`.
    public static func overrides(previous: Household?, register: Household, incoming: Household) -> [DeliveryPreview.FieldChange] {
        fields.compactMap { field in
            let edited = previous.map { field.text($0) != field.text(register) } ?? true
            let (kept, arriving) = (field.text(register), field.text(incoming))
            guard edited, kept != arriving else { return nil }
            return DeliveryPreview.FieldChange(field: field.name, before: kept, after: arriving)
        }
    }

    /// The register's edits that `next` would replace, per household in id order.
    ///
    /// `previous` holds the last delivery's households, or `nil` before the first delivery.
    public static func overrides(previous: [Household]?, register: [Household], next: [Household]) -> [DeliveryPreview.HouseholdChange] {
        let old = Dictionary((previous ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let registered = Dictionary(register.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return next.sorted { $0.id < $1.id }.compactMap { incoming in
            guard let kept = registered[incoming.id] else { return nil }
            let changes = overrides(previous: old[incoming.id], register: kept, incoming: incoming)
            return changes.isEmpty ? nil : DeliveryPreview.HouseholdChange(household: incoming.id, changes: changes)
        }
    }

    /// What the register holds after the import.
    public struct Outcome: Sendable, Equatable {
        /// The households to write: the delivery's, merged with the kept edits.
        public var households: [Household]
        /// The edits kept, per household.
        public var kept: [DeliveryPreview.HouseholdChange]
        /// The edits the delivery replaced, per household: named in the receipt and the trail.
        public var replaced: [DeliveryPreview.HouseholdChange]
    }

    /// A merged household breaks the course rules.
    public struct Conflict: Error, Equatable, Sendable, CustomStringConvertible {
        public var household: HouseholdID
        public var reason: RegisterError

        public init(household: HouseholdID, reason: RegisterError) {
            self.household = household
            self.reason = reason
        }

        public var description: String {
            "husstand \(household): registrets beholdte værdier og leverancens øvrige giver et ugyldigt forløb (\(reason.description)); behold ikke registret for den, eller ret det først"
        }
    }

    /// Merges `next` with the register. It keeps the edited fields of the households in
    /// `keeping` and replaces the rest.
    ///
    /// - Throws: ``Conflict`` when a kept household no longer passes validation.
    public static func merge(
        previous: [Household]?,
        register: [Household],
        next: [Household],
        keeping: Set<HouseholdID>,
        interventionPeriod: DateRange,
        cohorts: Int
    ) throws(Conflict) -> Outcome {
        let old = Dictionary((previous ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let registered = Dictionary(register.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var outcome = Outcome(households: [], kept: [], replaced: [])
        for incoming in next {
            guard let edited = registered[incoming.id] else {
                outcome.households.append(incoming)
                continue
            }
            let prior = old[incoming.id]
            let changes = overrides(previous: prior, register: edited, incoming: incoming)
            guard !changes.isEmpty else {
                outcome.households.append(incoming)
                continue
            }
            let change = DeliveryPreview.HouseholdChange(household: incoming.id, changes: changes)
            guard keeping.contains(incoming.id) else {
                outcome.households.append(incoming)
                outcome.replaced.append(change)
                continue
            }
            var merged = incoming
            for field in fields where prior.map({ field.text($0) != field.text(edited) }) ?? true {
                field.copy(&merged, edited)
            }
            do throws(RegisterError) {
                try merged.validate(interventionPeriod: interventionPeriod, cohorts: cohorts)
            } catch {
                throw Conflict(household: incoming.id, reason: error)
            }
            outcome.households.append(merged)
            outcome.kept.append(change)
        }
        outcome.kept.sort { $0.household < $1.household }
        outcome.replaced.sort { $0.household < $1.household }
        return outcome
    }
}
