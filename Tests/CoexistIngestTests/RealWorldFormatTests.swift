import CoexistModel
import Foundation
import Logging
import Testing

@testable import CoexistIngest

/// The fixtures of Fixtures/real-world (its README tells the story).
private func fixture(_ path: String) throws -> String {
    let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return root.appendingPathComponent("real-world").appendingPathComponent(path).path
}

private let contoso = TenantID(parsing: "ecd4de63-9d00-4d0c-af04-90b7668c9128")!
private let nordwind = TenantID(parsing: "f97b9ec7-b0bd-46a3-9b34-b27f1ee98fff")!
private let smaland = TenantID(parsing: "385ceb5b-d0b5-4161-8e17-a42619a0fb79")!
private let fabrikamTenant = TenantID(parsing: "c940b6be-9bf8-478b-8c9e-d0eee1c80ac1")!
private let vistulaTenant = TenantID(parsing: "b96054b6-08b9-428d-9ed8-2e503708f44f")!

private func id(_ text: String) -> SubscriptionID { SubscriptionID(parsing: text)! }

private func load(_ paths: [String], options: IngestOptions = IngestOptions()) throws -> Snapshot {
    try ExportSetLoader(logger: Logger(label: "test"), options: options).load(paths)
}

private func inspect(_ paths: [String], options: IngestOptions = IngestOptions()) throws -> [FileReport] {
    try ExportSetLoader(logger: Logger(label: "test"), options: options).inspect(paths).map { try $0.get() }
}

@Suite("Real-world formats")
struct RealWorldFormatTests {
    @Test("Partner Center API JSON: collections, an envelope link, a single resource, the customer list")
    func partnerCenterJSON() throws {
        let snapshot = try load([fixture("pc-json/baseline")])
        let partner = snapshot.subscriptions(in: .partner)
        #expect(partner.count == 5)
        let premium = try #require(partner[id("7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3")])
        #expect(premium.tenant == contoso, "tenant from the item's links.self.uri")
        #expect(premium.channel == .csp)
        #expect(premium.offerId == "CFQ7TTC0LCHC:0002")
        #expect(premium.sku == SkuID(parsing: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"), "SKU from the offer catalogue")
        #expect(premium.carries(.skuId))
        #expect(premium.startDate == ISODate(parsing: "2026-03-01"), "a date-time at midnight is the calendar day")
        #expect(premium.endDate == ISODate(parsing: "2027-02-28"))
        #expect(premium.billingCycle == .annual && premium.termDuration == "P1Y" && premium.autoRenew == true)
        #expect(premium.reseller == nil && premium.carries(.resellerPartnerId), "an empty partnerId: the exporting partner")
        #expect(partner[id("63389aa6-a848-4bc3-aeb6-2c40eb6a6a2c")]?.tenant == nordwind, "tenant from the collection's link")
        let single = try #require(partner[id("7136ca54-c910-4fe0-8712-550a9dce5f4a")])
        #expect(single.tenant == nordwind && single.reseller == PartnerID(digits: "5550001"))
        #expect(snapshot.tenants[smaland]?.name == "Småland Trä AB")
        #expect(snapshot.tenants[contoso]?.domain == "contosopharma.onmicrosoft.com")
        let formats = Set(try inspect([fixture("pc-json/baseline")]).map(\.format))
        #expect(formats == ["partner-center-api-json"])
    }

    @Test("Partner Center CSV: the tenant from the file name, a German export saved by Excel")
    func partnerCenterCSV() throws {
        let snapshot = try load([fixture("pc-csv/current")])
        let partner = snapshot.subscriptions(in: .partner)
        #expect(partner.count == 6)
        let e3 = try #require(partner[id("63389aa6-a848-4bc3-aeb6-2c40eb6a6a2c")])
        #expect(e3.tenant == nordwind && e3.quantity == 1200 && e3.status == .active, "1.200 is German for 1200")
        let exchange = try #require(partner[id("7136ca54-c910-4fe0-8712-550a9dce5f4a")])
        #expect(exchange.quantity == 40 && exchange.status == .suspended && exchange.reseller == PartnerID(digits: "5550001"))
        #expect(exchange.sku == SkuID(parsing: "19ec0d23-8335-4cbd-94ac-6050e30712fa"), "SKU from the catalogue by product name")
        #expect(!exchange.carries(.offerId), "the export has no offer id: unknown, never a change")
        let central = try #require(partner[id("9c2edbb9-5a11-4701-bebf-60d607894ec1")])
        #expect(central.sku == nil && !central.carries(.skuId), "a product the catalogue does not know has no SKU")
        #expect(snapshot.problems.isEmpty)
        let german = try #require(try inspect([fixture("pc-csv/current")]).first { $0.file.contains("Abonnements") })
        #expect(german.format == "partner-center-csv" && german.language == "de" && german.kinds == [.partnerSubscriptions: 2])
        #expect(german.columns.contains(ColumnUse(source: "Menge", use: .field("Quantity"))))
        let customers = try #require(try inspect([fixture("pc-csv/current")]).first { $0.file.hasSuffix("customers.csv") })
        #expect(customers.kinds == [.customers: 3])
    }

    @Test("a per-customer export without a tenant in its name needs --tenant")
    func tenantFromOption() throws {
        // The folder holding the file must not be named by a GUID either (it would name the tenant).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-rw-\(UUID().uuidString)")
        let directory = scratch.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = directory.appendingPathComponent("subscriptions.csv")
        try Data(
            "Subscription ID,Subscription,Quantity,Status,Reseller\n7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3,Power BI Pro,5,Active,\n".utf8
        )
        .write(to: file)
        #expect(throws: IngestError.tenantUnknown(file: file.path, format: "partner-center-csv")) { try load([file.path]) }
        var options = IngestOptions()
        options.tenant = contoso
        #expect(try load([file.path], options: options).subscriptions(in: .partner).first?.value.tenant == contoso)
    }

