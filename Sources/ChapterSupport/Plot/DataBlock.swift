import Foundation
import MOBL

/// A named table of numbers inside a gnuplot script:
///
///     $chebyshev << EOD
///     # r1 r2 f1 f2
///     0.1 0.9 0.8412 0.0935
///     EOD
///
/// The first line names the columns, so a reader (and a test) knows what every
/// number is. An empty row is written as a blank line, which gnuplot reads as a
/// break between line segments (used to draw several separate rays from one block).
/// A block made with `allowingMissing` may hold `nan` for a missing value (written
/// `NaN`, which gnuplot skips); any other block refuses non-finite numbers, so a
/// diverged run cannot slip into a figure.
public struct DataBlock: Equatable, Sendable {
    /// The name without the `$`.
    public let name: String
    public let columns: [String]
    public let rows: [[Double]]

    /// - Throws: `InvalidInput` for a name that is not an identifier, a column name used
    ///   twice, a row whose length differs from the column count, or a non-finite number.
    public init(_ name: String, columns: [String], rows: [[Double]], allowingMissing: Bool = false) throws {
        guard let first = name.first, first.isLetter || first == "_",
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            throw InvalidInput("datablock name", "'\(name)'", "must be a letter or _ followed by letters, digits or _")
        }
        guard !columns.isEmpty, columns.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else {
            throw InvalidInput("columns of $\(name)", "\(columns)", "must be non-empty names without spaces")
        }
        guard Set(columns).count == columns.count else {
            let repeated = columns.filter { c in columns.filter { $0 == c }.count > 1 }
            throw InvalidInput("columns of $\(name)", "\(columns)", "must each appear once ('\(repeated[0])' repeats)")
        }
        for (i, row) in rows.enumerated() where !row.isEmpty {
            guard row.count == columns.count else {
                throw InvalidInput(
                    "row \(i + 1) of $\(name)", "\(row.count) numbers", "must have \(columns.count), one per column")
            }
            guard row.allSatisfy({ $0.isFinite || allowingMissing && $0.isNaN }) else {
                throw InvalidInput("row \(i + 1) of $\(name)", describe(row), "every number must be finite")
            }
        }
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// A block made of several data sets, separated by two blank lines so that a
    /// series can pick one with gnuplot's `index` (see `Series.index`).
    public init(_ name: String, columns: [String], groups: [[[Double]]]) throws {
        var rows: [[Double]] = []
        for (i, group) in groups.enumerated() {
            if i > 0 { rows += [[], []] }
            rows += group
        }
        try self.init(name, columns: columns, rows: rows)
    }

    /// The data sets of a block written with `init(_:columns:groups:)`, split at
    /// double blank lines (a single block gives one group).
    public var groups: [[[Double]]] {
        var result: [[[Double]]] = [[]]
        var blanks = 0
        for row in rows {
            if row.isEmpty {
                blanks += 1
                continue
            }
            if blanks >= 2 && !result[result.count - 1].isEmpty { result.append([]) }
            blanks = 0
            result[result.count - 1].append(row)
        }
        return result
    }

    /// The rows that hold numbers (blank separators dropped).
    public var dataRows: [[Double]] { rows.filter { !$0.isEmpty } }

    /// The values of one named column, over `dataRows` (a missing value is `nan`).
    public func column(_ name: String) throws -> [Double] {
        guard let index = columns.firstIndex(of: name) else {
            throw InvalidInput("column", "'\(name)'", "is not one of $\(self.name)'s columns \(columns)")
        }
        return dataRows.map { $0[index] }
    }

    /// The data rows as records keyed by column name, for code that reads a block
    /// back (tests, the closing comparison): `block.records[0]["products"]`.
    public var records: [[String: Double]] {
        dataRows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }

    /// The block as gnuplot text, numbers in a fixed format (`formatNumber`).
    public var scriptText: String {
        var lines = ["$\(name) << EOD", "# " + columns.joined(separator: " ")]
        lines += rows.map { $0.map(formatNumber).joined(separator: " ") }
        lines.append("EOD")
        return lines.joined(separator: "\n")
    }
}

/// The course's one number format for data files: 10 significant digits
/// (`%.10g`), with −0 written as 0 and a missing value as `NaN`, so the same numbers
/// always give the same bytes.
public func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    let value = x == 0 ? 0 : x
    return String(format: "%.10g", value)
}

/// Reads every datablock back from the text of a gnuplot script.
///
/// Accepts what gnuplot accepts around the markers (`$name << EOD` or `$name <<EOD`,
/// indentation, Windows line endings).
/// - Throws: `InvalidInput` naming the line for a block without its column
///   comment, a number that does not parse, a row of the wrong length, a block
///   that never reaches `EOD`, or two blocks with the same name.
public func readDataBlocks(fromScript text: String) throws -> [String: DataBlock] {
    var blocks: [String: DataBlock] = [:]
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    let header = try NSRegularExpression(pattern: #"^\$([A-Za-z_][A-Za-z0-9_]*)\s*<<\s*EOD$"#)
    var i = 0
    while i < lines.count {
        let line = lines[i]
        i += 1
        guard let match = header.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
            let nameRange = Range(match.range(at: 1), in: line)
        else { continue }
        let name = String(line[nameRange])
        guard blocks[name] == nil else {
            throw InvalidInput("datablock $\(name)", "line \(i)", "appears twice; every block needs its own name")
        }
        guard i < lines.count, lines[i].hasPrefix("#") else {
            throw InvalidInput("datablock $\(name)", "line \(i + 1)", "must start with a '# column names' comment")
        }
        let columns = lines[i].dropFirst().split(whereSeparator: \.isWhitespace).map(String.init)
        i += 1
        var rows: [[Double]] = []
        var closed = false
        while i < lines.count {
            let row = lines[i]
            i += 1
            if row == "EOD" {
                closed = true
                break
            }
            if row.isEmpty {
                rows.append([])
                continue
            }
            let fields = row.split(whereSeparator: \.isWhitespace)
            let numbers = fields.compactMap { Double($0) }
            guard numbers.count == fields.count else {
                throw InvalidInput("datablock $\(name)", "line \(i): '\(row)'", "every field must be a number")
            }
            rows.append(numbers)
        }
        guard closed else { throw InvalidInput("datablock $\(name)", "end of file", "must end with a line 'EOD'") }
        blocks[name] = try DataBlock(name, columns: columns, rows: rows, allowingMissing: true)
    }
    return blocks
}

/// About `points` indices of `0..<count`, evenly spaced in log(k + 1) — every index when
/// `count ≤ points` — always with the first and the last: how a figure thins a long run
/// for log axes (index k = e^{i/(points−1)·ln count} − 1, each once).
public func logSpacedIndices(_ count: Int, points: Int) -> [Int] {
    guard count > points else { return Array(0..<count) }
    let logMax = log(Double(count))
    let picked: [Int] = (0..<points).map { (i: Int) -> Int in
        let fraction: Double = Double(i) / Double(points - 1)
        let k: Int = Int(exp(fraction * logMax)) - 1
        return min(count - 1, k)
    }
    return Array(Set(picked + [0, count - 1])).sorted()
}
