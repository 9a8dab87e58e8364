/// The one small quadratic program behind every weighting rule in the course.
///
///     minimize   wᵀ P w + cᵀ w     over  w = (λ, ν),   λ ∈ Δ_S,  ν ∈ R^m, ν ≥ 0
///
/// with `P` symmetric positive semidefinite of size S + m and Δ_S the probability
/// simplex {λ ≥ 0, Σλ = 1}. With m = 0 this is
///
/// - MGDA's min-norm problem (P = Gram matrix of the gradients, c = 0),
/// - the weighted-Chebyshev weighting problem of WC-MHGD
///   (P = diag(r) G diag(r), c = −u · r ⊙ (Φ − z)),
///
/// and with m = 1 it is FORUM's dual (λ on the simplex plus one multiplier ν ≥ 0).
///
/// **Method: support enumeration.** For a convex QP the KKT conditions are necessary
/// and sufficient. On a guessed support J (the unknowns allowed to be non-zero) they
/// are a small linear system,
///
///     2 P_JJ w_J + c_J + τ·1_simplex = 0,     Σ_{j ∈ J, simplex} λ_j = 1,
///
/// and the guess is right iff the solution is feasible (w_J ≥ 0) and the gradient
/// `∇ = 2Pw + c` points "outwards" off the support (∇ᵢ + τ ≥ 0 for simplex unknowns,
/// ∇ᵢ ≥ 0 for the others). An optimum with the smallest support always has a
/// non-singular system (if not, one could move along a null direction without
/// changing the objective until a weight hits zero), so trying all 2^(S+m) − 1
/// supports finds it. That is a few thousand 13 × 13 solves at the most, exact to
/// rounding, with no step size or iteration count to tune — the reason to prefer it
/// to projected gradient for the tiny S of multi-objective learning.
///
/// The caller may rely on: the returned point is feasible to rounding (weights ≥ 0,
/// Σλ = 1 exactly up to one ulp per term), and ``kktResidual`` (see
/// ``simplexQPKKTResidual(P:c:nonnegativeCount:point:)``, in the units of P and c) is
/// the certificate, typically
/// ≲ 1e-15 · max(|Pᵢⱼ|, |cᵢ|). The solve is scale-invariant: P and c are divided by
/// their largest entry first, so gradients of size 1e-8 or 1e8 are handled alike.
public struct SimplexQPSolution: Sendable {
    /// λ ∈ Δ_S, the simplex weights.
    public let weights: Vector
    /// ν ≥ 0, the extra nonnegative unknowns (empty when m = 0).
    public let extra: Vector
    /// wᵀPw + cᵀw at the solution.
    public let objective: Double
    /// The optimality certificate (0 exactly at a KKT point).
    public let kktResidual: Double
}

/// Largest S + m the enumeration accepts (2¹² − 1 = 4095 candidate supports).
public let simplexQPMaximumSize = 12

