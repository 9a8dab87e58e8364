import Foundation
import MOBL

/// The closing comparison's preference measures and its bookkeeping of seeds and
/// convergence (the vocabulary beside ``ComparisonEntry``).
///
/// A preference r asks for the minimizer of the weighted Chebyshev value
///
///     𝒯_r(x) = max_s r_s (Φ_s(x) − z_s)        (z = 0 in the course)
///
/// so the measure of how well a run honoured r is its **excess Chebyshev value**
/// 𝒯_r(x_K) − 𝒯*_r ≥ 0, where 𝒯*_r = min_x 𝒯_r(x). Unlike the misalignment 𝓜_r, it
/// cannot reward a point for lying near the ray while being dominated: a point that some
/// attainable point dominates has a 𝒯_r at least that point's, so no dominated point
/// scores below the optimum. It is paired with the stationarity gap, so that a point that
/// is not Pareto stationary cannot look good where 𝒯*_r is only the best value any method
/// reached.

/// 𝒯*_r for one problem and preference, and how it is known.
public struct ChebyshevReference: Sendable, Equatable {
    public enum Kind: Int, CaseIterable, Sendable {
        /// Computed exactly (the toys' `chebyshevOptimum`: bisection to 1e-15).
        case exact
        /// Computed by an independent long run with exact hypergradients that met its
        /// own stopping rule
        /// (``ChebyshevReference/accurate(_:preference:from:stepSize:maxSteps:tolerance:)``).
        case accurate
        /// The smallest 𝒯_r(x_K) any row of the problem reached (no optimum known).
        case bestReached

        public var name: String { ["exact", "accurate", "best reached"][rawValue] }
    }

    public let value: Double
    public let kind: Kind

    /// - Throws: `InvalidInput` for a value that is not finite.
    public init(value: Double, kind: Kind) throws {
        guard value.isFinite else {
            throw InvalidInput("reference Chebyshev value 𝒯*_r", "\(value)", "must be a finite number")
        }
        (self.value, self.kind) = (value, kind)
    }

    /// The exact reference from the optimum's values Φ* (e.g. `MOBLToy.chebyshevOptimum`).
    /// - Throws: `InvalidInput` for a preference and values of different lengths.
    public static func exact(preference r: Vector, optimum values: Vector) throws -> ChebyshevReference {
        try ChebyshevReference(value: chebyshevValue(preference: r, values: values), kind: .exact)
    }

    /// An accurate reference where the problem knows y*(x) and its hypergradients exactly
    /// but no closed-form optimum (meta-learning: every task's head is a ridge solve):
    /// weighted-Chebyshev descent (``DescentRule/chebyshev(preference:u:)``, u = 1, whose
    /// fixed point is the Chebyshev optimum) on Φ with exact hypergradients, from each
    /// start, until ‖d‖ ≤ `tolerance`; the smallest 𝒯_r of the converged runs.
    /// Cost per step: one exact Φ and S exact hypergradients.
    /// - Throws: `InvalidInput` when no start converged within `maxSteps`, or for bad settings.
    public static func accurate(
        _ problem: some BilevelProblemWithSolution, preference r: Vector, from starts: [Vector], stepSize: Double,
        maxSteps: Int, tolerance: Double
    ) throws -> ChebyshevReference {
        let reduced = ReducedProblem(problem: problem)
        let values = try starts.compactMap { start -> Double? in
            let run = try multiGradientDescent(
                reduced, from: start, rule: .chebyshev(preference: r, u: 1), stepSize: stepSize, maxSteps: maxSteps,
                tolerance: tolerance)
            return run.converged ? try chebyshevValue(preference: r, values: run.values) : nil
        }
        guard let best = values.min() else {
            throw InvalidInput(
                "accurate Chebyshev reference", "\(starts.count) starts",
                "none reached ‖d‖ ≤ \(sci(tolerance)) within \(maxSteps) steps")
        }
        return try ChebyshevReference(value: best, kind: .accurate)
    }
}

