import CoexistModel
import Foundation
import Testing

@testable import CoexistRules

/// The tenant order and the per-tenant SKU groups against the plain dictionary grouping they replace.
@Suite("Tenant grouping")
struct TenantGroupingTests {
    /// Three tenants: a small one, one of 200 subscriptions over 30 SKUs (past the linear search), and
    /// one whose subscriptions are all out of service or of unknown SKU.
    private func records() -> [SubscriptionID: Subscription] {
        var records: [Subscription] = []
        for n in 1...5 { records.append(Scenario.subscription(n, tenant: 1, sku: n % 2)) }
        for n in 100..<300 {
            let channel: Channel = n % 7 == 0 ? .csp : .direct
            var record = Scenario.subscription(
                n, tenant: 2, channel: channel, status: n % 11 == 0 ? .suspended : .active, quantity: Decimal(n), sku: n % 30,
                reseller: channel == .csp ? (n % 3 == 0 ? Scenario.partner : Scenario.otherPartner) : nil, line: 1000 - n)
            if n % 13 == 0 { record.sku = nil }
            records.append(record)
        }
        records.append(Scenario.subscription(400, tenant: 3, status: .deleted, sku: 1))
        records.append(Scenario.subscription(401, tenant: 3).with { $0.sku = nil })
        return Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
    }

    @Test func theOrderHoldsEachTenantAsOneSortedRun() {
        let subscriptions = records()
        let order = TenantOrder(subscriptions)
        #expect(order.records.count == subscriptions.count)
        #expect(Set(order.ranges.keys) == Set(subscriptions.values.map(\.tenant)))
        for (tenant, range) in order.ranges {
            let run = order.records[range]
            #expect(run.allSatisfy { $0.tenant == tenant })
            #expect(run.map(\.id) == subscriptions.values.filter { $0.tenant == tenant }.map(\.id).sorted())
        }
        #expect(order[Scenario.tenant(9)].isEmpty)
        // The reseller column follows the records: CSP ones of two partners, direct ones without.
        #expect(order.resellers.count == order.records.count)
        #expect(order.records.indices.allSatisfy { order.resellers[$0] == order.records[$0].reseller })
        #expect(Set(order.resellers.compactMap { $0 }) == [Scenario.partner, Scenario.otherPartner])
    }