/// Solves `min wᵀPw + cᵀw` over λ ∈ Δ_S, ν ≥ 0 exactly (see ``SimplexQPSolution``).
///
/// - Parameters:
///   - P: symmetric positive semidefinite, (S + m) × (S + m), up to rounding: after
///     dividing P and c by σ = max(max|P|, max|c|), P + δI must be positive definite
///     with δ = 1e-10 + 4(S + m)·`Double.leastNonzeroMagnitude`/σ (the second term
///     matters only for entries in the subnormal range, whose absolute error it is).
///   - c: the linear term, length S + m.
///   - m: the number of trailing unknowns that are only ≥ 0.
/// - Throws: ``InvalidInput`` for mismatched sizes, S < 1, S + m > 12, a non-symmetric
///   or indefinite P, or non-finite entries; ``DidNotConverge`` when no support gives a
///   KKT point (the problem is unbounded below in ν, or numerically degenerate).
public func solveSimplexQP(P: Matrix, c: Vector, nonnegativeCount m: Int = 0) throws -> SimplexQPSolution {
    let n = c.count
    let s = n - m
    guard m >= 0 else { throw InvalidInput("nonnegativeCount", "\(m)", "must be ≥ 0") }
    guard s >= 1 else {
        throw InvalidInput("simplex size S", "\(s)", "must be ≥ 1 (c has \(n) entries, \(m) of them extra)")
    }
    guard n <= simplexQPMaximumSize else {
        throw InvalidInput("S + m", "\(n)", "must be ≤ \(simplexQPMaximumSize) for exact support enumeration")
    }
    guard P.rows == n, P.columns == n else {
        throw InvalidInput("P", "\(P.rows)×\(P.columns)", "must be \(n)×\(n) to match c")
    }
    guard P.storage.allSatisfy(\.isFinite), c.allSatisfy(\.isFinite) else {
        throw InvalidInput("P, c", "non-finite entries", "every entry must be finite")
    }
    guard P.isSymmetric(tolerance: 1e-10) else { throw InvalidInput("P", "not symmetric", "must equal its transpose") }

    // The minimizer does not change when P and c are divided by the same σ > 0, so
    // solve the problem scaled to entries of size ≤ 1: every tolerance below is then
    // relative, whether the gradients behind P are of size 1e-8 or 1e8.
    let sigma = max(P.maxAbsEntry, c.reduce(0) { max($0, abs($1)) })
    var scaledP = P
    var scaledC = c
    if sigma > 0 {
        scaledP.storage = P.storage.map { $0 / sigma }
        scaledC = c.map { $0 / sigma }
    }
    // P must be PSD up to rounding: an eigenvalue of the scaled P above −δ counts as ≥ 0, with
    // δ = 1e-10 (relative to the problem's scale, now 1) plus the absolute error of entries that
    // were computed among subnormal numbers (gradients of size ~1e-160 have Gram entries ~1e-320,
    // each known only to ±Double.leastNonzeroMagnitude: after scaling, ±that/σ).
    let subnormalError = sigma > 0 ? 4 * Double(n) * Double.leastNonzeroMagnitude / sigma : 0
    guard scaledP.isPositiveSemidefinite(relativeTolerance: 1e-10, absoluteTolerance: subnormalError) else {
        throw InvalidInput("P", "indefinite", "must be positive semidefinite (the QP would not be convex)")
    }
    var best: (w: Vector, residual: Double)? = nil
    for mask in 1..<(1 << n) {
        let support = (0..<n).filter { mask & (1 << $0) != 0 }
        guard support.contains(where: { $0 < s }) else { continue }  // Σλ = 1 needs a simplex unknown
        guard var w = kktPointOnSupport(P: scaledP, c: scaledC, simplexSize: s, support: support) else { continue }
        // Accept tiny negative weights from rounding, then restore exact feasibility.
        let size = max(1, w.reduce(0) { max($0, abs($1)) })
        guard w.allSatisfy({ $0 >= -1e-9 * size }) else { continue }
        w = w.map { max($0, 0) }
        let total = w[0..<s].reduce(0, +)
        guard total > 0 else { continue }
        for i in 0..<s { w[i] /= total }
        let residual = simplexQPKKTResidual(P: scaledP, c: scaledC, nonnegativeCount: m, point: w)
        if best == nil || residual < best!.residual { best = (w, residual) }
    }
    guard let found = best, found.residual <= 1e-8 * max(1, found.w.reduce(0) { max($0, abs($1)) }) else {
        throw DidNotConverge(
            "solveSimplexQP",
            "no support gives a KKT point (best scaled residual \(best.map { String($0.residual) } ?? "none")); the problem may be unbounded below in the nonnegative unknowns"
        )
    }
    let w = found.w
    return SimplexQPSolution(
        weights: Array(w[0..<s]), extra: Array(w[s...]),
        objective: P.quadraticForm(w) + dot(c, w),
        kktResidual: simplexQPKKTResidual(P: P, c: c, nonnegativeCount: m, point: w))
}

