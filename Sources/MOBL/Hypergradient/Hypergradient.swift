/// Hypergradient estimators: ∇Φ_s(x) for Φ_s(x) = f_s(x, y*(x)).
///
/// The implicit function theorem, from ∇_y g(x, y*(x)) = 0, gives
///
///     ∇Φ_s(x) = ∇_x f_s − ∇²_xy g · [∇²_yy g]⁻¹ ∇_y f_s          (all at (x, y*(x)))
///
/// - **AID** (approximate implicit differentiation) evaluates this at an approximate
///   y, solving `H v = ∇_y f_s` with conjugate gradient or a Neumann series;
/// - **ITD** (iterative differentiation) differentiates through D unrolled inner
///   steps instead, in reverse mode;
/// - **stochastic Neumann** replaces every Hessian product by an independent
///   mini-batch estimate (finite-sum problems).
///
/// Every estimator returns the oracle calls it made and the most length-p vectors it
/// held, so chapters can compare their cost exactly.

/// How AID solves H v = ∇_y f_s.
public enum HessianSolver: Sendable, Equatable {
    case conjugateGradient(StoppingRule)
    /// Neumann series with step η (≤ 1/L).
    case neumann(eta: Double, StoppingRule)
}

/// A hypergradient estimate and what it cost.
public struct HypergradientEstimate: Sendable {
    /// The estimate of ∇Φ_s(x).
    public let gradient: Vector
    /// f_s at the point the estimate used (an estimate of Φ_s(x)).
    public let value: Double
    /// The linear solve (AID only): iterations, residual, converged.
    public let solve: LinearSolveResult?
    /// The solution v of H v = ∇_y f_s (AID), for warm-starting the next solve.
    public let v: Vector?
    /// Oracle calls made.
    public let counts: OracleCounts
    /// The most length-p vectors held at once.
    public let peakVectors: Int
}

/// AID: `ĥ = ∇_x f_s(x, y) − ∇²_xy g(x, y) · v` with `H(x, y) v = ∇_y f_s(x, y)`.
///
/// - Parameters:
///   - oracles: the problem's oracles; every call is counted.
///   - s: the objective, 0-based (0..<S).
///   - x: the upper-level point.
///   - y: the lower-level point (y*(x) or an approximation of it).
///   - solver: CG or Neumann, with their stopping rules.
///   - warmStart: an initial v for CG (e.g. the previous outer step's).
/// - Returns: the estimate with the solve's report; costs 2 upper gradients, 1 mixed
///   product, and the solver's Hessian-vector products.
///   ``HypergradientEstimate/peakVectors`` = the solver's
///   plus 2 (y and ∇_y f_s).
/// - Throws: ``NonPositiveCurvature``, ``NeumannDivergence``, or ``InvalidInput`` (sizes,
///   η outside (0, 2/L) when L is known, s out of range).
public func aidHypergradient(_ oracles: CountedOracles, objective s: Int, x: Vector, y: Vector,
                             solver: HessianSolver, warmStart: Vector? = nil) throws -> HypergradientEstimate {
    try oracles.problem.checkPoint(x: x, y: y)
    try checkObjective(s, oracles)
    let (result, counts) = try oracles.measuring { () throws -> (Vector, LinearSolveResult, Double) in
        let b = oracles.upperGradientY(s, x: x, y: y)
        let apply = { (v: Vector) in oracles.hessianVector(x: x, y: y, v) }
        let solve: LinearSolveResult
        switch solver {
        case .conjugateGradient(let stop):
            solve = try conjugateGradient(apply, b, initialGuess: warmStart, stop: stop)
        case .neumann(let eta, let stop):
            try oracles.problem.checkStep(eta, name: "Neumann step η", x: x)
            solve = try neumannSeries(apply, b, eta: eta, stop: stop)
        }
        var h = oracles.upperGradientX(s, x: x, y: y)
        axpy(-1, oracles.mixedVector(x: x, y: y, solve.solution), &h)
        return (h, solve, oracles.upperValues(x: x, y: y)[s])
    }
    return HypergradientEstimate(gradient: result.0, value: result.2, solve: result.1, v: result.1.solution,
                                 counts: counts, peakVectors: result.1.peakVectors + 2)
}