/// The reduced problem Φ(x) = f(x, y*(x)) of a bilevel problem with exact answers, as a
/// multi-objective problem (values and exact hypergradients).
struct ReducedProblem<P: BilevelProblemWithSolution>: MultiObjectiveProblem {
    let problem: P
    var dimension: Int { problem.upperDimension }
    var objectiveCount: Int { problem.objectiveCount }
    func values(at x: Vector) -> Vector { problem.reducedValues(x: x) }
    func gradients(at x: Vector) -> [Vector] { problem.exactHypergradients(x: x) }
}

/// 𝒯_r(Φ) = max_s r_s Φ_s (reference point z = 0).
/// - Throws: `InvalidInput` for a preference and values of different lengths or none.
public func chebyshevValue(preference r: Vector, values: Vector) throws -> Double {
    guard r.count == values.count, !r.isEmpty else {
        throw InvalidInput("preference and values", "\(r.count) and \(values.count) entries", "must match (S ≥ 1)")
    }
    return zip(r, values).map { $0 * $1 }.max()!
}

/// Whether a run converged on its budget — the rule the closing table applies to every row.
///
/// A run has **converged** when the method's own stopping rule fired, or when its exact
/// gap has stopped falling: the median gap over the last quarter of its steps is at least
/// half the median over the quarter before (it fell by less than a factor 2 while the
/// budget's last quarter was spent), or is below 1e-28 (rounding). Otherwise the budget
/// ended while the gap was still falling: **not converged**, and the row is not ranked.
public enum Convergence: Int, CaseIterable, Sendable {
    case ownStoppingRule, levelled, stillFalling

    public var name: String { ["own stopping rule", "gap levelled", "still falling"][rawValue] }
    public var converged: Bool { self != .stillFalling }

    /// Below this the gap is rounding (a combined hypergradient below 1e-14).
    public static let roundingGap = 1e-28
    /// The fall over the last quarter that counts as still falling.
    public static let fallFactor = 2.0

    /// Judges a run from its exact gap at every step (`nan` where a step was not measured).
    /// - Throws: `InvalidInput` for fewer than 4 steps, a quarter with no measured gap, or a
    ///   negative gap.
    public static func judge(gaps: [Double], stoppedByOwnRule: Bool = false) throws -> Convergence {
        if stoppedByOwnRule { return .ownStoppingRule }
        let k = gaps.count
        guard k >= 4 else { throw InvalidInput("gap trail", "\(k) steps", "needs at least 4 steps to judge") }
        guard !gaps.contains(where: { $0 < 0 }) else {
            throw InvalidInput("gap trail", "a negative gap", "gaps are ≥ 0")
        }
        func median(_ range: Range<Int>) throws -> Double {
            let measured = gaps[range].filter { !$0.isNaN }.sorted()
            guard !measured.isEmpty else {
                throw InvalidInput(
                    "gap trail", "steps \(range.lowerBound)..<\(range.upperBound)", "has no measured gap")
            }
            let m = measured.count / 2
            return measured.count % 2 == 1 ? measured[m] : (measured[m - 1] + measured[m]) / 2
        }
        let last = try median((3 * k / 4)..<k), before = try median((k / 2)..<(3 * k / 4))
        if last < roundingGap || last >= before / fallFactor { return .levelled }
        return .stillFalling
    }
}

extension ComparisonEntry {
    /// 𝒯_r(x_K) = max_s r_s Φ_s(x_K); nil without a preference.
    public var chebyshev: Double? { preference.flatMap { try? chebyshevValue(preference: $0, values: values) } }
    /// 𝒯_r(x_K) − 𝒯*_r against the entry's own reference; nil without one.
    public var excessChebyshev: Double? {
        guard let t = chebyshev, let reference else { return nil }
        return t - reference.value
    }

