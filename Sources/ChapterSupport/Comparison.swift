import MOBL

/// The course's closing comparison, in one shape for every chapter.
///
/// Chapters that run methods head to head record each run as a ``ComparisonEntry``
/// and save ``comparisonTable(_:)`` (the datablock `comparison` of `chNN-tables.dat`,
/// deterministic) beside their other tables. The closing chapter reads those
/// datablocks back and assembles the course's one table, so no number in it is
/// retyped. Wall time is not deterministic, so it lives apart, in ``timingsTable(_:)``
/// (`chNN-timings.dat`, written only with `--timings`).

/// Every algorithm of the course, as the closing table names it.
public enum CourseMethod: Int, CaseIterable, Sendable {
    case wcmhgdCG, wcmhgdNeumann, stochasticWCMHGD, forum, moml, moco, mgda, linear

    /// The name printed in tables.
    public var name: String {
        switch self {
        case .wcmhgdCG: return "WC-MHGD (CG)"
        case .wcmhgdNeumann: return "WC-MHGD (Neumann)"
        case .stochasticWCMHGD: return "stochastic WC-MHGD"
        case .forum: return "FORUM"
        case .moml: return "MOML"
        case .moco: return "MoCo"
        case .mgda: return "MGDA"
        case .linear: return "linear scalarization"
        }
    }

    /// Whether the closing table expects a row of this method on `problem`.
    ///
    /// Stochastic WC-MHGD needs a lower level that is a finite sum (mini-batch oracles):
    /// the finite-sum toy, and meta-learning (a sum over tasks). The deterministic methods
    /// run on every problem but the finite-sum toy, whose full batch *is* the S = 2 toy:
    /// their rows for it are the S = 2 toy's rows.
    public func applies(to problem: CourseProblem) -> Bool {
        switch problem {
        case .finiteSumToy: return self == .stochasticWCMHGD
        case .metaLearning: return true
        case .toyS2, .toyS5, .cleaningSynthetic, .cleaningReal: return self != .stochasticWCMHGD
        }
    }

    /// What the method lets a user say about where on the front to land.
    public var preferenceControl: PreferenceControl {
        switch self {
        case .wcmhgdCG, .wcmhgdNeumann, .stochasticWCMHGD: return .preference
        case .linear: return .weights
        case .forum, .moml, .moco, .mgda: return .none
        }
    }
}

/// Whether a method takes a preference: a Chebyshev preference r (any point of the
/// front can be asked for), fixed weights (linear scalarization: only the convex
/// hull of the front is reachable), or nothing (it stops wherever it first becomes
/// Pareto stationary).
public enum PreferenceControl: Int, CaseIterable, Sendable {
    case preference, weights, none

    public var name: String {
        switch self {
        case .preference: return "yes"
        case .weights: return "weights only"
        case .none: return "no"
        }
    }
}

/// Every problem of the course on which methods are compared.
public enum CourseProblem: Int, CaseIterable, Sendable {
    /// The MOBL toy with VLMOP2 upper objectives (S = 2, n = p = 10).
    case toyS2
    /// The MOBL toy with five Gaussian wells on a pentagon (S = 5).
    case toyS5
    /// The finite-sum toy whose full batch is the S = 2 toy.
    case finiteSumToy
    /// Data hyper-cleaning, the synthetic pair of domains (Chapter 8's default).
    case cleaningSynthetic
    /// Data hyper-cleaning on MNIST and Fashion-MNIST (Chapter 8 with `--data`).
    case cleaningReal
    /// Few-shot regression over five task families (Chapter 9).
    case metaLearning

    public var name: String {
        switch self {
        case .toyS2: return "toy S=2 (VLMOP2)"
        case .toyS5: return "toy S=5 (pentagon)"
        case .finiteSumToy: return "finite-sum toy S=2"
        case .cleaningSynthetic: return "hyper-cleaning, synthetic"
        case .cleaningReal: return "hyper-cleaning, MNIST+Fashion"
        case .metaLearning: return "meta-learning, 5 families"
        }
    }
}

