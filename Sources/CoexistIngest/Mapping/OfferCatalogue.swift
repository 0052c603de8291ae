import CoexistModel

/// Offer → SKU: Partner Center carries offer ids (`CFQ7TTC0LF8R:0001`, or a legacy GUID), the
/// customer's views carry SKU ids; this table joins them (SPEC §2.3).
///
/// Shipped as `Resources/offer-catalogue.csv` (columns OfferId, SkuId, SkuPartNumber, ProductName);
/// a user's file in the same format (`--offer-catalogue`) adds rows and overrides shipped ones.
public struct OfferCatalogue: Sendable {
    private var byOffer: [String: SkuID] = [:]
    private var byName: [String: SkuID] = [:]
    private var names: [SkuID: String] = [:]
    /// Rows read, for messages.
    public private(set) var count = 0

    public init() {}

    /// The SKU of an offer id: exact, then `PRODUCT:SKU` of a longer NCE id
    /// (`CFQ7TTC0LF8R:0001:CFQ7TTC0K971`), then a bare product id when it has one SKU only.
    func sku(forOffer offer: String) -> SkuID? {
        let key = offer.trimmingWhitespace().uppercased()
        guard !key.isEmpty else { return nil }
        if let sku = byOffer[key] { return sku }
        let parts = key.split(separator: ":")
        if parts.count > 2, let sku = byOffer[parts.prefix(2).joined(separator: ":")] { return sku }
        return nil
    }

    /// The SKU of a product name or SKU part number (`Office 365 E3`, `ENTERPRISEPACK`).
    func sku(forName name: String) -> SkuID? {
        byName[canonicalKey(name.trimmingWhitespace())]
    }

    /// The product name of a SKU, for messages.
    func productName(of sku: SkuID) -> String? { names[sku] }

    /// Adds the rows of a catalogue file; rows override earlier ones with the same offer.
    mutating func add(csv reader: CSVReader) throws(IngestError) {
        let keys = reader.header.map { canonicalKey($0) }
        func index(_ name: String) -> Int? { keys.firstIndex(of: canonicalKey(name)) }
        guard let offerColumn = index("OfferId"), let skuColumn = index("SkuId") else {
            throw .invalidMapping(
                file: reader.displayName, line: 1, column: 1,
                reason: "an offer catalogue needs the columns OfferId and SkuId (and optionally SkuPartNumber, ProductName)")
        }
        let partColumn = index("SkuPartNumber")
        let nameColumn = index("ProductName")
        var productCount: [String: Set<SkuID>] = [:]
        while let record = try reader.next() {
            let offer = record.string(at: offerColumn).trimmingWhitespace().uppercased()
            let skuText = record.string(at: skuColumn)
            guard let sku = SkuID(parsing: skuText) else {
                throw .invalidMapping(
                    file: reader.displayName, line: record.line, column: record.column(at: skuColumn),
                    reason: "SkuId \(quoted(skuText)) is not a GUID")
            }
            count += 1
            if !offer.isEmpty {
                byOffer[offer] = sku
                if let product = offer.split(separator: ":").first, offer.contains(":") {
                    productCount[String(product), default: []].insert(sku)
                }
            }
            for column in [partColumn, nameColumn].compactMap({ $0 }) {
                let name = record.string(at: column).trimmingWhitespace()
                if !name.isEmpty { byName[canonicalKey(name)] = sku }
            }
            if let nameColumn, names[sku] == nil {
                let name = record.string(at: nameColumn).trimmingWhitespace()
                if !name.isEmpty { names[sku] = name }
            }
        }
        // A bare NCE product id (`CFQ7TTC0LH16`) resolves when the catalogue knows one SKU for it.
        for (product, skus) in productCount where skus.count == 1 && byOffer[product] == nil {
            byOffer[product] = skus.first
        }
    }
}