/// Solves the KKT equations on one support; nil if the system is singular.
private func kktPointOnSupport(P: Matrix, c: Vector, simplexSize s: Int, support: [Int]) -> Vector? {
    let k = support.count
    var system = Matrix(rows: k + 1, columns: k + 1)
    var rhs = Vector(repeating: 0, count: k + 1)
    for (a, i) in support.enumerated() {
        for (b, j) in support.enumerated() { system[a, b] = 2 * P[i, j] }
        if i < s {
            system[a, k] = 1
            system[k, a] = 1
        }  // the multiplier τ of Σλ = 1
        rhs[a] = -c[i]
    }
    rhs[k] = 1
    guard let solution = solveLinearSystem(system, rhs) else { return nil }
    var w = Vector(repeating: 0, count: c.count)
    for (a, i) in support.enumerated() { w[i] = solution[a] }
    return w
}

/// The optimality certificate of a feasible point of the simplex QP.
///
/// With ∇ = 2Pw + c, and because the feasible set is the product Δ_S × R^m₊, the point
/// is optimal iff each block satisfies its own first-order condition:
///
/// - simplex block: the Frank–Wolfe gap Σᵢ λᵢ∇ᵢ − minᵢ ∇ᵢ is 0 (no vertex of the
///   simplex is a descent direction);
/// - nonnegative block: ∇ⱼ ≥ 0 and νⱼ ∇ⱼ = 0 (complementarity).
///
/// Returns the largest violation among these and the primal infeasibility
/// (|Σλ − 1|, negative weights). Zero exactly at a KKT point.
public func simplexQPKKTResidual(P: Matrix, c: Vector, nonnegativeCount m: Int = 0, point w: Vector) -> Double {
    let s = w.count - m
    var gradient = c
    axpy(2, P.times(w), &gradient)
    var residual = abs(w[0..<s].reduce(0, +) - 1)
    residual = max(residual, w.reduce(0) { max($0, -$1) })
    let minimum = gradient[0..<s].min()!
    var frankWolfeGap = 0.0
    for i in 0..<s { frankWolfeGap += w[i] * (gradient[i] - minimum) }
    residual = max(residual, frankWolfeGap)
    for j in s..<w.count {
        residual = max(residual, -gradient[j], abs(w[j] * gradient[j]))
    }
    return residual
}

/// The S = 2 closed form of the simplex QP (no extra unknowns).
///
/// With λ = (t, 1 − t) the objective is the parabola
/// `a t² + b t + const` with `a = P₁₁ − 2P₁₂ + P₂₂ ≥ 0` and
/// `b = 2(P₁₂ − P₂₂) + c₁ − c₂`, so `t = clamp(−b / 2a, 0, 1)`. For MGDA
/// (P = Gram matrix, c = 0) this is the familiar `t = ⟨g₂ − g₁, g₂⟩ / ‖g₁ − g₂‖²`.
/// When a = 0 (identical gradients) the objective is linear in t: the better end,
/// or t = ½ when it is constant. No clamping to [0.001, 0.999] — the ends are
/// legitimate answers.
public func simplexQPClosedForm2(P: Matrix, c: Vector) throws -> SimplexQPSolution {
    guard P.rows == 2, P.columns == 2, c.count == 2 else {
        throw InvalidInput("P, c", "\(P.rows)×\(P.columns), \(c.count)", "the closed form is for S = 2 only")
    }
    let a = P[0, 0] - 2 * P[0, 1] + P[1, 1]
    let b = 2 * (P[0, 1] - P[1, 1]) + c[0] - c[1]
    let t: Double
    if a > 0 {
        t = min(1, max(0, -b / (2 * a)))
    } else {
        t = b > 0 ? 0 : (b < 0 ? 1 : 0.5)
    }
    let w = [t, 1 - t]
    return SimplexQPSolution(
        weights: w, extra: [], objective: P.quadraticForm(w) + dot(c, w),
        kktResidual: simplexQPKKTResidual(P: P, c: c, point: w))
}
