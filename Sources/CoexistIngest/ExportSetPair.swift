import CoexistModel

extension ExportSetLoader {
    /// Loads the baseline and the current export set at the same time (``loadSets(_:)``: every file on
    /// every core): the two sets are independent until the rules compare them. The first error
    /// (baseline first) is thrown.
    public func loadPair(
        baseline: [String], baselineAsOf: ISODate?, current: [String], currentAsOf: ISODate?
    ) throws(IngestError) -> (baseline: Snapshot, current: Snapshot) {
        let snapshots = try loadSets([(baseline, baselineAsOf), (current, currentAsOf)])
        return (snapshots[0], snapshots[1])
    }
}
