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
    /// The direction's ingredients: the hypergradient estimates ĥ_s(x_k), one per
    /// objective used.
    public let hypergradients: [Vector]
    /// The weights λ applied to them (one entry per objective; `[1]` for a single one).
    public let weights: Vector
    /// The step taken, x_{k+1} = x_k + step.
    public let step: Vector
    /// The Hessian-vector products of this step's linear solves (CG or Neumann).
    public let solveProducts: Int
    /// Oracle calls so far, this step included.
    public let counts: OracleCounts
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
