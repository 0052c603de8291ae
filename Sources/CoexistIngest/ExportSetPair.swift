import CoexistModel
import Dispatch

extension ExportSetLoader {
    /// Loads the baseline and the current export set at the same time, one per core: the two sets are
    /// independent until the rules compare them. The first error (baseline first) is thrown.
    public func loadPair(
        baseline: [String], baselineAsOf: ISODate?, current: [String], currentAsOf: ISODate?
    ) throws(IngestError) -> (baseline: Snapshot, current: Snapshot) {
        nonisolated(unsafe) var results: [Result<Snapshot, IngestError>?] = [nil, nil]
        let sides = [(baseline, baselineAsOf), (current, currentAsOf)]
        // Each iteration writes only its own slot, so the unsynchronized array is safe.
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let (paths, asOf) = sides[index]
            do throws(IngestError) {
                results[index] = .success(try load(paths, asOf: asOf))
            } catch {
                results[index] = .failure(error)
            }
        }
        // Safe: concurrentPerform returns only after both iterations stored their result.
        return (try results[0]!.get(), try results[1]!.get())
    }
}
