/// A hash table from short byte strings (ids as they stand in a CSV file) to row numbers.
///
/// Looks ids up straight from a file's bytes: no `String` per lookup and no seeded SipHash,
/// which is what makes 2,7 M references resolve in well under a second (docs/benchmarks.md).
/// Open addressing with linear probing, FNV-1a hashes, load factor at most ½.
struct ByteKeyTable {
    private var slots: [Int32]
    private var mask: Int
    private var arena: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    private(set) var values: [Int32] = []

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash ^ (hash >> 29)
    }

    private func matches(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(lengths[entry])
        guard length == key.count else { return false }
        let start = Int(starts[entry])
        for i in 0..<length where arena[start + i] != key[i] { return false }
        return true
    }

    /// The value stored for `key`, if any.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = ByteKeyTable.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            if hashes[entry] == hash, matches(entry, key) { return Int(values[entry]) }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for `key`; false (and nothing stored) when the key is already there.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int) -> Bool {
        if (values.count + 1) * 2 > slots.count { grow() }
        let hash = ByteKeyTable.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash, matches(entry, key) { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(values.count)
        starts.append(Int32(arena.count))
        lengths.append(Int32(key.count))
        arena.append(contentsOf: key)
        hashes.append(hash)
        values.append(Int32(value))
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
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for entry in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }
}
