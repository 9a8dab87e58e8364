/// Stochastic WC-MHGD: ``WCMHGD`` on a finite-sum problem, with every sampled oracle
/// replaced by a mini-batch mean (``FiniteSumBilevelProblem``):
///
///     for k = 0 … K−1:
///         y ← D steps of  y − α ∇_y g_{B_t}(x_k, y),  a fresh batch B_t of b_inner samples per step
///         for each s:  ĥ_s, φ_s ← stochastic AID at (x_k, y) with batches of b samples:
///                        Neumann with Q terms and a fresh Hessian batch per factor (unbiased for
///                        the Q-term series), or CG on one batch Hessian (biased by O(1/b));
///                        the mixed product on its own batch; ∇f and φ on an upper batch
///                        (the full ones when the upper level has no samples)
///         λ_k = the weighting QP on (ĥ, φ);   λ̄_k = (1 − γ) λ̄_{k−1} + γ λ_k   (γ = 1: λ̄_k = λ_k)
///         x_{k+1} = x_k − β Σ_s r_s λ̄_{k,s} ĥ_s
///
/// The settings of the deterministic algorithm (preference, u, z, K, D, α, β, the
/// solver, warm starts) are a ``WCMHGD`` value, validated by
/// ``WCMHGD/validate(objectives:)``, and the loop is WC-MHGD's own: only the inner
/// steps and the estimates differ. So with b_inner = b = N every batch is the whole
/// data set, and on a problem that answers a full batch with its full oracles
/// (``FiniteSumMOBLToy``) the run repeats the deterministic ``WCMHGD`` run bit for bit.
///
/// The solver is ``HessianSolver`` as for WC-MHGD: `.neumann(eta: η, .fixed(iterations: Q))`
/// means Q terms (Q − 1 batch products, the same estimate as WC-MHGD's Q-product
/// series when the batch is full); `.conjugateGradient(rule)` runs CG with the rule on
/// one batch Hessian per solve (warm-started from the last v_s when `warmSolve`).
///
/// Every batch comes from the ``SeededGenerator`` passed to ``run(_:x0:y0:using:observe:)``,
/// so a run is repeatable; ``OracleCounts/samples`` counts the samples processed.
///
/// ``OuterIterate/peakVectors`` follows WC-MHGD's rule: the largest stochastic
/// estimate's ``HypergradientEstimate/peakVectors`` (6 with CG, 5 with the Neumann
/// series, y and ∇_y f_s included) plus the S − 1 stored v_s of the other objectives —
/// independent of D and of the batch sizes.
public struct StochasticWCMHGD: Sendable {
    /// The deterministic settings (a Neumann solver must have a fixed number of terms).
    public var settings: WCMHGD
    /// b_inner, the batch of each inner SGD step (1…N).
    public var innerBatch: Int
    /// b, the batch of every Hessian product, mixed product and upper oracle (1…N;
    /// upper batches are capped at N_f).
    public var outerBatch: Int
    /// γ ∈ (0, 1], the weight of the newest λ in the moving average (1: no averaging).
    public var averaging: Double

    public init(_ settings: WCMHGD, innerBatch: Int, outerBatch: Int, averaging: Double = 1) {
        self.settings = settings
        self.innerBatch = innerBatch
        self.outerBatch = outerBatch
        self.averaging = averaging
    }

    /// Checks the configuration against a problem.
    ///
    /// - Throws: ``InvalidInput`` naming the value and the rule: WC-MHGD's rules
    ///   (``WCMHGD/validate(objectives:)``); b_inner or b outside 1…N; γ outside (0, 1];
    ///   a baseline rule (the stochastic algorithm weights by the Chebyshev QP); a
    ///   Neumann solver with a tolerance instead of Q terms.
    public func validate(_ problem: any FiniteSumBilevelProblem) throws {
        try settings.validate(objectives: problem.objectiveCount)
        let n = problem.sampleCount
        guard (1...n).contains(innerBatch) else {
            throw InvalidInput("inner batch size b_inner", "\(innerBatch)", "must be between 1 and N = \(n)")
        }
        guard (1...n).contains(outerBatch) else {
            throw InvalidInput("batch size b", "\(outerBatch)", "must be between 1 and N = \(n)")
        }
        guard averaging > 0, averaging <= 1 else {
            throw InvalidInput("averaging γ", "\(averaging)", "must be in (0, 1] (1 turns the moving average off)")
        }
        if settings.baseline != nil {
            throw InvalidInput(
                "baseline", "set",
                "must be nil: stochastic WC-MHGD weights by the Chebyshev QP (a baseline rule is a WCMHGD option)")
        }
        if case .neumann(_, .tolerance) = settings.solver {
            throw InvalidInput(
                "solver", "Neumann with a tolerance",
                "must be Neumann with a fixed number of terms Q (a random series has no residual to test)")
        }
    }

