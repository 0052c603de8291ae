import CoexistModel
import Foundation
import Logging
import Testing

@testable import CoexistIngest

/// A scratch directory for files written by a test.
private struct Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-mapping-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

private let tenant = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
private let sub1 = "6c1a0000-0000-0000-0000-000000000001"

@Suite("Mapping files, languages, catalogue")
struct MappingTests {
    @Test("a mapping file's mistakes name the line, column and the closest known name")
    func mappingErrors() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let cases: [(String, String)] = [
            (
                #"{"coexistMapping": 1, "format": "x", "kind": "partner-subscriptions", "source": "csv", "fields": {"A": "Quantiti"}}"#,
                "did you mean Quantity"
            ),
            (#"{"coexistMapping": 1, "format": "x", "kind": "subscriptions", "source": "csv", "fields": {}}"#, "kind \"subscriptions\""),
            (#"{"coexistMapping": 1, "format": "x", "kind": "customers", "source": "csv", "feilds": {}}"#, "did you mean \"fields\""),
            (
                #"{"coexistMapping": 1, "format": "x", "kind": "customers", "source": "csv", "fields": {"A": "TenantName"}}"#,
                "must give TenantId"
            ),
            (
                #"{"coexistMapping": 1, "format": "x", "kind": "customers", "source": "xml", "fields": {"A": "TenantId"}}"#,
                "needs \"records\""
            ),
        ]
        for (text, message) in cases {
            let path = try scratch.write("m.json", text)
            var options = IngestOptions()
            #expect {
                try options.addMapping(path: path)
            } throws: { error in
                guard case .invalidMapping(_, let line, let column, let reason)? = error as? IngestError else { return false }
                return line >= 1 && column >= 1 && reason.contains(message)
            }
        }
    }