/// One method's run on one problem, as the closing table reports it.
public struct ComparisonEntry: Sendable {
    public let problem: CourseProblem
    public let method: CourseMethod
    /// The preference r the comparison states for the problem: given to the methods
    /// that take one (linear scalarization uses it as weights), and the ray every end
    /// point's ``misalignment`` is measured against — also for methods that take none
    /// (they were not told it; `control` says so). nil: no alignment measured.
    public let preference: Vector?
    /// Φ_s at the final point: exact when the problem knows y*(x), otherwise the
    /// best estimate the chapter has (it says which).
    public let values: Vector
    /// The final stationarity gap min_{λ∈Δ} ‖Σ λ_s ∇Φ_s(x_K)‖², with exact (or
    /// tightly solved) hypergradients: the same measure for every method.
    public let gap: Double
    /// Oracle calls in all.
    public let counts: OracleCounts
    /// The most length-p vectors held at once (``OuterIterate/peakVectors``).
    public let peakVectors: Int
    /// p, the length of the lower-level variable (for the memory in bytes).
    public let lowerDimension: Int
    /// Wall time of the run in seconds (not deterministic: saved only in the timings).
    public let seconds: Double
    /// Which of the chapter's seeds made the run (0: the course's generator).
    public let seed: Int
    /// 𝒯*_r, the optimum of the Chebyshev value the run's preference asks for, and how it
    /// is known (``ChebyshevReference``); nil: the chapter has none (the closing chapter
    /// then measures against the best value any method reached, and says so).
    public let reference: ChebyshevReference?
    /// Whether the run converged on its budget, by ``Convergence/judge(gaps:stoppedByOwnRule:)``;
    /// nil: not judged.
    public let convergence: Convergence?

    public init(
        problem: CourseProblem, method: CourseMethod, preference: Vector?, values: Vector, gap: Double,
        counts: OracleCounts, peakVectors: Int, lowerDimension: Int, seconds: Double, seed: Int = 0,
        reference: ChebyshevReference? = nil, convergence: Convergence? = nil
    ) {
        self.seed = seed
        self.reference = reference
        self.convergence = convergence
        self.problem = problem
        self.method = method
        self.preference = preference
        self.values = values
        self.gap = gap
        self.counts = counts
        self.peakVectors = peakVectors
        self.lowerDimension = lowerDimension
        self.seconds = seconds
    }

    /// How far the final point is from the preference's ray {Φ : r_1Φ_1 = … = r_SΦ_S}
    /// (the Chebyshev optimum's property, reference point 0):
    ///
    ///     (max_s r_sΦ_s − min_s r_sΦ_s) / max_s r_sΦ_s   ∈ [0, 1]
    ///
    /// 0 means on the ray; nil when no preference is recorded.
    public var misalignment: Double? {
        preference.flatMap { try? MOBL.misalignment(preference: $0, values: values) }
    }

    /// Oracle calls of the four gradient-type kinds (∇f, ∇g, ∇²_yy g·v, ∇²_xy g·v).
    public var calls: Int { counts.calls }

    /// Peak memory of the length-p vectors, in KiB.
    public var memoryKiB: Double { Double(peakVectors * lowerDimension * 8) / 1024 }
}

/// The `comparison` datablock: one row per entry, every column deterministic.
public func comparisonTable(_ entries: [ComparisonEntry]) -> Table {
    var table = Table(
        "comparison",
        [
            .init("problem", format: .label(CourseProblem.allCases.map(\.name))),
            .init("method", format: .label(CourseMethod.allCases.map(\.name))),
            .init("control", "preference control", format: .label(PreferenceControl.allCases.map(\.name))),
            .init("r1", "r_1", format: .fixed(3), missing: "-"),
            .init("misalignment", "misalignment", format: .scientific(2), missing: "-"),
            .init("gap", "stationarity gap", format: .scientific(2)),
            .init("calls", "oracle calls", format: .integer),
            .init("upper_gradients", "∇f", format: .integer), .init("lower_gradients", "∇g", format: .integer),
            .init("hessian_vector", "∇²g·v", format: .integer), .init("mixed", "∇²_xy g·v", format: .integer),
            .init("peak_vectors", "peak p-vectors", format: .integer),
            .init("memory_kib", "memory KiB", format: .fixed(1)),
        ])
    for entry in entries {
        table.append([
            ("problem", Double(entry.problem.rawValue)), ("method", Double(entry.method.rawValue)),
            ("control", Double(entry.method.preferenceControl.rawValue)), ("r1", entry.preference?.first),
            ("misalignment", entry.misalignment), ("gap", entry.gap), ("calls", Double(entry.calls)),
            ("upper_gradients", Double(entry.counts.upperGradient)),
            ("lower_gradients", Double(entry.counts.lowerGradient)),
            ("hessian_vector", Double(entry.counts.hessianVector)), ("mixed", Double(entry.counts.mixedVector)),
            ("peak_vectors", Double(entry.peakVectors)), ("memory_kib", entry.memoryKiB),
        ])
    }
    return table
}

/// The `timings` datablock: the wall time of each entry, in the same row order as
/// ``comparisonTable(_:)``.
public func timingsTable(_ entries: [ComparisonEntry]) -> Table {
    var table = Table(
        "timings",
        [
            .init("problem", format: .label(CourseProblem.allCases.map(\.name))),
            .init("method", format: .label(CourseMethod.allCases.map(\.name))),
            .init("seconds", "wall s", format: .fixed(4)),
        ])
    for entry in entries {
        table.append([
            "problem": Double(entry.problem.rawValue), "method": Double(entry.method.rawValue),
            "seconds": entry.seconds,
        ])
    }
    return table
}

