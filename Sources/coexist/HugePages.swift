#if os(Linux) && canImport(Glibc)
    import Glibc

    /// With `COEXIST_HUGE_PAGES=1`, restarts the process once, before anything else runs, with glibc's
    /// allocator told to back its heap with transparent huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`).
    ///
    /// A partner's reconcile holds millions of small records (~1.7 GiB at a million subscriptions a side)
    /// and every pass visits them in hash or tenant order, i.e. scattered over the heap: with 4 KiB pages
    /// nearly every visit also misses the TLB. With 2 MiB pages a 1M run took 4–6% less time on a machine
    /// whose free memory was in one piece (freshly booted, or compacted), but 13% *more* on the same
    /// machine after some hours of work: the kernel compacted memory in the page faults (Debian's
    /// `defrag` mode `madvise`), sys time 1.4 → 3.3 s (docs/performance.md). A nightly job runs on a
    /// machine that has been up for long, so this is opt-in, for machines known to have the memory.
    /// Where the kernel backs huge pages only on request (`madvise`, Debian's default), only the
    /// allocator can ask, and glibc reads its tunables only when a program starts, hence the one `exec`
    /// of the same binary: same process id, name, arguments, descriptors and environment.
    ///
    /// Nothing happens unless `COEXIST_HUGE_PAGES=1`, when the kernel's mode is `always` (already huge)
    /// or `never`, when the tunable is already set, when the program was started through its loader or
    /// its file is gone, or when the restart fails (the run goes on as it is).
    /// Only the commands that read export sets call it (``Coexist/readsExportSets(_:)``): the restart
    /// is a second start-up (≈ 20 ms), wasted on `--version` or `history`.
    enum HugePages {
        private static let marker = "COEXIST_HUGE_PAGES_RESTARTED"
        private static let tunable = "glibc.malloc.hugetlb=1"

        static func restartWithHugePagesIfUseful() {
            if let name = getenv(marker) {
                // The restarted process: it takes back the name it was started under (`ps`, `pgrep -x`
                // and the journal know it by that, not by the file's own name), and keeps the marker
                // from children.
                setProcessName(String(cString: name))
                unsetenv(marker)
                return
            }
            guard let choice = getenv("COEXIST_HUGE_PAGES"), String(cString: choice) == "1" else { return }
            let existing = getenv("GLIBC_TUNABLES").map { String(cString: $0) }
            if let existing, existing.contains("glibc.malloc.hugetlb") { return }
            guard kernelBacksHugePagesOnRequest(), startedByTheKernel(), let program = executablePath() else { return }

            setenv("GLIBC_TUNABLES", existing.map { "\($0):\(tunable)" } ?? tunable, 1)
            setenv(marker, processName() ?? "coexist", 1)
            execv(program, CommandLine.unsafeArgv)
            // Still here: the restart failed; undo and go on with small pages.
            unsetenv(marker)
            if let existing { setenv("GLIBC_TUNABLES", existing, 1) } else { unsetenv("GLIBC_TUNABLES") }
        }

        /// The program's file, resolved (nil when it is gone or replaced since it started): exec'd by
        /// its own path, not `/proc/self/exe`, whose name the kernel would give the process (`exe`).
        private static func executablePath() -> String? {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            // A path that filled the buffer may be cut short.
            guard length > 0, length < buffer.count - 1 else { return nil }
            let path = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard path.hasPrefix("/"), !path.hasSuffix(" (deleted)"), access(path, X_OK) == 0 else { return nil }
            return path
        }

        /// Whether the kernel started this program with its dynamic loader (`AT_BASE` in the auxiliary
        /// vector is the loader's address). It is 0 when the loader itself was run as the program
        /// (`ld-linux-x86-64.so.2 coexist …`): `/proc/self/exe` is then the loader, and exec'ing it
        /// with coexist's arguments would run `reconcile` as a program.
        private static func startedByTheKernel() -> Bool {
            guard let file = fopen("/proc/self/auxv", "r") else { return false }
            defer { fclose(file) }
            var pair = (UInt(0), UInt(0))
            let atBase = UInt(7)
            while withUnsafeMutableBytes(of: &pair, { fread($0.baseAddress, MemoryLayout<UInt>.size, 2, file) }) == 2, pair.0 != 0 {
                if pair.0 == atBase { return pair.1 != 0 }
            }
            return false
        }

        /// The process's name as `ps` shows it (`/proc/self/comm`).
        private static func processName() -> String? {
            firstLine(of: "/proc/self/comm").flatMap { $0.isEmpty ? nil : $0 }
        }

        private static func setProcessName(_ name: String) {
            guard let file = fopen("/proc/self/comm", "w") else { return }
            fputs(name, file)
            fclose(file)
        }

        /// Whether the kernel's transparent huge pages are in `madvise` mode: `[madvise]` in sysfs.
        private static func kernelBacksHugePagesOnRequest() -> Bool {
            firstLine(of: "/sys/kernel/mm/transparent_hugepage/enabled")?.contains("[madvise]") ?? false
        }

        /// The first line of a small system file, without its line break.
        private static func firstLine(of path: String) -> String? {
            guard let file = fopen(path, "r") else { return nil }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 128)
            guard fgets(&line, Int32(line.count), file) != nil else { return nil }
            return String(decoding: line.prefix { $0 != 0 && $0 != 0x0A }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
#else
    enum HugePages {
        static func restartWithHugePagesIfUseful() {}
    }
#endif
