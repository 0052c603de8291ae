import CoexistModel

/// A pre-existing subscription that was healthy in the baseline and is not now.
struct HealthLoss {
    let before: Subscription
    let after: Subscription
    /// Its end date: the current record's, else the baseline's.
    let endDate: ISODate?
    /// The current as-of is at or after the end date: the term simply ran out.
    let atTermEnd: Bool
}

extension RuleContext {
    /// Every pre-existing subscription that lost its health, with whether that happened at term end.
    /// Shared by `preexisting-deactivated` and `expired-at-term-end`, which split it by the end date.
    func healthLosses() -> [HealthLoss] {
        // A health loss is a status that differs, so the dense comparison picks the few candidates:
        // copying each of a million pairs to look at its status cost a reference count on a record
        // scattered over the heap (measured: 4% of a 1M run).
        let pairs = join.pairs
        let changes = join.changes
        return preexisting.compactMap { index in
            guard changes[index].contains(.status), let after = pairs[index].after, case let before = pairs[index].before,
                before.carries(.status), after.carries(.status),
                before.status?.isHealthy == true, after.status?.isHealthy != true
            else { return nil }
            let endDate = (after.carries(.endDate) ? after.endDate : nil) ?? before.endDate
            let atTermEnd = endDate.map { ISODate.compare(currentAsOf, $0) >= 0 } ?? false
            return HealthLoss(before: before, after: after, endDate: endDate, atTermEnd: atTermEnd)
        }
    }
}
