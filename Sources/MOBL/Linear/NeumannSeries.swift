/// The truncated Neumann series for H⁻¹ b, using only products v ↦ H v:
///
///     H⁻¹ b ≈ η Σ_{q=0}^{Q−1} (I − ηH)^q b
///
/// computed by the recursion `p ← (I − ηH) p`, `acc ← acc + p`, result `η·acc`.
/// The residual needs no extra work: `b − H·(η Σ_{q<Q} (I − ηH)^q b) = (I − ηH)^Q b`,
/// the next term. With μ ≤ eigenvalues ≤ L and 0 < η ≤ 1/L the relative error and
/// residual fall like `(1 − ημ)^Q`, so `O(κ log 1/ε)` terms reach ε — the square of
/// CG's √κ.
///
/// **Divergence.** For symmetric H, ‖(I − ηH)p‖ ≤ ‖p‖ whenever every |1 − ηλ| ≤ 1,
/// i.e. 0 < η ≤ 2/L. So a term larger than the one before it, or larger than b,
/// proves η > 2/L (or an eigenvalue ≤ 0), and the series stops with
/// ``NeumannDivergence``. Detection can lag: while the growing eigen-component is
/// still small the total keeps shrinking. For a guarantee, check η against a known
/// L first (``BilevelProblem/checkStep(_:name:x:limitOverL:)`` does that when the
/// problem knows L).
///
/// - Parameters:
///   - apply: v ↦ H v.
///   - b: the right-hand side.
///   - eta: the step η > 0 (≤ 1/L for the guarantee above).
///   - stop: a tolerance on the relative residual, or
///     ``StoppingRule/fixed(iterations:)`` with Q iterations for exactly Q terms.
///   - observe: called with (q, estimate with terms 0…q) for q = 0, 1, …; returning
///     false stops the series there.
/// - Returns: the estimate and the exact residual *of that estimate*;
///   ``LinearSolveResult/products`` = ``LinearSolveResult/iterations`` = the products
///   spent. Q terms cost Q products (the last one yields the residual); a run
///   stopped by `observe` spends one more to measure its residual.
///   ``LinearSolveResult/peakVectors`` = 3 (p, acc, Hp).
/// - Throws: ``NeumannDivergence``; ``InvalidInput`` for η ≤ 0 or fewer than one term.
public func neumannSeries(
    _ apply: (Vector) -> Vector, _ b: Vector, eta: Double, stop: StoppingRule,
    observe: ((Int, Vector) -> Bool)? = nil
) throws -> LinearSolveResult {
    try validateNeumann(eta: eta, stop: stop)
    let bNorm = norm(b)
    var p = b  // the newest term (I − ηH)^q b
    var acc = b  // terms 0…q: the estimate is η·acc
    var terms = NeumannTerms(eta: eta, bNorm: bNorm)
    // One product: p ← (I − ηH) p, the next term — which is the residual of the current acc.
    func advance() throws -> Double {
        axpy(-eta, apply(p), &p)
        return try terms.checkedSize(of: p)
    }
    var residual: Double? = bNorm == 0 ? 0 : nil  // residual of the current acc, once measured
    var converged = bNorm == 0
    var keepGoing = !converged && (observe?(0, eta * acc) ?? true)
    while keepGoing {
        let r = try advance()
        residual = r
        switch stop {
        case .fixed(let q): converged = terms.products == q
        case .tolerance(let tol, _): converged = r <= tol * bNorm
        }
        if converged || terms.products >= stop.maxIterations { break }
        axpy(1, p, &acc)  // acc ← acc + p
        residual = nil
        keepGoing = observe?(terms.products, eta * acc) ?? true
    }
    let finalResidual = try residual ?? advance()  // stopped by the observer: measure it
    return LinearSolveResult(
        solution: eta * acc, iterations: terms.products, products: terms.products, residualNorm: finalResidual,
        relativeResidual: bNorm > 0 ? finalResidual / bNorm : 0, converged: converged, peakVectors: 3)
}

/// η > 0 and finite, and at least one term.
private func validateNeumann(eta: Double, stop: StoppingRule) throws {
    try stop.validate()
    guard eta > 0, eta.isFinite else { throw InvalidInput("Neumann step η", "\(eta)", "must be > 0 (and ≤ 1/L)") }
    if case .fixed(let terms) = stop, terms < 1 {
        throw InvalidInput("Neumann terms Q", "\(terms)", "must be ≥ 1")
    }
}

/// Counts the products of ``neumannSeries(_:_:eta:stop:observe:)`` and watches the terms'
/// sizes: a term larger than b or than the term before it proves η > 2/L (or an eigenvalue
/// ≤ 0), and the series stops with ``NeumannDivergence``.
private struct NeumannTerms {
    let eta: Double, bNorm: Double
    var products = 0
    var previousNorm: Double

    init(eta: Double, bNorm: Double) { (self.eta, self.bNorm, previousNorm) = (eta, bNorm, bNorm) }

    /// ‖p‖ of the newest term, counted as one product; throws when the terms grow.
    mutating func checkedSize(of p: Vector) throws -> Double {
        products += 1
        let size = norm(p)
        guard size <= bNorm * (1 + 1e-9), size <= previousNorm * (1 + 1e-9) else {
            throw NeumannDivergence(
                eta: eta, term: products, growth: max(size / previousNorm, size / bNorm),
                relativeSize: size / bNorm)
        }
        previousNorm = size
        return size
    }
}