    /// Runs K outer steps from (x₀, y₀), drawing every batch from `rng` and handing
    /// every step to `observe` (``OuterIterate/weights`` are the averaged λ̄_k, the
    /// weights the step used; ``OuterIterate/counts`` include the samples so far).
    ///
    /// - Throws: ``InvalidInput`` (see ``validate(_:)``, sizes of x₀, y₀, α outside
    ///   (0, 2/L) when the problem knows L); ``DidNotConverge`` when a CG solve with a
    ///   tolerance misses it; ``Diverged`` when a value or hypergradient stops being
    ///   finite; whatever the observer throws.
    public func run(
        _ problem: any FiniteSumBilevelProblem, x0: Vector, y0: Vector, using rng: inout SeededGenerator,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try validate(problem)
        try problem.checkPoint(x: x0, y: y0)
        try problem.checkStep(settings.alpha, name: "inner step α", x: x0)
        let oracles = CountedOracles(problem)
        return try outerLoop(
            steps: settings.outerSteps, oracles: oracles, x0: x0,
            state: State(
                base: WCMHGD.State(settings, y0: y0, objectives: problem.objectiveCount),
                sampleCount: problem.sampleCount), optimizer: settings.outerOptimizer, observe: observe
        ) {
            k, x, state in
            try step(k, x: x, state: &state, oracles: oracles, using: &rng)
        }
    }

    /// What stochastic WC-MHGD carries between steps: WC-MHGD's state and the average λ̄.
    public struct State: OuterState {
        public var base: WCMHGD.State
        /// y_k, the inner point (WC-MHGD's).
        public var y: Vector { base.y }
        /// N, the samples of the finite sum.
        public let sampleCount: Int
        /// λ̄_{k−1} (nil before the first step, and when γ = 1).
        public var averageWeights: Vector? = nil

        public init(base: WCMHGD.State, sampleCount: Int) { (self.base, self.sampleCount) = (base, sampleCount) }
    }

    /// One outer step at x_k, line by line as in the box above; every batch is drawn from `rng`.
    public func step(
        _ k: Int, x: Vector, state: inout State, oracles: CountedOracles,
        using rng: inout SeededGenerator
    ) throws -> OuterIterate {
        let (n, settings) = (state.sampleCount, settings)
        // y_k: D steps y ← y − α∇_y g_𝓑(x_k, y), a fresh batch 𝓑 of B_inner samples per step.
        var y = settings.warmInner ? state.base.y : state.base.y0
        for _ in 0..<settings.innerSteps {
            axpy(-settings.alpha, try oracles.lowerGradientY(x: x, y: y, batch: rng.batch(of: innerBatch, from: n)), &y)
        }
        state.base.y = y
        // ĥ_s, Φ̂_s: stochastic AID at (x_k, y_k) with batches of B samples (``stochasticHypergradient``).
        let h = try stochasticHypergradients(oracles, x: x, y: y, warm: &state.base.v, step: k, using: &rng)
        try h.requireFinite("stochastic WC-MHGD", step: k)
        if k == 0 && settings.normalizePreference {
            state.base.r = try settings.normalized(state.base.r, values: h.values)
        }
        // λ_k = the weighting QP on (ĥ, Φ̂).
        var lambda = try chebyshevWeights(
            gradients: h.gradients, values: h.values, preference: state.base.r, u: settings.u,
            reference: settings.reference
        ).weights
        // λ̄_k = (1 − ω) λ̄_{k−1} + ω λ_k   (ω = 1: λ̄_k = λ_k).
        if averaging < 1 {
            if let previous = state.averageWeights {
                lambda = combination([1 - averaging, averaging], [previous, lambda])
            }
            state.averageWeights = lambda
        }
        // x_{k+1} = x_k − β Σ_s r_s λ̄_{k,s} ĥ_s.
        let step = -settings.beta * combination(hadamard(state.base.r, lambda), h.gradients)
        return OuterIterate(
            k: k, x: x, y: y, values: h.values, hypergradients: h.gradients, weights: lambda,
            step: step, solveProducts: h.products, peakVectors: h.peakVectors, counts: oracles.counts)
    }

    /// The S stochastic AID estimates at (x, y), each solve warm-started from `warm[s]` when
    /// asked; a CG solve with a tolerance that misses it throws ``DidNotConverge``.
    func stochasticHypergradients(
        _ oracles: CountedOracles, x: Vector, y: Vector, warm: inout [Vector?], step k: Int,
        using rng: inout SeededGenerator
    ) throws -> HypergradientBatch {
        var gradients: [Vector] = [], values: Vector = [], products = 0, peak = 0
        for objective in warm.indices {
            let estimate = try stochasticHypergradient(
                oracles, objective: objective, x: x, y: y, solver: settings.solver,
                hessianBatch: outerBatch, outerBatch: outerBatch,
                warmStart: settings.warmSolve ? warm[objective] : nil, using: &rng)
            if let solve = estimate.solve, !solve.converged, settings.solver.stopsOnTolerance {
                throw DidNotConverge(
                    "the linear solve for objective \(objective + 1) at outer step \(k)",
                    "relative residual \(solve.relativeResidual) after \(solve.iterations) iterations")
            }
            warm[objective] = estimate.v
            gradients.append(estimate.gradient)
            values.append(estimate.value)
            products += estimate.counts.hessianVector
            peak = max(peak, estimate.peakVectors)
        }
        return HypergradientBatch(
            gradients: gradients, values: values, products: products, peakVectors: peak + warm.count - 1)
    }
}