/// ITD: the exact gradient of `x ↦ f_s(x, y_D(x))`, where y_D is D inner steps
/// `y_{t+1} = y_t − α ∇_y g(x, y_t)` from a fixed y₀, by reverse-mode differentiation.
///
/// With H_t = ∇²_yy g(x, y_t) and M_t = ∇²_xy g(x, y_t), the Jacobian of the steps is
/// `J_{t+1} = (I − αH_t) J_t − α M_tᵀ`, J₀ = 0, so
///
///     ĥ = ∇_x f_s(x, y_D) + J_Dᵀ ∇_y f_s(x, y_D)
///       = ∇_x f_s − α Σ_{t<D} M_t (I − αH_{t+1}) ⋯ (I − αH_{D−1}) ∇_y f_s,
///
/// computed backwards from t = D − 1 with one vector. As D → ∞ (and y_D → y*), ĥ
/// tends to the AID hypergradient with an exact solve.
///
/// Cost: D inner gradients, D mixed products, D − 1 Hessian-vector products, 2 upper
/// gradients. Memory: the D + 1 iterates plus 2 vectors
/// (``HypergradientEstimate/peakVectors`` = D + 3).
/// - Throws: ``InvalidInput`` for D < 1, sizes, or α outside (0, 2/L) when L is known.
public func itdHypergradient(_ oracles: CountedOracles, objective s: Int, x: Vector, start y0: Vector,
                             steps: Int, stepSize alpha: Double) throws -> HypergradientEstimate {
    try oracles.problem.checkPoint(x: x, y: y0)
    try checkObjective(s, oracles)
    guard steps >= 1 else { throw InvalidInput("ITD steps D", "\(steps)", "must be ≥ 1") }
    try oracles.problem.checkStep(alpha, name: "inner step α", x: x)
    let (result, counts) = oracles.measuring { () -> (Vector, Double) in
        var iterates = [y0]
        for t in 0..<steps {
            var next = iterates[t]
            axpy(-alpha, oracles.lowerGradientY(x: x, y: iterates[t]), &next)
            iterates.append(next)
        }
        let yD = iterates[steps]
        var h = oracles.upperGradientX(s, x: x, y: yD)
        var v = oracles.upperGradientY(s, x: x, y: yD)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            axpy(-alpha, oracles.mixedVector(x: x, y: iterates[t], v), &h)
            if t > 0 { axpy(-alpha, oracles.hessianVector(x: x, y: iterates[t], v), &v) }
        }
        return (h, oracles.upperValues(x: x, y: yD)[s])
    }
    return HypergradientEstimate(gradient: result.0, value: result.1, solve: nil, v: nil, counts: counts,
                                 peakVectors: steps + 3)
}

/// Stochastic Neumann AID for finite-sum lower levels:
///
///     v̂ = η Σ_{q=0}^{Q−1} Π_{j=1}^{q} (I − η Ĥ_j) ∇_y f_s,     ĥ = ∇_x f_s − ∇²_xy g · v̂
///
/// where each Ĥ_j is the Hessian of an independent mini-batch of `batchSize` samples.
/// Independence makes the expectation of each product of factors the product of
/// expectations, so E[v̂] is exactly the deterministic Q-term Neumann estimate: the
/// estimator is unbiased for it, and its variance falls as the batch grows.
///
/// Cost: Q − 1 mini-batch Hessian-vector products ((Q − 1)·batchSize samples),
/// 1 mixed product, 2 upper gradients. ``HypergradientEstimate/peakVectors`` = 5.
/// - Throws: ``InvalidInput`` for a problem that is not a finite sum, Q < 1, a batch
///   size outside 1…N, or η outside (0, 2/L) when L is known.
public func stochasticNeumannHypergradient(_ oracles: CountedOracles, objective s: Int, x: Vector, y: Vector,
                                           eta: Double, terms: Int, batchSize: Int,
                                           using rng: inout SeededGenerator) throws -> HypergradientEstimate {
    try oracles.problem.checkPoint(x: x, y: y)
    try checkObjective(s, oracles)
    guard let finiteSum = oracles.problem as? any FiniteSumBilevelProblem else {
        throw InvalidInput("problem", "\(type(of: oracles.problem))", "must be a finite sum for stochastic Neumann")
    }
    guard terms >= 1 else { throw InvalidInput("Neumann terms Q", "\(terms)", "must be ≥ 1") }
    guard (1...finiteSum.sampleCount).contains(batchSize) else {
        throw InvalidInput("batch size", "\(batchSize)", "must be between 1 and N = \(finiteSum.sampleCount)")
    }
    try oracles.problem.checkStep(eta, name: "Neumann step η", x: x)
    let before = oracles.counts
    let b = oracles.upperGradientY(s, x: x, y: y)
    var p = b, acc = b
    for _ in 1..<terms {
        let batch = rng.batch(of: batchSize, from: finiteSum.sampleCount)
        axpy(-eta, try oracles.hessianVector(x: x, y: y, p, batch: batch), &p)
        axpy(1, p, &acc)
    }
    var h = oracles.upperGradientX(s, x: x, y: y)
    axpy(-1, oracles.mixedVector(x: x, y: y, eta * acc), &h)
    return HypergradientEstimate(gradient: h, value: oracles.upperValues(x: x, y: y)[s], solve: nil,
                                 v: eta * acc, counts: oracles.counts - before, peakVectors: 5)
}

private func checkObjective(_ s: Int, _ oracles: CountedOracles) throws {
    guard (0..<oracles.objectiveCount).contains(s) else {
        throw InvalidInput("objective s", "\(s)", "must be in 0..<S = \(oracles.objectiveCount)")
    }
}
