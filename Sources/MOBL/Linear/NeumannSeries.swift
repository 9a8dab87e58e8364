/// The truncated Neumann series for H⁻¹ b, using only products v ↦ H v:
///
///     H⁻¹ b ≈ η Σ_{q=0}^{Q−1} (I − ηH)^q b
///
/// computed by the recursion `p ← (I − ηH) p`, `acc ← acc + p`, result `η·acc`.
/// The residual needs no extra work: `b − H·(η Σ_{q<Q} (I − ηH)^q b) = (I − ηH)^Q b`,
/// the next term. With μ ≤ eigenvalues ≤ L and 0 < η ≤ 1/L the relative error and
/// residual fall like `(1 − ημ)^Q`, so `O(κ log 1/ε)` terms reach ε — the square of
/// CG's √κ. For η > 2/L some `|1 − ηλ| > 1` and the terms grow: that is detected the
/// moment a term exceeds ‖b‖ and reported as `NeumannDivergence`.
///
/// - Parameters:
///   - apply: v ↦ H v.
///   - b: the right-hand side.
///   - eta: the step η > 0 (≤ 1/L for the guarantee above).
///   - stop: a tolerance on the relative residual, or `.fixed(iterations: Q)` for
///     exactly Q terms.
///   - observe: called with (q, estimate with terms 0…q) — the estimate available
///     after q products — for q = 0, 1, …; returning false stops the series there.
/// - Returns: the estimate; `products` = `iterations` = the products spent (Q terms
///   cost Q products, the last of which yields the exact residual); `peakVectors` = 3
///   (p, acc, Hp).
/// - Throws: `NeumannDivergence`; `InvalidInput` for η ≤ 0 or fewer than one term.
public func neumannSeries(_ apply: (Vector) -> Vector, _ b: Vector, eta: Double, stop: StoppingRule,
                          observe: ((Int, Vector) -> Bool)? = nil) throws -> LinearSolveResult {
    try stop.validate()
    guard eta > 0, eta.isFinite else { throw InvalidInput("Neumann step η", "\(eta)", "must be > 0 (and ≤ 1/L)") }
    if case .fixed(let terms) = stop, terms < 1 {
        throw InvalidInput("Neumann terms Q", "\(terms)", "must be ≥ 1")
    }
    let bNorm = norm(b)
    var p = b            // the newest term (I − ηH)^q b
    var acc = b          // terms 0…q
    var products = 0
    var residual = bNorm
    var converged = false
    var keepGoing = observe?(0, eta * acc) ?? true
    while keepGoing && products < stop.maxIterations {
        if bNorm == 0 { converged = true; residual = 0; break }
        axpy(-eta, apply(p), &p)       // p = (I − ηH)^{q+1} b = b − H·(η·acc)
        products += 1
        residual = norm(p)
        guard residual <= bNorm * (1 + 1e-9) else {
            throw NeumannDivergence(eta: eta, term: products, growth: residual / bNorm)
        }
        switch stop {
        case .fixed(let terms):
            if products == terms { converged = true }
        case .tolerance(let tol, _):
            if residual <= tol * bNorm { converged = true }
        }
        if converged { break }
        axpy(1, p, &acc)
        keepGoing = observe?(products, eta * acc) ?? true
    }
    return LinearSolveResult(solution: eta * acc, iterations: products, products: products, residualNorm: residual,
                             relativeResidual: bNorm > 0 ? residual / bNorm : 0, converged: converged, peakVectors: 3)
}