/// One row of a `comparison` datablock, read back (the closing chapter and the tests
/// read the chapters' saved tables through this, never by column position).
public struct ComparisonRow: Sendable, Equatable {
    public let problem: CourseProblem
    public let method: CourseMethod
    public let control: PreferenceControl
    /// r_1 of the stated preference; nil when none was recorded.
    public let r1: Double?
    /// ``ComparisonEntry/misalignment``; nil when not measured.
    public let misalignment: Double?
    public let gap: Double
    public let calls: Int
    public let upperGradients: Int, lowerGradients: Int, hessianVector: Int, mixed: Int
    public let peakVectors: Int
    public let memoryKiB: Double

    /// Reads one record of the `comparison` datablock (column name → value).
    /// - Throws: `InvalidInput` for a missing column, a label index out of range, a
    ///   count that is not a whole number ≥ 0, or a gap that is not a finite number ≥ 0.
    public init(record: [String: Double]) throws {
        func value(_ name: String) throws -> Double {
            guard let v = record[name] else {
                throw InvalidInput("comparison row", "\(record.keys.sorted())", "lacks the column '\(name)'")
            }
            return v
        }
        func label<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T where T.RawValue == Int {
            let v = try value(name)
            guard let index = wholeNumber(v), let case_ = T(rawValue: index) else {
                throw InvalidInput(
                    "comparison column \(name)", formatNumber(v),
                    "is not a label of \(T.self) (a whole number counting from 0)")
            }
            return case_
        }
        func count(_ name: String) throws -> Int {
            let v = try value(name)
            guard let n = wholeNumber(v), n >= 0 else {
                throw InvalidInput("comparison column \(name)", formatNumber(v), "must be a whole number from 0 to 2⁵³")
            }
            return n
        }
        func optional(_ name: String) throws -> Double? {
            let v = try value(name)
            return v.isNaN ? nil : v
        }
        problem = try label("problem", CourseProblem.self)
        method = try label("method", CourseMethod.self)
        control = try label("control", PreferenceControl.self)
        r1 = try optional("r1")
        misalignment = try optional("misalignment")
        gap = try value("gap")
        guard gap.isFinite, gap >= 0 else {
            throw InvalidInput("comparison column gap", formatNumber(gap), "must be a finite number ≥ 0")
        }
        calls = try count("calls")
        upperGradients = try count("upper_gradients")
        lowerGradients = try count("lower_gradients")
        hessianVector = try count("hessian_vector")
        mixed = try count("mixed")
        peakVectors = try count("peak_vectors")
        memoryKiB = try value("memory_kib")
    }

    /// Reads every row of a `comparison` datablock.
    /// - Throws: `InvalidInput` for another block, a block without rows, or a bad row.
    public static func rows(of block: DataBlock) throws -> [ComparisonRow] {
        guard block.name == "comparison" else {
            throw InvalidInput("datablock", "$\(block.name)", "is not $comparison")
        }
        guard !block.dataRows.isEmpty else {
            throw InvalidInput("datablock $comparison", "no rows", "must hold at least one row")
        }
        return try block.records.map(ComparisonRow.init(record:))
    }
}

/// One row of a `timings` datablock, read back.
public struct TimingRow: Sendable, Equatable {
    public let problem: CourseProblem
    public let method: CourseMethod
    public let seconds: Double

    /// Reads every row of a `timings` datablock.
    /// - Throws: `InvalidInput` for a missing column, an unknown label, or a time that
    ///   is not a finite number ≥ 0.
    public static func rows(of block: DataBlock) throws -> [TimingRow] {
        guard block.name == "timings" else { throw InvalidInput("datablock", "$\(block.name)", "is not $timings") }
        return try block.records.map { record in
            guard let p = record["problem"], let m = record["method"], let s = record["seconds"] else {
                throw InvalidInput(
                    "timings row", "\(record.keys.sorted())", "needs the columns problem, method, seconds")
            }
            guard let problem = wholeNumber(p).flatMap(CourseProblem.init(rawValue:)) else {
                throw InvalidInput("timings column problem", formatNumber(p), "is not a problem label")
            }
            guard let method = wholeNumber(m).flatMap(CourseMethod.init(rawValue:)) else {
                throw InvalidInput("timings column method", formatNumber(m), "is not a method label")
            }
            guard s.isFinite, s >= 0 else {
                throw InvalidInput("timings column seconds", formatNumber(s), "must be a finite number ≥ 0")
            }
            return TimingRow(problem: problem, method: method, seconds: s)
        }
    }
}

/// A number read from a file as a whole number, or nil when it is not one that converts
/// exactly: finite, integral and at most 2⁵³ in size (a larger Double → Int conversion
/// would trap, or round).
func wholeNumber(_ value: Double) -> Int? {
    guard value.isFinite, value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
    return Int(value)
}
