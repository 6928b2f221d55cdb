/// A hash table from short byte strings (ids as they stand in a CSV file) to row numbers.
///
/// Looks ids up straight from a file's bytes: no `String` per lookup and no seeded SipHash,
/// which is what makes 2,7 M references resolve in well under a second (docs/benchmarks.md).
/// Open addressing with linear probing and FNV-1a hashes, load factor at most ½. A key of up
/// to 16 bytes is kept in its slot, so a lookup touches one cache line; longer keys live in
/// an arena.
struct ByteKeyTable {
    private struct Slot {
        var hash: UInt64 = 0
        /// The key's bytes (up to 16), or its arena offset in `low` for longer keys.
        var low: UInt64 = 0
        var high: UInt64 = 0
        /// The row number; −1 for an empty slot.
        var value: Int32 = -1
        var length: Int32 = 0
    }

    private var slots: [Slot]
    private var mask: Int
    private var arena: [UInt8] = []
    private(set) var count = 0
    /// The slots in insertion order, and each value's insertion position, for hinted lookups.
    private var order: [Slot] = []
    private var insertion: [Int32] = []

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash ^ (hash >> 29)
    }

    /// The first 16 bytes of a key, packed little-endian.
    private static func pack(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (i, byte) in key.prefix(16).enumerated() {
            if i < 8 { low |= UInt64(byte) << (8 * UInt64(i)) } else { high |= UInt64(byte) << (8 * UInt64(i - 8)) }
        }
        return (low, high)
    }

    private func matches(_ slot: Slot, _ key: UnsafeBufferPointer<UInt8>, _ packed: (UInt64, UInt64)) -> Bool {
        guard Int(slot.length) == key.count else { return false }
        if key.count <= 16 { return slot.low == packed.0 && slot.high == packed.1 }
        let start = Int(slot.low)
        for i in 0..<key.count where arena[start + i] != key[i] { return false }
        return true
    }

    /// The value stored for `key`, trying first the entries inserted right at and after
    /// `hint` (updated to the entry found). Deliveries list rows in the order of the file
    /// they refer to, so this mostly finds the key without hashing or a cache miss.
    func find(_ key: UnsafeBufferPointer<UInt8>, hint: inout Int) -> Int? {
        if key.count <= 16 {
            let packed = ByteKeyTable.pack(key)
            for candidate in [hint, hint + 1] where candidate >= 0 && candidate < order.count {
                let slot = order[candidate]
                if Int(slot.length) == key.count, slot.low == packed.0, slot.high == packed.1 {
                    hint = candidate
                    return Int(slot.value)
                }
            }
        }
        guard let found = find(key) else { return nil }
        hint = Int(insertion[found])
        return found
    }

    /// The value stored for `key`, if any.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = ByteKeyTable.hash(key)
        let packed = ByteKeyTable.pack(key)
        return slots.withUnsafeBufferPointer { slots in
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[index]
                if slot.value < 0 { return nil }
                if slot.hash == hash, matches(slot, key, packed) { return Int(slot.value) }
                index = (index + 1) & mask
            }
        }
    }

    /// Stores `value` for `key`; false (and nothing stored) when the key is already there.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = ByteKeyTable.hash(key)
        let packed = ByteKeyTable.pack(key)
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index].value >= 0 {
            if slots[index].hash == hash, matches(slots[index], key, packed) { return false }
            index = (index + 1) & mask
        }
        var slot = Slot(hash: hash, low: packed.0, high: packed.1, value: Int32(value), length: Int32(key.count))
        if key.count > 16 {
            slot.low = UInt64(arena.count)
            arena.append(contentsOf: key)
        }
        slots[index] = slot
        order.append(slot)
        if value >= insertion.count { insertion.append(contentsOf: repeatElement(-1, count: value - insertion.count + 1)) }
        insertion[value] = Int32(count)
        count += 1
        return true
    }

    /// Convenience for keys held as strings.
    func find(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { find($0) }
    }

    @discardableResult
    mutating func insert(_ key: String, value: Int) -> Bool {
        var key = key
        return key.withUTF8 { insert($0, value: value) }
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count * 2
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
        for slot in old where slot.value >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].value >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
