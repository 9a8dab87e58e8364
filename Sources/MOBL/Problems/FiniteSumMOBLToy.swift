/// The MOBL toy as a finite sum over N samples, for stochastic algorithms:
///
///     g(x, y) = (1/N) Σ_{i<N} g_i(x, y),   g_i(x, y) = ½ yᵀQ_i y − yᵀB_i x,
///     Q_i = Q + σ_i E_{⌊i/2⌋},   B_i = B + σ_i F_{⌊i/2⌋},   σ_i = +1 (i even), −1 (i odd),
///
/// with the upper objectives f_s(x, y) = h_s(y) of the deterministic ``MOBLToy``
/// (no samples). The perturbations come in ± pairs, so they average to exactly zero
/// and the full problem *is* the deterministic toy: the same Q, B, y*(x),
/// hypergradients, front and Chebyshev optima (all delegated to ``toy``).
///
/// **Sizes.** Each E_j is a random symmetric matrix scaled to spectral norm
/// ‖E_j‖₂ = ρ μ_Q, and each F_j a random matrix with ‖F_j‖₂ = ρ ‖B‖₂, for a
/// perturbation ρ ∈ [0, 1). So every Q_i has eigenvalues in [(1 − ρ)μ_Q, L_Q + ρμ_Q]
/// and is positive definite; the initializer checks each by a Cholesky factorization
/// and records the extreme eigenvalues over all samples in ``sampleCurvature``
/// (a batch Hessian, a mean of Q_i, has its eigenvalues in that range: step sizes
/// for mini-batch steps should be checked against its L).
///
/// **Oracles.** Every batch oracle is the mean over the batch of the per-sample
/// oracle (the ``FiniteSumBilevelProblem`` convention), e.g.
/// `(1/|B|) Σ_{i∈B} (Q_i y − B_i x)`, computed as the toy's oracle plus the mean
/// perturbation. A batch of all N (distinct) samples is answered by the toy's own
/// oracle, exactly — the mean over all samples equals it in exact arithmetic, and this
/// way full-batch runs reproduce deterministic ones to the last bit.
public struct FiniteSumMOBLToy: BilevelProblemWithSolution, FiniteSumBilevelProblem {
    /// The full problem.
    public let toy: MOBLToy
    public let sampleCount: Int
    /// ρ: ‖E_j‖₂ = ρ μ_Q and ‖F_j‖₂ = ρ ‖B‖₂.
    public let perturbation: Double
    /// E_j, for the pair of samples 2j (+E_j) and 2j + 1 (−E_j).
    public let hessianPerturbations: [Matrix]
    /// F_j, for the pair of samples 2j (+F_j) and 2j + 1 (−F_j).
    public let couplingPerturbations: [Matrix]
    /// The smallest and largest eigenvalue over all N sample Hessians Q_i.
    public let sampleCurvature: (mu: Double, L: Double)

    public var upperDimension: Int { toy.upperDimension }
    public var lowerDimension: Int { toy.lowerDimension }
    public var objectiveCount: Int { toy.objectiveCount }

    /// - Throws: ``InvalidInput`` for N odd or below 2, or ρ outside [0, 1).
    public init(_ toy: MOBLToy, samples: Int, perturbation rho: Double, using rng: inout SeededGenerator) throws {
        guard samples >= 2, samples % 2 == 0 else {
            throw InvalidInput("samples N", "\(samples)", "must be even and ≥ 2 (the perturbations come in ± pairs)")
        }
        guard rho >= 0, rho < 1 else {
            throw InvalidInput("perturbation ρ", "\(rho)", "must be in [0, 1) to keep every Q_i positive definite")
        }
        let p = toy.lowerDimension, n = toy.upperDimension
        let bNorm = try symmetricEigenvalues(toy.B.transposed.times(toy.B)).last!.squareRoot()
        var e: [Matrix] = [], f: [Matrix] = []
        for _ in 0..<(samples / 2) {
            var g = rng.gaussianMatrix(rows: p, columns: p)
            for a in 0..<p { for b in 0..<a { g[a, b] = g[b, a] } }
            let gEigen = try symmetricEigenvalues(g)
            let gNorm = max(abs(gEigen.first!), abs(gEigen.last!))
            e.append(shaped(p, p, g.storage.map { $0 * rho * toy.curvature.mu / gNorm }))
            let h = rng.gaussianMatrix(rows: p, columns: n)
            let hNorm = try symmetricEigenvalues(h.transposed.times(h)).last!.squareRoot()
            f.append(shaped(p, n, h.storage.map { $0 * rho * bNorm / hNorm }))
        }
        var (low, high) = (Double.infinity, -Double.infinity)
        for j in e.indices {
            for sign in [1.0, -1.0] {
                let q = shaped(p, p, zip(toy.Q.storage, e[j].storage).map { $0 + sign * $1 })
                _ = try Cholesky(q, name: "Q_\(2 * j + (sign > 0 ? 0 : 1))")
                let eigen = try symmetricEigenvalues(q)
                (low, high) = (min(low, eigen.first!), max(high, eigen.last!))
            }
        }
        (self.toy, sampleCount, perturbation) = (toy, samples, rho)
        (hessianPerturbations, couplingPerturbations, sampleCurvature) = (e, f, (low, high))
    }

