import Foundation

/// What FORUM adds to an ``OuterIterate``: the constraint and its multiplier.
public struct ConstraintRecord: Sendable {
    /// q̃(ζ_k) (D inner steps).
    public let qTilde: Double
    /// The multiplier ν_k = ν(λ̄_k).
    public let nu: Double
    /// The KKT gap with the approximate constraint, 𝒢^KKT_k = ‖Σ_s λ̄_{k,s} ∇f_s + ν_k ∇q̃‖².
    public let kktGap: Double
    /// The step of y, y_{k+1} = y_k + yStep (the x step is ``OuterIterate/step``).
    public let yStep: Vector
}

/// FORUM (Ye et al. 2024, arXiv 2401.09257): a first-order method for multi-objective
/// bilevel problems through the value-function reformulation on the joint variable ζ = (x, y),
///
///     min_ζ (f_1(ζ), …, f_S(ζ))   s.t.   q(ζ) = g(x, y) − g*(x) ≤ 0,   g*(x) = min_y g(x, y).
///
///     for k = 0 … K−1:
///         q̃, ∇q̃ ← D steps ỹ ← ỹ − α∇_y g(x_k, ỹ) from ỹ = y_k, then Danskin      (no Hessian)
///         λ_k ← the dual of the direction problem at ζ_k, φ_k = (ρ/2)‖∇q̃‖²
///         λ̄_k = (1 − ω_k) λ̄_{k−1} + ω_k λ_k,   ω_k = (k + 1)^{−3/4}   (ω_0 = 1)
///         ν_k = ν(λ̄_k) = max(Σ_s λ̄_{k,s} π_s, 0)
///         ζ_{k+1} = ζ_k − β (Σ_s λ̄_{k,s} ∇f_s + ν_k ∇q̃)
///
/// (The paper writes m for S, F_i for f_s, z for ζ, T for D, η for α, μ for β, β_k for
/// ω_k and λ̃ for λ̄.) The pieces: ``ValueFunctionConstraint``, ``FORUMDirection``,
/// ``forumMultiplier(lambda:gradients:constraintGradient:phi:printed:)``. No Hessian, no
/// Hessian-vector product: memory does not grow with D — ``OuterIterate/peakVectors`` is
/// S + 4 length-p vectors (y, ỹ, the y parts of the S gradients ∇f_s, of ∇q̃ and of the
/// combined direction). Cost per step: D + 3 gradients of g, 2S partial gradients of the
/// f_s. FORUM takes no preference: where on the front it ends depends on the start.
///
/// Options reproduce what the authors' public code does differently (defaults: the paper):
/// `normalizeGradients` scales each ∇f_s to unit length before the QP; `momentum:
/// .epochZeroStart(iterationsPerEpoch:)` indexes ω by epoch, (epoch + 1)^{−3/4}, with
/// λ̄ starting at zero; `printedMultiplier` uses the paper's printed π_s (2φ for φ).
public struct FORUM: Sendable {
    public enum Momentum: Sendable, Equatable {
        /// ω_k = (k + 1)^{−3/4}, λ̄_0 = λ_0 (the paper's Algorithm 1).
        case paper
        /// ω = (epoch + 1)^{−3/4} with epoch = k / iterationsPerEpoch, λ̄ starting at 0 (the authors' code).
        case epochZeroStart(iterationsPerEpoch: Int)
    }

    /// Outer steps K.
    public var outerSteps: Int

    /// How x moves with the step this method computes (``OuterOptimizer``): `.plain`, the

    /// paper's update, by default.

