import CoexistModel
import Foundation
import Logging
import Testing

@testable import CoexistIngest

/// Writes files into a fresh directory and loads them as an export set.
private struct Workspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func load(_ paths: [String]? = nil) throws -> Snapshot {
        try ExportSetLoader(logger: Logger(label: "test")).load(paths ?? [url.path])
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

private let tenant = "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
private let sub1 = "6c1a0000-0000-0000-0000-000000000001"
private let sub2 = "6c1a0000-0000-0000-0000-000000000002"
private let e3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"

@Suite("Export sets")
struct ExportSetLoaderTests {
    @Test func readsASemicolonPartnerViewWithBOMAndCRLF() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write(
            "partner.csv",
            "\u{FEFF}tenant_id;Subscription Id;CHANNEL;offer-id;Quantity;Status;SkuId;AdvisorPartnerIds;StartDate\r\n"
                + "\(tenant);\(sub1);Web Direct;CFQ7TTC0LFLX:0001;'25;Active;\(e3);\"1234567;DPOR:7654321;-1\";2025-01-01\r\n")
        let snapshot = try space.load()
        let record = try #require(snapshot.subscriptions(in: .partner)[SubscriptionID(parsing: sub1)!])
        #expect(record.tenant.description == tenant.lowercased())
        #expect(record.channel == .direct)
        #expect(record.quantity == 25)
        #expect(
            record.advisors == [
                Advisor(partner: PartnerID(digits: "1234567"), kind: .por),
                Advisor(partner: PartnerID(digits: "7654321"), kind: .dpor),
            ])
        #expect(record.carries(.skuId))
        #expect(!record.carries(.endDate), "a missing column is unknown")
        #expect(record.source.line == 2)
        #expect(snapshot.inputs.first?.kind == .partnerSubscriptions)
        #expect(snapshot.inputs.first?.records == 1)
        #expect(snapshot.inputs.first?.sha256.count == 64)
    }

    @Test func theDigestHashedWhileReadingIsTheFilesSHA256() throws {
        let space = try Workspace()
        defer { space.remove() }
        // Larger than one read chunk (1 MiB), so the digest spans several chunks.
        let rows = (0..<30_000).map { n in
            "\(tenant),6c1a0000-0000-0000-0000-\(String(format: "%012d", n)),Direct,CFQ7TTC0LFLX:0001,\(n % 90 + 1),active,\(e3)"
        }
        let path = try space.write(
            "partner.csv", (["TenantId,SubscriptionId,Channel,OfferId,Quantity,Status,SkuId"] + rows).joined(separator: "\n"))
        let snapshot = try space.load()
        #expect(snapshot.inputs.count == 1)
        #expect(snapshot.inputs.first?.sha256 == (try sha256Hex(ofFile: path, displayName: "partner.csv")))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 > 1 << 20)
    }

    @Test("a header repeated inside the data (concatenated exports) is skipped, however it is spelled")
    func repeatedHeaderRowsAreSkipped() throws {
        let space = try Workspace()
        defer { space.remove() }
        let header = "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n"
        try space.write(
            "partner.csv",
            header + "\(tenant),\(sub1),Direct,CFQ7TTC0LFLX:0001,25,active\n"
                + header + "\"tenant_id\",Subscription Id,CHANNEL,offer-id,quantity,status\n"
                + "\(tenant),\(sub2),CSP,CFQ7TTC0LFLX:0001,5,active\n")
        let snapshot = try space.load()
        #expect(snapshot.subscriptions(in: .partner).count == 2)
        #expect(snapshot.problems.isEmpty, "\(snapshot.problems.map(\.message))")
    }

    @Test func invalidValuesAreProblemsAndTheRestIsRead() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write(
            "partner.csv",
            """
            TenantId,SubscriptionId,Channel,OfferId,Quantity,Status
            \(tenant),\(sub1),Direct,X,abc,active
            \(tenant),\(sub2),Direct,X,1,active
            not-a-guid,6c1a0000-0000-0000-0000-000000000003,Direct,X,1,active
            \(tenant),6c1a0000-0000-0000-0000-000000000004,Sideways,X,1,active
            \(tenant),6c1a0000-0000-0000-0000-000000000005,Direct,X,"1,000",active

            """)
        let snapshot = try space.load()
        #expect(snapshot.subscriptions(in: .partner).count == 1)
        #expect(snapshot.problems.count == 4)
        let quantity = try #require(snapshot.problems.first { $0.source.line == 2 })
        #expect(quantity.kind == .invalidValue)
        #expect(quantity.column == 84, "column of the Quantity field")
        #expect(quantity.message.contains("Quantity"))
        #expect(snapshot.invalidSubscriptionIDs.contains(SubscriptionID(parsing: sub1)!))
        #expect(snapshot.problems.contains { $0.source.line == 4 && $0.message.contains("TenantId") })
    }

    @Test func duplicatesAcrossFilesKeepTheFirstByPath() throws {
        let space = try Workspace()
        defer { space.remove() }
        let header = "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n"
        try space.write("b.csv", header + "\(tenant),\(sub1),Direct,X,5,active\n")
        try space.write("a.csv", header + "\(tenant),\(sub1),Direct,X,7,active\n\(tenant),\(sub1),Direct,X,7,active\n")
        let snapshot = try space.load()
        #expect(snapshot.subscriptions(in: .partner).first?.value.quantity == 7)
        #expect(snapshot.problems.count == 1, "identical repeats merge silently")
        #expect(snapshot.problems.first?.kind == .duplicateKey)
        #expect(snapshot.problems.first?.source.file.hasSuffix("b.csv") == true)
    }

    @Test func viewColumnDecidesPerRow() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write(
            "mixed.csv",
            "TenantId,SubscriptionId,OfferId,Quantity,Status,View\n\(tenant),\(sub1),X,1,active,partner\n\(tenant),\(sub2),X,1,active,Customer\n"
        )
        let snapshot = try space.load()
        #expect(snapshot.subscriptions(in: .partner).count == 1)
        #expect(snapshot.subscriptions(in: .customer).count == 1)
    }

    @Test func unrelatedFilesAreSkippedAndUnknownDataFilesRefused() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write("README.txt", "Exports of 2026-11-25, see the ticket.\n")
        try space.write(".DS_Store", "\u{0}\u{0}\u{0}\u{1}Bud1")
        try space.write("users.csv", "UserPrincipalName,Roles\nalice@partner.example,\"AdminAgent;SalesAgent\"\n")
        let snapshot = try space.load()
        #expect(snapshot.partnerUsers?.first?.roles == [.adminAgent, .salesAgent])

        try space.write("orders.csv", "OrderId,Amount\n1,2\n")
        #expect {
            try space.load()
        } throws: { error in
            guard let error = error as? IngestError, case .unrecognized(let file, let reason) = error else { return false }
            return file.hasSuffix("orders.csv") && reason.contains("TenantId")
        }
    }

    @Test("files are read side by side, largest first, yet the error is the first failing file in order")
    func theFirstFailingFileInOrderIsTheError() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write("a-orders.csv", "OrderId,Amount\n1,2\n")
        // Larger, so read first: its failure must not be the one reported.
        try space.write("b-orders.csv", "OrderId,Amount,Note\n" + String(repeating: "1,2,padding padding padding\n", count: 5000))
        #expect {
            try space.load()
        } throws: { error in
            guard let error = error as? IngestError, case .unrecognized(let file, _) = error else { return false }
            return file.hasSuffix("a-orders.csv")
        }
    }

    @Test("a set without files loads empty with its as-of, beside a set with files")
    func anEmptySetKeepsItsAsOf() throws {
        let empty = try Workspace()
        let full = try Workspace()
        defer {
            empty.remove()
            full.remove()
        }
        try full.write("users.csv", "UserPrincipalName,Roles\nalice@partner.example,AdminAgent\n")
        let day = try #require(ISODate(parsing: "2026-11-24"))
        let loader = ExportSetLoader(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let sets = try loader.loadSets([([empty.url.path], day), ([full.url.path], day)])
        #expect(sets[0].asOf == day && sets[0].subscriptionRecordCount == 0 && sets[0].inputs.isEmpty)
        #expect(sets[1].asOf == day && sets[1].partnerUsers?.count == 1)
        #expect(try loader.load([empty.url.path], asOf: day).asOf == day)
    }

    @Test("notices are logged in file order, a set's before the next set's, however the reads finish")
    func noticesInFileOrder() throws {
        let baseline = try Workspace()
        let current = try Workspace()
        defer {
            baseline.remove()
            current.remove()
        }
        // Skipped files (notices) of very different sizes, around a small export.
        try baseline.write("a-notes.txt", String(repeating: "notes of the run\n", count: 40_000))
        try baseline.write("b-users.csv", "UserPrincipalName,Roles\nalice@partner.example,AdminAgent\n")
        try baseline.write("c-readme.txt", "see the ticket\n")
        try current.write("a-readme.txt", "see the ticket\n")
        try current.write(".hidden.csv", "not read\n")
        try current.write("b-notes.txt", String(repeating: "notes of the run\n", count: 60_000))
        let lines = LineCollector()
        let loader = ExportSetLoader(logger: Logger(label: "test") { _ in lines })
        let sets = try loader.loadSets([([baseline.url.path], nil), ([current.url.path], nil)])
        #expect(sets[0].partnerUsers?.count == 1)
        #expect(sets[1].partnerUsers == nil)
        let files = lines.lines.compactMap { $0.split(separator: "/").last.map(String.init) }
        #expect(files == ["a-notes.txt", "c-readme.txt", ".hidden.csv", "a-readme.txt", "b-notes.txt"], "\(lines.lines)")
        // The same sets loaded one by one give the same records.
        let alone = try ExportSetLoader(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }).load([baseline.url.path])
        #expect(alone.partnerUsers?.map(\.userPrincipalName) == sets[0].partnerUsers?.map(\.userPrincipalName))
        #expect(alone.inputs == sets[0].inputs)
    }

    @Test func aHeaderOfTwoKindsIsAmbiguous() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write("both.csv", "TenantId,SubscriptionId,OfferId,Quantity,Status,SkuId,TotalLicenses\n")
        #expect(
            throws: IngestError.ambiguous(
                file: space.url.appendingPathComponent("both.csv").path,
                kinds: ["customer-subscriptions", "customer-licenses"])
        ) {
            try space.load()
        }
    }

    @Test func readsACanonicalXMLDocumentOfSeveralKinds() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write(
            "export.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <coexistExport version="1" view="partner" partnerId="4847383" exportedAt="2026-11-01T02:00:00Z">
              <partnerUsers>
                <user upn="Alice@Fabrikam.example" displayName="Alice"><role>AdminAgent</role><role>SalesAgent</role></user>
              </partnerUsers>
              <tenant id="\(tenant)" name="Müller &amp; Söhne" domain="contoso.onmicrosoft.com">
                <relationship partnerId="4847383" type="Reseller" state="Active" establishedAt="2026-10-15" invitedBy="alice@fabrikam.example"/>
                <subscription id="\(sub1)" channel="Direct" offerId="X" skuId="\(e3)" quantity="25" status="Active" readOnly="true" resellerPartnerId="">
                  <offerName>Microsoft 365 E3 f&#252;r alle</offerName>
                  <advisor partnerId="1234567" role="PartnerOfRecord"/>
                  <advisor partnerId="7654321" role="DigitalPartnerOfRecord"/>
                </subscription>
                <subscription id="\(sub2)" channel="CSP" offerId="Y" quantity="5" status="Active"/>
                <license skuId="\(e3)" productName="Microsoft 365 E3" total="30" assigned="27"/>
              </tenant>
            </coexistExport>
            """)
        let snapshot = try space.load()
        #expect(snapshot.exportingPartners == [PartnerID(digits: "4847383")])
        #expect(snapshot.asOf == ISODate(parsing: "2026-11-01T02:00:00Z"))
        #expect(snapshot.tenants.first?.value.name == "Müller & Söhne")
        let record = try #require(snapshot.subscriptions(in: .partner)[SubscriptionID(parsing: sub1)!])
        #expect(record.offerName == "Microsoft 365 E3 für alle")
        #expect(record.advisors.count == 2)
        #expect(record.reseller == nil)
        #expect(record.source.line == 8)
        let csp = try #require(snapshot.subscriptions(in: .partner)[SubscriptionID(parsing: sub2)!])
        #expect(csp.carries(.advisors) && csp.advisors.isEmpty, "no advisor element is a known, empty value")
        #expect(snapshot.relationships?.count == 1)
        #expect(snapshot.licenses?.first?.total == 30)
        #expect(snapshot.partnerUsers?.first?.userPrincipalName == "alice@fabrikam.example")
        #expect(Set(snapshot.inputs.map(\.kind)) == [.partnerSubscriptions, .relationships, .customerLicenses, .partnerUsers])
    }

    @Test func aRefusedXMLFileContributesNothing() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write(
            "evil.xml",
            """
            <?xml version="1.0"?>
            <!DOCTYPE coexistExport [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <coexistExport view="partner"><tenant id="\(tenant)" name="&xxe;"/></coexistExport>
            """)
        #expect {
            try space.load()
        } throws: { error in
            guard let error = error as? IngestError, case .refusedXML(let file, let line, _, _) = error else { return false }
            return file.hasSuffix("evil.xml") && line >= 1
        }
    }

    @Test func anXMLFileWithAnotherRootIsUnrecognized() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write("other.xml", "<catalog><book/></catalog>")
        #expect(throws: IngestError.self) { try space.load() }
    }

    @Test("of a baseline that fails and a current set that does not exist, the baseline's error is the one reported")
    func theBaselinesErrorComesFirst() throws {
        let baseline = try Workspace()
        defer { baseline.remove() }
        try baseline.write("orders.csv", "OrderId,Amount\n1,2\n")
        let loader = ExportSetLoader(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect {
            try loader.loadSets([([baseline.url.path], nil), (["/no/such/export"], nil)])
        } throws: { error in
            guard let error = error as? IngestError, case .unrecognized(let file, _) = error else { return false }
            return file.hasSuffix("orders.csv")
        }
        #expect(throws: IngestError.unreadable(file: "/no/such/export", reason: "no such file or directory")) {
            try loader.loadSets([(["/no/such/export"], nil), ([baseline.url.path], nil)])
        }
    }

    @Test("validate says which hidden files it skipped even when a later path does not exist")
    func hiddenFilesNoticedBeforeAMissingPath() throws {
        let space = try Workspace()
        defer { space.remove() }
        try space.write(".hidden.csv", "not read\n")
        let lines = LineCollector()
        let loader = ExportSetLoader(logger: Logger(label: "test") { _ in lines })
        #expect(throws: IngestError.unreadable(file: "/no/such/export", reason: "no such file or directory")) {
            try loader.inspect([space.url.path, "/no/such/export"])
        }
        #expect(lines.lines.contains { $0.hasPrefix("skipping hidden file") && $0.hasSuffix(".hidden.csv") }, "\(lines.lines)")
    }

    @Test func aMissingPathIsUnreadable() throws {
        #expect(throws: IngestError.unreadable(file: "/no/such/export", reason: "no such file or directory")) {
            try ExportSetLoader(logger: Logger(label: "test")).load(["/no/such/export"])
        }
    }
}

/// Keeps each logged message with its `file` metadata, in order.
private struct LineCollector: LogHandler {
    private final class Storage: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
    }
    private let storage = Storage()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    var lines: [String] { storage.lock.withLock { storage.lines } }

    func log(event: LogEvent) {
        let file = event.metadata?["file"].map { "\($0)" } ?? ""
        storage.lock.withLock { storage.lines.append("\(event.message) \(file)") }
    }
}
