/// FORUM's direction problem on the joint variable ζ = (x, y), solved exactly.
///
/// With the gradients ∇f_1, …, ∇f_S of the upper objectives and the gradient ∇q̃ of
/// the (approximate) value-function constraint q̃(ζ) ≤ 0, all as vectors in R^{n+p}:
///
///     primal:  min_d  max_s ⟨∇f_s, d⟩ + ½‖d‖²    s.t.  ⟨∇q̃, d⟩ ≤ −φ,   φ = (ρ/2)‖∇q̃‖²
///     dual:    min_{λ∈Δ_S, ν≥0}  ½‖Σ_s λ_s ∇f_s + ν ∇q̃‖² − ν φ,      d = −(Σ_s λ_s ∇f_s + ν ∇q̃)
///
/// The dual has S + 1 unknowns and needs only the Gram matrix of (∇f_1, …, ∇f_S, ∇q̃);
/// it is the foundation's simplex QP with one nonnegative unknown
/// (``solveSimplexQP(P:c:nonnegativeCount:)`` with P = Gram, c = (0, …, 0, −2φ)),
/// solved exactly by support enumeration — no iteration count, no external solver.
/// A caller may rely on: λ ∈ Δ_S, ν ≥ 0, the primal constraint ⟨∇q̃, d⟩ ≤ −φ when
/// ν > 0 holds with equality (complementary slackness), and d = 0 only at a KKT point.
/// ∇q̃ = 0 (the constraint is flat: φ = 0) gives ν = 0 and the min-norm (MGDA) direction.
/// Source: the direction problem of FORUM (Ye et al. 2024, arXiv 2401.09257); its dual is
/// derived in full in Chapter 7 §2.
public struct FORUMDirection: Sendable {
    /// The weights λ ∈ Δ_S on the objectives' gradients.
    public let lambda: Vector
    /// The constraint's multiplier ν ≥ 0.
    public let nu: Double
    /// d = −(Σ_s λ_s ∇f_s + ν ∇q̃).
    public let d: Vector
    /// φ = (ρ/2)‖∇q̃‖², the decrease the constraint asks for.
    public let phi: Double

    /// - Throws: ``InvalidInput`` for no gradients, mismatched lengths, non-finite
    ///   entries, or ρ ≤ 0.
    public init(gradients: [Vector], constraintGradient gq: Vector, rho: Double) throws {
        try Self.validate(gradients, gq, rho)
        (lambda, nu, d, phi) = try Self.solve(gradients: gradients, constraintGradient: gq, rho: rho)
    }

    /// The dual, line by line: φ, the QP for (λ, ν), and d = −(Σ_s λ_s ∇f_s + ν ∇q̃).
    static func solve(gradients: [Vector], constraintGradient gq: Vector, rho: Double) throws -> (
        lambda: Vector, nu: Double, d: Vector, phi: Double
    ) {
        let S = gradients.count
        // φ = (ρ/2)‖∇q̃‖², the decrease of q̃ the direction must make.
        let phi = 0.5 * rho * normSquared(gq)
        let solution: SimplexQPSolution, nu: Double
        if phi == 0 {
            // A flat constraint: ν plays no part; λ = MGDA's min-norm weights.
            solution = try solveSimplexQP(P: .gram(gradients), c: Vector(repeating: 0, count: S))
            nu = 0
        } else {
            // (λ, ν) = argmin_{λ∈Δ_S, ν≥0} ½‖Σ_s λ_s ∇f_s + ν∇q̃‖² − νφ: Gram matrix P, c = (0, …, 0, −2φ).
            solution = try solveSimplexQP(
                P: .gram(gradients + [gq]), c: Vector(repeating: 0, count: S) + [-2 * phi],
                nonnegativeCount: 1)
            nu = solution.extra[0]
        }
        // d = −(Σ_s λ_s ∇f_s + ν ∇q̃).
        var direction = combination(solution.weights, gradients)
        axpy(nu, gq, &direction)
        return (solution.weights, nu, -1 * direction, phi)
    }

    /// The input rules: at least one gradient, equal lengths, finite entries, ρ > 0.
    static func validate(_ gradients: [Vector], _ gq: Vector, _ rho: Double) throws {
        guard let length = gradients.first?.count, length > 0 else {
            throw InvalidInput("gradients ∇f_s", "none", "need at least one non-empty gradient")
        }
        guard gradients.allSatisfy({ $0.count == length }), gq.count == length else {
            throw InvalidInput("gradients", "lengths \(gradients.map(\.count)) and ∇q̃ \(gq.count)", "must all be equal")
        }
        guard (gradients + [gq]).allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw InvalidInput("gradients", "non-finite entries", "every entry must be finite")
        }
        guard rho > 0, rho.isFinite else { throw InvalidInput("ρ", "\(rho)", "must be > 0") }
    }
}

/// The best multiplier for fixed weights λ: ν(λ) = max(Σ_s λ_s π_s, 0), with
///
///     π_s = (φ − ⟨∇q̃, ∇f_s⟩) / ‖∇q̃‖²            (derived: minimizing the dual over ν)
///     π_s = (2φ − ⟨∇q̃, ∇f_s⟩) / ‖∇q̃‖²           (as printed in the FORUM paper)
///
/// The printed form equals the authors' code's ρ − ⟨∇q̃, ∇f_s⟩/‖∇q̃‖² and makes the
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
