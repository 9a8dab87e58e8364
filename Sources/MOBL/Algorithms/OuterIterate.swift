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
    /// The step taken, x_{k+1} = x_k + step (with ``OuterOptimizer/adam(stepSize:beta1:beta2:epsilon:)``,
    /// Adam's move for the method's step).
    public internal(set) var step: Vector
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
