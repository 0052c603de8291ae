import CoexistModel
import CoexistRules
import Foundation
import Logging

@testable import CoexistStore

/// A store in a fresh temporary directory, removed by the caller.
struct TemporaryStore {
    let directory: URL
    let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("test.sqlite").path
    }

    func open(_ access: Store.Access = .write) throws -> Store {
        try Store(path: path, access: access, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Small export sets built from the rule scenarios' helpers.
enum Sets {
    static let day = ISODate(parsing: "2026-10-01")!
    static let later = ISODate(parsing: "2026-11-25")!

    /// Two tenants: tenant 1 with subscriptions 1–3, tenant 2 with 4; relationships, licenses, users, a problem.
    static func baseline() -> Snapshot {
        var snapshot = Scenario.snapshot(
            partner: [
                Scenario.subscription(1, advisors: [Advisor(partner: PartnerID(digits: "1234567"), kind: .por)]),
                Scenario.subscription(2, quantity: 25.5), Scenario.subscription(3, channel: .csp, reseller: Scenario.partner),
                Scenario.subscription(4, tenant: 2),
            ],
            customer: [Scenario.subscription(1, view: .customer)], licenses: [Scenario.license(sku: 1, total: 10)],
            relationships: [Scenario.relationship(invitedBy: "alice@partner.example")],
            users: [Scenario.user("alice@partner.example", .adminAgent, .salesAgent)], asOf: "2026-10-01")
        snapshot.noteTenant(TenantInfo(id: Scenario.tenant(1), name: "Müller & Söhne", domain: "mueller.example", source: nil))
        snapshot.exportingPartners = [Scenario.partner]
        snapshot.inputs = [InputFile(file: "partner.csv", sha256: "aa", kind: .partnerSubscriptions, format: "canonical-csv", records: 4)]
        snapshot.problems = [
            RecordProblem(
                kind: .invalidValue, source: Provenance(file: "partner.csv", line: 9), column: 3, message: "invalid Quantity \"x\"",
                tenant: Scenario.tenant(1), subscription: Scenario.subscriptionID(9))
        ]
        snapshot.invalidSubscriptionIDs = [Scenario.subscriptionID(9)]
        return snapshot
    }

    /// The baseline with one change: subscription 2's quantity, and a new tenant 3.
    static func changed() -> Snapshot {
        var snapshot = baseline()
        snapshot.insertReplacing(Scenario.subscription(2, quantity: 30))
        snapshot.insertReplacing(Scenario.subscription(5, tenant: 3))
        snapshot.noteTenant(TenantInfo(id: Scenario.tenant(3)))
        snapshot.inputs = [InputFile(file: "partner.csv", sha256: "bb", kind: .partnerSubscriptions, format: "canonical-csv", records: 5)]
        return snapshot
    }

    static func finding(_ rule: String, subscription: Int, after: String? = "x") -> Finding {
        Finding(
            rule: rule, severity: .error, tenant: Scenario.tenant(1), subscription: Scenario.subscriptionID(subscription),
            message: "\(rule) of \(subscription)", before: "a", after: after)
    }

    static func draft(snapshot: Int64, inputsKey: String = "k", asOf: ISODate = later) -> RunDraft {
        RunDraft(
            token: "t", startedAt: Date(), finishedAt: Date(), snapshotID: snapshot, inputsKey: inputsKey, inputs: [], currentAsOf: asOf,
            status: .findings, failOn: .error, tenants: 2, subscriptions: 4, newBaselines: 0, inputsUnchangedSince: nil)
    }
}

extension Snapshot {
    /// Inserts a record, replacing one with the same id and view (test data only).
    mutating func insertReplacing(_ record: Subscription) {
        var copy = Snapshot()
        copy.asOf = asOf
        copy.exportingPartners = exportingPartners
        copy.tenants = tenants
        for view in SubscriptionView.allCases where hasView(view) {
            copy.declareView(view)
            for existing in subscriptions(in: view).values where !(existing.id == record.id && existing.view == record.view) {
                copy.insert(existing)
            }
        }
        copy.insert(record)
        copy.relationships = relationships
        copy.licenses = licenses
        copy.partnerUsers = partnerUsers
        copy.inputs = inputs
        copy.problems = problems
        copy.invalidSubscriptionIDs = invalidSubscriptionIDs
        self = copy
    }
}
