/// The largest eigenvalue of a symmetric positive semidefinite operator H, by power
/// iteration on products v ↦ H v:
///
///     v⁽ʲ⁺¹⁾ = H v⁽ʲ⁾ / ‖H v⁽ʲ⁾‖,      λ⁽ʲ⁾ = ⟨v⁽ʲ⁾, H v⁽ʲ⁾⟩   (the Rayleigh quotient)
///
/// from a unit start v⁽⁰⁾. Every Rayleigh quotient is at most λ_max, and they rise toward
/// it at the rate (λ₂/λ_max)²ʲ; the iteration stops when two successive quotients agree
/// to `tolerance` (relative), or after `maxIterations` products. Use it for a *measured*
/// step size — the curvature where the iterate is, not a bound over every point: the
/// result is an estimate from below, so a step 1/λ is safe for gradient descent only
/// while the curvature along the path stays below 2λ (check it where the path ends).
///
/// Cost: one product per iteration; holds 2 vectors (v and Hv).
///
/// - Parameters:
///   - apply: v ↦ H v (H symmetric positive semidefinite).
///   - start: v⁽⁰⁾ (any nonzero vector; normalized here). A random start has a component
///     along the top eigenvector almost surely; a warm start (the last run's vector)
///     converges in a few products.
/// - Returns: the last Rayleigh quotient, its vector, the products spent and whether the
///   tolerance was met.
/// - Throws: ``InvalidInput`` for a zero start or bad settings; ``Diverged`` when a product
///   is not finite.
public func powerIteration(
    _ apply: (Vector) -> Vector, start: Vector, tolerance: Double = 1e-3, maxIterations: Int = 200
) throws -> PowerIterationResult {
    guard tolerance > 0, maxIterations >= 1 else {
        throw InvalidInput(
            "power iteration", "tolerance \(tolerance), \(maxIterations) iterations",
            "needs tolerance > 0 and at least one iteration")
    }
    let startNorm = norm(start)
    guard startNorm > 0, startNorm.isFinite else {
        throw InvalidInput("power iteration start", "‖v⁽⁰⁾‖ = \(startNorm)", "must be a finite nonzero vector")
    }
    var v = (1 / startNorm) * start
    var lambda = 0.0
    for j in 1...maxIterations {
        let hv = apply(v)
        let previous = lambda
        lambda = dot(v, hv)  // the Rayleigh quotient of the unit vector v
        let size = norm(hv)
        guard size.isFinite, lambda.isFinite else { throw Diverged("power iteration", step: j, quantity: "H v") }
        guard size > 0 else { return PowerIterationResult(value: 0, vector: v, products: j, converged: true) }
        v = (1 / size) * hv
        if j > 1, abs(lambda - previous) <= tolerance * lambda {
            return PowerIterationResult(value: lambda, vector: v, products: j, converged: true)
        }
    }
    return PowerIterationResult(value: lambda, vector: v, products: maxIterations, converged: false)
}

/// What ``powerIteration(_:start:tolerance:maxIterations:)`` found.
public struct PowerIterationResult: Sendable {
    /// The last Rayleigh quotient: an estimate of λ_max from below.
    public let value: Double
    /// The unit vector after the last product (a warm start for the next call).
    public let vector: Vector
    /// Products v ↦ Hv spent.
    public let products: Int
    /// Whether two successive quotients agreed to the tolerance.
    public let converged: Bool
}
