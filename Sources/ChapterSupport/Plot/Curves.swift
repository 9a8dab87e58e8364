import MOBL

/// One curve of a ``Figure/curves(_:title:x:y:log:key:comment:data:against:_:)`` figure: a named
/// column of the figure's data drawn against its x column.
///
/// Styles are automatic: curve i takes colour `Figure.palette[i]` and point type
/// `Curve.points[i]`, solid lines with points. `pairedWith` draws a curve in the colour of
/// an earlier one, dashed, with open points (the "warm vs cold", "measured vs bound"
/// pairs the course draws), so a figure of paired curves is still one call.
public struct Curve: Sendable {
    public var column: String
    public var title: String?
    public var style: Series.Style
    /// A column of the same data holding ± half-widths (a spread across seeds): drawn as
    /// error bars on the curve.
    public var error: String?
    /// Index of an earlier curve of the same figure whose colour this one takes, dashed.
    public var pairedWith: Int?
    /// A reference line (a bound, a rate): grey, dashed, without points, and no colour of its own.
    public var isReference = false

    /// The point types given in turn (filled circle, square, triangle, diamond, …).
    public static let points = [7, 5, 9, 13, 11, 15, 3, 1]
    /// The open point type that goes with each filled one.
    static func open(_ filled: Int) -> Int { [7: 6, 5: 4, 9: 8, 13: 12, 11: 10, 15: 14][filled] ?? filled }

    public init(
        _ column: String, _ title: String?, _ style: Series.Style = .linesPoints, error: String? = nil,
        pairedWith: Int? = nil
    ) {
        (self.column, self.title, self.style, self.error, self.pairedWith) = (column, title, style, error, pairedWith)
    }

    /// A reference curve: a bound or a rate the measured curves are read against.
    public static func reference(_ column: String, _ title: String) -> Curve {
        var curve = Curve(column, title, .lines)
        curve.isReference = true
        return curve
    }
}

extension Figure {
    /// A figure of curves — columns of one table against one of its columns — in one call:
    /// the course's "quantity against a parameter" and "quantity against steps or calls" figures.
    ///
    /// - Throws: `InvalidInput` naming a column `data` does not have, or a pairing with a
    ///   curve that does not come earlier.
    public static func curves(
        _ slug: String, title: String, x xLabel: String, y yLabel: String, log: LogAxes = [],
        key: String = "top right", comment: String, data: DataBlock, against x: String, _ curves: [Curve]
    ) throws -> Figure {
        var series: [Series] = []
        for (i, curve) in curves.enumerated() {
            let own = curves[..<i].filter { $0.pairedWith == nil && !$0.isReference }.count
            var color = Figure.palette[own % Figure.palette.count]
            var (dash, point) = (1, Curve.points[own % Curve.points.count])
            if let j = curve.pairedWith {
                guard (0..<i).contains(j), curves[j].pairedWith == nil, !curves[j].isReference else {
                    throw InvalidInput(
                        "curve '\(curve.column)'", "pairedWith: \(j)", "must name an earlier, unpaired curve")
                }
                let partner = curves[..<j].filter { $0.pairedWith == nil && !$0.isReference }.count
                color = Figure.palette[partner % Figure.palette.count]
                (dash, point) = (2, Curve.open(Curve.points[partner % Curve.points.count]))
            }
            if curve.isReference { (color, dash) = ("#777777", 2) }
            var s = try data.series(
                x, curve.column, curve.style, title: curve.title, color: color, dash: dash, point: point)
            if let error = curve.error { s.error = try data.position(of: error) }
            series.append(s)
        }
        return Figure(
            slug: slug, title: title, x: xLabel, y: yLabel, log: log, key: key, comments: [comment], blocks: [data],
            series: series)
    }
}

extension Table {
    /// A figure of this table's columns against one of them (see `Figure.curves`); the data
    /// block is the table's own, named after it.
    public func figure(
        _ slug: String, title: String, x xLabel: String, y yLabel: String, log: Figure.LogAxes = [],
        key: String = "top right", comment: String, against x: String, _ curves: [Curve]
    ) throws -> Figure {
        try Figure.curves(
            slug, title: title, x: xLabel, y: yLabel, log: log, key: key, comment: comment, data: dataBlock,
            against: x, curves)
    }
}

extension DataBlock {
    /// A block of one row per element: each column named and read by a closure (a key path works).
    public init<Row>(_ name: String, _ elements: [Row], _ columns: KeyValuePairs<String, (Row) -> Double>) throws {
        try self.init(
            name, columns: columns.map(\.key), rows: elements.map { e in columns.map { $0.value(e) } })
    }
}
