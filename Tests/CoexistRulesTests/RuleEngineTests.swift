import CoexistModel
import Testing

@testable import CoexistRules

@Suite("Rule engine")
struct RuleEngineTests {
    private func run(_ scenario: Scenario, _ configuration: RuleConfiguration = RuleConfiguration()) -> RuleRun {
        let context = RuleContext(
            baseline: scenario.baseline, current: scenario.current, configuration: configuration,
            exportingPartners: scenario.exportingPartners, runDay: ISODate(parsing: "2026-11-25")!)
        return RuleEngine(configuration: configuration).run(context)
    }

    @Test("an empty current set is not read as everything removed")
    func nothingAudited() {
        let scenario = Scenario(baseline: Scenario.snapshot(partner: [Scenario.subscription(1)]), current: Scenario.snapshot(partner: []))
        let result = run(scenario)
        #expect(!result.findings.contains { $0.rule == "preexisting-missing" })
        let missing = result.evaluations.first { $0.id == "preexisting-missing" }
        #expect(missing?.evaluated == false)
    }

    @Test("a rule whose inputs are absent is not evaluated, never passed")
    func absentInputs() {
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [Scenario.subscription(1)]),
            current: Scenario.snapshot(partner: [Scenario.subscription(1)]))
        let result = run(scenario)
        for id in ["invitation-unauthorized", "csp-without-relationship", "csp-visible-to-customer", "license-mismatch"] {
            #expect(result.evaluations.first { $0.id == id }?.evaluated == false, "\(id)")
        }
        #expect(result.evaluations.first { $0.id == "preexisting-missing" }?.evaluated == true)
    }

    @Test("a SKU no source resolves makes the SKU rules not evaluated for that tenant only")
    func unknownSku() {
        let known = Scenario.subscription(1, quantity: 5, sku: 7)
        var unknown = Scenario.subscription(2, channel: .csp, quantity: 3, reseller: Scenario.partner)
        unknown.sku = nil
        unknown.offerName = "Dynamics 365 Business Central Essentials"
        let otherTenant = Scenario.subscription(3, tenant: 2, quantity: 2, sku: 8)
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [known]),
            current: Scenario.snapshot(
                partner: [known, unknown, otherTenant],
                licenses: [Scenario.license(sku: 7, total: 9), Scenario.license(tenant: 2, sku: 8, total: 4)]))
        let result = run(scenario)
        for id in ["license-mismatch", "same-sku-multiple-channels"] {
            let evaluation = result.evaluations.first { $0.id == id }
            #expect(evaluation?.evaluated == true, "\(id)")
            #expect(evaluation?.notEvaluatedTenants.keys.sorted() == [Scenario.tenant(1)], "\(id)")
            #expect(evaluation?.notEvaluatedTenants[Scenario.tenant(1)]?.contains("Business Central") == true, "\(id)")
        }
        let mismatches = result.findings.filter { $0.rule == "license-mismatch" }
        #expect(mismatches.map(\.tenant) == [Scenario.tenant(2)], "the other tenant is still evaluated")
    }

    @Test("severities and switches come from the configuration")
    func configuration() {
        let before = Scenario.subscription(1, quantity: 10)
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [before]),
            current: Scenario.snapshot(partner: [before.with { $0.quantity = 12 }, Scenario.subscription(2)]))
        var configuration = RuleConfiguration()
        configuration.severities["quantity-changed"] = .error
        configuration.disabled = ["subscription-added"]
        let result = run(scenario, configuration)
        #expect(result.findings.first { $0.rule == "quantity-changed" }?.severity == .error)
        #expect(!result.findings.contains { $0.rule == "subscription-added" })
        #expect(!result.evaluations.contains { $0.id == "subscription-added" })
    }

    @Test("protected fields are configurable")
    func protectedFields() {
        let before = Scenario.subscription(1)
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [before]),
            current: Scenario.snapshot(partner: [before.with { $0.billingCycle = .monthly }]))
        #expect(run(scenario).findings.contains { $0.rule == "preexisting-changed" })
        var configuration = RuleConfiguration()
        configuration.protectedFields = [.channel]
        #expect(!run(scenario, configuration).findings.contains { $0.rule == "preexisting-changed" })
    }

    @Test("allowed inviter roles are configurable")
    func inviterRoles() {
        let users = [Scenario.user("sam@partner.example", .salesAgent)]
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [Scenario.subscription(1)], relationships: [], users: users),
            current: Scenario.snapshot(
                partner: [Scenario.subscription(1)], relationships: [Scenario.relationship(invitedBy: "sam@partner.example")], users: users)
        )
        #expect(!run(scenario).findings.contains { $0.rule == "invitation-unauthorized" })
        var configuration = RuleConfiguration()
        configuration.allowedInviterRoles = [.adminAgent]
        #expect(run(scenario, configuration).findings.contains { $0.rule == "invitation-unauthorized" })
    }

    @Test("with the exporting partner unknown, every baseline subscription is protected")
    func unknownPartnerProtectsAll() {
        let csp = Scenario.subscription(1, channel: .csp, reseller: nil)
        var scenario = Scenario(
            baseline: Scenario.snapshot(partner: [csp, Scenario.subscription(2)]),
            current: Scenario.snapshot(partner: [Scenario.subscription(2)]))
        #expect(!run(scenario).findings.contains { $0.rule == "preexisting-missing" })
        scenario.exportingPartners = []
        #expect(run(scenario).findings.contains { $0.rule == "preexisting-missing" && $0.subscription == Scenario.subscriptionID(1) })
    }

    @Test("with a customer view beside the partner view, missing means absent from the partner view")
    func missingWithTwoViews() {
        // 1 stays in the partner view; 2 moves to the customer view only; 3 is gone from both.
        let before = (1...3).map { Scenario.subscription($0) }
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: before),
            current: Scenario.snapshot(partner: [before[0]], customer: [Scenario.subscription(2, view: .customer)]))
        let missing = run(scenario).findings.filter { $0.rule == "preexisting-missing" }.compactMap(\.subscription)
        #expect(Set(missing) == [Scenario.subscriptionID(2), Scenario.subscriptionID(3)])
        let onePartnerView = Scenario(baseline: Scenario.snapshot(partner: before), current: Scenario.snapshot(partner: [before[0]]))
        let missingOfOne = run(onePartnerView).findings.filter { $0.rule == "preexisting-missing" }.compactMap(\.subscription)
        #expect(Set(missingOfOne) == [Scenario.subscriptionID(2), Scenario.subscriptionID(3)])
    }

    @Test("an added subscription is reported once, at the first view of the current set that lists it")
    func addedOnceAtItsFirstView() {
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [Scenario.subscription(1)], customer: []),
            current: Scenario.snapshot(
                partner: [Scenario.subscription(1), Scenario.subscription(2, line: 7)],
                customer: [Scenario.subscription(2, view: .customer, line: 3), Scenario.subscription(4, view: .customer, line: 9)]))
        let added = run(scenario).findings.filter { $0.rule == "subscription-added" }
        #expect(added.map(\.subscription) == [Scenario.subscriptionID(2), Scenario.subscriptionID(4)])
        #expect(added.map { $0.source?.description } == ["partner.csv:7", "customer.csv:9"])
    }

    @Test("license totals of a tenant of many SKUs are compared SKU by SKU")
    func licensesOfManySkus() {
        // 100 SKUs, two subscriptions of 5 seats each; licenses match for even SKUs, are 1 short for odd
        // ones, one SKU is licensed without seats, and SKU 0 has seats without a license row.
        let subscriptions = (0..<200).map { Scenario.subscription($0 + 1, quantity: 5, sku: $0 / 2) }
        var licenses = (1..<100).map { Scenario.license(sku: $0, total: $0 % 2 == 0 ? 10 : 9) }
        licenses.append(Scenario.license(sku: 500, total: 3))
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: subscriptions),
            current: Scenario.snapshot(partner: subscriptions, licenses: licenses))
        let findings = run(scenario).findings.filter { $0.rule == "license-mismatch" }
        let skus = Set(findings.compactMap(\.sku))
        #expect(skus == Set((1..<100).filter { $0 % 2 == 1 }.map(Scenario.sku) + [Scenario.sku(0), Scenario.sku(500)]))
        #expect(findings.first { $0.sku == Scenario.sku(0) }?.after == "0")
        #expect(findings.first { $0.sku == Scenario.sku(0) }?.before == "10")
        #expect(findings.first { $0.sku == Scenario.sku(500) }?.before == "0")
        #expect(findings.first { $0.sku == Scenario.sku(3) }?.after == "9")
    }

    @Test("an id skipped as invalid is never also reported missing or added")
    func invalidIDs() {
        var current = Scenario.snapshot(partner: [Scenario.subscription(2)])
        current.invalidSubscriptionIDs = [Scenario.subscriptionID(1), Scenario.subscriptionID(3)]
        var baseline = Scenario.snapshot(partner: [Scenario.subscription(1), Scenario.subscription(2)])
        baseline.invalidSubscriptionIDs = []
        let result = run(Scenario(baseline: baseline, current: current))
        #expect(!result.findings.contains { $0.rule == "preexisting-missing" })
    }

    @Test("findings are sorted by tenant, subscription, rule")
    func sorted() {
        let scenario = Scenario(
            baseline: Scenario.snapshot(partner: [Scenario.subscription(3, tenant: 2), Scenario.subscription(1, tenant: 1)]),
            current: Scenario.snapshot(partner: [Scenario.subscription(9, tenant: 1)]))
        let findings = run(scenario).findings
        #expect(findings == findings.sorted(by: Finding.reportOrder))
        #expect(findings.first?.tenant == Scenario.tenant(1))
    }
}
