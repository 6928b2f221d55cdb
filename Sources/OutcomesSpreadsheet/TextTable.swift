import Foundation

/// Texts as bytes, each kept once and numbered in the order first met: the shared strings of
/// a workbook, and each block's own table while its rows are written.
///
/// Keyed by the UTF-8 bytes with a word-at-a-time hash, open addressing and linear probing
/// (load at most ½), like the importer's `ByteKeyTable`: a national settlement looks up 4,6
/// million texts, of ~180 bytes each for the explanations, and `Dictionary<String, …>`'s
/// seeded hashing of `String`s took a fifth of the whole export. The numbering does not
/// depend on the hash, so the same workbook gives the same bytes.
struct TextTable {
    /// Every text's bytes, one after another.
    private(set) var arena: [UInt8] = []
    /// Where text number n stands in ``arena``.
    private(set) var spans: [(start: Int, count: Int)] = []
    private var hashes: [UInt64] = []
    /// Text number + 1 in each slot; 0 for an empty one.
    private var slots: [Int32] = Array(repeating: 0, count: 64)
    private var mask = 63

    var count: Int { spans.count }

    /// The number of `bytes`, added if new.
    mutating func number(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if (spans.count + 1) * 2 > slots.count { grow() }
        let hash = TextTable.hash(bytes)
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[index]
            if entry == 0 { break }
            let known = Int(entry - 1)
            if hashes[known] == hash, equal(known, bytes) { return Int32(known) }
            index = (index + 1) & mask
        }
        let number = spans.count
        spans.append((arena.count, bytes.count))
        hashes.append(hash)
        arena.append(contentsOf: bytes)
        slots[index] = Int32(number + 1)
        return Int32(number)
    }

    mutating func number(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { number(UnsafeRawBufferPointer($0)) }
    }

    /// Text number `n`'s bytes, for `body`.
    func withText<T>(_ n: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let span = spans[n]
        return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[span.start..<span.start + span.count])) }
    }

    private func equal(_ known: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let span = spans[known]
        guard span.count == bytes.count else { return false }
        if span.count == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + span.start, bytes.baseAddress!, span.count) == 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for (number, hash) in hashes.enumerated() {
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = Int32(number + 1)
        }
    }

    /// Eight bytes at a time, multiplied and folded.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var at = 0
        while at + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            at += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count {
            tail |= UInt64(bytes[at]) << shift
            shift += 8
            at += 1
        }
        // fmix64 (MurmurHash3's finaliser): every input bit reaches the low bits the slot
        // index takes, so ids that differ in their last characters do not crowd together.
        hash ^= tail
        hash = (hash ^ (hash >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        hash = (hash ^ (hash >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }
}
