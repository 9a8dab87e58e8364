/// Hypergradient descent on one upper objective: the outer loop that Chapter 4
/// studies and that WC-MHGD extends to several objectives.
///
///     y_k   = D steps of  y ← y − α ∇_y g(x_k, y),  from y_{k−1} (warm) or y₀ (cold)
///     v_k   solves  ∇²_yy g(x_k, y_k) v = ∇_y f(x_k, y_k),  CG or Neumann, from v_{k−1} (warm) or 0
///     ĥ_k   = ∇_x f(x_k, y_k) − ∇²_xy g(x_k, y_k) v_k          (AID)
///     x_{k+1} = x_k − β ĥ_k
///
/// Warm starts carry the inner accuracy forward from step to step (Chapter 4): the
/// inner error then shrinks with the outer loop instead of resting on the floor
/// (1 − μ/L)^D ‖y₀ − y*(x_k)‖ that cold starts leave.
///
/// ``OuterIterate/peakVectors`` is the AID estimate's
/// ``HypergradientEstimate/peakVectors``: the solver's vectors plus y and ∇_y f
/// (6 for CG, 5 for Neumann), whatever D and the number of CG steps.
public struct HypergradientDescent: Sendable {
    /// Outer steps K (the budget; an observer may stop sooner).
    public var outerSteps: Int
    /// How x moves with the step this method computes (``OuterOptimizer``): `.plain`, the
    /// paper's update, by default.
    public var outerOptimizer: OuterOptimizer = .plain
    /// Inner gradient steps D per outer step.
    public var innerSteps: Int
    /// Inner step α (≤ 2/L).
    public var alpha: Double
    /// Outer step β.
    public var beta: Double
    /// How the linear system is solved, and when the solve stops.
    public var solver: HessianSolver
    /// Start each inner loop from the previous y (else from y₀).
    public var warmInner: Bool
    /// Start each CG solve from the previous v (else from 0). Neumann series always start at 0.
    public var warmSolve: Bool
    /// Which upper objective to descend (0 for single-objective problems).
    public var objective: Int

    public init(
        outerSteps: Int, innerSteps: Int, alpha: Double, beta: Double, solver: HessianSolver,
        warmInner: Bool = true, warmSolve: Bool = true, objective: Int = 0
    ) {
        self.outerSteps = outerSteps
        self.innerSteps = innerSteps
        self.alpha = alpha
        self.beta = beta
        self.solver = solver
        self.warmInner = warmInner
        self.warmSolve = warmSolve
        self.objective = objective
    }

    /// Runs the loop from (x₀, y₀), handing every step to `observe`.
    ///
    /// - Returns: the last point, the steps taken and the oracle calls made.
    /// - Throws: `InvalidInput` for K < 1, D < 0, β ≤ 0, α outside (0, 2/L) or points of
    ///   the wrong size; `DidNotConverge` when a solve with a tolerance misses it
    ///   (a hypergradient from an unconverged solve is not returned silently);
    ///   whatever the observer throws.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try requireAtLeastOne(outerSteps, "outer steps K")
        try requirePositive(beta, "outer step β")
        try problem.checkPoint(x: x0, y: y0)
        let oracles = CountedOracles(problem)
        return try outerLoop(
            steps: outerSteps, oracles: oracles, x0: x0, state: State(y: y0, y0: y0), optimizer: outerOptimizer,
            observe: observe)
        {
            k, x, state in
            try step(k, x: x, state: &state, oracles: oracles)
        }
    }

    /// What the loop carries from one outer step to the next.
    public struct State: OuterState {
        /// y_k, where the next inner loop starts when warm.
        public var y: Vector
        /// y₀, where every inner loop starts when cold.
        public let y0: Vector
        /// v_{k−1}, the last solution of the linear system (the next solve's warm start).
        public var v: [Vector?] = [nil]

        public init(y: Vector, y0: Vector) { (self.y, self.y0) = (y, y0) }
    }

    /// One outer step at x_k, line by line as in the box above.
    public func step(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        // y_k = D steps of y ← y − α∇_y g(x_k, y), from y_{k−1} (warm) or y₀ (cold).
        state.y = try innerGradientDescent(
            oracles, x: x, start: warmInner ? state.y : state.y0, steps: innerSteps,
            stepSize: alpha, measureFinalGradient: false
        ).y
        // v_k solves ∇²_yy g v = ∇_y f (from v_{k−1} or 0); ĥ_k = ∇_x f − ∇²_xy g v_k.
        let h = try aidHypergradients(
            oracles, objectives: objective..<(objective + 1), x: x, y: state.y, solver: solver,
            warm: &state.v, warmStart: warmSolve, step: k)
        // x_{k+1} = x_k − β ĥ_k.
        let step = -beta * h.gradients[0]
        return OuterIterate(
            k: k, x: x, y: state.y, values: h.values, hypergradients: h.gradients, weights: [1],
            step: step, solveProducts: h.products, peakVectors: h.peakVectors, counts: oracles.counts)
    }
}
