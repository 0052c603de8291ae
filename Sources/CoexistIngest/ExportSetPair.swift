import CoexistModel

extension ExportSetLoader {
    /// Loads the baseline and the current export set at the same time, one per core: the two sets are
    /// independent until the rules compare them. The first error (baseline first) is thrown.
    public func loadPair(
        baseline: [String], baselineAsOf: ISODate?, current: [String], currentAsOf: ISODate?
    ) throws(IngestError) -> (baseline: Snapshot, current: Snapshot) {
        let sides = [(baseline, baselineAsOf), (current, currentAsOf)]
        let results = concurrentMap(2) { index -> Result<Snapshot, IngestError> in
            let (paths, asOf) = sides[index]
            do throws(IngestError) {
                return .success(try load(paths, asOf: asOf))
            } catch {
                return .failure(error)
            }
        }
        return (try results[0].get(), try results[1].get())
    }
}
