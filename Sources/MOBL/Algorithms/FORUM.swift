import Foundation

/// What FORUM adds to an ``OuterIterate``: the constraint and its multiplier.
public struct ConstraintRecord: Sendable {
    /// q̃(z_k) (T inner steps).
    public let qTilde: Double
    /// The multiplier ν_k = ν(λ̃_k).
    public let nu: Double
    /// The KKT gap with the approximate constraint, ‖Σ λ̃_i ∇F_i + ν ∇q̃‖².
    public let kktGap: Double
    /// The step of y, y_{k+1} = y_k + yStep (the x step is ``OuterIterate/step``).
    public let yStep: Vector
}

/// FORUM (Ye et al., 2024): a first-order method for multi-objective bilevel problems
/// through the value-function reformulation
///
///     min_{z=(x,y)} (F_1(z), …, F_m(z))   s.t.   q(z) = g(x, y) − g*(x) ≤ 0,   g*(x) = min_y g(x, y).
///
/// Each outer step: T inner steps give q̃ and ∇q̃ (``ValueFunctionConstraint``); the
/// direction problem is solved exactly (``FORUMDirection``); the weights are smoothed,
/// λ̃_k = (1 − β_k) λ̃_{k−1} + β_k λ_k with β_k = (k + 1)^{−3/4} (β_0 = 1); the multiplier
/// is ν_k = ν(λ̃_k) (``forumMultiplier(lambda:gradients:constraintGradient:phi:printed:)``);
/// and z_{k+1} = z_k − μ(Σ λ̃_i ∇F_i + ν_k ∇q̃). No Hessian, no Hessian-vector product:
/// memory does not grow with T — ``OuterIterate/peakVectors`` is m + 4 length-p vectors
/// (y, ỹ, the y parts of the m gradients ∇F_i, of ∇q̃ and of the combined direction). FORUM takes no preference: where on the front it ends
/// depends on the start.
///
/// Options reproduce what the authors' public code does differently (defaults: the paper):
/// `normalizeGradients` scales each ∇F_i to unit length before the QP; `momentum:
/// .epochZeroStart(iterationsPerEpoch:)` indexes β by epoch, (epoch + 1)^{−3/4}, with
/// λ̃ starting at zero; `printedMultiplier` uses the paper's printed π_i (2φ for φ).
public struct FORUM: Sendable {
    public enum Momentum: Sendable, Equatable {
        /// β_k = (k + 1)^{−3/4}, λ̃_0 = λ_0 (the paper's Algorithm 1).
        case paper
        /// β = (epoch + 1)^{−3/4} with epoch = k / iterationsPerEpoch, λ̃ starting at 0 (the authors' code).
        case epochZeroStart(iterationsPerEpoch: Int)
    }

    /// Outer steps K.
    public var outerSteps: Int
    /// Inner steps T for q̃.
    public var innerSteps: Int
    /// Inner step η (below 2/L).
    public var eta: Double
    /// φ_k = (ρ/2)‖∇q̃‖².
    public var rho: Double
    /// Outer step μ.
    public var mu: Double
    public var momentum: Momentum = .paper
    /// The x block's step as a multiple of μ: x moves by −(upperStepScale · μ) times the
    /// x part of the combined direction, y by −μ times its y part (default 1: one step
    /// μ for z = (x, y), the paper's Algorithm 1). A problem whose x and y blocks are on
    /// very different scales — data hyper-cleaning, where ∂g/∂xᵢ carries a factor 1/N —
    /// needs separate steps, as the authors' code for it has (one learning rate per block).
    public var upperStepScale = 1.0
    public var normalizeGradients = false
    public var printedMultiplier = false

    public init(outerSteps: Int, innerSteps: Int, eta: Double, rho: Double, mu: Double) {
        self.outerSteps = outerSteps
        self.innerSteps = innerSteps
        self.eta = eta
        self.rho = rho
        self.mu = mu
    }

    /// β_k for step k.
    func momentumWeight(_ k: Int) -> Double {
        switch momentum {
        case .paper: return pow(Double(k + 1), -0.75)
        case .epochZeroStart(let perEpoch): return pow(Double(k / perEpoch + 1), -0.75)
        }
    }

