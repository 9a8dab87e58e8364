import Foundation

/// MoCo, multi-objective gradient correction (Fernando et al. 2023, ICLR, arXiv 2210.12624)
/// on a bilevel problem: AID hypergradients, tracked by a moving average, weighted by
/// projected gradient steps on the min-norm objective instead of an exact QP.
///
///     for k = 0 … K−1:
///         y_k ← D steps of  y − α ∇_y g(x_k, y)                (from y_{k−1}: warm)
///         for each s:  ĥ_s = AID at (x_k, y_k), v_s by m CG steps or Q Neumann terms (from the last v_s)
///         Y ← Y − ω_k (Y − Ĝ)                 (columns tracking the ĥ_s; Y starts at Ĝ of step 0)
///         λ ← Π_Δ(λ − β_λ YᵀY λ)               (λ starts at (1/S, …, 1/S))
///         x_{k+1} = x_k − β Y λ
///
/// The weight update is one projected-gradient step on ½‖Yλ‖² over the simplex
/// (Π_Δ is ``projectOntoSimplex(_:)``), so λ stays in Δ_S and drifts toward the MGDA
/// min-norm weights of the tracked gradients as the run goes on. The tracking weight
/// ω_k is a ``TrackingSchedule``: constant, or decaying like ω₀ (k + 1)^(−a); ω_k = 1
/// makes Y exactly the fresh estimates Ĝ (no tracking), smaller ω_k average the
/// estimates' errors over recent steps at the price of lagging behind x. (The library's
/// identifiers keep older letters: `mu` is β, `gamma` is β_λ, the tracking weight ω.)
///
/// As a documented option, ``WeightUpdate/softmax(rho:)`` replaces the projection by
/// the update of the authors' code, λ ← softmax(λ − β_λ(YᵀY + θI)λ) (θ is the code's ρ):
/// it also keeps λ in Δ_S (strictly inside), but it is not a projected-gradient step,
/// and its fixed points are not the min-norm weights. The default is the paper's printed
/// projection.
///
/// Every step goes to an ``OuterObserver`` as an ``OuterIterate``: the values
/// f_s(x_k, y_k), as ``OuterIterate/hypergradients`` the tracked columns of Y (the
/// vectors the weights are applied to), the new λ, the step −βYλ, the products of the
/// linear solves, the peak vectors (as ``WCMHGD``'s: the largest AID estimate's plus
/// the S − 1 other v_s, independent of D) and the oracle counts.
public struct MoCo: Sendable {
    /// How ω_k, the weight of the newest estimate in the tracking of Y, depends on k.
    public enum TrackingSchedule: Sendable, Equatable {
        /// ω_k = ω for every k, ω ∈ (0, 1].
        case constant(Double)
        /// ω_k = ω₀ (k + 1)^(−a), ω₀ ∈ (0, 1], a ≥ 0 (a = 0 is constant).
        case decaying(initial: Double, power: Double)

        /// ω_k.
        public func weight(at k: Int) -> Double {
            switch self {
            case .constant(let beta): return beta
            case .decaying(let beta0, let power): return beta0 * pow(Double(k + 1), -power)
            }
        }
    }

    /// How λ is updated from YᵀY.
    public enum WeightUpdate: Sendable, Equatable {
        /// λ ← Π_Δ(λ − β_λ YᵀY λ): the paper's printed update (the default).
        case projection
        /// λ ← softmax(λ − β_λ(YᵀY + θI)λ), θ ≥ 0 (the code's ρ): the update of the authors' code.
        case softmax(rho: Double)
    }

    /// Outer steps K (the budget; an observer may stop sooner).
    public var outerSteps: Int

    /// How x moves with the step this method computes (``OuterOptimizer``): `.plain`, the

    /// paper's update, by default.

    public var outerOptimizer: OuterOptimizer = .plain
    /// Inner gradient steps D per outer step.
    public var innerSteps: Int
    /// Inner step α (below 2/L; 1/L is the usual choice).
    public var alpha: Double
    /// Outer step β.
    public var mu: Double
    /// Weight step β_λ.
    public var gamma: Double
    /// ω_k of the tracking Y ← Y − ω_k (Y − Ĝ).
    public var tracking: TrackingSchedule
    /// The λ update (default: the projection).
    public var weightUpdate: WeightUpdate
    /// CG with m steps or Neumann with Q terms, or either with a tolerance.
    public var solver: HessianSolver
    /// Start each inner loop from the previous y (else from y₀).
    public var warmInner: Bool
    /// Start each CG solve from the previous v_s (else from 0).
    public var warmSolve: Bool

    public init(
        outerSteps: Int, innerSteps: Int, alpha: Double, mu: Double, gamma: Double,
        tracking: TrackingSchedule, weightUpdate: WeightUpdate = .projection, solver: HessianSolver,
        warmInner: Bool = true, warmSolve: Bool = true
    ) {
        self.outerSteps = outerSteps
        self.innerSteps = innerSteps
        self.alpha = alpha
        self.mu = mu
        self.gamma = gamma
        self.tracking = tracking
        self.weightUpdate = weightUpdate
        self.solver = solver
        self.warmInner = warmInner
        self.warmSolve = warmSolve
    }

