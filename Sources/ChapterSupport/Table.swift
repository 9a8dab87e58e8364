import Foundation
import MOBL

/// A table of numbers a chapter prints and saves: built once, as typed rows, and
/// shown two ways from the same values.
///
/// - ``show(_:line:)`` prints it aligned, every column in its fixed format;
/// - ``dataBlock`` is the same table as a gnuplot datablock whose first line names the
///   columns, for a figure to plot or for `chNN-tables.dat` (see ``save(figures:tables:timings:flags:impliedFlags:line:)``).
///
/// Columns have a data name (no spaces: `products`, `warm_cg`) that figures and tests
/// use, and a printed header (`∇²g·v products`). A row is built from named cells, so
/// neither the chapter nor a test indexes columns by position:
///
///     var cost = Table("cost", [.init("D", format: .integer), .init("products", "∇²g·v products", format: .integer)])
///     cost.append(["D": 4, "products": 812])
///     show(cost)
///
/// A cell may be missing (a target never reached): it is `nil` when appended,
/// printed as the column's `missing` text and saved as `NaN`, which gnuplot skips.
public struct Table: Sendable {
    /// How a column's numbers are printed (they are always saved with ``formatNumber(_:)``).
    public enum Format: Sendable, Equatable {
        /// A whole number: `812`.
        case integer
        /// Fixed point with this many digits: `0.1235`.
        case fixed(Int)
        /// Scientific with this many digits: `1.23e-04`.
        case scientific(Int)
        /// A label: the value is an index into these texts (`["cold", "warm"]`).
        case label([String])
    }

    public struct Column: Sendable {
        /// The name in the datablock and in tests; a letter or `_`, then letters, digits or `_`.
        public let name: String
        /// The printed header.
        public let header: String
        public let format: Format
        /// What a missing cell prints as; nil means the column has no missing cells.
        public let missing: String?

        public init(_ name: String, _ header: String? = nil, format: Format, missing: String? = nil) {
            self.name = name
            self.header = header ?? name
            self.format = format
            self.missing = missing
        }
    }

    /// The datablock name (without `$`).
    public let name: String
    public let columns: [Column]
    /// The rows, in column order; `nan` marks a missing cell.
    public private(set) var rows: [[Double]] = []

    public init(_ name: String, _ columns: [Column]) {
        precondition(Set(columns.map(\.name)).count == columns.count, "Table \(name): two columns share a name")
        self.name = name
        self.columns = columns
    }

    /// One column of a table built from an array of structs: the column, and how a row's
    /// value is read — a number (nil where the column declares a `missing` text) or a text.
    public struct Field<Row> {
        let column: Column
        let read: (Row) -> Double?
        let text: ((Row) -> String)?

        /// A numeric column read from each row (a key path or a closure).
        public static func number(
            _ name: String, header: String? = nil, _ format: Format, missing: String? = nil,
            _ read: @escaping (Row) -> Double?
        ) -> Field {
            Field(column: Column(name, header, format: format, missing: missing), read: read, text: nil)
        }

        /// A text column (a method's or a problem's name): printed as the text, saved as the
        /// index of its first appearance among the column's distinct texts.
        public static func text(_ name: String, header: String? = nil, _ read: @escaping (Row) -> String) -> Field {
            Field(column: Column(name, header, format: .label([])), read: { _ in nil }, text: read)
        }
    }

    /// A table with one row per element of `rows`, its columns read by `fields`: no label
    /// enums, no cells assembled by hand.
    ///
    ///     Table("runs", runs, [.text("method") { $0.name }, .number("gap", .scientific(2)) { $0.gap }])
    public init<Row>(_ name: String, _ rows: [Row], _ fields: [Field<Row>]) {
        var columns = fields.map(\.column)
        for (c, field) in fields.enumerated() {
            if let text = field.text {
                var labels: [String] = []
                for row in rows where !labels.contains(text(row)) { labels.append(text(row)) }
                columns[c] = Column(field.column.name, field.column.header, format: .label(labels))
            }
        }
        self.init(name, columns)
        for row in rows {
            append(
                zip(fields, columns).map { field, column in
                    if let text = field.text, case .label(let labels) = column.format {
                        return (column.name, Double(labels.firstIndex(of: text(row))!))
                    }
                    return (column.name, field.read(row))
                })
        }
    }