    /// One run's row, measured on a problem that knows y*(x) exactly: Φ(x_K) and the exact
    /// gap at the final point, and the convergence judged from the run's gap trail
    /// (``Convergence/judge(gaps:stoppedByOwnRule:)``). The call a chapter's
    /// closing-comparison section makes once per run (and per seed).
    /// - Throws: `InvalidInput` from the gap or the judgement (a trail of fewer than 4 steps).
    public static func measured(
        _ problem: CourseProblem, _ method: CourseMethod, on exact: some BilevelProblemWithSolution, x: Vector,
        preference: Vector?, counts: OracleCounts, peakVectors: Int, seconds: Double, seed: Int = 0,
        reference: ChebyshevReference?, gapTrail: [Double], stoppedByOwnRule: Bool = false
    ) throws -> ComparisonEntry {
        ComparisonEntry(
            problem: problem, method: method, preference: preference, values: exact.reducedValues(x: x),
            gap: try stationarityGap(gradients: exact.exactHypergradients(x: x)), counts: counts,
            peakVectors: peakVectors, lowerDimension: exact.lowerDimension, seconds: seconds, seed: seed,
            reference: reference,
            // A run too short to judge (fewer than 4 steps, e.g. on a tiny --outer-steps) is saved as not judged.
            convergence: gapTrail.count < 4 && !stoppedByOwnRule
                ? nil : try Convergence.judge(gaps: gapTrail, stoppedByOwnRule: stoppedByOwnRule)
        )
    }
}

/// The `comparison_runs` datablock: one row per run (every seed), with the closing
/// table's preference measures and the convergence judgement. Written by
/// ``closingComparisonTables(_:)`` beside `comparison`.
public func comparisonRunsTable(_ entries: [ComparisonEntry]) -> Table {
    var table = Table(
        "comparison_runs",
        [
            .init("problem", format: .label(CourseProblem.allCases.map(\.name))),
            .init("method", format: .label(CourseMethod.allCases.map(\.name))),
            .init("seed", format: .integer),
            .init("r1", "r_1", format: .fixed(3), missing: "-"),
            .init("chebyshev", "𝒯_r(x_K)", format: .scientific(4), missing: "-"),
            .init("reference", "𝒯*_r", format: .scientific(4), missing: "-"),
            .init(
                "reference_kind", "𝒯*_r is", format: .label(ChebyshevReference.Kind.allCases.map(\.name)),
                missing: "-"),
            .init("excess", "𝒯_r − 𝒯*_r", format: .scientific(2), missing: "-"),
            .init("gap", "gap", format: .scientific(2)),
            .init("misalignment", "𝓜_r", format: .scientific(2), missing: "-"),
            .init("convergence", "converged", format: .label(Convergence.allCases.map(\.name)), missing: "-"),
        ])
    for entry in entries {
        table.append([
            ("problem", Double(entry.problem.rawValue)), ("method", Double(entry.method.rawValue)),
            ("seed", Double(entry.seed)), ("r1", entry.preference?.first), ("chebyshev", entry.chebyshev),
            ("reference", entry.reference?.value), ("reference_kind", entry.reference.map { Double($0.kind.rawValue) }),
            ("excess", entry.excessChebyshev), ("gap", entry.gap), ("misalignment", entry.misalignment),
            ("convergence", entry.convergence.map { Double($0.rawValue) }),
        ])
    }
    return table
}

/// A chapter's closing-comparison section in one call: the `comparison` datablock (one
/// row per (problem, method): the first entry of each pair, normally seed 0 — the same
/// bytes ``comparisonTable(_:)`` writes for them) and `comparison_runs` (every entry,
/// every seed). Save both with the chapter's other tables; the wall times of the
/// `comparison` rows are ``closingComparisonTimings(_:)``.
public func closingComparisonTables(_ entries: [ComparisonEntry]) -> [Table] {
    [comparisonTable(representatives(entries)), comparisonRunsTable(entries)]
}

/// The `timings` datablock of the rows ``closingComparisonTables(_:)`` puts in `comparison`.
public func closingComparisonTimings(_ entries: [ComparisonEntry]) -> Table { timingsTable(representatives(entries)) }

