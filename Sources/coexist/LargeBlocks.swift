#if os(Linux) && canImport(Glibc)
    import CAllocator
    import Glibc
#endif

/// Tells glibc's allocator to serve large blocks from its heap and to keep freed memory there,
/// instead of mapping each large block fresh and unmapping it when freed.
///
/// A reconcile allocates and frees arrays of tens of megabytes one after another (a file's records,
/// both sets' sort keys and orders, the join's pairs, the reports' buffers). By default glibc maps
/// each block above its threshold (at most 32 MB, adapting upwards from 128 KB) with `mmap` and unmaps
/// it on `free`, so every such array costs a page fault per 4 KiB on first touch, zeroed pages, and an
/// unmap with its TLB flush; the next array of the same size faults all over again. Kept in the heap,
/// a freed array's pages serve the next one. Measured at 1M (4 alternating pairs): page faults
/// 527k → 412k, system time 1.8 → 1.4 s, wall −6%, peak RSS +2% (docs/performance.md).
///
/// Set only where the user has not tuned the same (`GLIBC_TUNABLES`, `MALLOC_MMAP_THRESHOLD_`,
/// `MALLOC_TRIM_THRESHOLD_`), and only for the commands that read export sets.
enum LargeBlocks {
    /// Both thresholds: 1 GiB, above any block a run allocates.
    static let threshold: Int32 = 1 << 30

    /// Which thresholds to set, given the environment: those the user has not set.
    static func thresholdsToSet(environment: [String: String]) -> (mmap: Bool, trim: Bool) {
        let tunables = environment["GLIBC_TUNABLES"] ?? ""
        return (
            environment["MALLOC_MMAP_THRESHOLD_"] == nil && !tunables.contains("glibc.malloc.mmap_threshold"),
            environment["MALLOC_TRIM_THRESHOLD_"] == nil && !tunables.contains("glibc.malloc.trim_threshold")
        )
    }

    static func keepInHeap(environment: [String: String]) {
        #if os(Linux) && canImport(Glibc)
            let set = thresholdsToSet(environment: environment)
            if set.mmap { _ = coexist_set_mmap_threshold(threshold) }
            if set.trim { _ = coexist_set_trim_threshold(threshold) }
        #endif
    }
}