    /// Runs K outer steps from z₀ = (x₀, y₀), handing every step to `observe` (its
    /// ``OuterIterate/constraint`` holds q̃, ν, the KKT gap and the y step; its
    /// `hypergradients` are the x parts of ∇F_i, its `weights` are λ̃_k).
    ///
    /// - Throws: ``InvalidInput`` for K < 1, T < 1, η outside (0, 2/L), ρ ≤ 0, μ ≤ 0,
    ///   an epoch length < 1, or sizes; ``Diverged`` when z stops being finite.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try requireAtLeastOne(outerSteps, "outer steps K")
        guard rho > 0, rho.isFinite else { throw InvalidInput("ρ", "\(rho)", "must be > 0") }
        guard mu > 0, mu.isFinite else { throw InvalidInput("outer step μ", "\(mu)", "must be > 0") }
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
            observe: observe
        ) {
            k, x, state in
            try step(k, x: x, state: &state, oracles: oracles)
        }
    }

    /// What FORUM carries from one outer step to the next: y_k and λ̃_{k−1}.
    public struct State: OuterState {
        /// The lower block y_k of z_k = (x_k, y_k).
        public var y: Vector
        /// λ̃_{k−1}; nil before the first step (the paper's β_0 = 1 then takes λ_0).
        public var smoothedWeights: Vector?

        public init(y: Vector, smoothedWeights: Vector?) { (self.y, self.smoothedWeights) = (y, smoothedWeights) }
    }

    /// One outer step of FORUM at z_k = (x_k, y_k) (arXiv 2401.09257, Algorithm 1), line by line;
    /// moves state.y to y_{k+1} and returns the record, whose ``OuterIterate/step`` is x_{k+1} − x_k.
    public func step(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        let (n, y) = (x.count, state.y)
        // q̃(z_k) and ∇q̃(z_k): T steps ỹ ← ỹ − η∇_y g(x_k, ỹ) from y_k, then Danskin's gradient (no Hessian).
        let constraint = try ValueFunctionConstraint(oracles, x: x, y: y, steps: innerSteps, eta: eta)
        // ∇F_i(z_k) = (∇_x f_i, ∇_y f_i) for every objective i.
        let values = oracles.upperValues(x: x, y: y)
        var gradients = (0..<values.count).map {
            stacked(oracles.upperGradientX($0, x: x, y: y), oracles.upperGradientY($0, x: x, y: y))
        }
        try requireFinite(values, gradients, constraint, step: k)
        gradients = authorsCodeScaling(gradients)  // the paper's ∇F_i unless normalizeGradients
        // λ_k from the direction QP with φ_k = (ρ/2)‖∇q̃(z_k)‖².
        let direction = try FORUMDirection(gradients: gradients, constraintGradient: constraint.gradient, rho: rho)
        // λ̃_k = (1 − β_k) λ̃_{k−1} + β_k λ_k with β_k = (k + 1)^{−3/4}.
        let beta = momentumWeight(k)
        let lambda =
            state.smoothedWeights.map { previous in
                (0..<previous.count).map { (1 - beta) * previous[$0] + beta * direction.lambda[$0] }
            } ?? direction.lambda
        state.smoothedWeights = lambda
        // ν_k = ν(λ̃_k) = max(Σ_i λ̃_{k,i} π_i, 0).
        let nu = forumMultiplier(
            lambda: lambda, gradients: gradients, constraintGradient: constraint.gradient,
            phi: direction.phi, printed: printedMultiplier)
        // z_{k+1} = z_k − μ(Σ_i λ̃_{k,i} ∇F_i + ν_k ∇q̃).
        var combined = combination(lambda, gradients)
        axpy(nu, constraint.gradient, &combined)
        let step = -mu * combined
        let record = ConstraintRecord(
            qTilde: constraint.value, nu: nu, kktGap: normSquared(combined), yStep: Array(step[n...]))
        state.y = y
        axpy(1, Array(step[n...]), &state.y)
        return OuterIterate(
            k: k, x: x, y: y, values: values, hypergradients: gradients.map { Array($0[..<n]) },
            weights: lambda, step: upperStepScale * Array(step[..<n]), solveProducts: 0,
            peakVectors: values.count + 4, counts: oracles.counts, constraint: record)
    }

    /// The authors' code's option, not the paper's: each ∇F_i scaled to unit length (``normalizeGradients``).
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