    /// σ_i and the pair index j of sample i.
    @inline(__always) private func pair(_ i: Int) -> (sign: Double, j: Int) { (i % 2 == 0 ? 1 : -1, i / 2) }

    private func isFull(_ batch: [Int]) -> Bool { batch.count == sampleCount }

    /// (1/|B|) Σ_{i∈B} σ_i M_{j(i)} v for M = E or F (or Fᵀ), accumulated in place.
    private func meanPerturbation(_ matrices: [Matrix], _ v: Vector, batch: [Int], transposed: Bool = false) -> Vector {
        let (rows, columns) = (matrices[0].rows, matrices[0].columns)
        var sum = Vector(repeating: 0, count: transposed ? columns : rows)
        sum.withUnsafeMutableBufferPointer { out in
            v.withUnsafeBufferPointer { vin in
                for i in batch {
                    let (sign, j) = pair(i)
                    matrices[j].storage.withUnsafeBufferPointer { m in
                        for a in 0..<rows {
                            if transposed {
                                let scaled = sign * vin[a]
                                for b in 0..<columns { out[b] += scaled * m[a * columns + b] }
                            } else {
                                var acc = 0.0
                                for b in 0..<columns { acc += m[a * columns + b] * vin[b] }
                                out[a] += sign * acc
                            }
                        }
                    }
                }
            }
        }
        return (1 / Double(batch.count)) * sum
    }

    // MARK: Full oracles: the deterministic toy's

    public func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? { toy.lowerCurvature(x: x) }
    public func upperValues(x: Vector, y: Vector) -> Vector { toy.upperValues(x: x, y: y) }
    public func lowerValue(x: Vector, y: Vector) -> Double { toy.lowerValue(x: x, y: y) }
    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector { toy.upperGradientX(s, x: x, y: y) }
    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector { toy.upperGradientY(s, x: x, y: y) }
    public func lowerGradientX(x: Vector, y: Vector) -> Vector { toy.lowerGradientX(x: x, y: y) }
    public func lowerGradientY(x: Vector, y: Vector) -> Vector { toy.lowerGradientY(x: x, y: y) }
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        toy.lowerHessianVector(x: x, y: y, v)
    }
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector { toy.lowerMixedVector(x: x, y: y, v) }
    public func lowerSolution(x: Vector) -> Vector { toy.lowerSolution(x: x) }
    public func exactHypergradients(x: Vector) -> [Vector] { toy.exactHypergradients(x: x) }

    // MARK: Batch oracles: means over the batch

    /// Mean of ½ yᵀQ_i y − yᵀB_i x = g + mean of σ_i(½ yᵀE_j y − yᵀF_j x).
    public func lowerValue(x: Vector, y: Vector, batch: [Int]) -> Double {
        if isFull(batch) { return toy.lowerValue(x: x, y: y) }
        var sum = 0.0
        for i in batch {
            let (sign, j) = pair(i)
            sum += sign * (0.5 * hessianPerturbations[j].quadraticForm(y) - dot(y, couplingPerturbations[j].times(x)))
        }
        return toy.lowerValue(x: x, y: y) + sum / Double(batch.count)
    }

    /// Mean of Q_i y − B_i x.
    public func lowerGradientY(x: Vector, y: Vector, batch: [Int]) -> Vector {
        if isFull(batch) { return toy.lowerGradientY(x: x, y: y) }
        var g = toy.lowerGradientY(x: x, y: y)
        axpy(1, meanPerturbation(hessianPerturbations, y, batch: batch), &g)
        axpy(-1, meanPerturbation(couplingPerturbations, x, batch: batch), &g)
        return g
    }

    /// Mean of Q_i v.
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector {
        if isFull(batch) { return toy.lowerHessianVector(x: x, y: y, v) }
        var h = toy.lowerHessianVector(x: x, y: y, v)
        axpy(1, meanPerturbation(hessianPerturbations, v, batch: batch), &h)
        return h
    }

    /// Mean of ∇²_xy g_i · v = −B_iᵀ v.
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector {
        if isFull(batch) { return toy.lowerMixedVector(x: x, y: y, v) }
        var m = toy.lowerMixedVector(x: x, y: y, v)
        axpy(-1, meanPerturbation(couplingPerturbations, v, batch: batch, transposed: true), &m)
        return m
    }

    /// Q_i = Q + σ_i E_j, sample i's Hessian (for tests and derivations).
    public func sampleHessian(_ i: Int) -> Matrix {
        let (sign, j) = pair(i)
        return shaped(
            toy.Q.rows, toy.Q.columns, zip(toy.Q.storage, hessianPerturbations[j].storage).map { $0 + sign * $1 })
    }

    /// B_i = B + σ_i F_j, sample i's coupling.
    public func sampleCoupling(_ i: Int) -> Matrix {
        let (sign, j) = pair(i)
        return shaped(
            toy.B.rows, toy.B.columns, zip(toy.B.storage, couplingPerturbations[j].storage).map { $0 + sign * $1 })
    }
}

/// A rows × columns matrix with the given row-major entries.
private func shaped(_ rows: Int, _ columns: Int, _ storage: [Double]) -> Matrix {
    var m = Matrix(rows: rows, columns: columns)
    m.storage = storage
    return m
}
