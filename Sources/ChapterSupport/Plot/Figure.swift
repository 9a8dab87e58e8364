import Foundation
import MOBL

/// One curve or point cloud of a figure: columns of a datablock drawn in a style.
public struct Series: Sendable {
    public enum Style: String, Sendable {
        case lines, points
        case linesPoints = "linespoints"
    }
    /// The datablock it draws from (name without `$`).
    public var block: String
    /// 1-based columns used for x and y.
    public var x: Int, y: Int
    /// Which data set of a grouped block to draw (0-based, gnuplot's `index`); nil
    /// draws the whole block.
    public var index: Int?
    public var style: Style
    /// The key entry; nil leaves the series out of the key.
    public var title: String?
    /// A colour `#rrggbb`; nil takes the next colour of `Figure.palette`.
    public var color: String?
    public var lineWidth: Double
    /// gnuplot dash type (1 solid, 2 dashed, 3 dotted …).
    public var dashType: Int
    /// gnuplot point type (7 filled circle, 5 filled square, 9 filled triangle …).
    public var pointType: Int
    public var pointSize: Double
    /// A 1-based column of ± half-widths drawn as vertical error bars (e.g. a spread over
    /// seeds); nil draws none.
    public var error: Int? = nil
    /// With `error`: the column of the bar's upper end, `error` then its lower end (gnuplot's
    /// x:y:ylow:yhigh), for a median drawn with its range over seeds.
    public var errorHigh: Int? = nil

    public init(
        block: String, index: Int? = nil, x: Int = 1, y: Int = 2, style: Style, title: String?, color: String? = nil,
        lineWidth: Double = 2, dashType: Int = 1, pointType: Int = 7, pointSize: Double = 1
    ) {
        self.block = block
        self.index = index
        self.x = x
        self.y = y
        self.style = style
        self.title = title
        self.color = color
        self.lineWidth = lineWidth
        self.dashType = dashType
        self.pointType = pointType
        self.pointSize = pointSize
    }
}

/// A typed description of one figure that writes itself as a single self-contained
/// gnuplot script (`figures/<slug>.gp`).
///
/// Running `gnuplot <slug>.gp` in the script's folder renders `<slug>.svg` (the
/// canonical, diffable output) and `<slug>.png` (for slides). Terminal, size, font
/// and palette are fixed here, once, for the whole course, and numbers are written
/// by `formatNumber`, so the same figure always gives the same bytes.
public struct Figure: Sendable {
    /// The file name without extension, `chNN-slug`.
    public var slug: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX = false
    public var logY = false
    /// Tick labels as powers of ten on log axes (`10^{-6}` rather than `1e-06`).
    public var powerTicks = true
    public var xRange: ClosedRange<Double>?
    /// Tick marks at exactly these x values, labelled plainly (e.g. the T of a sweep on
    /// a log axis); nil: gnuplot's own.
    public var xTics: [Double]? = nil
    /// Labels for the `xTics`, one each in the same order (e.g. problem names in place of
    /// their numbers); nil: the numbers themselves.
    public var xTicLabels: [String]? = nil
    public var yRange: ClosedRange<Double>?
    /// gnuplot key placement, e.g. `top right`, `bottom left`.
    public var key = "top right"
    /// Line spacing of the key (gnuplot's `spacing`, 1 by default): more room for titles
    /// with superscripts; nil keeps gnuplot's default.
    public var keySpacing: Double? = nil
    /// Keep one unit on x as long as one unit on y (for objective-space plots).
    public var equalAxes = false
    /// Comment lines at the top of the script (what it shows); the script adds how to
    /// regenerate it and how to render it.
    public var comments: [String] = []
    /// The command that regenerates the figure, e.g. `ch01 --preferences 19`; the
    /// chapter `chNN` named by the slug when nil.
    public var command: String?
    public var blocks: [DataBlock] = []
    public var series: [Series] = []
    /// Whether the plot has a key (false: `unset key`, e.g. a panel whose x tics name the series).
    public var showKey = true
    /// Small multiples: when not empty, the figure is these panels (each a figure with its
    /// own axes, data and series; their datablock names must differ) drawn in a grid of
    /// `panelColumns` columns under the figure's title; the figure's own series are unused.
    public var panels: [Figure] = []
    public var panelColumns = 2
    /// The height of one row of panels, in SVG pixels (the width is the figure's).
    public var panelHeight = 300

