/// FORUM's direction problem on the joint variable z = (x, y), solved exactly.
///
/// With the gradients ∇F_1, …, ∇F_m of the upper objectives and the gradient ∇q̃ of
/// the (approximate) value-function constraint q̃(z) ≤ 0, all as vectors in R^{n+p}:
///
///     primal:  min_d  max_i ⟨∇F_i, d⟩ + ½‖d‖²    s.t.  ⟨∇q̃, d⟩ ≤ −φ,   φ = (ρ/2)‖∇q̃‖²
///     dual:    min_{λ∈Δ_m, ν≥0}  ½‖Σ_i λ_i ∇F_i + ν ∇q̃‖² − ν φ,      d = −(Σ_i λ_i ∇F_i + ν ∇q̃)
///
/// The dual has m + 1 unknowns and needs only the Gram matrix of (∇F_1, …, ∇F_m, ∇q̃);
/// it is the foundation's simplex QP with one nonnegative unknown
/// (``solveSimplexQP(P:c:nonnegativeCount:)`` with P = Gram, c = (0, …, 0, −2φ)),
/// solved exactly by support enumeration — no iteration count, no external solver.
/// A caller may rely on: λ ∈ Δ_m, ν ≥ 0, the primal constraint ⟨∇q̃, d⟩ ≤ −φ when
/// ν > 0 holds with equality (complementary slackness), and d = 0 only at a KKT point.
/// ∇q̃ = 0 (the constraint is flat: φ = 0) gives ν = 0 and the min-norm (MGDA) direction.
public struct FORUMDirection: Sendable {
    /// The weights λ ∈ Δ_m on the objectives' gradients.
    public let lambda: Vector
    /// The constraint's multiplier ν ≥ 0.
    public let nu: Double
    /// d = −(Σ λ_i ∇F_i + ν ∇q̃).
    public let d: Vector
    /// φ = (ρ/2)‖∇q̃‖², the decrease the constraint asks for.
    public let phi: Double

    /// - Throws: ``InvalidInput`` for no gradients, mismatched lengths, non-finite
    ///   entries, or ρ ≤ 0.
    public init(gradients: [Vector], constraintGradient gq: Vector, rho: Double) throws {
        guard let length = gradients.first?.count, length > 0 else {
            throw InvalidInput("gradients ∇F_i", "none", "need at least one non-empty gradient")
        }
        guard gradients.allSatisfy({ $0.count == length }), gq.count == length else {
            throw InvalidInput("gradients", "lengths \(gradients.map(\.count)) and ∇q̃ \(gq.count)", "must all be equal")
        }
        guard (gradients + [gq]).allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw InvalidInput("gradients", "non-finite entries", "every entry must be finite")
        }
        guard rho > 0, rho.isFinite else { throw InvalidInput("ρ", "\(rho)", "must be > 0") }
        let m = gradients.count
        phi = 0.5 * rho * normSquared(gq)
        let solution: SimplexQPSolution
        if phi == 0 {
            // A flat constraint: ν plays no part; the direction is MGDA's.
            solution = try solveSimplexQP(P: .gram(gradients), c: Vector(repeating: 0, count: m))
            nu = 0
        } else {
            solution = try solveSimplexQP(
                P: .gram(gradients + [gq]), c: Vector(repeating: 0, count: m) + [-2 * phi],
                nonnegativeCount: 1)
            nu = solution.extra[0]
        }
        lambda = solution.weights
        var direction = combination(lambda, gradients)
        axpy(nu, gq, &direction)
        d = -1 * direction
    }
}

/// The best multiplier for fixed weights λ: ν(λ) = max(Σ_i λ_i π_i, 0), with
///
///     π_i = (φ − ⟨∇q̃, ∇F_i⟩) / ‖∇q̃‖²            (derived: minimizing the dual over ν)
///     π_i = (2φ − ⟨∇q̃, ∇F_i⟩) / ‖∇q̃‖²           (as printed in the FORUM paper)
///
/// The printed form equals the authors' code's ρ − ⟨∇q̃, ∇F_i⟩/‖∇q̃‖² and makes the
/// direction satisfy ⟨∇q̃, d⟩ ≤ −2φ instead of −φ (Chapter 7 shows both). ν = 0 when
/// ∇q̃ = 0.
public func forumMultiplier(
    lambda: Vector, gradients: [Vector], constraintGradient gq: Vector, phi: Double,
    printed: Bool = false
) -> Double {
    let size = normSquared(gq)
    guard size > 0 else { return 0 }
    let target = printed ? 2 * phi : phi
    let pi = gradients.map { (target - dot(gq, $0)) / size }
    return max(dot(lambda, pi), 0)
}