/// The first entry of each (problem, method) pair, in order.
private func representatives(_ entries: [ComparisonEntry]) -> [ComparisonEntry] {
    var seen = Set<[Int]>()
    return entries.filter { seen.insert([$0.problem.rawValue, $0.method.rawValue]).inserted }
}

/// One row of a `comparison_runs` datablock, read back.
public struct ComparisonRunRow: Sendable, Equatable {
    public let problem: CourseProblem
    public let method: CourseMethod
    public let seed: Int
    public let r1: Double?
    public let chebyshev: Double?
    public let reference: Double?
    public let referenceKind: ChebyshevReference.Kind?
    public let excess: Double?
    public let gap: Double
    public let misalignment: Double?
    public let convergence: Convergence?

    /// Reads every row of a `comparison_runs` datablock.
    /// - Throws: `InvalidInput` for another block, a missing column, a label out of range,
    ///   a seed that is not a whole number ≥ 0, or a gap that is not finite and ≥ 0.
    public static func rows(of block: DataBlock) throws -> [ComparisonRunRow] {
        guard block.name == "comparison_runs" else {
            throw InvalidInput("datablock", "$\(block.name)", "is not $comparison_runs")
        }
        return try block.records.map { record in
            func value(_ name: String) throws -> Double {
                guard let v = record[name] else {
                    throw InvalidInput("comparison_runs row", "\(record.keys.sorted())", "lacks the column '\(name)'")
                }
                return v
            }
            func optional(_ name: String) throws -> Double? {
                let v = try value(name)
                return v.isNaN ? nil : v
            }
            func label<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == Int {
                guard let v = try optional(name) else { return nil }
                guard let index = wholeNumber(v), let case_ = T(rawValue: index) else {
                    throw InvalidInput("comparison_runs column \(name)", formatNumber(v), "is not a label of \(T.self)")
                }
                return case_
            }
            guard let problem = try label("problem", CourseProblem.self),
                let method = try label("method", CourseMethod.self)
            else { throw InvalidInput("comparison_runs row", "no problem or method", "both are required") }
            let s = try value("seed")
            guard let seed = wholeNumber(s), seed >= 0 else {
                throw InvalidInput("comparison_runs column seed", formatNumber(s), "must be a whole number ≥ 0")
            }
            let gap = try value("gap")
            guard gap.isFinite, gap >= 0 else {
                throw InvalidInput("comparison_runs column gap", formatNumber(gap), "must be a finite number ≥ 0")
            }
            return ComparisonRunRow(
                problem: problem, method: method, seed: seed, r1: try optional("r1"),
                chebyshev: try optional("chebyshev"), reference: try optional("reference"),
                referenceKind: try label("reference_kind", ChebyshevReference.Kind.self),
                excess: try optional("excess"), gap: gap, misalignment: try optional("misalignment"),
                convergence: try label("convergence", Convergence.self))
        }
    }
}

/// One chapter's saved rows, as the closing chapter reads them from a folder.
public struct SavedRows: Sendable {
    /// The tables file, e.g. `ch07-tables.dat`.
    public let file: String
    public let rows: [ComparisonRow]
    /// The `comparison_runs` rows (every seed); empty when the chapter saved none.
    public let runs: [ComparisonRunRow]
    /// Wall times, one per row; nil when there is no timings file or it does not match.
    public let timings: [TimingRow]?
    /// Whether a timings file was there but did not match the rows (stale).
    public let staleTimings: Bool
    /// The timings file's `# Machine:` line, if any.
    public let machine: String?

