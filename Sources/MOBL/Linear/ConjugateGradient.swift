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
    var products = 0
    func h(_ v: Vector) -> Vector {
        products += 1
        return apply(v)
    }
    // r₀ = b − H v₀,  p₀ = r₀
    var cg = try CGState(b, initialGuess: initialGuess, stop: stop, h)
    var keepGoing = observe?(0, cg.v) ?? true
    while keepGoing && cg.k < stop.maxIterations {
        // The updated residual says "done": confirm with the true one (or restart from it).
        if cg.updatedResidualSaysDone, try cg.confirmedByTrueResidual(h) { break }
        // αₖ = ‖rₖ‖² / pₖᵀHpₖ,  vₖ₊₁ = vₖ + αₖpₖ,  rₖ₊₁ = rₖ − αₖHpₖ
        let hp = h(cg.p)
        let curvature = dot(cg.p, hp)
        guard curvature > 0 else { throw NonPositiveCurvature(iteration: cg.k + 1, curvature: curvature) }
        let alpha = cg.rr / curvature
        axpy(alpha, cg.p, &cg.v)
        axpy(-alpha, hp, &cg.r)
        // βₖ = ‖rₖ₊₁‖² / ‖rₖ‖²,  pₖ₊₁ = rₖ₊₁ + βₖpₖ
        let rrNext = normSquared(cg.r)
        let beta = rrNext / cg.rr
        for i in cg.p.indices { cg.p[i] = cg.r[i] + beta * cg.p[i] }
        (cg.rr, cg.k) = (rrNext, cg.k + 1)
        keepGoing = observe?(cg.k, cg.v) ?? true
    }
    return try cg.result(stop: stop, products: { products }, h)
}

/// The state of ``conjugateGradient(_:_:initialGuess:stop:observe:)`` between its steps — the
/// iterate, residual and direction — and its bookkeeping: the stopping targets, the
/// true-residual check and restart, and the result.
struct CGState {
    var v: Vector, r: Vector, p: Vector
    /// ‖r‖², and the iterations taken.
    var rr: Double, k = 0
    let b: Vector, bNorm: Double
    /// The tolerance's ‖b − Hv‖ target (−1 for a fixed number of iterations).
    let target: Double
    /// ε²‖b‖: below it the updated residual says nothing the true one could show (that stays
    /// near ε‖H‖‖v‖); further steps shrink every number towards underflow until pᵀHp is 0 or NaN.
    let floor: Double
    var trueResidual: Double? = nil
    var atRoundingFloor = false

    init(_ b: Vector, initialGuess: Vector?, stop: StoppingRule, _ h: (Vector) -> Vector) throws {
        try stop.validate()
        v = initialGuess ?? Vector(repeating: 0, count: b.count)
        guard v.count == b.count else {
            throw InvalidInput("initial guess", "length \(v.count)", "must match b (length \(b.count))")
        }
        r = b
        if initialGuess != nil { axpy(-1, h(v), &r) }
        p = r
        rr = normSquared(r)
        (self.b, bNorm) = (b, norm(b))
        if case .tolerance(let tol, _) = stop { target = tol * bNorm } else { target = -1 }
        floor = Double.ulpOfOne * Double.ulpOfOne * bNorm
    }

    /// Whether the recursively updated residual has met the target (or hit the rounding floor).
    var updatedResidualSaysDone: Bool {
        mutating get {
            if rr.squareRoot() <= floor { atRoundingFloor = true }
            return rr.squareRoot() <= target || rr == 0 || atRoundingFloor
        }
    }

    /// Checks the true residual b − Hv (one product): true when it confirms the stop; otherwise
    /// rounding has made the updated residual drift, and CG restarts from the true one.
    mutating func confirmedByTrueResidual(_ h: (Vector) -> Vector) throws -> Bool {
        var r0 = b
        axpy(-1, h(v), &r0)
        let size = norm(r0)
        if size <= target * (1 + 1e-6) || atRoundingFloor {
            trueResidual = size
            return true
        }
        (r, p, rr) = (r0, r0, size * size)
        return false
    }

    /// The result: the true residual (measured now if no check measured it) and whether the
    /// stopping rule was met.
    func result(stop: StoppingRule, products: () -> Int, _ h: (Vector) -> Vector) throws -> LinearSolveResult {
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
            solution: v, iterations: k, products: products(), residualNorm: residual,
            relativeResidual: relative, converged: converged, peakVectors: 4)
    }
}
