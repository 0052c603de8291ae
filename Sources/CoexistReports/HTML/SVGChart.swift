import CoexistModel
import Foundation

/// Horizontal bar charts drawn as inline SVG: no script, no style attribute (colours come from the
/// page's style sheet through classes), and labels that are our own words (rule ids, channel
/// names, numbers), never export values.
enum SVGChart {
    /// One labelled row of one or more bars (several: grouped, e.g. baseline and current).
    struct Bar {
        let label: String
        let values: [Decimal]
        /// One class per value, from the page's style sheet.
        let classes: [String]
    }

    static let barHeight = 14
    static let gap = 2
    static let rowGap = 8

    /// The chart, scaled to its largest value; `title` is read by screen readers and shown on hover.
    static func horizontal(_ bars: [Bar], title: String, width: Int = 560, labelWidth: Int = 280) -> String {
        let maximum = bars.flatMap(\.values).max() ?? 0
        let series = bars.map(\.values.count).max() ?? 1
        let rowHeight = series * barHeight + (series - 1) * gap
        let height = max(1, bars.count) * (rowHeight + rowGap) + rowGap
        // Room right of the longest bar for its value: about 7 px a character at 12 px.
        let valueWidth = 12 + 7 * (bars.flatMap(\.values).map { HTMLPage.grouped($0.plainText).count }.max() ?? 1)
        let span = width - labelWidth - valueWidth
        var svg =
            "<svg viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"\(HTMLReport.escape(title))\"><title>\(HTMLReport.escape(title))</title>"
        for (row, bar) in bars.enumerated() {
            let top = rowGap + row * (rowHeight + rowGap)
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(top + rowHeight / 2 + 4)\" text-anchor=\"end\">\(HTMLReport.escape(bar.label))</text>"
            for (index, value) in bar.values.enumerated() {
                let y = top + index * (barHeight + gap)
                let length = maximum > 0 ? max(value > 0 ? 2 : 0, scaled(value, of: maximum, to: span)) : 0
                let cls = index < bar.classes.count ? bar.classes[index] : ""
                svg +=
                    "<rect class=\"\(cls)\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(barHeight)\" rx=\"2\">"
                    + "<title>\(HTMLReport.escape(bar.label)): \(HTMLPage.grouped(value.plainText))</title></rect>"
                svg +=
                    "<text class=\"axis\" x=\"\(labelWidth + length + 4)\" y=\"\(y + barHeight - 3)\">\(HTMLPage.grouped(value.plainText))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// `value / maximum × span` in whole pixels, computed in decimal.
    private static func scaled(_ value: Decimal, of maximum: Decimal, to span: Int) -> Int {
        let pixels = (value * Decimal(span) / maximum).rounded(to: 0)
        return NSDecimalNumber(decimal: pixels).intValue
    }
}
