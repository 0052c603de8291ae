#if os(Linux) && canImport(Glibc)
    import Glibc

    /// Restarts the process once, before anything else runs, with glibc's allocator told to back its heap
    /// with transparent huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`).
    ///
    /// A partner's reconcile holds millions of small records (~1.7 GiB at a million subscriptions a side)
    /// and every pass visits them in hash or tenant order, i.e. scattered over the heap: with 4 KiB pages
    /// nearly every visit also misses the TLB, and first touches fault page by page. With 2 MiB pages the
    /// same run took 6% less CPU at the same peak memory (measured at 1M, docs/performance.md). Where the
    /// kernel backs huge pages only on request (`madvise`, Debian's default), only the allocator can ask,
    /// and glibc reads its tunables only when a program starts, hence the one `exec` of the same binary:
    /// same process id, arguments, descriptors and environment, and no other effect.
    ///
    /// Nothing happens when the kernel's mode is `always` (already huge) or `never`, when the tunable is
    /// already set, when `COEXIST_HUGE_PAGES=0`, or when the restart fails (the run goes on as it is).
    /// Only the commands that read export sets call it (``Coexist/readsExportSets(_:)``): the restart
    /// is a second start-up (≈ 20 ms), wasted on `--version` or `history`.
    enum HugePages {
        private static let marker = "COEXIST_HUGE_PAGES_RESTARTED"
        private static let tunable = "glibc.malloc.hugetlb=1"

        static func restartWithHugePagesIfUseful() {
            if getenv(marker) != nil {
                // The restarted process: the marker has done its job, keep it from children.
                unsetenv(marker)
                return
            }
            if let choice = getenv("COEXIST_HUGE_PAGES"), String(cString: choice) == "0" { return }
            let existing = getenv("GLIBC_TUNABLES").map { String(cString: $0) }
            if let existing, existing.contains("glibc.malloc.hugetlb") { return }
            guard kernelBacksHugePagesOnRequest() else { return }

            setenv("GLIBC_TUNABLES", existing.map { "\($0):\(tunable)" } ?? tunable, 1)
            setenv(marker, "1", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            // Still here: the restart failed; undo and go on with small pages.
            unsetenv(marker)
            if let existing { setenv("GLIBC_TUNABLES", existing, 1) } else { unsetenv("GLIBC_TUNABLES") }
        }

        /// Whether the kernel's transparent huge pages are in `madvise` mode: `[madvise]` in sysfs.
        private static func kernelBacksHugePagesOnRequest() -> Bool {
            guard let file = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r") else { return false }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 128)
            guard fgets(&line, Int32(line.count), file) != nil else { return false }
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.contains("[madvise]")
        }
    }
#else
    enum HugePages {
        static func restartWithHugePagesIfUseful() {}
    }
#endif
