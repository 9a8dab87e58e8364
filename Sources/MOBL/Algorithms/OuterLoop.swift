/// The one trace design every bilevel algorithm of the course shares.
///
/// An algorithm runs outer steps k = 0, 1, …, K − 1 and, at each, hands an
/// ``OuterIterate`` — what it used at that step and what the step cost — to one
/// observer closure, as ``conjugateGradient(_:_:initialGuess:stop:observe:)`` hands
/// its iterates. The observer measures what it likes (an error against the exact
/// answer, a running minimum, a figure's row) and returns false to stop the run.
/// The algorithm itself sees only oracles; exact answers, when a problem has them,
/// are used by observers for measuring and never by the algorithm.

/// The record of one outer step.
public struct OuterIterate: Sendable {
    /// The step index k (0 for the first step).
    public let k: Int
    /// The outer point x_k at which the step was computed.
    public let x: Vector
    /// The inner point y_k the step used (after its inner steps).
    public let y: Vector
    /// The objective values the step used, f_s(x_k, y_k) (estimates of Φ_s(x_k)).
    public let values: Vector
    /// The direction's ingredients: the hypergradient estimates ĥ_s(x_k), one per
    /// objective used.
    public let hypergradients: [Vector]
    /// The weights λ applied to them (one entry per objective; `[1]` for a single one).
    public let weights: Vector
    /// The step taken, x_{k+1} = x_k + step.
    public let step: Vector
    /// The Hessian-vector products of this step's linear solves (CG or Neumann).
    public let solveProducts: Int
    /// The most length-p vectors (p = dim y, the lower-level dimension) held at once
    /// during the step: the memory the papers' complexity claims are about.
    ///
    /// The rule, the same for every method: count every length-p vector alive at the
    /// step's peak — the hypergradient estimator's own (``HypergradientEstimate/peakVectors``:
    /// solver vectors, y, ∇_y f_s, ITD's stored iterates) plus those the loop keeps
    /// across the estimates (the other objectives' stored solutions v_s). The caller's
    /// x₀ and y₀ and the length-n vectors (x, the hypergradients ĥ_s, MoCo's tracked
    /// columns of Y, the step) are not counted; they are O(S n) for every method.
    /// The values, with S objectives:
    ///
    /// - ``HypergradientDescent``: the AID estimate's, 6 with CG, 5 with Neumann;
    /// - ``WCMHGD``, ``MoCo``: the largest AID estimate's plus S − 1 stored v_s
    ///   (S + 5 with CG), independent of the inner steps D and the CG steps N;
    /// - ``StochasticWCMHGD``: the same rule with the stochastic estimates;
    /// - ``MOML``: ITD holds the T + 1 inner iterates plus the reverse pass's adjoint
    ///   and product, reused by every objective: T + 3, linear in T;
    /// - ``FORUM``: y, ỹ and the y parts of the m gradients ∇F_i, of ∇q̃ and of the
    ///   combined direction: m + 4, independent of T.
    public let peakVectors: Int
    /// Oracle calls so far, this step included.
    public let counts: OracleCounts
    /// For constrained methods (FORUM): the constraint, its multiplier and the y step;
    /// nil for hypergradient methods.
    public var constraint: ConstraintRecord? = nil
}

/// What an outer loop returns when it stops.
public struct OuterResult: Sendable {
    /// The last outer point (after the last step).
    public let x: Vector
    /// The last inner point.
    public let y: Vector
    /// Outer steps taken.
    public let steps: Int
    /// Oracle calls in all.
    public let counts: OracleCounts
    /// Whether the observer stopped the run before the step budget ran out.
    public let stoppedByObserver: Bool
}

/// Called with every outer step; return false to stop after it.
public typealias OuterObserver = (OuterIterate) throws -> Bool

/// One outer step as the standard trace keeps it.
public struct TraceRecord: Sendable {
    public let k: Int
    /// f_s(x_k, y_k), the values the step used.
    public let values: Vector
    /// The weights λ_k.
    public let weights: Vector
    /// ‖x_{k+1} − x_k‖.
    public let stepNorm: Double
    /// The stationarity gap min_{λ∈Δ} ‖Σ λ_s ∇Φ_s(x_k)‖² with the exact hypergradients,
    /// when the problem knows them (nil otherwise).
    public let gap: Double?
    /// The most length-p vectors held at once during the step (``OuterIterate/peakVectors``).
    public let peakVectors: Int
    /// Oracle calls so far, this step included.
    public let counts: OracleCounts
}

/// The standard observer: keeps a ``TraceRecord`` per step and, when given a problem
/// that knows its exact hypergradients, measures the true stationarity gap at every
/// x_k (with dense solves the algorithm never sees).
///
///     let trace = OuterTrace(exact: toy)
///     let result = try wcmhgd.run(toy, x0: x0, y0: y0, observe: trace.observe)
///     trace.records.last!.gap
public final class OuterTrace: @unchecked Sendable {
    public private(set) var records: [TraceRecord] = []
    private let exact: (any BilevelProblemWithSolution)?

    public init(exact: (any BilevelProblemWithSolution)? = nil) { self.exact = exact }

    /// Records the step; never stops the run.
    public func observe(_ step: OuterIterate) throws -> Bool {
        let gap = try exact.map { try stationarityGap(gradients: $0.exactHypergradients(x: step.x)) }
        records.append(TraceRecord(k: step.k, values: step.values, weights: step.weights, stepNorm: norm(step.step),
                                   gap: gap, peakVectors: step.peakVectors, counts: step.counts))
        return true
    }

    /// The running minimum of the gap, min_{j ≤ k} gap_j (the quantity the O(1/K) rate bounds).
    public var runningMinimumGap: [Double] {
        var best = Double.infinity
        return records.map { best = min(best, $0.gap ?? .nan); return best }
    }
}

/// The outer loop every algorithm of the course runs: for k = 0 … K − 1, `step`
/// computes the step at (x_k, y) — updating the inner point y in place — and returns
/// its record; the loop moves x_{k+1} = x_k + step, hands the record to the observer,
/// and stops early when the observer returns false.
func outerLoop(steps: Int, oracles: CountedOracles, x0: Vector, y0: Vector, observe: OuterObserver,
               step: (_ k: Int, _ x: Vector, _ y: inout Vector) throws -> OuterIterate) throws -> OuterResult {
    var x = x0, y = y0
    for k in 0..<steps {
        let iterate = try step(k, x, &y)
        axpy(1, iterate.step, &x)
        if try !observe(iterate) {
            return OuterResult(x: x, y: y, steps: k + 1, counts: oracles.counts, stoppedByObserver: true)
        }
    }
    return OuterResult(x: x, y: y, steps: steps, counts: oracles.counts, stoppedByObserver: false)
}

/// The settings checks every algorithm makes, with one wording: a count that must be
/// at least 1 (K, T) …
func requireAtLeastOne(_ value: Int, _ name: String) throws {
    guard value >= 1 else { throw InvalidInput(name, "\(value)", "must be ≥ 1") }
}

/// … and a step or weight that must be a positive finite number (β, μ, γ, α).
func requirePositive(_ value: Double, _ name: String) throws {
    guard value > 0, value.isFinite else { throw InvalidInput(name, "\(value)", "must be > 0 and finite") }
}