    @Test func theOrderSortsByTenantThenIdWhateverTheIds() {
        // Random-looking tenant ids (spread over the sort's buckets, two of them sharing their first 16
        // bits), sequential ones (all in one bucket), ids that differ only in their low half.
        func guid(_ high: UInt64, _ low: UInt64) -> String {
            let hex = String(format: "%016llx%016llx", high, low)
            let digits = Array(hex)
            return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        var tenants = (0..<150).map { _ in TenantID(parsing: guid(next(), next()))! }
        tenants.append(TenantID(parsing: guid(0xabcd_0000_0000_0001, 5))!)
        tenants.append(TenantID(parsing: guid(0xabcd_ffff_0000_0000, 3))!)
        tenants += (0..<20).map { TenantID(parsing: guid(0, UInt64($0)))! }
        var records: [Subscription] = []
        for n in 0..<6_000 {
            let id = SubscriptionID(parsing: guid(n % 3 == 0 ? 7 : next(), n % 5 == 0 ? UInt64(n) : next()))!
            let source = Provenance(file: "p.csv", line: n)
            records.append(Subscription(id: id, tenant: tenants[n % tenants.count], view: .partner, source: source))
        }
        let order = TenantOrder(Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) }))
        let expected = records.map { ($0.tenant, $0.id) }.sorted { $0 < $1 }
        #expect(order.records.count == expected.count)
        let firstOutOfOrder = zip(order.records, expected).enumerated().first { $1.0.tenant != $1.1.0 || $1.0.id != $1.1.1 }?.offset
        #expect(firstOutOfOrder == nil, "records sorted by tenant, then id")
    }

    @Test func theOrderCountsEachChannelsRecordsAndSeatsInService() {
        var subscriptions = records()
        // A channel-less record, and one whose status the source does not carry (its seats count).
        var unknown = Scenario.subscription(500, tenant: 4, quantity: 7)
        unknown.channel = nil
        subscriptions[unknown.id] = unknown
        var uncarried = Scenario.subscription(501, tenant: 4, status: .suspended, quantity: 3)
        uncarried.carried = FieldSet(SubscriptionField.allCases.filter { $0 != .status })
        subscriptions[uncarried.id] = uncarried
        let order = TenantOrder(subscriptions)
        #expect(order.channelTallies.count == Channel.allCases.count + 1)
        for (slot, channel) in (Channel.allCases.map { Optional($0) } + [nil]).enumerated() {
            let members = subscriptions.values.filter { $0.channel == channel }
            #expect(order.channelTallies[slot].subscriptions == members.count, "\(channel.map(\.canonicalName) ?? "unknown")")
            let seats = members.filter { !$0.carries(.status) || $0.status?.isInService != false }.reduce(Decimal()) {
                $0 + ($1.quantity ?? 0)
            }
            #expect(order.channelTallies[slot].seats.total == seats)
        }
        #expect(order.channelTallies[ChannelTally.slot(nil)].subscriptions == 1)
        #expect(order.channelTallies[ChannelTally.slot(.direct)].seats.total > 0)
    }

    @Test("the grouping in pieces of whole tenants, merged, is the grouping in one piece")
    func groupingInPiecesIsGroupingWhole() {
        var subscriptions = records()
        // More tenants, so that cuts fall inside tenants' runs and are moved to their ends.
        for n in 1000..<1400 { subscriptions[Scenario.subscriptionID(n)] = Scenario.subscription(n, tenant: 10 + n % 37, sku: n % 5) }
        let order = TenantOrder(subscriptions)
        let whole = InServiceSkus(order, exportingPartners: [Scenario.partner])
        func summary(_ grouping: InServiceSkus) -> [String] {
            grouping.groups.flatMap { tenant, groups in
                groups.map { "\(tenant) \($0.sku) \($0.seats) \($0.first.id) \($0.sources.map(\.text))" }
            }.sorted()
                + grouping.unknownSku.map { tenant, records in "\(tenant) unknown \(records.map(\.id))" }.sorted()
        }
        for count in [1, 2, 3, 4, 7, 50] {
            let pieces = InServiceSkus.pieces(of: order, count: count)
            #expect(pieces.first?.lowerBound == 0 && pieces.last?.upperBound == order.records.count)
            #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "adjacent, no overlap")
            #expect(
                pieces.dropFirst().allSatisfy { order.records[$0.lowerBound - 1].tenant != order.records[$0.lowerBound].tenant },
                "cut between tenants")
            #expect(pieces.count <= count)
            let merged = InServiceSkus(
                merging: pieces.map { InServiceSkus(order, positions: $0, exportingPartners: [Scenario.partner]) })
            #expect(summary(merged) == summary(whole), "\(count) pieces")
        }
        #expect(InServiceSkus.pieces(of: order, count: 4).count > 1)
    }

    @Test func groupsAgreeWithADictionaryGrouping() {
        let subscriptions = records()
        let grouped = InServiceSkus(TenantOrder(subscriptions), exportingPartners: [Scenario.partner])
        let inService = subscriptions.values.filter { $0.status?.isInService == true }
        let expected = Dictionary(grouping: inService.filter { $0.sku != nil }) { TenantSkuKey(tenant: $0.tenant, sku: $0.sku!) }
        #expect(grouped.groups.values.map(\.count).reduce(0, +) == expected.count)
        for (key, members) in expected {
            let group = grouped.groups[key.tenant]?.first { $0.sku == key.sku }
            #expect(grouped.group(key.tenant, key.sku)?.sku == key.sku)
            #expect(group?.seats == members.reduce(Decimal()) { $0 + ($1.quantity ?? 0) })
            #expect(group?.first.id == members.min { $0.source < $1.source }?.id)
            let sources = Set(members.map { SkuSource(of: $0, exportingPartners: [Scenario.partner]) })
            #expect(group.map { Set($0.sources) } == sources)
            #expect(group?.sources.count == sources.count, "each source once")
        }
        let unknown = Dictionary(grouping: inService.filter { $0.sku == nil }, by: \.tenant)
        #expect(grouped.unknownSku.mapValues { Set($0.map(\.id)) } == unknown.mapValues { Set($0.map(\.id)) })
        #expect(grouped.groups[Scenario.tenant(2)]?.contains { $0.sources.count > 1 } == true)
        #expect(grouped.group(Scenario.tenant(2), Scenario.sku(500)) == nil)
        #expect(grouped.group(Scenario.tenant(9), Scenario.sku(1)) == nil)
    }
}

private struct TenantSkuKey: Hashable {
    let tenant: TenantID
    let sku: SkuID
}
