/// MOML, multi-objective meta-learning (Ye et al. 2021, arXiv 2102.07121) as FORUM's
/// chapter runs it: ITD hypergradients through D unrolled inner steps, combined by MGDA.
///
///     for k = 0 … K−1:
///         y^(0) = y^(D) of step k − 1 (warm) or the caller's y₀ (cold)
///         y^(j+1) = y^(j) − α ∇_y g(x_k, y^(j)),   j = 0 … D−1          (stored: D + 1 iterates)
///         ĥ_s = ∇_x f_s(x_k, y^(D)) + (J^(D))ᵀ ∇_y f_s(x_k, y^(D))      (reverse mode, for each s)
///         λ_k = argmin_{λ∈Δ_S} ‖Σ_s λ_s ĥ_s‖²                          (MGDA min-norm weights)
///         x_{k+1} = x_k − β Σ_s λ_{k,s} ĥ_s
///
/// (The FORUM paper, which uses MOML as its baseline, writes T for D.) ĥ_s is the exact
/// gradient of x ↦ f_s(x, y^(D)(x)) with y^(0) held fixed
/// (``itdHypergradient(_:objective:x:start:steps:stepSize:)``); as D grows and y^(D) →
/// y*(x_k) it tends to the true hypergradient ∇Φ_s(x_k). Every Pareto-stationary
/// point of the reduced objectives is a fixed point up to that bias.
///
/// The forward pass is run ONCE per outer step and serves all S reverse passes, so a
/// step costs D lower gradients, S·D mixed products, S·(D − 1) Hessian-vector products,
/// 2S upper gradients, S value evaluations and one min-norm QP — O(S p (n + p) D)
/// arithmetic on dense oracles, the papers' time claim. Memory: the D + 1 stored
/// iterates plus the adjoint and one product, whatever S
/// (``OuterIterate/peakVectors`` = D + 3): linear in D, against the O(1) of AID and
/// of FORUM.
///
/// Every step goes to an ``OuterObserver`` as an ``OuterIterate``: the values
/// f_s(x_k, y^(D)), the ITD hypergradients, the weights λ_k, the step, 0
/// ``OuterIterate/solveProducts`` (there is no linear solve), the peak vectors and the
/// oracle counts. ``OuterIterate/y`` is y^(D).
public struct MOML: Sendable {
    /// Outer steps K (the budget; an observer may stop sooner).
    public var outerSteps: Int
    /// How x moves with the step this method computes (``OuterOptimizer``): `.plain`, the
    /// paper's update, by default.
    public var outerOptimizer: OuterOptimizer = .plain
    /// Unrolled inner steps D per outer step (≥ 1), the depth ITD differentiates through.
    public var innerSteps: Int
    /// Inner step α (below 2/L; 1/L is the usual choice).
    public var alpha: Double
    /// Outer step β.
    public var beta: Double
    /// Start each unrolled inner loop from the previous step's y^(D) (the paper's
    /// choice; else from the caller's y₀ every time).
    public var warmInner: Bool
    /// The authors' code's variant (off by default): with S = 2, clip the MGDA weight
    /// λ₁ to this range (their Sener–Koltun solver uses [0.001, 0.999]) and set
    /// λ₂ = 1 − λ₁, so neither objective is ever dropped entirely.
    public var clipTwoObjectiveWeight: ClosedRange<Double>? = nil

    public init(outerSteps: Int, innerSteps: Int, alpha: Double, beta: Double, warmInner: Bool = true) {
        self.outerSteps = outerSteps
        self.innerSteps = innerSteps
        self.alpha = alpha
        self.beta = beta
        self.warmInner = warmInner
    }

