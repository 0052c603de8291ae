import CoexistModel
import Testing

@testable import CoexistRules

/// Every rule's own examples are its tests (SwiftLint's habit): a triggering example must produce
/// a finding of that rule, a non-triggering one must be evaluated and produce none.
@Suite("Rule examples")
struct RuleExampleTests {
    static let ruleIDs = RuleEngine.allRules.map(\.description.id)

    @Test("every rule has triggering and non-triggering examples", arguments: ruleIDs)
    func hasExamples(id: String) throws {
        let rule = try #require(RuleEngine.rule(id: id))
        #expect(!rule.description.triggering.isEmpty)
        #expect(!rule.description.nonTriggering.isEmpty)
        #expect(!rule.description.rationale.isEmpty)
    }

    @Test("triggering examples fire", arguments: ruleIDs)
    func triggering(id: String) throws {
        let rule = try #require(RuleEngine.rule(id: id))
        for example in rule.description.triggering {
            guard case .evaluated(let findings) = RuleEngine.findings(of: rule, in: example.scenario) else {
                Issue.record("\(id): '\(example.title)' was not evaluated")
                continue
            }
            #expect(findings.contains { $0.rule == id }, "\(id): '\(example.title)' did not fire")
            #expect(findings.allSatisfy { $0.severity == rule.description.defaultSeverity })
            // At most one finding per subject.
            let subjects = findings.map {
                "\($0.tenant?.description ?? "")|\($0.subscription?.description ?? "")|\($0.sku?.description ?? "")|\($0.partner?.description ?? "")"
            }
            if id != "invalid-value" && id != "duplicate-key" {
                #expect(Set(subjects).count == subjects.count, "\(id): '\(example.title)' reported a subject twice")
            }
        }
    }

    @Test("non-triggering examples stay silent", arguments: ruleIDs)
    func nonTriggering(id: String) throws {
        let rule = try #require(RuleEngine.rule(id: id))
        for example in rule.description.nonTriggering {
            guard case .evaluated(let findings) = RuleEngine.findings(of: rule, in: example.scenario) else {
                Issue.record("\(id): '\(example.title)' was not evaluated")
                continue
            }
            #expect(findings.isEmpty, "\(id): '\(example.title)' fired: \(findings.map(\.message))")
        }
    }

    @Test("rule ids are unique and match SPEC §4")
    func ids() {
        let expected: Set<String> = [
            "preexisting-missing", "preexisting-deactivated", "preexisting-changed", "advisor-changed", "quantity-changed",
            "direct-not-read-only", "invitation-unauthorized", "csp-without-relationship", "csp-visible-to-customer",
            "customer-subscription-unseen-by-partner", "license-mismatch", "same-sku-multiple-channels",
            "expired-at-term-end", "subscription-added", "duplicate-key", "invalid-value",
        ]
        #expect(Set(Self.ruleIDs) == expected)
        #expect(Self.ruleIDs.count == expected.count)
    }
}