    /// Appends a row given as `column name: value`; every column must be given, a
    /// `nil` value only where the column declares a `missing` text.
    public mutating func append(_ cells: KeyValuePairs<String, Double?>) {
        append(cells.map { ($0.key, $0.value) })
    }

    /// Appends a row given as (column name, value) pairs, for rows whose columns are
    /// built in a loop; the same rules as the literal form.
    public mutating func append(_ cells: [(String, Double?)]) {
        var row = [Double](repeating: .nan, count: columns.count)
        var given = Set<String>()
        for (key, value) in cells {
            guard let c = columns.firstIndex(where: { $0.name == key }) else {
                preconditionFailure("Table \(name) has no column '\(key)' (columns: \(columns.map(\.name)))")
            }
            precondition(given.insert(key).inserted, "Table \(name): column '\(key)' given twice")
            if let value {
                precondition(value.isFinite, "Table \(name), column \(key): \(value) is not a finite number")
                if case .label(let texts) = columns[c].format {
                    precondition(texts.indices.contains(Int(value)), "Table \(name), column \(key): no label \(value)")
                }
                row[c] = value
            } else {
                precondition(
                    columns[c].missing != nil,
                    "Table \(name), column \(key): missing value in a column without a `missing` text")
            }
        }
        precondition(
            given.count == columns.count,
            "Table \(name): row lacks \(columns.map(\.name).filter { !given.contains($0) })")
        rows.append(row)
    }

    /// The values of one column (missing cells as `nan`).
    public func column(_ name: String) -> [Double] {
        guard let c = columns.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("Table \(self.name) has no column '\(name)'")
        }
        return rows.map { $0[c] }
    }

    /// The cell of one row in the named column (`nan` when missing).
    public func value(_ row: Int, _ column: String) -> Double {
        guard let c = columns.firstIndex(where: { $0.name == column }) else {
            preconditionFailure("Table \(name) has no column '\(column)'")
        }
        return rows[row][c]
    }

    /// The table as a datablock: the column names on its first line, missing cells as `NaN`.
    public var dataBlock: DataBlock {
        get throws { try DataBlock(name, columns: columns.map(\.name), rows: rows, allowingMissing: true) }
    }

    /// The table as aligned text: numbers right-aligned, labels left-aligned, a rule under the headers.
    public var text: String {
        let cells = rows.map { row in zip(columns, row).map { column, value in Self.cell(value, column) } }
        let headers = columns.map(\.header)
        let widths = headers.indices.map { c in ([headers[c]] + cells.map { $0[c] }).map(\.count).max()! }
        func line(_ texts: [String]) -> String {
            texts.enumerated().map { c, text in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                if case .label = columns[c].format { return text + pad }
                return pad + text
            }.joined(separator: "  ").replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += cells.map(line)
        return lines.joined(separator: "\n")
    }

    private static func cell(_ value: Double, _ column: Column) -> String {
        if value.isNaN { return column.missing ?? "?" }
        switch column.format {
        case .integer: return abs(value) < 9e18 ? String(Int(value.rounded())) : String(format: "%.0f", value)
        case .fixed(let digits): return fixed(value, digits)
        case .scientific(let digits): return sci(value, digits)
        case .label(let texts): return texts[Int(value)]
        }
    }
}

/// Fixed-point text: `fixed(0.123456, 4)` is `0.1235` (never `-0.0000`).
public func fixed(_ x: Double, _ digits: Int) -> String {
    let s = String(format: "%.\(digits)f", x)
    return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
}

/// Scientific text: `sci(0.000123)` is `1.23e-04`.
public func sci(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)e", x) }
