import CoexistModel
import Foundation
import Testing

@testable import CoexistIngest

/// `--prices`: a price list is configuration, so any bad row stops the run with file, line and column.
@Suite("Price list")
struct PriceListReaderTests {
    private func read(_ text: String) throws(PriceListError) -> PriceList {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-prices-\(UUID().uuidString).csv")
        // Writing a temporary file in a test: a failure here is the machine's, not the reader's.
        try! text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try PriceListReader.read(path: url.path, displayName: "prices.csv")
    }

    @Test func readsOffersAndSkusInEitherDelimiter() throws {
        let list = try read(
            "\u{FEFF}Offer Id;SkuId;Product;Unit_Price;currency;Billing-Cycle\r\n"
                + "CFQ7TTC0LFLX:0001;;Microsoft 365 E3;432.00;EUR;annual\r\n"
                + ";f8a1db68-be16-40ed-86d5-cb42ce701560;Power BI Pro;14;eur;monthly\r\n")
        #expect(list.entries.count == 2)
        let e3 = try list.price(offerId: "cfq7ttc0lflx:0001", sku: nil, billingCycle: .monthly).get()
        #expect(e3.unitPrice == 432 && e3.billingCycle == .annual && e3.currency.code == "EUR")
        let bi = try list.price(offerId: "OTHER", sku: SkuID(parsing: "F8A1DB68-BE16-40ED-86D5-CB42CE701560"), billingCycle: nil).get()
        #expect(bi.source.line == 3)
    }

    @Test func missingColumnsNameWhatIsExpected() {
        #expect(throws: PriceListError.missingColumns(file: "prices.csv", missing: ["OfferId or SkuId", "BillingCycle"])) {
            try read("UnitPrice,Currency\n1,EUR\n")
        }
    }

    @Test(
        arguments: [
            ("OfferId,UnitPrice,Currency,BillingCycle\nX,1.234,56,EUR,monthly\n", "prices.csv:2:1"),
            ("OfferId,UnitPrice,Currency,BillingCycle\nX,\"1,5\",EUR,monthly\n", "prices.csv:2:3: UnitPrice"),
            ("OfferId,UnitPrice,Currency,BillingCycle\nX,-1,EUR,monthly\n", "prices.csv:2:3: UnitPrice"),
            ("OfferId,UnitPrice,Currency,BillingCycle\nX,1,Euro,monthly\n", "prices.csv:2:5: Currency"),
            ("OfferId,UnitPrice,Currency,BillingCycle\nX,1,EUR,weekly\n", "prices.csv:2:9: BillingCycle"),
            ("OfferId,SkuId,UnitPrice,Currency,BillingCycle\n,not-a-guid,1,EUR,monthly\n", "prices.csv:2:2: SkuId"),
            ("OfferId,UnitPrice,Currency,BillingCycle\n,1,EUR,monthly\n", "prices.csv:2:1: the row names neither"),
            ("OfferId,UnitPrice,Currency,BillingCycle\nX,1,EUR,monthly\nx,2,EUR,monthly\n", "prices.csv:3:1: offer x is already priced"),
        ])
    func badRowsStopTheRun(text: String, message: String) {
        do {
            _ = try read(text)
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func identicalRepeatsAreFine() throws {
        let list = try read("OfferId,UnitPrice,Currency,BillingCycle\nX,1.50,EUR,monthly\nX,1.5,eur,Monthly\nX,18,EUR,annual\n")
        #expect(list.entries.count == 2)
    }
}
