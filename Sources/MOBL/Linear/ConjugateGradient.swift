/// Conjugate gradient for H v = b with H symmetric positive definite, using only
/// products v ↦ H v.
///
///     r₀ = b − H v₀,  p₀ = r₀
///     αₖ = ‖rₖ‖² / pₖᵀHpₖ,  vₖ₊₁ = vₖ + αₖpₖ,  rₖ₊₁ = rₖ − αₖHpₖ
///     βₖ = ‖rₖ₊₁‖² / ‖rₖ‖²,  pₖ₊₁ = rₖ₊₁ + βₖpₖ
///
/// Guarantees (exact arithmetic): the error in the H-norm falls at least as fast as
/// `2((√κ − 1)/(√κ + 1))ᵏ`, so `O(√κ log 1/ε)` iterations reach accuracy ε, and at
/// most p iterations give the exact solution. In floating point the search
/// directions slowly lose conjugacy, so more than p iterations can occur; the √κ
/// rate still holds in practice (the tests check it).
///
/// - Parameters:
///   - apply: v ↦ H v (one Hessian-vector product per call).
///   - b: the right-hand side.
///   - initialGuess: v₀ (a warm start); zero when nil, which saves one product.
///   - stop: a tolerance on ‖b − Hv‖/‖b‖ or a fixed number of iterations.
///   - observe: called with (k, vₖ) for k = 0, 1, … (for error curves); returning
///     false stops the solver there (``LinearSolveResult/converged`` then says
///     whether the rule was met).
/// - Returns: the solution with iterations, products, the true residual,
///   ``LinearSolveResult/converged``, and ``LinearSolveResult/peakVectors`` = 4
///   (v, r, p, Hp). Products = iterations + 1 for the true-residual check at the
///   end (+1 for a warm start's initial residual). If rounding has made the updated
///   residual drift from the true one, the check fails, CG restarts from the true
///   residual and checks again (one product per check).
/// - Postcondition: with more steps than the dimension, the updated residual of a
///   solvable system keeps shrinking far below rounding level, towards underflow, where
///   pᵀHp becomes 0 or NaN. Under either stopping rule the solve stops as converged once
///   ‖r‖ ≤ ε²‖b‖ (ε the machine epsilon; or r = 0), with the true residual checked and
///   reported, instead of reporting a curvature failure of a definite H.
/// - Throws: ``NonPositiveCurvature`` when pᵀHp ≤ 0 at a residual above rounding level; ``InvalidInput`` for an invalid
///   stopping rule or mismatched lengths.
public func conjugateGradient(
    _ apply: (Vector) -> Vector, _ b: Vector, initialGuess: Vector? = nil,
    stop: StoppingRule, observe: ((Int, Vector) -> Bool)? = nil
) throws -> LinearSolveResult {
    try stop.validate()
    var products = 0
    func h(_ v: Vector) -> Vector {
        products += 1
        return apply(v)
    }
    var v = initialGuess ?? Vector(repeating: 0, count: b.count)
    guard v.count == b.count else {
        throw InvalidInput("initial guess", "length \(v.count)", "must match b (length \(b.count))")
    }
    var r = b
    if initialGuess != nil { axpy(-1, h(v), &r) }
    var p = r
    var rr = normSquared(r)
    let bNorm = norm(b)
    let target: Double
    if case .tolerance(let tol, _) = stop { target = tol * bNorm } else { target = -1 }
    var keepGoing = observe?(0, v) ?? true
    var k = 0
    var trueResidual: Double? = nil
    var atRoundingFloor = false
    // Below ε²‖b‖ the updated residual says nothing the true one could show (that stays near
    // ε‖H‖‖v‖): further steps shrink every number towards underflow until pᵀHp is 0 or NaN.
    let floor = Double.ulpOfOne * Double.ulpOfOne * bNorm
    while keepGoing && k < stop.maxIterations {
        if rr.squareRoot() <= floor { atRoundingFloor = true }
        if rr.squareRoot() <= target || rr == 0 || atRoundingFloor {
            // The recursively updated residual says "done": confirm with the true one.
            // Rounding can make the two drift apart; then restart from the true residual.
            var r0 = b
            axpy(-1, h(v), &r0)
            let size = norm(r0)
            if size <= target * (1 + 1e-6) || atRoundingFloor {
                trueResidual = size
                break
            }
            r = r0
            p = r0
            rr = size * size
        }
        let hp = h(p)
        let curvature = dot(p, hp)
        guard curvature > 0 else { throw NonPositiveCurvature(iteration: k + 1, curvature: curvature) }
        let alpha = rr / curvature
        axpy(alpha, p, &v)
        axpy(-alpha, hp, &r)
        let rrNext = normSquared(r)
        let beta = rrNext / rr
        for i in p.indices { p[i] = r[i] + beta * p[i] }
        rr = rrNext
        k += 1
        keepGoing = observe?(k, v) ?? true
    }
    let residual: Double
    if let measured = trueResidual {
        residual = measured
    } else {
        var r0 = b
        axpy(-1, h(v), &r0)
        residual = norm(r0)
    }
    let relative = bNorm > 0 ? residual / bNorm : 0
    let converged: Bool
    switch stop {
    case .tolerance(let tol, _): converged = relative <= tol * (1 + 1e-6)
    case .fixed(let n): converged = k == n || residual == 0 || atRoundingFloor
    }
    return LinearSolveResult(
        solution: v, iterations: k, products: products, residualNorm: residual,
        relativeResidual: relative, converged: converged, peakVectors: 4)
}