    /// Reads every `chNN[-word]-tables.dat` of `folder` (Chapter 10's own left out) that
    /// holds a `comparison` datablock, with its `comparison_runs` and its timings file.
    /// - Throws: an error naming the file (as `shownAs/file`) for a file that cannot be
    ///   read or parsed, or a bad row.
    public static func read(from folder: URL, shownAs name: String) throws -> [SavedRows] {
        struct Unreadable: Error, CustomStringConvertible { let description: String }
        func blocks(_ file: String) throws -> [String: DataBlock] {
            do {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                return try readDataBlocks(fromScript: text)
            } catch { throw Unreadable(description: "\(name)/\(file) cannot be read: \(error)") }
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() } catch {
            throw Unreadable(description: "--from \(name) cannot be listed: \(error)")
        }
        let tableFiles = names.filter {
            $0.range(of: #"^ch[0-9]{2}(-[a-z]+)?-tables\.dat$"#, options: .regularExpression) != nil
                && !$0.hasPrefix("ch10-")
        }
        var result: [SavedRows] = []
        for file in tableFiles {
            let saved = try blocks(file)
            guard let comparison = saved["comparison"] else { continue }
            let rows: [ComparisonRow], runs: [ComparisonRunRow]
            do {
                rows = try ComparisonRow.rows(of: comparison)
                runs = try saved["comparison_runs"].map(ComparisonRunRow.rows(of:)) ?? []
            } catch { throw Unreadable(description: "\(name)/\(file), $comparison: \(error)") }
            let timingsFile = file.replacingOccurrences(of: "-tables.dat", with: "-timings.dat")
            var timings: [TimingRow]? = nil
            var machine: String? = nil
            if names.contains(timingsFile) {
                let text = (try? String(contentsOf: folder.appendingPathComponent(timingsFile), encoding: .utf8)) ?? ""
                machine = text.split(separator: "\n").first { $0.hasPrefix("# Machine: ") }.map {
                    String($0.dropFirst("# Machine: ".count))
                }
                guard let block = try blocks(timingsFile)["timings"] else {
                    throw Unreadable(description: "\(name)/\(timingsFile) has no $timings datablock")
                }
                do { timings = try TimingRow.rows(of: block) } catch {
                    throw Unreadable(description: "\(name)/\(timingsFile), $timings: \(error)")
                }
            }
            let matches = timings.map { t in
                t.map { [$0.problem.rawValue, $0.method.rawValue] }
                    == rows.map { [$0.problem.rawValue, $0.method.rawValue] }
            }
            result.append(
                SavedRows(
                    file: file, rows: rows, runs: runs, timings: matches == true ? timings : nil,
                    staleTimings: matches == false, machine: machine))
        }
        return result
    }
}

/// The median and the range of some numbers (the seeds of one row).
public struct Spread: Sendable, Equatable {
    public let median: Double, low: Double, high: Double
    public let count: Int

    /// - Precondition: at least one value.
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "Spread of no values")
        (median, low, high) = medianAndRange(values)
        count = values.count
    }

    /// Whether every value of `self` lies below every value of `other` (the ranges do not
    /// overlap): the only order the closing table ranks.
    public func isBelow(_ other: Spread) -> Bool { high < other.low }
}

/// One line of the closing table: a (problem, method) pair with its seeds aggregated.
public struct ClosingRow: Sendable {
    /// Where a row stands under the convergence rule.
    public enum Status: Int, CaseIterable, Sendable {
        /// Every seed's run was judged converged (``Convergence``).
        case converged
        /// Not judged from a trail, but its final gap is below 1e-28: nothing left to fall.
        case atRounding
        /// At least one seed's gap was still falling when the budget ended.
        case notConverged
        /// The chapter saved no judgement (and the gap is above rounding).
        case notJudged

        public var name: String { ["yes", "yes (rounding)", "NO", "not judged"][rawValue] }
        /// Whether the row may be ranked.
        public var ranked: Bool { self == .converged || self == .atRounding }
    }

    /// The representative (first seed's) row of the chapter's `comparison` block.
    public let row: ComparisonRow
    /// The file it came from.
    public let file: String
    /// Its wall time, when a current timings file gave it.
    public let seconds: Double?
    /// Every seed's run (empty when the chapter saved no `comparison_runs`).
    public let runs: [ComparisonRunRow]
    /// 𝒯_r(x_K) − 𝒯*_r over the seeds; nil when no 𝒯_r was saved.
    public let excess: Spread?
    /// How 𝒯*_r is known (``ChebyshevReference/Kind/bestReached`` when the chapter gave none).
    public let referenceKind: ChebyshevReference.Kind?
    /// The final gap over the seeds (the representative row's alone without runs).
    public let gap: Spread
    public let status: Status

