/// WC-MHGD, weighted-Chebyshev multi-hyper-gradient descent: preference-guided
/// descent on S reduced objectives Φ_s(x) = f_s(x, y*(x)) of a bilevel problem.
///
///     for k = 0 … K−1:
///         y ← D steps of  y − α ∇_y g(x_k, y)                  (from the last y: warm)
///         for each s:  v_s solves ∇²_yy g v = ∇_y f_s(x_k, y)  (CG or Neumann, from the last v_s)
///                      ĥ_s = ∇_x f_s − ∇²_xy g v_s,   Φ̂_s = f_s(x_k, y)
///         λ_k = argmin_{λ∈Δ_S}  ‖Σ_s r_s λ_s ĥ_s‖² − u Σ_s λ_s r_s (Φ̂_s − z_s)     (the weighting QP)
///         x_{k+1} = x_k − β Σ_s r_s λ_{k,s} ĥ_s
///
/// The weighting QP is the dual of the linearized Chebyshev problem with a proximal
/// term, `min_d max_s r_s(Φ̂_s + ⟨ĥ_s, d⟩ − z_s) + ‖d‖²/(2γ)` with u = 2/γ, and is
/// solved exactly by ``chebyshevWeights(gradients:values:preference:u:reference:)``.
/// u = 0 gives preference-scaled MGDA (every Pareto-stationary point is a fixed
/// point); u > 0 makes the weighted-Chebyshev optimum the fixed point, so sweeping
/// r explores the front. Larger r_s buys smaller Φ_s.
///
/// The QP is not scale-invariant. Multiplying every objective by c > 0 multiplies
/// the values and the hypergradients by c, so the quadratic term grows by c² and the
/// linear one by c: the QP for (cΦ̂, c∇Φ̂) at u is the QP for (Φ̂, ∇Φ̂) at u/c, and
/// large objectives *weaken* the preference term. With `normalizePreference` the
/// preference used throughout is r / ‖r ⊙ Φ̂(x₀)‖ (Φ̂ at the first step), which
/// divides r by c as well and removes the scale from the weights and the step. It
/// does not remove an offset: adding a to every Φ̂_s shifts the linear term by
/// −u·a·λᵀr, constant on the simplex only for a uniform r (Chapter 5, (5.5)–(5.6)).
///
/// Every step goes to an ``OuterObserver`` as an ``OuterIterate`` (use ``OuterTrace``
/// for the standard record: values, λ, step norm, exact stationarity gap, counts).
/// Its ``OuterIterate/peakVectors`` is the largest AID estimate's
/// ``HypergradientEstimate/peakVectors`` (the solver's vectors, y and ∇_y f_s: 6 for
/// CG, 5 for Neumann) plus the S − 1 solutions v_s kept for the other objectives: S + 5
/// with CG, whatever D and N.
public struct WCMHGD: Sendable {
    /// The preference r: S entries, each > 0, summing to 1.
    public var preference: Vector
    /// The weight u ≥ 0 of the preference term.
    public var u: Double
    /// The reference point z (nil: 0).
    public var reference: Vector?
    /// Use r / ‖r ⊙ Φ̂(x₀)‖ instead of r (see above).
    public var normalizePreference: Bool
    /// Outer steps K.
    public var outerSteps: Int
    /// How x moves with the step this method computes (``OuterOptimizer``): `.plain`, the
    /// paper's update, by default.
    public var outerOptimizer: OuterOptimizer = .plain
    /// Inner gradient steps D per outer step.
    public var innerSteps: Int
    /// Inner step α (below 2/L; 1/L is the usual choice).
    public var alpha: Double
    /// Outer step β.
    public var beta: Double
    /// CG with N steps (`.conjugateGradient(.fixed(iterations: N))`), Neumann with Q
    /// terms and step η (`.neumann(eta: η, .fixed(iterations: Q))`), or either with a tolerance.
    public var solver: HessianSolver
    /// Start each inner loop from the previous y (else from y₀).
    public var warmInner: Bool
    /// Start each CG solve from the previous v_s (else from 0).
    public var warmSolve: Bool
    /// For comparisons: when set, the weights come from this rule (linear
    /// scalarization or MGDA) on the same hypergradients instead of the Chebyshev QP,
    /// and the step is the rule's direction times β. The preference is then unused.
    public var baseline: DescentRule? = nil

    public init(
        preference: Vector, u: Double, reference: Vector? = nil, normalizePreference: Bool = false,
        outerSteps: Int, innerSteps: Int, alpha: Double, beta: Double, solver: HessianSolver,
        warmInner: Bool = true, warmSolve: Bool = true
    ) {
        self.preference = preference
        self.u = u
        self.reference = reference
        self.normalizePreference = normalizePreference
        self.outerSteps = outerSteps
        self.innerSteps = innerSteps
        self.alpha = alpha
        self.beta = beta
        self.solver = solver
        self.warmInner = warmInner
        self.warmSolve = warmSolve
    }

    /// Checks the configuration against a problem with S objectives.
    ///
    /// - Throws: ``InvalidInput`` naming the value and the rule: r of the wrong length,
    ///   not strictly positive, or not summing to 1; u < 0; z of the wrong length or not
    ///   finite; K < 1; D < 0; β ≤ 0; α outside (0, 2/L) when the problem knows L.
    public func validate(objectives s: Int) throws {
        try validateSteps()
        if baseline != nil { return }
        try validatePreference(preference, objectives: s)
        let total = preference.reduce(0, +)
        guard abs(total - 1) <= 1e-9 else {
            throw InvalidInput("preference r", describe(preference), "must sum to 1 (it sums to \(total))")
        }
        guard u >= 0, u.isFinite else { throw InvalidInput("u", "\(u)", "must be ≥ 0 and finite") }
        if let z = reference {
            guard z.count == s, z.allSatisfy(\.isFinite) else {
                throw InvalidInput("reference z", describe(z), "must be \(s) finite numbers")
            }
        }
    }

