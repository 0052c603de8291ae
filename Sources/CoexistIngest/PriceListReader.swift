import CoexistModel

/// Why a price list file (`--prices`) cannot be used. Any of these stops the run (exit 2) before a
/// report is written: a price list is configuration, so a bad row is not skipped.
public enum PriceListError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be read as CSV at all (missing, not UTF-8, broken quoting).
    case unreadable(IngestError)
    /// The header lacks a required column.
    case missingColumns(file: String, missing: [String])
    /// A value that is not a number, a currency code, a billing cycle or a GUID.
    case invalidValue(file: String, line: Int, column: Int, reason: String)
    /// Two rows price the same offer (or SKU) for the same billing cycle differently.
    case conflictingPrice(file: String, line: Int, firstLine: Int, key: String)

    public var description: String {
        switch self {
        case .unreadable(let error):
            return error.description
        case .missingColumns(let file, let missing):
            return "\(file): not a price list: missing column(s) \(missing.joined(separator: ", ")); "
                + "expected OfferId or SkuId, UnitPrice, Currency, BillingCycle"
        case .invalidValue(let file, let line, let column, let reason):
            return "\(file):\(line):\(column): \(reason)"
        case .conflictingPrice(let file, let line, let firstLine, let key):
            return "\(file):\(line):1: \(key) is already priced for this billing cycle on line \(firstLine) with another price"
        }
    }
}

/// Reads a price list: a CSV file (`,` or `;`, RFC 4180, UTF-8 with or without BOM) with the columns
/// OfferId and/or SkuId, UnitPrice, Currency and BillingCycle (header names match like export
/// headers do: case, spaces, `_` and `-` ignored). Other columns (a product name, a note) are allowed
/// and ignored.
///
/// UnitPrice is the price of one seat for one billing period of the row's BillingCycle (monthly,
/// annual, triennial or one_time), written like canonical numbers (`264.00`, no thousands separator).
public enum PriceListReader {
    /// Reads the whole file; the first problem throws.
    public static func read(path: String, displayName: String? = nil) throws(PriceListError) -> PriceList {
        let name = displayName ?? path
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, displayName: name)
        } catch {
            throw .unreadable(error)
        }
        let keys = reader.header.map { canonicalKey($0) }
        func index(_ key: String) -> Int? { keys.firstIndex(of: key) }
        let offer = index("offerid")
        let sku = index("skuid")
        var missing: [String] = []
        if offer == nil && sku == nil { missing.append("OfferId or SkuId") }
        let price = index("unitprice")
        let currency = index("currency")
        let cycle = index("billingcycle")
        if price == nil { missing.append("UnitPrice") }
        if currency == nil { missing.append("Currency") }
        if cycle == nil { missing.append("BillingCycle") }
        guard let price, let currency, let cycle, missing.isEmpty else { throw .missingColumns(file: name, missing: missing) }

        var list = PriceList()
        while let record = try next(reader) {
            func fail(_ column: Int, _ reason: String) -> PriceListError {
                .invalidValue(file: name, line: record.line(at: column), column: record.column(at: column), reason: reason)
            }
            func text(_ column: Int?) -> String? {
                guard let column else { return nil }
                let value = record.string(at: column).trimmingWhitespace()
                return value.isEmpty ? nil : value
            }
            let offerId = text(offer)
            var skuId: SkuID?
            if let sku, let raw = text(sku) {
                guard let parsed = SkuID(parsing: raw) else { throw fail(sku, "SkuId \"\(raw)\" is not a GUID") }
                skuId = parsed
            }
            let anchor = offer ?? sku ?? price
            guard offerId != nil || skuId != nil else { throw fail(anchor, "the row names neither an OfferId nor a SkuId") }
            guard let amount = text(price).flatMap({ parseCanonicalDecimal($0) }), amount >= 0 else {
                throw fail(price, "UnitPrice \"\(text(price) ?? "")\" is not a number such as 264.00")
            }
            guard let code = text(currency).flatMap({ CurrencyCode(parsing: $0) }) else {
                throw fail(currency, "Currency \"\(text(currency) ?? "")\" is not an ISO 4217 code such as EUR")
            }
            guard let billing = text(cycle).flatMap({ BillingCycle(parsing: $0) }), billing != .none else {
                throw fail(cycle, "BillingCycle \"\(text(cycle) ?? "")\" is not monthly, annual, triennial or one_time")
            }
            let entry = PriceList.Entry(
                offerId: offerId, sku: skuId, billingCycle: billing, unitPrice: amount, currency: code,
                source: Provenance(file: name, line: record.line))
            if let first = list.conflict(with: entry) {
                if first.unitPrice == entry.unitPrice && first.currency == entry.currency { continue }
                throw .conflictingPrice(
                    file: name, line: record.line, firstLine: first.source.line,
                    key: offerId.map { "offer \($0)" } ?? "SKU \(skuId?.description ?? "")")
            }
            list.add(entry)
        }
        return list
    }

    private static func next(_ reader: CSVReader) throws(PriceListError) -> CSVRecord? {
        do {
            return try reader.next()
        } catch {
            throw .unreadable(error)
        }
    }
}