    public var problem: CourseProblem { row.problem }
    public var method: CourseMethod { row.method }
    public var seeds: Int { max(runs.count, 1) }
    /// Second-order oracle calls (∇²_yy g·v and ∇²_xy g·v).
    public var secondOrder: Int { row.hessianVector + row.mixed }

    /// The closing table from the saved rows: one line per (problem, method), in the course's
    /// order. Where a problem's runs carry 𝒯_r but no reference, 𝒯*_r is the smallest 𝒯_r any
    /// run of the problem reached (kind ``ChebyshevReference/Kind/bestReached``).
    /// - Throws: an error naming the file for a row whose control is not its method's, a
    ///   pair saved twice, or runs without their `comparison` row.
    public static func assemble(_ saved: [SavedRows], shownAs name: String) throws -> [ClosingRow] {
        struct Refused: Error, CustomStringConvertible { let description: String }
        var lines: [ClosingRow] = []
        let allRuns = saved.flatMap(\.runs)
        for file in saved {
            for (i, row) in file.rows.enumerated() {
                if row.control != row.method.preferenceControl {
                    throw Refused(
                        description: "\(name)/\(file.file): the row \(row.problem.name), \(row.method.name) says "
                            + "control '\(row.control.name)', but the method's is '\(row.method.preferenceControl.name)'"
                    )
                }
                if lines.contains(where: { $0.problem == row.problem && $0.method == row.method }) {
                    throw Refused(
                        description: "\(name)/\(file.file): the pair \(row.problem.name), \(row.method.name) was "
                            + "already saved by another row")
                }
                let runs = file.runs.filter { $0.problem == row.problem && $0.method == row.method }
                let best = allRuns.filter { $0.problem == row.problem }.compactMap(\.chebyshev).min()
                let excesses = runs.compactMap { run -> Double? in
                    run.excess ?? (run.reference == nil ? run.chebyshev.flatMap { c in best.map { c - $0 } } : nil)
                }
                let kind = runs.first.flatMap { $0.referenceKind ?? ($0.chebyshev != nil ? .bestReached : nil) }
                let judged = runs.compactMap(\.convergence)
                let gap = runs.isEmpty ? Spread([row.gap]) : Spread(runs.map(\.gap))
                let status: Status =
                    !judged.isEmpty && judged.count == runs.count
                    ? (judged.allSatisfy(\.converged) ? .converged : .notConverged)
                    : gap.high < Convergence.roundingGap ? .atRounding : .notJudged
                lines.append(
                    ClosingRow(
                        row: row, file: file.file, seconds: file.timings?[i].seconds, runs: runs,
                        excess: excesses.count == runs.count && !runs.isEmpty ? Spread(excesses) : nil,
                        referenceKind: kind, gap: gap, status: status))
            }
        }
        for run in allRuns where !lines.contains(where: { $0.problem == run.problem && $0.method == run.method }) {
            throw Refused(
                description: "\(name): runs of \(run.method.name) on \(run.problem.name) have no $comparison row")
        }
        return lines.sorted { ($0.problem.rawValue, $0.method.rawValue) < ($1.problem.rawValue, $1.method.rawValue) }
    }
}

/// A gap trail from a run's points x_1, …, x_K (the point after each outer step): the exact
/// gap 𝒢(x_k) at every step of the last half — where ``Convergence/judge(gaps:stoppedByOwnRule:)``
/// looks — and at steps 1, 2, 4, 8, … before it; `nan` elsewhere. Cost: one exact
/// hypergradient per measured step.
/// - Throws: `InvalidInput` from the gap (a gradient of the wrong length).
public func gapTrail(_ points: [Vector], on exact: some BilevelProblemWithSolution) throws -> [Double] {
    let k = points.count
    return try points.indices.map { i in
        let step = i + 1
        guard 2 * i >= k || step & (step - 1) == 0 else { return .nan }
        return try stationarityGap(gradients: exact.exactHypergradients(x: points[i]))
    }
}