    @Test("Graph: directory/subscriptions is the tenant's list, ownerTenantId makes it CSP; subscribedSkus are the license pools")
    func graph() throws {
        var options = IngestOptions()
        options.partnerTenants = [fabrikamTenant: PartnerID(digits: "4847383"), vistulaTenant: PartnerID(digits: "5550001")]
        let snapshot = try load([fixture("graph/current")], options: options)
        #expect(!snapshot.hasView(.customer), "never Billing > Subscriptions")
        let tenantView = snapshot.subscriptions(in: .tenant)
        #expect(tenantView.count == 6)
        let premium = try #require(tenantView[id("7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3")])
        #expect(premium.alternateIDs == ["efdccbe4-315f-40a6-96c4-8d861bd21054"], "Graph's own id is kept as an alternate id")
        #expect(premium.channel == .csp && premium.ownerTenant == fabrikamTenant && premium.reseller == PartnerID(digits: "4847383"))
        let direct = try #require(tenantView[id("18e8abbb-956f-4355-b660-e8fcef483b57")])
        #expect(direct.channel == nil && !direct.carries(.channel), "no owner tenant: not CSP, channel unknown")
        #expect(direct.quantity == 25 && direct.sku == SkuID(parsing: "6fd2c87f-b296-42f0-b197-1e91b994b900"))
        let vistula = try #require(tenantView[id("7136ca54-c910-4fe0-8712-550a9dce5f4a")])
        #expect(vistula.tenant == nordwind && vistula.status == .suspended && vistula.reseller == PartnerID(digits: "5550001"))
        let licenses = try #require(snapshot.licenses)
        #expect(licenses.count == 6)
        let pool = try #require(licenses.first { $0.tenant == contoso && $0.sku == SkuID(parsing: "6fd2c87f-b296-42f0-b197-1e91b994b900") })
        #expect(pool.total == 30 && pool.assigned == 24 && pool.productName == "Office 365 E3")
        let formats = Set(try inspect([fixture("graph/current")]).map(\.format))
        #expect(formats == ["graph-directory-subscriptions-json", "graph-subscribedskus-json"])
    }

    @Test("the Insights report: TSV, US dates, one row per attribution merged")
    func insights() throws {
        let snapshot = try load([fixture("insights")])
        let partner = snapshot.subscriptions(in: .partner)
        #expect(partner.count == 3)
        let direct = try #require(partner[id("18e8abbb-956f-4355-b660-e8fcef483b57")])
        #expect(direct.channel == .direct && direct.startDate == ISODate(parsing: "2024-04-11"))
        #expect(
            direct.advisors == [
                Advisor(partner: PartnerID(digits: "6123456"), kind: .por), Advisor(partner: PartnerID(digits: "2917350"), kind: .cpor),
            ])
        #expect(direct.sku == SkuID(parsing: "6fd2c87f-b296-42f0-b197-1e91b994b900"))
        let premium = try #require(partner[id("7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3")])
        #expect(premium.channel == .csp && premium.advisors == [Advisor(partner: PartnerID(digits: "4847383"), kind: .tpor)])
        #expect(partner[id("5f96a3af-30ca-45a6-a2a7-c0be72683b00")]?.status == .deleted)
        #expect(try inspect([fixture("insights")]).first?.kinds == [.partnerSubscriptions: 3])
    }

    @Test("user mappings: a German CSV and an XML with ancestor values")
    func userMappings() throws {
        var options = IngestOptions()
        try options.addMapping(path: try fixture("mapping/acme-abrechnung.mapping.json"))
        try options.addMapping(path: try fixture("mapping/distributor.mapping.json"))
        let reports = try inspect([fixture("mapping")], options: options)
        #expect(reports.map(\.format).sorted() == ["acme-abrechnung-csv", "distributor-xml"])
        let snapshot = try load([fixture("mapping/acme-abrechnung.csv")], options: options)
        let e3 = try #require(snapshot.subscriptions(in: .partner)[id("63389aa6-a848-4bc3-aeb6-2c40eb6a6a2c")])
        #expect(e3.quantity == 1200 && e3.channel == .csp && e3.startDate == ISODate(parsing: "2025-07-01"))
        #expect(snapshot.subscriptions(in: .partner)[id("7136ca54-c910-4fe0-8712-550a9dce5f4a")]?.status == .suspended)
        let xml = try load([fixture("mapping/distributor-export.xml")], options: options)
        let e3x = try #require(xml.subscriptions(in: .partner)[id("63389aa6-a848-4bc3-aeb6-2c40eb6a6a2c")])
        #expect(e3x.tenant == nordwind && e3x.offerId == "CFQ7TTC0LFLX:0001" && e3x.offerName == "Microsoft 365 E3")
        #expect(e3x.source.line == 11)
        #expect(xml.tenants[contoso]?.name == "Contoso Pharma GmbH")
    }

    @Test("without its mapping, a custom file is an input error naming what was expected")
    func unmapped() throws {
        #expect(throws: IngestError.self) { try load([fixture("mapping/acme-abrechnung.csv")]) }
        #expect(throws: IngestError.self) { try load([fixture("mapping/distributor-export.xml")]) }
    }
}