    private func validateSteps() throws {
        try requireAtLeastOne(outerSteps, "outer steps K")
        guard innerSteps >= 0 else { throw InvalidInput("inner steps D", "\(innerSteps)", "must be ≥ 0") }
        try requirePositive(beta, "outer step β")
    }

    /// Runs K outer steps from (x₀, y₀), handing every step to `observe`.
    ///
    /// - Returns: the last point, the steps taken and the oracle calls made.
    /// - Throws: ``InvalidInput`` (see ``validate(objectives:)``, and sizes of x₀, y₀);
    ///   ``DidNotConverge`` when a linear solve with a tolerance misses it; ``Diverged``
    ///   when an iterate or a value stops being finite; whatever the observer throws.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try validate(objectives: problem.objectiveCount)
        try problem.checkPoint(x: x0, y: y0)
        try problem.checkStep(alpha, name: "inner step α", x: x0)
        let oracles = CountedOracles(problem)
        return try outerLoop(
            steps: outerSteps, oracles: oracles, x0: x0, state: State(self, y0: y0, objectives: problem.objectiveCount),
            optimizer: outerOptimizer, observe: observe
        ) {
            k, x, state in
            baseline == nil
                ? try step(k, x: x, state: &state, oracles: oracles)
                : try baselineStep(k, x: x, state: &state, oracles: oracles)
        }
    }

    /// What WC-MHGD carries from one outer step to the next.
    public struct State: OuterState {
        /// The inner point y_k: where the next inner loop starts when warm.
        public var y: Vector
        /// y₀, where every inner loop starts when cold.
        public let y0: Vector
        /// v_s, the last solution of ∇²_yy g v = ∇_y f_s for each objective (warm starts).
        public var v: [Vector?]
        /// The preference in use: r, or r/‖r ⊙ Φ̂(x₀)‖ from the first step on (``WCMHGD/normalizePreference``).
        public var r: Vector

        public init(_ settings: WCMHGD, y0: Vector, objectives s: Int) {
            (y, self.y0, v, r) = (y0, y0, Array(repeating: nil, count: s), settings.preference)
        }
    }

    /// One outer step of WC-MHGD at x_k (arXiv 2511.07824, Algorithm 1), line by line;
    /// returns the step's record, whose ``OuterIterate/step`` is x_{k+1} − x_k.
    public func step(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        // y_k: D inner steps y ← y − α∇_y g(x_k, y), from y_{k−1} (warm) or y₀.
        state.y = try innerGradientDescent(
            oracles, x: x, start: warmInner ? state.y : state.y0, steps: innerSteps,
            stepSize: alpha, measureFinalGradient: false
        ).y
        // For each s: ∇²_yy g v_s = ∇_y f_s by CG or Neumann from v_s of step k − 1; ĥ_s = ∇_x f_s − ∇²_xy g v_s; Φ̂_s = f_s(x_k, y_k).
        let h = try aidHypergradients(
            oracles, objectives: 0..<state.v.count, x: x, y: state.y, solver: solver,
            warm: &state.v, warmStart: warmSolve, step: k)
        try h.requireFinite("WC-MHGD", step: k)
        if k == 0 && normalizePreference { state.r = try normalized(state.r, values: h.values) }
        // λ_k = argmin_{λ∈Δ_S} ‖Σ_s r_s λ_s ĥ_s‖² − u Σ_s λ_s r_s (Φ̂_s − z_s), the weighting QP.
        let lambda = try chebyshevWeights(
            gradients: h.gradients, values: h.values, preference: state.r, u: u,
            reference: reference
        ).weights
        // x_{k+1} = x_k − β Σ_s r_s λ_{k,s} ĥ_s.
        let step = -beta * combination(hadamard(state.r, lambda), h.gradients)
        return OuterIterate(
            k: k, x: x, y: state.y, values: h.values, hypergradients: h.gradients, weights: lambda,
            step: step, solveProducts: h.products, peakVectors: h.peakVectors, counts: oracles.counts)
    }

    /// The step of a comparison run (``baseline`` set, not the paper's algorithm): the
    /// same inner loop and hypergradients as ``step(_:x:state:oracles:)``, then the
    /// baseline rule's weights and direction (linear scalarization or MGDA) times β.
    public func baselineStep(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        guard let rule = baseline else { throw InvalidInput("baseline", "nil", "must be set for a baseline step") }
        state.y = try innerGradientDescent(
            oracles, x: x, start: warmInner ? state.y : state.y0, steps: innerSteps,
            stepSize: alpha, measureFinalGradient: false
        ).y
        let h = try aidHypergradients(
            oracles, objectives: 0..<state.v.count, x: x, y: state.y, solver: solver,
            warm: &state.v, warmStart: warmSolve, step: k)
        try h.requireFinite("WC-MHGD", step: k)
        let (d, weights) = try rule.direction(gradients: h.gradients, values: h.values)
        return OuterIterate(
            k: k, x: x, y: state.y, values: h.values, hypergradients: h.gradients, weights: weights,
            step: beta * d, solveProducts: h.products, peakVectors: h.peakVectors, counts: oracles.counts)
    }

    /// r / ‖r ⊙ Φ̂(x₀)‖ (``normalizePreference``).
    func normalized(_ r: Vector, values: Vector) throws -> Vector {
        let size = norm(hadamard(r, values))
        guard size > 0 else {
            throw InvalidInput(
                "‖r ⊙ φ(x₀)‖", "0", "must be > 0 to normalize the preference (all values are zero at x₀)")
        }
        return (1 / size) * r
    }
}
