import CoexistModel
import Testing

@testable import CoexistRules

/// The report order of findings (SPEC §5) is the order of the texts the reports show.
@Suite("Finding order")
struct FindingOrderTests {
    /// The order as the reports spell it: tenant, subscription, rule, SKU, partner, file, line, message as texts.
    private func textKey(_ finding: Finding) -> [String] {
        let line = String(finding.source?.line ?? 0)
        return [
            finding.tenant?.description ?? "", finding.subscription?.description ?? "", finding.rule,
            finding.sku?.description ?? "", finding.partner?.description ?? "", finding.source?.file ?? "",
            String(repeating: "0", count: max(0, 12 - line.count)) + line, finding.message,
        ]
    }

    @Test("sorting by reportOrder gives the order of the report texts, whatever the input order")
    func sameAsTextOrder() {
        let guids = [
            "00000000-0000-0000-0000-00000000000a", "0000000a-0000-0000-0000-000000000000", "ffffffff-0000-0000-0000-000000000001",
        ]
        let tenants: [TenantID?] = [nil] + guids.map { TenantID(parsing: $0) }
        let subscriptions: [SubscriptionID?] = [nil] + guids.map { SubscriptionID(parsing: $0) }
        let skus: [SkuID?] = [nil, SkuID(parsing: guids[2])]
        let partners: [PartnerID?] = [nil, PartnerID(digits: "99"), PartnerID(digits: "100")]
        let sources: [Provenance?] = [
            nil, Provenance(file: "b.csv", line: 9), Provenance(file: "b.csv", line: 10), Provenance(file: "a.csv", line: 100),
        ]
        var findings: [Finding] = []
        for tenant in tenants {
            for subscription in subscriptions.prefix(3) {
                for rule in ["same-sku-multiple-channels", "preexisting-missing"] {
                    for sku in skus {
                        for partner in partners {
                            for source in sources {
                                for message in ["B", "a"] {
                                    findings.append(
                                        Finding(
                                            rule: rule, severity: .error, tenant: tenant, subscription: subscription, sku: sku,
                                            partner: partner,
                                            message: message, source: source))
                                }
                            }
                        }
                    }
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        let sorted = findings.shuffled(using: &generator).sorted(by: Finding.reportOrder)
        let expected = findings.sorted { textKey($0).lexicographicallyPrecedes(textKey($1)) }
        #expect(sorted.map(textKey) == expected.map(textKey))
    }

    @Test("the engine's sort by positions leaves findings exactly as sorted(by: reportOrder), ties in input order")
    func sortByPositionsIsTheSameSort() {
        let tenants = [
            TenantID(parsing: "00000000-0000-0000-0000-00000000000a"), TenantID(parsing: "0000000a-0000-0000-0000-000000000000"),
        ]
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 17, 1000] {
            // Few distinct report keys, so most findings tie; `before` tells tied findings apart.
            let findings = (0..<count).map { index in
                Finding(
                    rule: ["a-rule", "b-rule"][index % 2], severity: [.info, .warning, .error][index % 3], tenant: tenants[index % 2],
                    message: "m\(index % 3)", before: "\(index)")
            }.shuffled(using: &generator)
            var sorted = findings
            RuleEngine.sortInReportOrder(&sorted)
            #expect(sorted == findings.sorted(by: Finding.reportOrder))
            #expect(sorted.count == count)
        }
    }
}
