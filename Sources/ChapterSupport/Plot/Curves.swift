import MOBL

/// One curve or point cloud of a ``Figure/curves(_:title:x:y:log:key:comment:data:against:_:equalAxes:xRange:yRange:)``
/// figure: a named column of a datablock drawn against another.
///
/// Styles are automatic: the i-th curve with a colour of its own takes `Figure.palette[i]`
/// and point type `Curve.points[i]`, solid. `pairedWith` draws a curve in the colour of an
/// earlier one, dashed, with open points (the "warm vs cold", "measured vs bound" pairs
/// the course draws); `.reference` draws a grey dashed bound or rate; `.truth` draws the
/// exact answer in black. An explicit `color` or `point` overrides the automatic one.
public struct Curve: Sendable {
    public var column: String
    public var title: String?
    public var style: Series.Style
    /// The datablock to draw from; nil: the figure's `data`.
    public var data: DataBlock?
    /// The x column; nil: the figure's `against`.
    public var x: String?
    /// A data set of a grouped block (gnuplot's `index`).
    public var index: Int?
    /// A column of the same data holding ± half-widths (a spread across seeds): drawn as
    /// error bars on the curve.
    public var error: String?
    /// Index of an earlier curve of the same figure whose colour this one takes, dashed.
    public var pairedWith: Int?
    /// A colour `#rrggbb` in place of the automatic one (the curve then takes no palette slot).
    public var color: String?
    public var point: Int?
    public var pointSize: Double = 1
    public var lineWidth: Double = 2
    public var dash: Int?
    var isReference = false

    /// The point types given in turn (filled circle, square, triangle, diamond, …).
    public static let points = [7, 5, 9, 13, 11, 15, 3, 1]
    /// The open point type that goes with each filled one.
    static func open(_ filled: Int) -> Int { [7: 6, 5: 4, 9: 8, 13: 12, 11: 10, 15: 14][filled] ?? filled }

    public init(
        _ column: String, _ title: String?, _ style: Series.Style = .linesPoints, data: DataBlock? = nil,
        x: String? = nil, index: Int? = nil, error: String? = nil, pairedWith: Int? = nil, color: String? = nil,
        point: Int? = nil, pointSize: Double = 1, lineWidth: Double = 2, dash: Int? = nil
    ) {
        (self.column, self.title, self.style, self.data, self.x, self.index) = (column, title, style, data, x, index)
        (self.error, self.pairedWith, self.color, self.point) = (error, pairedWith, color, point)
        (self.pointSize, self.lineWidth, self.dash) = (pointSize, lineWidth, dash)
    }

    /// A reference curve: a bound or a rate the measured curves are read against (grey, dashed).
    public static func reference(
        _ column: String, _ title: String, data: DataBlock? = nil, x: String? = nil
    ) -> Curve {
        var curve = Curve(column, title, .lines, data: data, x: x, color: "#777777", dash: 2)
        curve.isReference = true
        return curve
    }

    /// The exact answer the estimates are read against: black open circles (or a black line).
    public static func truth(
        _ column: String, _ title: String, _ style: Series.Style = .points, data: DataBlock? = nil,
        x: String? = nil, index: Int? = nil, point: Int = 6, pointSize: Double = 2
    ) -> Curve {
        Curve(
            column, title, style, data: data, x: x, index: index, color: "#000000", point: point, pointSize: pointSize)
    }

    /// One curve per data set of a grouped block, titled in turn (nil: no key entry), each in
    /// its own colour — or, with `pairedWith`, each dashed in the colour of the curve that
    /// many places earlier in the figure plus its index (see `Figure.curves`).
    public static func groups(
        _ column: String, data: DataBlock, x: String? = nil, titles: [String?], _ style: Series.Style = .lines,
        pairedWithFirst first: Int? = nil, lineWidth: Double = 2
    ) -> [Curve] {
        titles.indices.map { i in
            Curve(
                column, titles[i], style, data: data, x: x, index: i, pairedWith: first.map { $0 + i },
                lineWidth: lineWidth)
        }
    }
}

extension Figure {
    /// A figure of curves in one call: the course's "quantity against a parameter", "quantity
    /// against steps or calls" and "front with its truth" figures. The datablocks are those the
    /// curves draw from, in order of first use, then `alsoSaving` (data the script carries for
    /// its readers and tests without drawing it).
    ///
    /// - Throws: `InvalidInput` naming a column a block does not have, a curve with no data,
    ///   or a pairing with a curve that does not come earlier.
    public static func curves(
        _ slug: String, title: String, x xLabel: String, y yLabel: String, log: LogAxes = [],
        key: String = "top right", comment: String, data: DataBlock? = nil, against: String? = nil,
        _ curves: [Curve], equalAxes: Bool = false, xRange: ClosedRange<Double>? = nil,
        yRange: ClosedRange<Double>? = nil, alsoSaving extra: [DataBlock] = []
    ) throws -> Figure {
        // The palette slot of each curve that has a colour of its own, in order.
        var slots: [Int: Int] = [:]
        for (i, curve) in curves.enumerated() where curve.pairedWith == nil && curve.color == nil {
            slots[i] = slots.count
        }
        var series: [Series] = [], blocks: [DataBlock] = []
        for (i, curve) in curves.enumerated() {
            guard let block = curve.data ?? data, let x = curve.x ?? against else {
                throw InvalidInput("curve '\(curve.column)'", "no data", "needs a datablock and an x column")
            }
            if !blocks.contains(where: { $0.name == block.name }) { blocks.append(block) }
            var color = curve.color ?? Figure.palette[(slots[i] ?? 0) % Figure.palette.count]
            var point = Curve.points[(slots[i] ?? 0) % Curve.points.count]
            var dash = 1
            if let j = curve.pairedWith {
                guard (0..<i).contains(j), let slot = slots[j] else {
                    throw InvalidInput(
                        "curve '\(curve.column)'", "pairedWith: \(j)",
                        "must name an earlier curve with a colour of its own")
                }
                color = Figure.palette[slot % Figure.palette.count]
                (dash, point) = (2, Curve.open(Curve.points[slot % Curve.points.count]))
            }
            var s = try block.series(
                x, curve.column, curve.style, title: curve.title, index: curve.index, color: color,
                lineWidth: curve.lineWidth, dash: curve.dash ?? dash, point: curve.point ?? point,
                pointSize: curve.pointSize)
            if let error = curve.error { s.error = try block.position(of: error) }
            series.append(s)
        }
        var figure = Figure(
            slug: slug, title: title, x: xLabel, y: yLabel, log: log, key: key, comments: [comment],
            blocks: blocks + extra, series: series)
        (figure.equalAxes, figure.xRange, figure.yRange) = (equalAxes, xRange, yRange)
        return figure
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
        try self.init(name, elements, columns.map { ($0.key, $0.value) })
    }

    /// The same, with the columns as a list of (name, reader) pairs (e.g. made by `map`).
    public init<Row>(_ name: String, _ elements: [Row], _ columns: [(String, (Row) -> Double)]) throws {
        try self.init(name, columns: columns.map(\.0), rows: elements.map { e in columns.map { $0.1(e) } })
    }
}