    /// The course palette (colour-blind-safe Okabe–Ito order), used in turn.
    public static let palette = [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000",
    ]
    /// SVG size in pixels and font; the PNG is the same picture at 1.5×.
    public static let size = (width: 800, height: 600)
    public static let font = "DejaVu Sans"

    public init(slug: String, title: String, xLabel: String, yLabel: String) {
        self.slug = slug
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The whole gnuplot script.
    ///
    /// - Throws: `InvalidInput` for a slug that is not `chNN-words`, a series that
    ///   names a missing datablock or column, a log axis over negative or infinite data
    ///   or over a series with no positive value (exact zeros are allowed: gnuplot
    ///   leaves them out), or a figure with nothing to draw.
    public func script() throws -> String {
        if !panels.isEmpty { return try panelScript() }
        try validate()
        var lines = headerLines
        for block in blocks {
            lines.append(block.scriptText)
            lines.append("")
        }
        lines += settingLines()
        let clauses = plotClauses()
        let (w, h) = Self.size
        lines.append("set terminal svg size \(w),\(h) enhanced font '\(Self.font),12' background rgb 'white'")
        lines.append("set output '\(slug).svg'")
        lines.append("plot " + clauses.joined(separator: ", \\\n     "))
        lines.append(
            "set terminal pngcairo size \(w * 3 / 2),\(h * 3 / 2) enhanced font '\(Self.font),15' background rgb 'white'"
        )
        lines.append("set output '\(slug).png'")
        lines.append("replot")
        lines.append("unset output")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The comment lines every script starts with: the figure's comments, how to regenerate
    /// it and how to render it, then a blank line.
    private var headerLines: [String] {
        let chapter = String(slug.prefix(4))
        return comments.map { "# " + $0 } + [
            "# Regenerate: swift run -c release \(command ?? chapter)  (\(chapter) --help lists the seed and flags)",
            "# Render: gnuplot \(slug).gp  (writes \(slug).svg and \(slug).png beside this file)", "",
        ]
    }

    /// The script of a figure made of panels: every panel's datablocks, then the grid drawn
    /// once for the SVG and once for the PNG (a multiplot cannot be replotted).
    private func panelScript() throws -> String {
        guard slug.range(of: #"^ch[0-9]{2}-[a-z0-9-]+$"#, options: .regularExpression) != nil else {
            throw InvalidInput("figure slug", "'\(slug)'", "must look like chNN-words (lower case, digits, dashes)")
        }
        guard panelColumns >= 1, panelHeight >= 100 else {
            throw InvalidInput(
                "figure \(slug)", "\(panelColumns) columns, height \(panelHeight)", "needs ≥ 1 column, ≥ 100 px")
        }
        let names = panels.flatMap { $0.blocks.map(\.name) }
        guard Set(names).count == names.count else {
            throw InvalidInput("figure \(slug)", "datablocks \(names)", "panels must name their datablocks apart")
        }
        for panel in panels { try panel.validate() }
        var lines = headerLines
        for block in panels.flatMap(\.blocks) {
            lines.append(block.scriptText)
            lines.append("")
        }
        let rows = (panels.count + panelColumns - 1) / panelColumns
        let (w, h) = (Self.size.width, panelHeight * rows + 40)
        var grid = ["set multiplot layout \(rows),\(panelColumns) title \(quoted(title))"]
        for panel in panels {
            grid.append("reset")
            grid += panel.settingLines()
            grid.append("plot " + panel.plotClauses().joined(separator: ", \\\n     "))
        }
        grid.append("unset multiplot")
        lines.append("set terminal svg size \(w),\(h) enhanced font '\(Self.font),12' background rgb 'white'")
        lines.append("set output '\(slug).svg'")
        lines += grid
        lines.append(
            "set terminal pngcairo size \(w * 3 / 2),\(h * 3 / 2) enhanced font '\(Self.font),15' background rgb 'white'"
        )
        lines.append("set output '\(slug).png'")
        lines += grid
        lines.append("unset output")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Checks the figure's own settings and series (``script()``'s rules).
    private func validate() throws {
        guard slug.range(of: #"^ch[0-9]{2}-[a-z0-9-]+$"#, options: .regularExpression) != nil else {
            throw InvalidInput("figure slug", "'\(slug)'", "must look like chNN-words (lower case, digits, dashes)")
        }
        guard !series.isEmpty else {
            throw InvalidInput("figure \(slug)", "no series", "must draw at least one series")
        }
        if let labels = xTicLabels, labels.count != xTics?.count {
            throw InvalidInput(
                "figure \(slug): xTicLabels", "\(labels.count) labels",
                "must label each of the \(xTics?.count ?? 0) xTics once")
        }
        for s in series {
            guard let block = blocks.first(where: { $0.name == s.block }) else {
                throw InvalidInput(
                    "series '\(s.title ?? s.block)'", "$\(s.block)", "names no datablock of figure \(slug)")
            }
            if let index = s.index, !(0..<block.groups.count).contains(index) {
                throw InvalidInput(
                    "series '\(s.title ?? s.block)'", "index \(index)",
                    "must be 0…\(block.groups.count - 1), a data set of $\(s.block)")
            }
            for column in [s.x, s.y] + (s.error.map { [$0] } ?? []) where !(1...block.columns.count).contains(column) {
                throw InvalidInput(
                    "series '\(s.title ?? s.block)'", "column \(column)",
                    "must be 1…\(block.columns.count) of $\(s.block)")
            }
            // On a log axis an exact 0 (a gap that vanished to the last bit) has no place:
            // gnuplot leaves such points out, silently. A negative or non-finite value is a
            // mistake, and a series with nothing positive would draw nothing (gnuplot warns).
            for (axis, isLog, column) in [("x", logX, s.x), ("y", logY, s.y)] where isLog {
                let rows = s.index.map { block.groups[$0] } ?? block.dataRows
                if let bad = rows.first(where: { $0[column - 1] < 0 || $0[column - 1].isInfinite }) {
                    throw InvalidInput(
                        "$\(s.block) on log \(axis) axis", describe(bad),
                        "log-scale data must be ≥ 0 (exact zeros are left out)")
                }
                guard rows.contains(where: { $0[column - 1] > 0 }) else {
                    throw InvalidInput(
                        "series '\(s.title ?? s.block)' on log \(axis) axis", "no positive value",
                        "must have a point to draw")
                }
            }
        }
    }

    /// The lines from `set title` to `set border`: the axes, ranges, key and grid.
    private func settingLines() -> [String] {
        var lines: [String] = []
        lines.append("set title \(quoted(title))")
        lines.append("set xlabel \(quoted(xLabel))")
        lines.append("set ylabel \(quoted(yLabel))")
        if logX { lines.append("set logscale x") }
        if logY { lines.append("set logscale y") }
        if powerTicks && logX && xTics == nil { lines.append("set format x '10^{%L}'") }
        if powerTicks && logY { lines.append("set format y '10^{%L}'") }
        if let r = xRange { lines.append("set xrange [\(formatNumber(r.lowerBound)):\(formatNumber(r.upperBound))]") }
        if let t = xTics {
            let tics =
                xTicLabels.map { labels in zip(labels, t).map { "\(quoted($0)) \(formatNumber($1))" } }
                ?? t.map(formatNumber)
            lines.append("set xtics (" + tics.joined(separator: ", ") + ")")
        }
        if let r = yRange { lines.append("set yrange [\(formatNumber(r.lowerBound)):\(formatNumber(r.upperBound))]") }
        if equalAxes { lines.append("set size ratio -1") }
        lines.append(
            showKey
                ? "set key \(key) box opaque Left reverse" + (keySpacing.map { " spacing \(formatNumber($0))" } ?? "")
                : "unset key")
        lines.append("set grid lc rgb '#dddddd'")
        lines.append("set border lw 1.5")
        return lines
    }

    /// One `plot` clause per series.
    private func plotClauses() -> [String] {
        var clauses: [String] = []
        var nextColor = 0
        for s in series {
            let color: String
            if let c = s.color {
                color = c
            } else {
                color = Self.palette[nextColor % Self.palette.count]
                nextColor += 1
            }
            var clause = "$\(s.block)" + (s.index.map { " index \($0)" } ?? "")
            let with = s.error == nil ? s.style.rawValue : s.style == .points ? "yerrorbars" : "yerrorlines"
            clause +=
                " using \(s.x):\(s.y)\(s.error.map { ":\($0)" } ?? "")\(s.errorHigh.map { ":\($0)" } ?? "") with \(with) lc rgb '\(color)'"
            if s.style != .points { clause += " lw \(formatNumber(s.lineWidth)) dt \(s.dashType)" }
            if s.style != .lines { clause += " pt \(s.pointType) ps \(formatNumber(s.pointSize))" }
            clause += s.title.map { " title \(quoted($0))" } ?? " notitle"
            clauses.append(clause)
        }
        return clauses
    }

    /// Writes `<directory>/<slug>.gp` atomically (a temporary file renamed into
    /// place), creating the directory if needed, and returns the file's URL. A
    /// reader never sees a half-written script.
    @discardableResult
    public func write(to directory: URL) throws -> URL {
        let text = try script()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("\(slug).gp")
        try Data(text.utf8).write(to: url, options: .atomic)
        return url
    }
}

/// A gnuplot single-quoted string (no escapes are interpreted; ' is doubled).
private func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

extension Figure {
    /// Which axes are logarithmic.
    public struct LogAxes: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let x = LogAxes(rawValue: 1)
        public static let y = LogAxes(rawValue: 2)
        public static let both: LogAxes = [.x, .y]
    }

    /// A whole figure in one call: what it shows, its axes, its data and its series.
    public init(
        slug: String, title: String, x xLabel: String, y yLabel: String, log: LogAxes = [],
        key: String = "top right", comments: [String] = [], blocks: [DataBlock], series: [Series]
    ) {
        self.init(slug: slug, title: title, xLabel: xLabel, yLabel: yLabel)
        (logX, logY, self.key, self.comments) = (log.contains(.x), log.contains(.y), key, comments)
        (self.blocks, self.series) = (blocks, series)
    }
}

extension DataBlock {
    /// The 1-based position of a named column.
    /// - Throws: `InvalidInput` naming a column the block does not have.
    public func position(of name: String) throws -> Int {
        guard let i = columns.firstIndex(of: name) else {
            throw InvalidInput("column", "'\(name)'", "is not one of $\(self.name)'s columns \(columns)")
        }
        return i + 1
    }

    /// A series drawing column `y` against column `x` of this block, both named.
    /// - Throws: `InvalidInput` naming a column the block does not have.
    public func series(
        _ x: String, _ y: String, _ style: Series.Style, title: String?, index: Int? = nil,
        color: String? = nil, lineWidth: Double = 2, dash: Int = 1, point: Int = 7,
        pointSize: Double = 1
    ) throws -> Series {
        Series(
            block: name, index: index, x: try position(of: x), y: try position(of: y), style: style, title: title,
            color: color, lineWidth: lineWidth, dashType: dash, pointType: point, pointSize: pointSize)
    }
}
