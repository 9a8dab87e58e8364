/// Weighting rules that turn S gradients into one common descent direction.
///
/// Each solves the simplex QP of ``solveSimplexQP(P:c:nonnegativeCount:)`` with a
/// different P and c; each returns the full ``SimplexQPSolution`` so a caller can
/// read the KKT certificate.

/// MGDA's min-norm weights (Désidéri 2012; Sener & Koltun 2018):
///
///     λ = argmin_{λ ∈ Δ_S} ‖Σ_s λ_s g_s‖²
///
/// The direction `d = −Σ λ_s g_s` decreases every objective whenever it is not zero,
/// and its squared norm is the stationarity gap: x is Pareto stationary iff the
/// minimum is 0.
public func minNormWeights(gradients: [Vector]) throws -> SimplexQPSolution {
    try checkGradients(gradients)
    return try solveSimplexQP(P: .gram(gradients), c: Vector(repeating: 0, count: gradients.count))
}

/// The stationarity gap `min_{λ ∈ Δ} ‖Σ_s λ_s g_s‖²` (0 iff Pareto stationary).
///
/// Evaluated as ‖Σ λ_s g_s‖² at the min-norm weights (not as λᵀGλ), so it is never
/// negative from rounding.
public func stationarityGap(gradients: [Vector]) throws -> Double {
    normSquared(combination(try minNormWeights(gradients: gradients).weights, gradients))
}

/// Weighted-Chebyshev weights (the weighting subproblem of WC-MHGD):
///
///     λ = argmin_{λ ∈ Δ_S}  ‖Σ_s r_s λ_s g_s‖² − u · Σ_s λ_s r_s (f_s − z_s)
///
/// and the step is `d = −Σ_s r_s λ_s g_s`. It is the dual of the proximal
/// linearization `min_d max_s r_s (f_s + ⟨g_s, d⟩ − z_s) + ‖d‖²/(2γ)` with
/// `u = 2/γ`. Limits: u = 0 is preference-scaled MGDA; u → ∞ puts all weight on the
/// objective with the largest `r_s (f_s − z_s)` (a subgradient step of the Chebyshev
/// function). At a Pareto point where every `r_s (f_s − z_s)` is equal the linear
/// term is constant on the simplex and the step is zero: the Chebyshev optimum is
/// the fixed point.
///
/// - Parameters:
///   - gradients: g_s = ∇f_s(x), S vectors of equal length.
///   - values: f_s(x).
///   - r: the preference, every r_s > 0. Larger r_s buys smaller f_s.
///   - u: the weight of the preference term, ≥ 0.
///   - z: the reference point (default 0).
/// - Throws: ``InvalidInput`` for a non-positive preference, negative u, or sizes that
///   do not match.
public func chebyshevWeights(
    gradients: [Vector], values: Vector, preference r: Vector,
    u: Double, reference z: Vector? = nil
) throws -> SimplexQPSolution {
    try checkGradients(gradients)
    let s = gradients.count
    try validatePreference(r, objectives: s)
    guard values.count == s, values.allSatisfy(\.isFinite) else {
        throw InvalidInput("values f(x)", describe(values), "must be \(s) finite numbers")
    }
    guard u >= 0, u.isFinite else { throw InvalidInput("u", "\(u)", "must be ≥ 0 and finite") }
    let z = z ?? Vector(repeating: 0, count: s)
    guard z.count == s else { throw InvalidInput("reference z", describe(z), "must have \(s) entries") }
    let scaled = (0..<s).map { r[$0] * gradients[$0] }  // columns of K·diag(r)
    let c = (0..<s).map { -u * r[$0] * (values[$0] - z[$0]) }
    return try solveSimplexQP(P: .gram(scaled), c: c)
}

private func checkGradients(_ gradients: [Vector]) throws {
    guard let n = gradients.first?.count, n > 0 else {
        throw InvalidInput("gradients", "none", "need at least one non-empty gradient")
    }
    guard gradients.allSatisfy({ $0.count == n }) else {
        throw InvalidInput("gradients", "lengths \(gradients.map(\.count))", "must all have the same length")
    }
    guard gradients.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
        throw InvalidInput("gradients", "non-finite entries", "every entry must be finite")
    }
}