    /// Checks the configuration.
    ///
    /// - Throws: ``InvalidInput`` naming the value and the rule: K < 1; D < 0; β ≤ 0;
    ///   β_λ ≤ 0; a tracking weight ω or ω₀ outside (0, 1] or a decay power a < 0; θ < 0
    ///   (any of them not finite, too).
    public func validate() throws {
        try requireAtLeastOne(outerSteps, "outer steps K")
        guard innerSteps >= 0 else { throw InvalidInput("inner steps D", "\(innerSteps)", "must be ≥ 0") }
        try requirePositive(mu, "outer step β")
        try requirePositive(gamma, "weight step β_λ")
        switch tracking {
        case .constant(let beta):
            guard beta > 0, beta <= 1 else { throw InvalidInput("tracking weight ω", "\(beta)", "must be in (0, 1]") }
        case .decaying(let beta0, let power):
            guard beta0 > 0, beta0 <= 1 else {
                throw InvalidInput("tracking weight ω₀", "\(beta0)", "must be in (0, 1]")
            }
            guard power >= 0, power.isFinite else {
                throw InvalidInput("tracking decay power a", "\(power)", "must be ≥ 0 and finite")
            }
        }
        if case .softmax(let rho) = weightUpdate {
            guard rho >= 0, rho.isFinite else {
                throw InvalidInput("softmax regularization θ", "\(rho)", "must be ≥ 0 and finite")
            }
        }
    }

    /// Runs K outer steps from (x₀, y₀), handing every step to `observe`.
    ///
    /// - Returns: the last point, the steps taken and the oracle calls made.
    /// - Throws: ``InvalidInput`` (see ``validate()``, sizes of x₀ and y₀, α outside
    ///   (0, 2/L) when the problem knows L); ``DidNotConverge`` when a linear solve with
    ///   a tolerance misses it; ``Diverged`` when a value, an estimate or λ stops being
    ///   finite; whatever the observer throws.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector,
        observe: OuterObserver = { _ in true }
    ) throws -> OuterResult {
        try validate()
        try problem.checkPoint(x: x0, y: y0)
        try problem.checkStep(alpha, name: "inner step α", x: x0)
        let oracles = CountedOracles(problem)
        return try outerLoop(
            steps: outerSteps, oracles: oracles, x0: x0, state: State(y0: y0, objectives: problem.objectiveCount),
            optimizer: outerOptimizer, observe: observe
        ) {
            k, x, state in
            try step(k, x: x, state: &state, oracles: oracles)
        }
    }

    /// What MoCo carries from one outer step to the next.
    public struct State: OuterState {
        /// y_k, where the next inner loop starts when warm.
        public var y: Vector
        /// y₀, where every inner loop starts when cold.
        public let y0: Vector
        /// v_s, the last solutions of ∇²_yy g v = ∇_y f_s (warm starts).
        public var v: [Vector?]
        /// The tracked columns of Y (empty before the first step).
        public var tracked: [Vector] = []
        /// λ (starts at (1/S, …, 1/S)).
        public var lambda: Vector

        public init(y0: Vector, objectives s: Int) {
            (y, self.y0, v, lambda) = (
                y0, y0, Array(repeating: nil, count: s), Vector(repeating: 1 / Double(s), count: s)
            )
        }
    }

    /// One outer step of MoCo at x_k (Fernando et al. 2023, Algorithm 1 on AID hypergradients), line by line.
    public func step(_ k: Int, x: Vector, state: inout State, oracles: CountedOracles) throws -> OuterIterate {
        // y_k: D inner steps y ← y − α∇_y g(x_k, y), from y_{k−1} (warm) or y₀.
        state.y = try innerGradientDescent(
            oracles, x: x, start: warmInner ? state.y : state.y0, steps: innerSteps,
            stepSize: alpha, measureFinalGradient: false
        ).y
        // ĥ_s: AID at (x_k, y_k), v_s by m CG steps (or Q Neumann terms) from the last v_s.
        let h = try aidHypergradients(
            oracles, objectives: 0..<state.v.count, x: x, y: state.y, solver: solver,
            warm: &state.v, warmStart: warmSolve, step: k)
        try h.requireFinite("MoCo", step: k)
        // Y ← Y − ω_k (Y − Ĝ), Y starting at Ĝ = [ĥ_1, …, ĥ_S] of step 0.
        if state.tracked.isEmpty {
            state.tracked = h.gradients
        } else {
            let omega = tracking.weight(at: k)
            for j in state.tracked.indices {
                state.tracked[j] = combination([1 - omega, omega], [state.tracked[j], h.gradients[j]])
            }
        }
        // λ ← Π_Δ(λ − β_λ YᵀY λ)   (or the authors' softmax update, ``WeightUpdate/softmax(rho:)``).
        state.lambda = updatedWeights(state.lambda, tracked: state.tracked)
        guard state.lambda.allSatisfy(\.isFinite) else { throw Diverged("MoCo", step: k, quantity: "the weights λ") }
        // x_{k+1} = x_k − β Y λ.
        let step = -mu * combination(state.lambda, state.tracked)
        return OuterIterate(
            k: k, x: x, y: state.y, values: h.values, hypergradients: state.tracked, weights: state.lambda,
            step: step, solveProducts: h.products, peakVectors: h.peakVectors, counts: oracles.counts)
    }

    /// One λ update from the tracked columns: Π_Δ(λ − β_λ YᵀYλ) or softmax(λ − β_λ(YᵀY + θI)λ).
    func updatedWeights(_ lambda: Vector, tracked: [Vector]) -> Vector {
        let s = tracked.count
        let combined = combination(lambda, tracked)  // Yλ
        var gradient = (0..<s).map { dot(tracked[$0], combined) }  // YᵀYλ
        switch weightUpdate {
        case .projection:
            let moved = (0..<s).map { lambda[$0] - gamma * gradient[$0] }
            guard moved.allSatisfy(\.isFinite) else { return moved }
            return projectOntoSimplex(moved)
        case .softmax(let rho):
            for j in 0..<s { gradient[j] += rho * lambda[j] }
            let logits = (0..<s).map { lambda[$0] - gamma * gradient[$0] }
            guard let top = logits.max(), top.isFinite else { return logits }
            let e = logits.map { exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }
}
