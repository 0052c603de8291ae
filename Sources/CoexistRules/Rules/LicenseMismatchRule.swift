import CoexistModel
import Foundation

/// `license-mismatch`: Billing > Licenses disagrees with the summed quantity of active subscriptions of a SKU.
public struct LicenseMismatchRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1, quantity: 25, sku: 7)
        let csp = Scenario.subscription(2, channel: .csp, quantity: 5, sku: 7, reseller: Scenario.partner)
        let baseline = Scenario.snapshot(partner: [direct], licenses: [Scenario.license(sku: 7, total: 25)])
        func current(_ licenses: [LicensePool]?, _ subscriptions: [Subscription] = [direct, csp]) -> Scenario {
            Scenario(baseline: baseline, current: Scenario.snapshot(partner: subscriptions, licenses: licenses))
        }
        return RuleDescription(
            id: "license-mismatch", defaultSeverity: .warning,
            summary:
                "A tenant's Billing > Licenses total for a SKU differs from the summed quantity of its active subscriptions of that SKU.",
            rationale: """
                The customer sees CSP subscriptions only as licenses, so the license pool of a SKU must equal \
                the seats of every in-service subscription of that SKU, whatever its channel, each subscription \
                counted once over every view. A SKU missing from the tenant's license rows counts as 0 licenses; \
                a tenant with no license rows, or with an active subscription whose SKU is unknown, is not \
                evaluated.
                """,
            triggering: [
                RuleExample("CSP seats not counted in the licenses", current([Scenario.license(sku: 7, total: 25)])),
                RuleExample(
                    "a subscribed SKU has no license row",
                    current([Scenario.license(sku: 7, total: 30)], [direct, csp, Scenario.subscription(3, quantity: 2, sku: 8)])),
            ],
            nonTriggering: [
                RuleExample("licenses equal direct + CSP seats", current([Scenario.license(sku: 7, total: 30)])),
                RuleExample(
                    "suspended subscriptions do not count",
                    current([Scenario.license(sku: 7, total: 25)], [direct, csp.with { $0.status = .suspended }])),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard let licenses = context.current.licenses else {
            return .notEvaluated(reason: "the current export set has no customer licenses")
        }
        // Sorted by tenant and SKU, each tenant's rows and each SKU's rows are runs: no dictionary per tenant.
        let rows = licenses.indices.sorted { (licenses[$0].tenant, licenses[$0].sku) < (licenses[$1].tenant, licenses[$1].sku) }
        let grouped = context.inServiceSkus
        var findings: [Finding] = []
        var skipped: [TenantID: String] = [:]
        // The group is read in place (`list[at]`) and its first record only for a finding: copying a
        // group per license row counted references on records scattered over the heap.
        func mismatch(_ tenant: TenantID, _ sku: SkuID, total: Decimal, in list: [InServiceSkus.Group], at: Int?, row: LicensePool?) {
            let seatCount = at.map { list[$0].seats } ?? 0
            guard total != seatCount else { return }
            let seats = at.map { list[$0] }
            let evidence = row?.source ?? seats?.first.source
            let name = row?.productName ?? seats?.first.offerName ?? sku.description
            findings.append(
                Finding(
                    rule: description.id, severity: description.defaultSeverity, tenant: tenant, sku: sku,
                    message:
                        "\(context.tenantName(tenant)) has \(total.plainText) licenses of \"\(name)\" but \(seatCount.plainText) seats in active subscriptions",
                    before: seatCount.plainText, after: total.plainText, source: evidence))
        }
        var start = rows.startIndex
        while start < rows.endIndex {
            let tenant = licenses[rows[start]].tenant
            var end = start
            while end < rows.endIndex, licenses[rows[end]].tenant == tenant { end += 1 }
            defer { start = end }
            // An active subscription of unknown SKU makes every SKU total of the tenant unprovable.
            if let unknown = grouped.unknownSku[tenant] {
                skipped[tenant] = Self.unknownSkuReason(unknown, context)
                continue
            }
            let list = grouped.groups[tenant] ?? []
            var skuStart = start
            while skuStart < end {
                let sku = licenses[rows[skuStart]].sku
                var skuEnd = skuStart
                var total = DecimalSum()
                var first: LicensePool?
                while skuEnd < end, case let row = licenses[rows[skuEnd]], row.sku == sku {
                    total += row.total
                    if first.map({ row.source < $0.source }) ?? true { first = row }
                    skuEnd += 1
                }
                mismatch(tenant, sku, total: total.total, in: list, at: InServiceSkus.position(of: sku, in: list), row: first)
                skuStart = skuEnd
            }
            // SKUs with seats but no license row at all.
            let licensedSkus = Set(rows[start..<end].map { licenses[$0].sku })
            for at in list.indices where !licensedSkus.contains(list[at].sku) {
                mismatch(tenant, list[at].sku, total: 0, in: list, at: at, row: nil)
            }
        }
        return skipped.isEmpty ? .evaluated(findings) : .partiallyEvaluated(findings, notEvaluated: skipped)
    }

    /// Why a tenant is not evaluated: its active subscriptions whose SKU is unknown.
    static func unknownSkuReason(_ subscriptions: [Subscription], _ context: RuleContext) -> String {
        let names = Set(subscriptions.map { context.label($0) }).sorted()
        let listed = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
        return "the SKU of \(listed) is unknown (no SkuId, and the offer catalogue does not know the offer)"
    }
}