    /// Checks the configuration.
    ///
    /// - Throws: ``InvalidInput`` naming the value and the rule: K < 1; D < 1 (ITD
    ///   needs at least one step to differentiate through); β ≤ 0 or not finite;
    ///   α ≤ 0 or not finite (α beyond 2/L is refused by ``run(_:x0:y0:observe:)`` when
    ///   the problem knows L).
    public func validate() throws {
        try requireAtLeastOne(outerSteps, "outer steps K")
        guard innerSteps >= 1 else {
            throw InvalidInput(
                "unrolled inner steps D", "\(innerSteps)", "must be ≥ 1 (ITD differentiates through at least one step)")
        }
        try requirePositive(beta, "outer step β")
        try requirePositive(alpha, "inner step α")
        if let range = clipTwoObjectiveWeight, range.lowerBound < 0 || range.upperBound > 1 {
            throw InvalidInput("clipTwoObjectiveWeight", "\(range)", "must lie within [0, 1]")
        }
    }

    /// Runs K outer steps from (x₀, y₀), handing every step to `observe`.
    ///
    /// - Returns: the last point, the last y^(D), the steps taken and the oracle calls made.
    /// - Throws: ``InvalidInput`` (see ``validate()``, sizes of x₀ and y₀, α outside
    ///   (0, 2/L) when the problem knows L); ``Diverged`` when a value or a
    ///   hypergradient stops being finite; whatever the observer throws.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try validate()
        try problem.checkPoint(x: x0, y: y0)
        try problem.checkStep(alpha, name: "inner step α", x: x0)
        let oracles = CountedOracles(problem)
        return try outerLoop(
            steps: outerSteps, oracles: oracles, x0: x0, state: State(y: y0, y0: y0), optimizer: outerOptimizer,
            observe: observe)
        {
            k, x, state in
            try step(k, x: x, state: &state, oracles: oracles)
        }
    }

    /// What MOML carries from one outer step to the next.
    public struct State: OuterState {
        /// y^(D) of the last step: where the next unrolled loop starts when warm.
        public var y: Vector
        /// The caller's y₀, where every unrolled loop starts when cold.
        public let y0: Vector

        public init(y: Vector, y0: Vector) { (self.y, self.y0) = (y, y0) }
    }

    /// One outer step of MOML at x_k (Ye et al. 2021), line by line as in the box above.
    public func step(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        // y^(j+1) = y^(j) − α∇_y g(x_k, y^(j)), j < D, from y^(D) of step k − 1 (warm) or y₀; all D + 1 kept.
        // ĥ_s = ∇_x f_s(x_k, y^(D)) + (J^(D))ᵀ ∇_y f_s(x_k, y^(D)): one reverse pass per objective (ITD).
        let h = try itdHypergradients(
            oracles, objectives: 0..<oracles.objectiveCount, x: x,
            start: warmInner ? state.y : state.y0, steps: innerSteps, stepSize: alpha)
        state.y = h.y
        guard h.values.allSatisfy(\.isFinite), h.gradients.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw Diverged("MOML", step: k, quantity: "the values or hypergradients")
        }
        // λ_k = argmin_{λ∈Δ_S} ‖Σ_s λ_s ĥ_s‖², MGDA's min-norm weights.
        let lambda = try authorsCodeClip(try minNormWeights(gradients: h.gradients).weights)
        // x_{k+1} = x_k − β Σ_s λ_{k,s} ĥ_s.
        let step = -beta * combination(lambda, h.gradients)
        return OuterIterate(
            k: k, x: x, y: state.y, values: h.values, hypergradients: h.gradients, weights: lambda,
            step: step, solveProducts: 0, peakVectors: h.peakVectors, counts: oracles.counts)
    }

    /// The authors' code's variant, not the paper's (``clipTwoObjectiveWeight``): λ₁ clipped, λ₂ = 1 − λ₁.
    func authorsCodeClip(_ lambda: Vector) throws -> Vector {
        guard let range = clipTwoObjectiveWeight else { return lambda }
        guard lambda.count == 2 else {
            throw InvalidInput(
                "clipTwoObjectiveWeight", "\(range)", "applies to S = 2 only (this problem has S = \(lambda.count))")
        }
        let first = min(max(lambda[0], range.lowerBound), range.upperBound)
        return [first, 1 - first]
    }
}