    public var outerOptimizer: OuterOptimizer = .plain
    /// Inner steps D for q̃ (T in the FORUM paper).
    public var innerSteps: Int
    /// Inner step α, below 2/L (η in the FORUM paper).
    public var eta: Double
    /// ρ of the required decrease φ_k = (ρ/2)‖∇q̃‖².
    public var rho: Double
    /// Outer step β on ζ (μ in the FORUM paper).
    public var mu: Double
    public var momentum: Momentum = .paper
    /// The x block's step as a multiple of β: x moves by −(upperStepScale · β) times the
    /// x part of the combined direction, y by −β times its y part (default 1: one step
    /// β for ζ = (x, y), the paper's Algorithm 1). A problem whose x and y blocks are on
    /// very different scales — data hyper-cleaning, where ∂g/∂xᵢ carries a factor 1/N —
    /// needs separate steps, as the authors' code for it has (one learning rate per block).
    public var upperStepScale = 1.0
    public var normalizeGradients = false
    /// Not in the paper (nil: off). At a start that solves the lower level to rounding,
    /// q̃(ζ_k) is zero to rounding and ∇q̃ is the inner solve's round-off: the multiplier
    /// ν = Σλ̄π, with π_s ∝ −⟨∇q̃, ∇f_s⟩/‖∇q̃‖², then scales a direction of round-off to a
    /// fixed size, and the run depends on how tightly the start was solved. With a
    /// tolerance set, a step whose q̃(ζ_k) is at most it treats the constraint as met and
    /// flat (∇q̃ = 0: ν_k = 0 and the objectives' min-norm direction) — the limit the
    /// direction problem has at an exactly feasible point. Chapter 8 sets 1e-12.
    public var feasibilityTolerance: Double? = nil
    public var printedMultiplier = false

    public init(outerSteps: Int, innerSteps: Int, eta: Double, rho: Double, mu: Double) {
        self.outerSteps = outerSteps
        self.innerSteps = innerSteps
        self.eta = eta
        self.rho = rho
        self.mu = mu
    }

    /// ω_k for step k.
    func momentumWeight(_ k: Int) -> Double {
        switch momentum {
        case .paper: return pow(Double(k + 1), -0.75)
        case .epochZeroStart(let perEpoch): return pow(Double(k / perEpoch + 1), -0.75)
        }
    }

