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
        // Status is held inline, so this pass reads no record's shared values until one lost its health.
        let pairs = join.pairs
        return preexisting.compactMap { index in
            guard let after = pairs[index].after, case let before = pairs[index].before,
                before.carries(.status), after.carries(.status),
                before.status?.isHealthy == true, after.status?.isHealthy != true
            else { return nil }
            let endDate = (after.carries(.endDate) ? after.endDate : nil) ?? before.endDate
            let atTermEnd = endDate.map { ISODate.compare(currentAsOf, $0) >= 0 } ?? false
            return HealthLoss(before: before, after: after, endDate: endDate, atTermEnd: atTermEnd)
        }
    }
}
