import ArgumentParser
import CoexistStore
import Foundation

/// `coexist prune`: drop old runs and snapshots, then VACUUM.
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove all but the N latest runs and snapshots, and the records nothing refers to; then VACUUM.",
        discussion: """
            Never removed: a snapshot that is or was a tenant's baseline, the snapshots of the N latest \
            runs, and a run that an acceptance, a baseline or a finding (its first or last appearance) \
            points to: such an older run keeps its row, counts and findings in `history` and `explain`; \
            only its snapshot goes.
            """)

    @Option(name: .long, help: ArgumentHelp("How many of the latest runs and snapshots to keep (at least 1).", valueName: "n"))
    var keep: Int

    @OptionGroup var store: StoreOption

    func validate() throws {
        if keep < 1 { throw ValidationError("--keep must be at least 1") }
    }

    func run() throws {
        let opened = try store.open(.write, logger: StderrLogHandler.logger(verbose: false, quiet: false))
        let before = opened.sizeOnDisk
        let outcome = try withStore { try opened.write { try $0.prune(keep: keep) } }
        do {
            try opened.vacuum()
        } catch {
            throw CommandFailure(error)
        }
        let size = { (bytes: Int64) in ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file) }
        Terminal.out(
            "pruned \(outcome.removedRuns.count) run(s), \(outcome.removedSnapshots.count) snapshot(s), \(outcome.removedRecords) record(s); "
                + "\(size(before)) → \(size(opened.sizeOnDisk))")
        if !outcome.protectedSnapshots.isEmpty || !outcome.protectedRuns.isEmpty {
            Terminal.out(
                "  kept though older: snapshots \(outcome.protectedSnapshots.map(String.init).joined(separator: ", ")) (baselines), "
                    + "runs \(outcome.protectedRuns.map(String.init).joined(separator: ", ")) (findings and acceptances point to them)")
        }
    }
}
