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
        let licensesByTenant = Dictionary(grouping: licenses, by: \.tenant)
        let grouped = context.inServiceSkus
        var findings: [Finding] = []
        var skipped: [TenantID: String] = [:]
        for (tenant, rows) in licensesByTenant {
            // An active subscription of unknown SKU makes every SKU total of the tenant unprovable.
            if let unknown = grouped.unknownSku[tenant] {
                skipped[tenant] = Self.unknownSkuReason(unknown, context)
                continue
            }
            let licensed = Dictionary(grouping: rows, by: \.sku).mapValues { $0.reduce(Decimal()) { $0 + $1.total } }
            let seatsBySku = Dictionary(uniqueKeysWithValues: (grouped.groups[tenant] ?? []).map { ($0.sku, $0) })
            for sku in Set(licensed.keys).union(seatsBySku.keys) {
                let total = licensed[sku] ?? 0
                let seats = seatsBySku[sku]?.seats ?? 0
                guard total != seats else { continue }
                let row = rows.filter { $0.sku == sku }.min { $0.source < $1.source }
                let evidence = row?.source ?? seatsBySku[sku]?.first.source
                let name = row?.productName ?? seatsBySku[sku]?.first.offerName ?? sku.description
                findings.append(
                    Finding(
                        rule: description.id, severity: description.defaultSeverity, tenant: tenant, sku: sku,
                        message:
                            "\(context.tenantName(tenant)) has \(total.plainText) licenses of \"\(name)\" but \(seats.plainText) seats in active subscriptions",
                        before: seats.plainText, after: total.plainText, source: evidence))
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
