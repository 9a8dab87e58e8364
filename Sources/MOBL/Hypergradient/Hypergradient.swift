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
public func aidHypergradient(
    _ oracles: CountedOracles, objective s: Int, x: Vector, y: Vector,
    solver: HessianSolver, warmStart: Vector? = nil
) throws -> HypergradientEstimate {
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
    return HypergradientEstimate(
        gradient: result.0, value: result.2, solve: result.1, v: result.1.solution,
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
public func itdHypergradient(
    _ oracles: CountedOracles, objective s: Int, x: Vector, start y0: Vector,
    steps: Int, stepSize alpha: Double
) throws -> HypergradientEstimate {
    try oracles.problem.checkPoint(x: x, y: y0)
    try checkObjective(s, oracles)
    let (batch, counts) = try oracles.measuring {
        try itdHypergradients(oracles, objectives: s..<(s + 1), x: x, start: y0, steps: steps, stepSize: alpha)
    }
    return HypergradientEstimate(
        gradient: batch.gradients[0], value: batch.values[0], solve: nil, v: nil, counts: counts,
        peakVectors: batch.peakVectors)
}

/// ITD for several objectives with ONE forward pass: the T inner steps from y₀ are
/// run and stored once, then each objective's reverse pass (as in
/// ``itdHypergradient(_:objective:x:start:steps:stepSize:)``) reuses them, one after
/// the other.
///
/// Cost for S objectives: T inner gradients (not S·T), S·T mixed products,
/// S·(T − 1) Hessian-vector products, 2S upper gradients and one value evaluation per
/// objective. Memory: the T + 1 iterates plus the reverse pass's 2 vectors (the
/// adjoint and a product), reused by every objective: `peakVectors` = T + 3 whatever S.
/// With one objective it makes exactly the oracle calls, in the same order, of
/// ``itdHypergradient(_:objective:x:start:steps:stepSize:)``.
struct ITDBatch {
    let gradients: [Vector]
    let values: Vector
    /// y_T, the last inner iterate (the point the values and ∇f_s used).
    let y: Vector
    let peakVectors: Int
}

func itdHypergradients(
    _ oracles: CountedOracles, objectives: Range<Int>, x: Vector, start y0: Vector,
    steps: Int, stepSize alpha: Double
) throws -> ITDBatch {
    guard steps >= 1 else { throw InvalidInput("ITD steps D", "\(steps)", "must be ≥ 1") }
    try oracles.problem.checkStep(alpha, name: "inner step α", x: x)
    var iterates = [y0]
    iterates.reserveCapacity(steps + 1)
    for t in 0..<steps {
        var next = iterates[t]
        axpy(-alpha, oracles.lowerGradientY(x: x, y: iterates[t]), &next)
        iterates.append(next)
    }
    let yD = iterates[steps]
    var gradients: [Vector] = [], values: Vector = []
    for s in objectives {
        var h = oracles.upperGradientX(s, x: x, y: yD)
        var v = oracles.upperGradientY(s, x: x, y: yD)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            if t > 0 {
                // h −= α ∇²_xy g(y^(t)) v and v −= α ∇²_yy g(y^(t)) v: one call for both
                // products (counted as one of each), which a problem may take from one pass.
                let products = oracles.mixedAndHessianVector(x: x, y: iterates[t], v)
                axpy(-alpha, products.mixed, &h)
                axpy(-alpha, products.hessian, &v)
            } else {
                axpy(-alpha, oracles.mixedVector(x: x, y: iterates[t], v), &h)
            }
        }
        gradients.append(h)
        values.append(oracles.upperValues(x: x, y: yD)[s])
    }
    return ITDBatch(gradients: gradients, values: values, y: yD, peakVectors: steps + 3)
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
/// With `outerBatchSize` nil (the default) ∇f, the mixed product and the value are the
/// full oracles; with a size b they are mini-batch oracles too (see
/// ``stochasticHypergradient(_:objective:x:y:solver:hessianBatch:outerBatch:warmStart:using:)``,
/// which this calls with `.neumann(eta: η, .fixed(iterations: Q))`).
///
/// Cost: Q − 1 mini-batch Hessian-vector products ((Q − 1)·batchSize samples),
/// 1 mixed product, 2 upper gradients (plus b samples for the mixed product, and b
/// per upper oracle when the upper level has samples, when `outerBatchSize` is b).
/// ``HypergradientEstimate/peakVectors`` = 5.
/// - Throws: ``InvalidInput`` for a problem that is not a finite sum, Q < 1, a batch
///   size outside 1…N, or η outside (0, 2/L) when L is known.
public func stochasticNeumannHypergradient(
    _ oracles: CountedOracles, objective s: Int, x: Vector, y: Vector,
    eta: Double, terms: Int, batchSize: Int, outerBatchSize: Int? = nil,
    using rng: inout SeededGenerator
) throws -> HypergradientEstimate {
    guard terms >= 1 else { throw InvalidInput("Neumann terms Q", "\(terms)", "must be ≥ 1") }
    return try stochasticHypergradient(
        oracles, objective: s, x: x, y: y, solver: .neumann(eta: eta, .fixed(iterations: terms)),
        hessianBatch: batchSize, outerBatch: outerBatchSize, using: &rng)
}

/// Stochastic AID for finite-sum problems (``FiniteSumBilevelProblem``): the AID
/// hypergradient `ĥ = ∇_x f_s − ∇²_xy g · v̂` with every sampled oracle replaced by a
/// mini-batch mean.
///
/// - `.neumann(eta: η, .fixed(iterations: Q))`: v̂ is the Q-term Neumann series with an
///   independent Hessian mini-batch of `hessianBatch` samples per factor (Q − 1
///   products). E[v̂] is the deterministic Q-term series: unbiased for it. A tolerance
///   rule is refused (a random series has no residual to test).
/// - `.conjugateGradient(rule)`: CG, with its rule, on ONE mini-batch Hessian Ĥ drawn
///   once for the solve (every product uses the same batch, as CG needs one fixed
///   matrix), from `warmStart` when given. v̂ ≈ Ĥ⁻¹∇_y f_s, and E[Ĥ⁻¹] ≠ H⁻¹: this
///   estimator is *biased* (by O(Var Ĥ), so the bias falls like 1/b as well).
/// - `outerBatch` nil: ∇_x f_s, ∇_y f_s, the value and the mixed product are the full
///   oracles (no samples). A size b: the mixed product is the mean over a fresh lower
///   batch of b samples (independent of the Hessian batches, so E[M̂ v̂] = M E[v̂]), and
///   the upper oracles use one upper batch of min(b, N_f) samples — or the empty batch,
///   i.e. the full upper oracles, when the upper level has no samples.
///
/// Batches are drawn from `rng` in this order: the upper batch (when drawn), the
/// Hessian batches, the mixed batch. A batch of all N samples makes every oracle the
/// full one, so with `hessianBatch = outerBatch = N` the estimate equals
/// ``aidHypergradient(_:objective:x:y:solver:warmStart:)`` with the same solver for a
/// problem whose full batch is answered by its full oracles (``FiniteSumMOBLToy``).
///
/// - Returns: the estimate; ``HypergradientEstimate/solve`` is CG's report (nil for
///   Neumann); ``HypergradientEstimate/counts`` includes the samples touched.
/// - Throws: ``InvalidInput`` for a problem that is not a finite sum, batch sizes
///   outside 1…N, a Neumann tolerance rule, η outside (0, 2/L) when L is known, s out
///   of range, sizes; ``NonPositiveCurvature`` from CG.
public func stochasticHypergradient(
    _ oracles: CountedOracles, objective s: Int, x: Vector, y: Vector,
    solver: HessianSolver, hessianBatch: Int, outerBatch: Int?,
    warmStart: Vector? = nil, using rng: inout SeededGenerator
) throws -> HypergradientEstimate {
    try oracles.problem.checkPoint(x: x, y: y)
    try checkObjective(s, oracles)
    let finiteSum = try oracles.finiteSum(for: "stochastic hypergradients")
    let n = finiteSum.sampleCount
    guard (1...n).contains(hessianBatch) else {
        throw InvalidInput("batch size", "\(hessianBatch)", "must be between 1 and N = \(n)")
    }
    if let b = outerBatch, !(1...n).contains(b) {
        throw InvalidInput("outer batch size", "\(b)", "must be between 1 and N = \(n)")
    }
    if case .neumann(let eta, let stop) = solver {
        guard case .fixed(let terms) = stop else {
            throw InvalidInput(
                "stochastic Neumann stopping rule", "a tolerance",
                "must be a fixed number of terms Q (a random series has no residual to test)")
        }
        guard terms >= 1 else { throw InvalidInput("Neumann terms Q", "\(terms)", "must be ≥ 1") }
        try oracles.problem.checkStep(eta, name: "Neumann step η", x: x)
    }
    let before = oracles.counts
    let upperBatch = outerBatch.map { rng.upperBatch(of: $0, from: finiteSum.upperSampleCount) }
    func gradientY() throws -> Vector {
        if let batch = upperBatch { return try oracles.upperGradientY(s, x: x, y: y, batch: batch) }
        return oracles.upperGradientY(s, x: x, y: y)
    }
    let b = try gradientY()
    let solution: Vector, solve: LinearSolveResult?, peak: Int
    switch solver {
    case .neumann(let eta, .fixed(let terms)):
        var p = b, acc = b
        for _ in 1..<terms {
            let batch = rng.batch(of: hessianBatch, from: n)
            axpy(-eta, try oracles.hessianVector(x: x, y: y, p, batch: batch), &p)
            axpy(1, p, &acc)
        }
        (solution, solve, peak) = (eta * acc, nil, 5)
    case .neumann:
        fatalError("unreachable: tolerance rules are refused above")
    case .conjugateGradient(let stop):
        let batch = rng.batch(of: hessianBatch, from: n)
        var failure: Error?
        let apply = { (v: Vector) -> Vector in
            do { return try oracles.hessianVector(x: x, y: y, v, batch: batch) } catch {
                failure = error
                return v
            }
        }
        let result = try conjugateGradient(apply, b, initialGuess: warmStart, stop: stop)
        if let failure { throw failure }
        (solution, solve, peak) = (result.solution, result, result.peakVectors + 2)
    }
    var h: Vector, value: Double
    if let batch = upperBatch {
        h = try oracles.upperGradientX(s, x: x, y: y, batch: batch)
    } else {
        h = oracles.upperGradientX(s, x: x, y: y)
    }
    if let size = outerBatch {
        axpy(-1, try oracles.mixedVector(x: x, y: y, solution, batch: rng.batch(of: size, from: n)), &h)
    } else {
        axpy(-1, oracles.mixedVector(x: x, y: y, solution), &h)
    }
    if let batch = upperBatch {
        value = try oracles.upperValues(x: x, y: y, batch: batch)[s]
    } else {
        value = oracles.upperValues(x: x, y: y)[s]
    }
    return HypergradientEstimate(
        gradient: h, value: value, solve: solve, v: solution,
        counts: oracles.counts - before, peakVectors: peak)
}

private func checkObjective(_ s: Int, _ oracles: CountedOracles) throws {
    guard (0..<oracles.objectiveCount).contains(s) else {
        throw InvalidInput("objective s", "\(s)", "must be in 0..<S = \(oracles.objectiveCount)")
    }
}