/// A chapter's closing-comparison rows as it prints them, one line per (problem, method):
/// with one seed, 𝒯_r − 𝒯*_r, how 𝒯*_r is known, the final gap, the convergence judgement
/// and the costs; with several, the seeds, the median and range of 𝒯_r − 𝒯*_r, the median
/// final gap and the number of seeds judged converged. The problem column is left out when
/// every entry is on one problem. (Printed only: the saved tables are
/// ``closingComparisonTables(_:)``.)
public func closingRowsTable(_ entries: [ComparisonEntry]) -> Table {
    var groups: [[ComparisonEntry]] = []
    for entry in entries {
        if let i = groups.firstIndex(where: { $0[0].problem == entry.problem && $0[0].method == entry.method }) {
            groups[i].append(entry)
        } else {
            groups.append([entry])
        }
    }
    let problemColumns: [Table.Column] =
        Set(entries.map(\.problem)).count > 1
        ? [Table.Column("problem", format: .label(CourseProblem.allCases.map(\.name)))] : []
    /// The cells without the problem's when its column is left out.
    func kept(_ cells: [(String, Double?)]) -> [(String, Double?)] {
        problemColumns.isEmpty ? cells.filter { $0.0 != "problem" } : cells
    }
    let methodColumn = Table.Column("method", format: .label(CourseMethod.allCases.map(\.name)))
    if groups.allSatisfy({ $0.count == 1 }) {
        var table = Table(
            "closing_rows",
            problemColumns + [
                methodColumn,
                .init("excess", "𝒯_r − 𝒯*_r", format: .scientific(2), missing: "-"),
                .init("reference", "𝒯*_r is", format: .label(ChebyshevReference.Kind.allCases.map(\.name)), missing: "-"),
                .init("gap", "gap 𝒢(x_K)", format: .scientific(2)),
                .init("convergence", "converged", format: .label(Convergence.allCases.map(\.name)), missing: "-"),
                .init("calls", "calls", format: .integer), .init("peak_vectors", "p-vectors", format: .integer),
            ])
        for entry in entries {
            table.append(kept([
                ("problem", Double(entry.problem.rawValue)), ("method", Double(entry.method.rawValue)),
                ("excess", entry.excessChebyshev), ("reference", entry.reference.map { Double($0.kind.rawValue) }),
                ("gap", entry.gap), ("convergence", entry.convergence.map { Double($0.rawValue) }),
                ("calls", Double(entry.calls)), ("peak_vectors", Double(entry.peakVectors)),
            ]))
        }
        return table
    }
    var table = Table(
        "closing_rows",
        problemColumns + [
            methodColumn, .init("seeds", format: .integer),
            .init("excess", "𝒯_r − 𝒯*_r med", format: .scientific(2), missing: "-"),
            .init("excess_low", "min", format: .scientific(2), missing: "-"),
            .init("excess_high", "max", format: .scientific(2), missing: "-"),
            .init("gap", "gap med", format: .scientific(2)),
            .init("converged", "converged", format: .integer),
        ])
    for group in groups {
        let excess = group.compactMap(\.excessChebyshev)
        let spread = excess.count == group.count ? Spread(excess) : nil
        table.append(kept([
            ("problem", Double(group[0].problem.rawValue)), ("method", Double(group[0].method.rawValue)),
            ("seeds", Double(group.count)), ("excess", spread?.median), ("excess_low", spread?.low),
            ("excess_high", spread?.high), ("gap", Spread(group.map(\.gap)).median),
            ("converged", Double(group.filter { $0.convergence?.converged == true }.count)),
        ]))
    }
    return table
}
