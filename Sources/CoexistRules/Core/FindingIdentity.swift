import CoexistModel

extension Finding {
    /// The rule and subject of the finding: what makes it "the same finding" in tomorrow's run.
    public var subjectKey: String {
        [
            rule, tenant?.description ?? "", subscription?.description ?? "", sku?.description ?? "",
            partner?.description ?? "",
        ].joined(separator: "|")
    }

    /// The values the finding reports. When they change, an acceptance of the finding no longer holds.
    /// Findings without before/after values (input problems) are told apart by their message.
    public var valueFingerprint: String {
        if before == nil && after == nil { return "message:" + message }
        return "before:" + (before ?? "∅") + "\u{1F}after:" + (after ?? "∅")
    }

    /// One identity per finding of a run, in the run's order: the subject key, with `#2`, `#3`… for
    /// further findings of the same subject (input problems can repeat one).
    public static func identities(of findings: [Finding]) -> [String] {
        var seen: [String: Int] = [:]
        return findings.map { finding in
            let key = finding.subjectKey
            let count = (seen[key] ?? 0) + 1
            seen[key] = count
            return count == 1 ? key : "\(key)#\(count)"
        }
    }
}