    /// Runs K outer steps from ζ₀ = (x₀, y₀), handing every step to `observe` (its
    /// ``OuterIterate/constraint`` holds q̃, ν, the KKT gap and the y step; its
    /// `hypergradients` are the x parts of ∇f_s, its `weights` are λ̄_k).
    ///
    /// - Throws: ``InvalidInput`` for K < 1, D < 1, α outside (0, 2/L), ρ ≤ 0, β ≤ 0,
    ///   an epoch length < 1, or sizes; ``Diverged`` when z stops being finite.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try requireAtLeastOne(outerSteps, "outer steps K")
        guard rho > 0, rho.isFinite else { throw InvalidInput("ρ", "\(rho)", "must be > 0") }
        guard mu > 0, mu.isFinite else { throw InvalidInput("outer step β", "\(mu)", "must be > 0") }
        guard upperStepScale > 0, upperStepScale.isFinite else {
            throw InvalidInput("upper step scale", "\(upperStepScale)", "must be > 0 and finite")
        }
        if case .epochZeroStart(let perEpoch) = momentum, perEpoch < 1 {
            throw InvalidInput("iterations per epoch", "\(perEpoch)", "must be ≥ 1")
        }
        try problem.checkPoint(x: x0, y: y0)
        let oracles = CountedOracles(problem)
        return try outerLoop(
            steps: outerSteps, oracles: oracles, x0: x0,
            state: State(
                y: y0, smoothedWeights: momentum == .paper ? nil : Vector(repeating: 0, count: problem.objectiveCount)),
            optimizer: outerOptimizer, observe: observe
        ) {
            k, x, state in
            try step(k, x: x, state: &state, oracles: oracles)
        }
    }

    /// What FORUM carries from one outer step to the next: y_k and λ̄_{k−1}.
    public struct State: OuterState {
        /// The lower block y_k of ζ_k = (x_k, y_k).
        public var y: Vector
        /// λ̄_{k−1}; nil before the first step (the paper's ω_0 = 1 then takes λ_0).
        public var smoothedWeights: Vector?

        public init(y: Vector, smoothedWeights: Vector?) { (self.y, self.smoothedWeights) = (y, smoothedWeights) }
    }

    /// One outer step of FORUM at ζ_k = (x_k, y_k) (arXiv 2401.09257, Algorithm 1), line by line;
    /// moves state.y to y_{k+1} and returns the record, whose ``OuterIterate/step`` is x_{k+1} − x_k.
    public func step(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        let (n, y) = (x.count, state.y)
        // q̃(ζ_k), ∇q̃(ζ_k): D steps ỹ ← ỹ − α∇_y g(x_k, ỹ) from y_k, then Danskin's gradient (no Hessian).
        let constraint = try ValueFunctionConstraint(oracles, x: x, y: y, steps: innerSteps, eta: eta)
        // ∇f_s(ζ_k) = (∇_x f_s, ∇_y f_s) for every objective s.
        let values = oracles.upperValues(x: x, y: y)
        var gradients = (0..<values.count).map {
            stacked(oracles.upperGradientX($0, x: x, y: y), oracles.upperGradientY($0, x: x, y: y))
        }
        try requireFinite(values, gradients, constraint, step: k)
        gradients = authorsCodeScaling(gradients)  // the paper's ∇f_s unless normalizeGradients
        let gq = flattened(constraint)  // ∇q̃, unless q̃ is within feasibilityTolerance (off by default)
        // λ_k from the dual of the direction problem, φ_k = (ρ/2)‖∇q̃(ζ_k)‖².
        let direction = try FORUMDirection(gradients: gradients, constraintGradient: gq, rho: rho)
        // λ̄_k = (1 − ω_k) λ̄_{k−1} + ω_k λ_k, ω_k = (k + 1)^{−3/4}.
        let omega = momentumWeight(k)
        let lambda =
            state.smoothedWeights.map { previous in
                (0..<previous.count).map { (1 - omega) * previous[$0] + omega * direction.lambda[$0] }
            } ?? direction.lambda
        state.smoothedWeights = lambda
        // ν_k = ν(λ̄_k) = max(Σ_s λ̄_{k,s} π_s, 0).
        let nu = forumMultiplier(
            lambda: lambda, gradients: gradients, constraintGradient: gq, phi: direction.phi,
            printed: printedMultiplier)
        // ζ_{k+1} = ζ_k − β(Σ_s λ̄_{k,s} ∇f_s + ν_k ∇q̃).
        var combined = combination(lambda, gradients)
        axpy(nu, gq, &combined)
        let step = -mu * combined
        let constraintRecord = ConstraintRecord(
            qTilde: constraint.value, nu: nu, kktGap: normSquared(combined), yStep: Array(step[n...]))
        state.y = y
        axpy(1, Array(step[n...]), &state.y)
        return record(k, x: x, y: y, values: values, gradients: gradients, lambda: lambda, step: step,
            constraint: constraintRecord, counts: oracles.counts)
    }

    /// ∇q̃(ζ_k), or zero when q̃(ζ_k) ≤ ``feasibilityTolerance``: a constraint met to
    /// rounding is treated as flat (φ_k = 0, ν_k = 0, the objectives' own direction).
    func flattened(_ constraint: ValueFunctionConstraint) -> Vector {
        guard let tolerance = feasibilityTolerance, constraint.value <= tolerance else { return constraint.gradient }
        return Vector(repeating: 0, count: constraint.gradient.count)
    }

    /// What the observer sees of step k: the x parts of the ∇f_s as hypergradients, λ̄_k as
    /// weights, the x block's step (times ``upperStepScale``), S + 4 peak vectors.
    func record(
        _ k: Int, x: Vector, y: Vector, values: Vector, gradients: [Vector], lambda: Vector, step: Vector,
        constraint: ConstraintRecord, counts: OracleCounts
    ) -> OuterIterate {
        let n = x.count
        return OuterIterate(
            k: k, x: x, y: y, values: values, hypergradients: gradients.map { Array($0[..<n]) },
            weights: lambda, step: upperStepScale * Array(step[..<n]), solveProducts: 0,
            peakVectors: values.count + 4, counts: counts, constraint: constraint)
    }

    /// The authors' code's option, not the paper's: each ∇f_s scaled to unit length (``normalizeGradients``).
    func authorsCodeScaling(_ gradients: [Vector]) -> [Vector] {
        guard normalizeGradients else { return gradients }
        return gradients.map { g in
            let size = norm(g)
            return size > 0 ? (1 / size) * g : g
        }
    }

    /// Finite values and gradients, small enough that their Gram matrix is finite too; else ``Diverged``.
    func requireFinite(_ values: Vector, _ gradients: [Vector], _ constraint: ValueFunctionConstraint, step k: Int)
        throws
    {
        guard values.allSatisfy(\.isFinite), constraint.value.isFinite,
            (gradients + [constraint.gradient]).allSatisfy({ normSquared($0).isFinite })
        else {
            throw Diverged("FORUM", step: k, quantity: "the values or gradients")
        }
    }
}
