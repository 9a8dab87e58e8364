import MOBL
import Testing

/// The test's own optimality check, written independently of the library's:
/// for a convex QP over Δ_S × R^m₊, w is optimal iff no feasible direction descends,
/// i.e. the Frank–Wolfe gap of the simplex block is 0, and the gradient of every
/// nonnegative unknown is ≥ 0 and complementary.
private func optimalityViolation(_ p: Matrix, _ c: [Double], _ w: [Double], extra m: Int) -> Double {
    let n = c.count, s = n - m
    var g = c
    for i in 0..<n { for j in 0..<n { g[i] += 2 * p[i, j] * w[j] } }
    var worst = abs(w[0..<s].reduce(0, +) - 1)
    worst = max(worst, -(w.min() ?? 0))
    let gmin = g[0..<s].min()!
    worst = max(worst, (0..<s).reduce(0) { $0 + w[$1] * (g[$1] - gmin) })
    for j in s..<n { worst = max(worst, -g[j], abs(w[j] * g[j])) }
    return worst
}

private func objective(_ p: Matrix, _ c: [Double], _ w: [Double]) -> Double {
    var value = 0.0
    for i in w.indices {
        value += c[i] * w[i]
        for j in w.indices { value += w[i] * p[i, j] * w[j] }
    }
    return value
}

/// Brute force: many steps of projected gradient from the barycentre. Its value is
/// an upper bound on the optimum, so the exact solver must never be worse.
private func projectedGradientValue(_ p: Matrix, _ c: [Double], extra m: Int, iterations: Int = 4000) -> Double {
    let n = c.count, s = n - m
    let step = 1 / (2 * max(p.maxAbsEntry * Double(n), 1e-12))
    var w = [Double](repeating: 1 / Double(s), count: s) + [Double](repeating: 0, count: m)
    var best = objective(p, c, w)
    for _ in 0..<iterations {
        var g = c
        for i in 0..<n { for j in 0..<n { g[i] += 2 * p[i, j] * w[j] } }
        var y = w
        for i in 0..<n { y[i] -= step * g[i] }
        let lambda = projectOntoSimplex(Array(y[0..<s]))
        w = lambda + y[s...].map { max($0, 0) }
        best = min(best, objective(p, c, w))
    }
    return best
}

enum Degeneracy: CaseIterable { case none, identicalGradients, zeroGradient, rankOne }

/// A seeded instance: P = Gram matrix of S random gradients in R^d (with the chosen
/// degeneracy), c either zero (MGDA) or random (Chebyshev-like).
private func instance(size s: Int, degeneracy: Degeneracy, linear: Bool, _ rng: inout SeededGenerator) -> (Matrix, [Double]) {
    let d = 6
    var gradients = (0..<s).map { _ in rng.gaussianVector(d) }
    switch degeneracy {
    case .none: break
    case .identicalGradients: gradients = Array(repeating: gradients[0], count: s)
    case .zeroGradient: gradients[rng.integer(below: s)] = [Double](repeating: 0, count: d)
    case .rankOne: let base = gradients[0]; gradients = gradients.map { _ in rng.gaussian() * base }
    }
    let c = linear ? rng.gaussianVector(s) : [Double](repeating: 0, count: s)
    return (Matrix.gram(gradients), c)
}

@Suite("Exact simplex QP")
struct SimplexQPTests {
    @Test("KKT to 1e-10 and never worse than brute force, S = 2…8, degenerate cases included",
          arguments: Degeneracy.allCases)
    func randomInstances(degeneracy: Degeneracy) throws {
        var rng = SeededGenerator(seed: 11)
        var count = 0
        for s in 2...8 {
            for trial in 0..<16 {
                let (p, c) = instance(size: s, degeneracy: degeneracy, linear: trial % 2 == 1, &rng)
                let solution = try solveSimplexQP(P: p, c: c)
                let w = solution.weights
                #expect(w.count == s)
                #expect(optimalityViolation(p, c, w, extra: 0) <= 1e-10, "S=\(s) \(degeneracy) trial \(trial)")
                #expect(solution.kktResidual <= 1e-10)
                #expect(abs(solution.objective - objective(p, c, w)) <= 1e-12 * max(1, abs(solution.objective)))
                #expect(solution.objective <= projectedGradientValue(p, c, extra: 0) + 1e-10)
                count += 1
            }
        }
        #expect(count == 112)
    }

