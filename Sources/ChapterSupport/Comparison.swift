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
    /// The preference r (or the linear weights) the run was given; nil for methods
    /// that take none.
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

    public init(problem: CourseProblem, method: CourseMethod, preference: Vector?, values: Vector, gap: Double,
                counts: OracleCounts, peakVectors: Int, lowerDimension: Int, seconds: Double) {
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
    /// 0 means on the ray; nil for a run without a preference.
    public var misalignment: Double? {
        guard let r = preference else { return nil }
        let scaled = zip(r, values).map { $0 * $1 }
        guard let high = scaled.max(), let low = scaled.min(), high > 0 else { return nil }
        return (high - low) / high
    }

    /// Oracle calls of the four gradient-type kinds (∇f, ∇g, ∇²_yy g·v, ∇²_xy g·v).
    public var calls: Int { counts.upperGradient + counts.lowerGradient + counts.hessianVector + counts.mixedVector }

    /// Peak memory of the length-p vectors, in KiB.
    public var memoryKiB: Double { Double(peakVectors * lowerDimension * 8) / 1024 }
}

/// The `comparison` datablock: one row per entry, every column deterministic.
public func comparisonTable(_ entries: [ComparisonEntry]) -> Table {
    var table = Table("comparison", [
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
        table.append([("problem", Double(entry.problem.rawValue)), ("method", Double(entry.method.rawValue)),
                      ("control", Double(entry.method.preferenceControl.rawValue)), ("r1", entry.preference?.first),
                      ("misalignment", entry.misalignment), ("gap", entry.gap), ("calls", Double(entry.calls)),
                      ("upper_gradients", Double(entry.counts.upperGradient)),
                      ("lower_gradients", Double(entry.counts.lowerGradient)),
                      ("hessian_vector", Double(entry.counts.hessianVector)), ("mixed", Double(entry.counts.mixedVector)),
                      ("peak_vectors", Double(entry.peakVectors)), ("memory_kib", entry.memoryKiB)])
    }
    return table
}

/// The `timings` datablock: the wall time of each entry, in the same row order as
/// ``comparisonTable(_:)``.
public func timingsTable(_ entries: [ComparisonEntry]) -> Table {
    var table = Table("timings", [
        .init("problem", format: .label(CourseProblem.allCases.map(\.name))),
        .init("method", format: .label(CourseMethod.allCases.map(\.name))),
        .init("seconds", "wall s", format: .fixed(4)),
    ])
    for entry in entries {
        table.append(["problem": Double(entry.problem.rawValue), "method": Double(entry.method.rawValue), "seconds": entry.seconds])
    }
    return table
}
