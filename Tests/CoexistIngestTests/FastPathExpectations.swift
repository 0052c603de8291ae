import Foundation
import Testing

@testable import CoexistIngest

// What the fast-path tests (CSV and XML) require of a file read both ways: the same content, texts
// byte for byte.

/// Expects two lists equal, naming the first difference rather than printing thousands of values.
func expectEqual<T: Equatable>(_ fast: [T], _ reference: [T], _ what: String) {
    guard fast != reference else { return }
    let at = zip(fast, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(fast.count, reference.count)
    let left = at < fast.count ? "\(fast[at])" : "nothing"
    let right = at < reference.count ? "\(reference[at])" : "nothing"
    Issue.record("\(what) differ at \(at) (\(fast.count) vs \(reference.count)): fast \(left), reference \(right)")
}

/// The fast path's content equals the reference path's, everything a file yields.
func expectSame(_ fast: FileContent, _ reference: FileContent) {
    expectEqual(fast.subscriptions, reference.subscriptions, "subscriptions")
    // String's == is canonical equivalence; the texts must agree byte for byte.
    expectEqual(
        fast.subscriptions.map { [$0.offerId, $0.offerName, $0.currency, $0.termDuration].map { $0.map { Array($0.utf8) } } },
        reference.subscriptions.map { [$0.offerId, $0.offerName, $0.currency, $0.termDuration].map { $0.map { Array($0.utf8) } } },
        "subscription texts")
    expectEqual(fast.licenses, reference.licenses, "licenses")
    expectEqual(fast.relationships, reference.relationships, "relationships")
    expectEqual(fast.partnerUsers, reference.partnerUsers, "partner users")
    expectEqual(fast.problems, reference.problems, "problems")
    expectEqual(fast.tenants, reference.tenants, "tenants")
    expectEqual(fast.notices, reference.notices, "notices")
    expectEqual(fast.invalidSubscriptionIDs.sorted(), reference.invalidSubscriptionIDs.sorted(), "invalid ids")
    #expect(fast.kinds == reference.kinds)
    #expect(fast.recordsRead == reference.recordsRead)
}