    @Test("a missing mapped column names the closest header found")
    func closestHeader() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let mapping = try scratch.write(
            "m.json",
            #"{"coexistMapping": 1, "format": "acme", "kind": "customer-subscriptions", "source": "csv", "fields": {"Kunde": "TenantId", "Abo-Nr": "SubscriptionId", "Anzahl": "Quantity", "Zustand": "Status"}}"#
        )
        let data = try scratch.write("acme.csv", "Kunde;Abo Nummer;Anzahl;Zustand\n\(tenant);\(sub1);3;active\n")
        var options = IngestOptions()
        try options.addMapping(path: mapping)
        #expect {
            try ExportSetLoader(logger: Logger(label: "test"), options: options).load([data])
        } throws: { error in
            guard case .unrecognized(_, let reason)? = error as? IngestError else { return false }
            return reason.contains("lacks \"Abo-Nr\" (closest header found: \"Abo Nummer\")")
        }
    }

    @Test("a header that fits two canonical kinds is settled by a mapping")
    func mappingSettlesAmbiguity() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "both.csv", "TenantId,SubscriptionId,OfferId,Quantity,Status,SkuId,TotalLicenses\n\(tenant),\(sub1),X,3,active,\(sub1),4\n")
        #expect(throws: IngestError.self) { try ExportSetLoader(logger: Logger(label: "test")).load([file]) }
        let mapping = try scratch.write(
            "m.json",
            #"{"coexistMapping": 1, "format": "pools", "kind": "customer-licenses", "source": "csv", "fields": {"TenantId": "TenantId", "SkuId": "SkuId", "TotalLicenses": "TotalLicenses", "SubscriptionId": null}}"#
        )
        var options = IngestOptions()
        try options.addMapping(path: mapping)
        let snapshot = try ExportSetLoader(logger: Logger(label: "test"), options: options).load([file])
        #expect(snapshot.licenses?.first?.total == 4 && snapshot.subscriptionRecordCount == 0)
    }

    @Test("German canonical headers, decimal comma, German dates and values")
    func germanCanonical() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "abos.csv",
            "Mandanten-ID;Abonnement-ID;Kanal;Angebots-ID;Menge;Status;Startdatum;Einzelpreis;Automatische Verlängerung\n"
                + "\(tenant);\(sub1);Direkt;CFQ7TTC0LF8R:0001;1.250;Gelöscht;25.11.2026;12,50;Ja\n")
        let snapshot = try ExportSetLoader(logger: Logger(label: "test")).load([file])
        let record = try #require(snapshot.subscriptions(in: .partner).first?.value)
        #expect(record.channel == .direct && record.quantity == 1250 && record.status == .deleted)
        #expect(
            record.startDate == ISODate(parsing: "2026-11-25") && record.unitPrice == Decimal(string: "12.5") && record.autoRenew == true)
        #expect(record.sku == SkuID(parsing: "6fd2c87f-b296-42f0-b197-1e91b994b900"))
        let report = try #require(try ExportSetLoader(logger: Logger(label: "test")).inspect([file]).first?.get())
        #expect(report.format == "canonical-csv" && report.language == "de")
    }

    @Test("English canonical files stay strict: 1,000 is an invalid value, not a thousand")
    func canonicalStaysStrict() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "p.csv", "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n\(tenant),\(sub1),Direct,X,\"1,000\",active\n")
        let snapshot = try ExportSetLoader(logger: Logger(label: "test")).load([file])
        #expect(snapshot.problems.first?.kind == .invalidValue)
    }

    @Test(
        "localized numbers and dates",
        arguments: [
            ("1.234,50", "1234.50"), ("25", "25"), ("-3,5", "-3.5"), ("'22", "22"), ("1.23", nil), ("1,2,3", nil), ("abc", nil),
        ])
    func germanNumbers(_ text: String, _ expected: String?) {
        let format = ValueFormat(decimalSeparator: ",", groupingSeparator: ".", datePatterns: [])
        #expect(format.canonicalDecimal(text) == expected)
    }

    @Test func datePatterns() throws {
        let german = try #require(DatePattern("dd.MM.yyyy"))
        #expect(german.parse("25.11.2026") == "2026-11-25")
        #expect(german.parse("1.2.2026") == "2026-02-01")
        #expect(german.parse("25.11.2026 14:30") == "2026-11-25T14:30:00")
        #expect(german.parse("31.02.2026") == nil)
        #expect(german.parse("2026-11-25") == nil)
        #expect(try #require(DatePattern("M/d/yyyy")).parse("3/1/2026") == "2026-03-01")
        #expect(DatePattern("dd.MM.yy") == nil)
    }

    @Test("the offer catalogue: NCE ids with or without availability, bare product ids, legacy GUIDs, names")
    func catalogue() throws {
        let catalogue = try BuiltinData.shared.get().catalogue
        let e3 = SkuID(parsing: "6fd2c87f-b296-42f0-b197-1e91b994b900")
        #expect(catalogue.sku(forOffer: "CFQ7TTC0LF8R:0001") == e3)
        #expect(catalogue.sku(forOffer: "cfq7ttc0lf8r:0001:CFQ7TTC0K971") == e3)
        #expect(catalogue.sku(forOffer: "CFQ7TTC0LF8R") == e3)
        #expect(catalogue.sku(forOffer: "796b6b5f-613c-4e24-a17c-eba730d49c02") == e3)
        #expect(catalogue.sku(forName: "ENTERPRISEPACK") == e3)
        #expect(catalogue.sku(forName: "office 365 e3") == e3)
        #expect(catalogue.sku(forOffer: "CFQ7TTC0LHSV:0001") == nil)
    }

    @Test("a user's catalogue adds offers")
    func userCatalogue() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let extra = try scratch.write(
            "offers.csv",
            "OfferId,SkuId,ProductName\nCFQ7TTC0LHSV:0001,2a3c3b81-5bd5-4b24-a47d-7e9d3b1f2e9c,Dynamics 365 Business Central Essentials\n")
        var options = IngestOptions()
        try options.addOfferCatalogue(path: extra)
        let context = try IngestContext(options)
        #expect(context.catalogue.sku(forOffer: "CFQ7TTC0LHSV:0001") == SkuID(parsing: "2a3c3b81-5bd5-4b24-a47d-7e9d3b1f2e9c"))
        let broken = try scratch.write("broken.csv", "OfferId,SkuId\nX,not-a-guid\n")
        #expect(throws: IngestError.self) { try options.addOfferCatalogue(path: broken) }
    }

    @Test("a user language file adds a language")
    func userLanguage() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let french = try scratch.write(
            "fr.json",
            #"{"coexistLanguage": 1, "language": "fr", "decimalSeparator": ",", "groupingSeparator": " ", "dateFormats": ["dd/MM/yyyy"], "headers": {"ID de l'abonnement": "Subscription ID", "Nom": "Subscription", "Quantité": "Quantity", "État": "Status", "Revendeur": "Reseller"}, "values": {"Status": {"Actif": "active", "Suspendu": "suspended"}}}"#
        )
        let file = try scratch.write(
            "abonnements-\(tenant).csv", "ID de l'abonnement;Nom;Quantité;État;Revendeur\n\(sub1);Power BI Pro;1 500;Suspendu;\n")
        var options = IngestOptions()
        try options.addLanguage(path: french)
        let snapshot = try ExportSetLoader(logger: Logger(label: "test"), options: options).load([file])
        let record = try #require(snapshot.subscriptions(in: .partner).first?.value)
        #expect(record.quantity == 1500 && record.status == .suspended && record.tenant == TenantID(parsing: tenant))
    }

    @Test("mapping init: guesses, unknowns marked, values to map")
    func draft() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "billing.csv", "Kunde;Abo-Nr;Artikel;Lizenzen;Zustand;Kanal;Notiz\n\(tenant);\(sub1);Power BI Pro;3;läuft;Direkt;x\n")
        let draft = try MappingDraft.make(path: file)
        #expect(draft.kind == .partnerSubscriptions && draft.source == "csv" && draft.language == "de")
        let fields = Dictionary(uniqueKeysWithValues: draft.fields.map { ($0.source, $0.field) })
        #expect(fields["Abo-Nr"] == "SubscriptionId" && fields["Lizenzen"] == "Quantity" && fields["Zustand"] == "Status")
        #expect(fields["Kunde"] == .some(nil) && fields["Notiz"] == .some(nil), "unknown columns are left for the user")
        #expect(draft.values.first { $0.field == "Status" }?.sources == ["läuft"], "Direkt is German for Direct, läuft is not known")
        #expect(draft.tenantFromPath)
    }
}
