import Foundation

/// A working directory with a store for nightly-mode tests, and small export sets written into it.
struct NightlyWorkspace {
    let root: URL

    init() throws { root = try CLIRunner.temporaryDirectory() }

    var store: String { root.appendingPathComponent("coexist.sqlite").path }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Runs coexist with `--store` appended when the command uses the store.
    func run(_ arguments: [String], environment: [String: String]? = nil) throws -> CLIRunner.Outcome {
        try CLIRunner.run(arguments + ["--store", store], environment: environment)
    }

    func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    static let tenant = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0"
    static let subscription = "6c1a0b2d-3e4f-4051-8a6b-7c8d9e0f1a2b"

    /// One tenant with one Direct subscription: the smallest export set the rules can reconcile.
    /// `billingCycle` is a protected field, so changing it makes a `preexisting-changed` error.
    func writeSet(_ name: String, billingCycle: String = "annual", quantity: Int = 10, users: Bool = true)
        throws
    {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partner = """
            TenantId,TenantName,TenantDomain,SubscriptionId,Channel,OfferId,OfferName,SkuId,Quantity,Status,BillingCycle,ResellerPartnerId,AdvisorPartnerIds,ReadOnly
            \(Self.tenant),Contoso GmbH,contoso.example,\(Self.subscription),Direct,OFFER-1,Microsoft 365 E3,05e9a617-0261-4cee-bb44-138d3ef5d965,\(quantity),Active,\(billingCycle),,1234567,true

            """
        try partner.write(to: directory.appendingPathComponent("partner.csv"), atomically: true, encoding: .utf8)
        let relationships = """
            TenantId,PartnerId,Relationship,State,EstablishedAt,InvitedBy
            \(Self.tenant),4847383,Reseller,Active,2026-10-15,alice@partner.example

            """
        try relationships.write(to: directory.appendingPathComponent("relationships.csv"), atomically: true, encoding: .utf8)
        if users {
            try "UserPrincipalName,Roles\nalice@partner.example,AdminAgent\n".write(
                to: directory.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        }
    }

    /// A partner export of `tenants` × `perTenant` subscriptions, for tests that need a long import.
    func writeLargeSet(_ name: String, tenants: Int, perTenant: Int) throws {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var text = "TenantId,SubscriptionId,Channel,OfferId,OfferName,SkuId,Quantity,Status,AdvisorPartnerIds\n"
        for tenant in 0..<tenants {
            let tenantID = String(format: "%08x-0000-4000-8000-%012x", tenant + 1, tenant + 1)
            for index in 0..<perTenant {
                let subscriptionID = String(format: "%08x-1111-4000-8000-%012x", tenant + 1, index + 1)
                text += "\(tenantID),\(subscriptionID),Direct,OFFER-\(index),Product \(index),"
                text += String(format: "00000000-0000-4000-8000-%012x", index + 1) + ",\(index + 1),Active,1234567\n"
            }
        }
        try text.write(to: directory.appendingPathComponent("partner.csv"), atomically: true, encoding: .utf8)
    }
}