    @Test("A zero gradient makes the min-norm value zero")
    func zeroGradientGivesZero() throws {
        let g: [[Double]] = [[1, 2], [0, 0], [-3, 1]]
        let solution = try solveSimplexQP(P: .gram(g), c: [0, 0, 0])
        #expect(abs(solution.objective) <= 1e-15)
        #expect(abs(solution.weights[1] - 1) <= 1e-12)
    }

    @Test("Hand-solved: two opposite gradients balance, a dominating one wins")
    func handSolved() throws {
        // g1 = (1, 0), g2 = (−3, 0): λ₁·1 = λ₂·3, so λ = (3/4, 1/4) and the value is 0.
        let opposite = try solveSimplexQP(P: .gram([[1, 0], [-3, 0]]), c: [0, 0])
        #expect(abs(opposite.weights[0] - 0.75) <= 1e-14)
        #expect(abs(opposite.objective) <= 1e-15)
        // g1 = (1, 0), g2 = (2, 0): the shorter gradient alone, λ = (1, 0), value 1.
        let aligned = try solveSimplexQP(P: .gram([[1, 0], [2, 0]]), c: [0, 0])
        #expect(aligned.weights == [1, 0])
        #expect(abs(aligned.objective - 1) <= 1e-14)
    }

    @Test("Scale does not matter: gradients of size 1e-8 and 1e6 give the same weights", arguments: [1e-8, 1e-4, 1.0, 1e3, 1e6])
    func scaleInvariance(alpha: Double) throws {
        // g₁ = α(1, 0.2), g₂ = α(−3, 0.1): λ₁ = ⟨g₂ − g₁, g₂⟩/‖g₁ − g₂‖², the same for every α.
        let g1 = [alpha, 0.2 * alpha], g2 = [-3 * alpha, 0.1 * alpha]
        let expected = dot(g2 - g1, g2) / normSquared(g1 - g2)
        let solution = try solveSimplexQP(P: .gram([g1, g2]), c: [0, 0])
        #expect(abs(solution.weights[0] - expected) < 1e-12)
        // Three gradients, one of them a convex combination direction: compare with scale 1.
        let three: [[Double]] = [[1, 0.2], [-3, 0.1], [0.5, -2]]
        let reference = try solveSimplexQP(P: .gram(three), c: [0, 0, 0]).weights
        let scaled = try solveSimplexQP(P: .gram(three.map { alpha * $0 }), c: [0, 0, 0]).weights
        #expect(zip(reference, scaled).allSatisfy { abs($0 - $1) < 1e-10 })
    }

    @Test("S = 2 closed form agrees with the general solver")
    func closedForm() throws {
        var rng = SeededGenerator(seed: 12)
        for trial in 0..<400 {
            let degeneracy = Degeneracy.allCases[trial % 4]
            let (p, c) = instance(size: 2, degeneracy: degeneracy, linear: trial % 3 == 0, &rng)
            let general = try solveSimplexQP(P: p, c: c)
            let closed = try simplexQPClosedForm2(P: p, c: c)
            #expect(abs(general.objective - closed.objective) <= 1e-12 * max(1, abs(general.objective)))
            #expect(optimalityViolation(p, c, closed.weights, extra: 0) <= 1e-10)
            if degeneracy == .none {   // unique optimum: the weights must agree too
                #expect(abs(general.weights[0] - closed.weights[0]) <= 1e-9)
            }
        }
    }

    @Test("One extra nonnegative unknown (the shape of FORUM's dual)")
    func extraNonnegativeUnknown() throws {
        var rng = SeededGenerator(seed: 13)
        for trial in 0..<120 {
            let s = 2 + trial % 4
            // P = ½ Gram(g_1 … g_S, q), c = (0, …, 0, −φ): min ½‖Σλg + νq‖² − νφ.
            let vectors = (0...s).map { _ in rng.gaussianVector(5) }
            var p = Matrix.gram(vectors)
            p.storage = p.storage.map { 0.5 * $0 }
            let phi = abs(rng.gaussian())
            let c = [Double](repeating: 0, count: s) + [-phi]
            let solution = try solveSimplexQP(P: p, c: c, nonnegativeCount: 1)
            let w = solution.weights + solution.extra
            #expect(solution.extra.count == 1 && solution.extra[0] >= 0)
            #expect(optimalityViolation(p, c, w, extra: 1) <= 1e-10, "trial \(trial)")
            #expect(solution.objective <= projectedGradientValue(p, c, extra: 1) + 1e-10)
        }
    }

