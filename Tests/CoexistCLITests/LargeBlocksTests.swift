import Testing

@testable import coexist

@Suite("large blocks kept in the heap")
struct LargeBlocksTests {
    @Test("both thresholds are set unless the user tuned them, each on its own")
    func userTuningWins() {
        let none = LargeBlocks.thresholdsToSet(environment: [:])
        #expect(none.mmap && none.trim)
        let tunables = LargeBlocks.thresholdsToSet(environment: ["GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"])
        #expect(!tunables.mmap && tunables.trim)
        let both = LargeBlocks.thresholdsToSet(
            environment: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1", "MALLOC_MMAP_THRESHOLD_": "4096"])
        #expect(!both.mmap && !both.trim)
        let unrelated = LargeBlocks.thresholdsToSet(environment: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=1", "MALLOC_ARENA_MAX": "2"])
        #expect(unrelated.mmap && unrelated.trim)
    }
}