    @Test("P that is PSD up to rounding is accepted, subnormal Gram entries included; an indefinite P is refused")
    func semidefiniteUpToRounding() throws {
        // The Gram matrix `ch05 --kappa 1000` met at a converged point: gradients of size ~1e-161,
        // entries in the subnormal range (a few significant bits each), c = 0.
        let tiny = Double.leastNonzeroMagnitude      // 4.9e-324
        let subnormal = Matrix([[48 * tiny, 2 * tiny], [2 * tiny, 0]])      // 2.37e-322, 1e-323: as printed in that run
        let solution = try solveSimplexQP(P: subnormal, c: [0, 0])
        #expect(abs(solution.weights.reduce(0, +) - 1) < 1e-12 && solution.weights.allSatisfy { $0 >= 0 })
        // Nearly parallel gradients of ordinary size: the Gram matrix is singular up to rounding.
        var rng = SeededGenerator(seed: 91)
        let g = rng.gaussianVector(20)
        let parallel = [g, g.map { $0 * (1 + 1e-15) }, g.map { -$0 }]
        _ = try minNormWeights(gradients: parallel)
        // Genuinely indefinite, at every scale: refused.
        for scale in [1e-300, 1.0, 1e300] {
            let indefinite = Matrix([[scale, 0], [0, -1e-6 * scale]])
            #expect(throws: InvalidInput.self, "scale \(scale)") { try solveSimplexQP(P: indefinite, c: [0, 0]) }
        }
    }

    @Test("Bad input is refused with the rule it breaks")
    func badInput() {
        #expect(throws: InvalidInput.self) { try solveSimplexQP(P: Matrix([[1, 0], [0, -1]]), c: [0, 0]) }   // indefinite
        #expect(throws: InvalidInput.self) { try solveSimplexQP(P: Matrix([[1, 2], [0, 1]]), c: [0, 0]) }    // not symmetric
        #expect(throws: InvalidInput.self) { try solveSimplexQP(P: .identity(3), c: [0, 0]) }                 // sizes
        #expect(throws: InvalidInput.self) { try solveSimplexQP(P: .identity(13), c: [Double](repeating: 0, count: 13)) }
        #expect(throws: InvalidInput.self) { try solveSimplexQP(P: .identity(2), c: [0, .nan]) }
        do {
            _ = try solveSimplexQP(P: Matrix([[1, 0], [0, -1]]), c: [0, 0])
        } catch let error as InvalidInput {
            #expect(error.description.contains("positive semidefinite"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("Unbounded in ν is reported, not returned")
    func unbounded() {
        // ν has no curvature and a negative cost: the objective falls without bound.
        #expect(throws: DidNotConverge.self) {
            try solveSimplexQP(P: Matrix([[1, 0], [0, 0]]), c: [0, -1], nonnegativeCount: 1)
        }
    }
}

@Suite("Simplex projection")
struct SimplexProjectionTests {
    @Test("Feasible, idempotent, nearest (variational inequality), shift-invariant")
    func properties() {
        var rng = SeededGenerator(seed: 21)
        for trial in 0..<300 {
            let n = 1 + trial % 9
            let v = (0..<n).map { _ in 3 * rng.gaussian() }
            let p = projectOntoSimplex(v)
            #expect(p.allSatisfy { $0 >= 0 })
            let total: Double = p.reduce(0, +)
            #expect(abs(total - 1) <= 1e-12)
            let again = projectOntoSimplex(p)
            #expect(zip(p, again).allSatisfy { abs($0 - $1) <= 1e-12 })
            // ⟨v − p, μ − p⟩ ≤ 0 for every μ in the simplex; the vertices suffice.
            for vertex in 0..<n {
                var inner = 0.0
                for i in 0..<n { inner += (v[i] - p[i]) * ((i == vertex ? 1 : 0) - p[i]) }
                #expect(inner <= 1e-12)
            }
            let shifted = projectOntoSimplex(v.map { $0 + 5 })
            #expect(zip(p, shifted).allSatisfy { abs($0 - $1) <= 1e-12 })
        }
    }

    @Test("Hand-computed projections")
    func handComputed() {
        #expect(zip(projectOntoSimplex([0.2, 0.8]), [0.2, 0.8]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(projectOntoSimplex([2, 0]) == [1, 0])
        #expect(projectOntoSimplex([1, 1]) == [0.5, 0.5])
        let p = projectOntoSimplex([0.5, 0.5, -1])
        #expect(p == [0.5, 0.5, 0])
        // Huge entries: shifting by the maximum first keeps the result on the simplex.
        #expect(projectOntoSimplex([1e300, -1e300]) == [1, 0])
    }
}
