import ChapterSupport
import Foundation
import MOBL
import Testing

@Suite("Dense linear algebra and iterative solvers")
struct LinearSolverTests {
    @Test("Random orthogonal matrices are orthogonal; eigenvalues come back exactly")
    func randomMatrices() throws {
        var rng = SeededGenerator(seed: 51)
        let u = rng.orthogonalMatrix(30)
        let identity = u.transposed.times(u)
        for i in 0..<30 { for j in 0..<30 { #expect(abs(identity[i, j] - (i == j ? 1 : 0)) < 1e-13) } }
        let eigenvalues = logSpaced(from: 1, to: 1000, count: 25)
        #expect(eigenvalues.first == 1 && eigenvalues.last == 1000)
        #expect(abs(eigenvalues[12] - pow(1000, 0.5)) < 1e-9)
        let a = rng.symmetricMatrix(eigenvalues: eigenvalues)
        let computed = try symmetricEigenvalues(a)
        for (x, y) in zip(computed, eigenvalues) { #expect(abs(x - y) < 1e-10 * 1000) }
    }

    @Test("Cholesky solves to rounding, and refuses a matrix that is not positive definite")
    func cholesky() throws {
        var rng = SeededGenerator(seed: 52)
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: 100, count: 40))
        let x = rng.gaussianVector(40)
        let solved = try Cholesky(a).solve(a.times(x))
        #expect(norm(solved - x) / norm(x) < 1e-12)
        #expect(throws: InvalidInput.self) { try Cholesky(Matrix([[1, 2], [2, 1]])) }
        #expect(throws: InvalidInput.self) { try Cholesky(Matrix([[1, 2], [0, 1]])) }
    }

    @Test("CG matches the dense solve within its iteration bound", arguments: [10.0, 100, 1000, 10000])
    func conjugateGradientBound(kappa: Double) throws {
        var rng = SeededGenerator(seed: 53)
        let p = 120
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: p))
        let b = rng.gaussianVector(p)
        let exact = try Cholesky(a).solve(b)
        let tolerance = 1e-8
        let result = try conjugateGradient({ a.times($0) }, b, stop: .tolerance(relativeResidual: tolerance, maxIterations: 10 * p))
        #expect(result.converged)
        #expect(result.relativeResidual <= tolerance)
        #expect(norm(result.solution - exact) / norm(exact) <= kappa * tolerance * 1.01)   // ‖e‖/‖v*‖ ≤ κ·‖r‖/‖b‖
        // Theory: ‖r_k‖/‖b‖ ≤ √κ ‖e_k‖_A/‖e_0‖_A ≤ 2√κ ρᵏ with ρ = (√κ − 1)/(√κ + 1).
        let rho = (kappa.squareRoot() - 1) / (kappa.squareRoot() + 1)
        let bound = Int((log(2 * kappa.squareRoot() / tolerance) / log(1 / rho)).rounded(.up))
        // (In floating point CG can need more than p iterations; the √κ bound still holds.)
        #expect(result.iterations <= bound, "κ = \(kappa): \(result.iterations) iterations, bound \(bound)")
        // Documented costs: one product per iteration plus the final true-residual check.
        #expect(result.products == result.iterations + 1)
    }

    @Test("Warm-started CG: from the answer it stops at once; counts include the start residual")
    func warmStart() throws {
        var rng = SeededGenerator(seed: 54)
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: 50, count: 20))
        let b = rng.gaussianVector(20)
        let exact = try Cholesky(a).solve(b)
        let warm = try conjugateGradient({ a.times($0) }, b, initialGuess: exact, stop: .tolerance(relativeResidual: 1e-10, maxIterations: 100))
        #expect(warm.iterations == 0 && warm.products == 2 && warm.converged)
        let near = exact.map { $0 * (1 + 1e-4) }
        let cold = try conjugateGradient({ a.times($0) }, b, stop: .tolerance(relativeResidual: 1e-10, maxIterations: 100))
        let nearWarm = try conjugateGradient({ a.times($0) }, b, initialGuess: near, stop: .tolerance(relativeResidual: 1e-10, maxIterations: 100))
        #expect(nearWarm.iterations < cold.iterations)
        #expect(nearWarm.products == nearWarm.iterations + 2)
    }

    @Test("CG confirms convergence with the true residual, even when the updated one drifts")
    func trueResidual() throws {
        var rng = SeededGenerator(seed: 58)
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: 10_000, count: 120))
        let b = rng.gaussianVector(120)
        // Near the attainable accuracy (about 3e-13 here) the updated residual undershoots
        // the true one; CG must not claim a tolerance it has not met.
        for (tolerance, reachable) in [(1e-11, true), (1e-15, false)] {
            let result = try conjugateGradient({ a.times($0) }, b, stop: .tolerance(relativeResidual: tolerance, maxIterations: 1500))
            let trueRelative = norm(b - a.times(result.solution)) / norm(b)
            #expect(abs(result.relativeResidual - trueRelative) <= 1e-3 * trueRelative)
            #expect(result.converged == reachable)
            #expect(result.converged == (trueRelative <= tolerance * (1 + 1e-6)))
        }
    }

    @Test("CG stops on non-positive curvature instead of answering")
    func nonPositiveCurvature() {
        let indefinite = Matrix([[1, 0, 0], [0, -2, 0], [0, 0, 3]])
        #expect(throws: NonPositiveCurvature.self) {
            try conjugateGradient({ indefinite.times($0) }, [1, 1, 1], stop: .tolerance(relativeResidual: 1e-10, maxIterations: 10))
        }
    }

    @Test("CG with 1000 fixed steps on a 10-dimensional system never reports a curvature that merely underflowed",
          arguments: [10.0, 1000])
    func cgPastTheDimension(kappa: Double) throws {
        // `ch05 --cg-steps 1000` once died here: the toy's system is solved within about p steps,
        // the updated residual then keeps shrinking towards 1e-160, pᵀHp underflows to 0, and CG
        // reported "non-positive curvature" for a definite H.
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, kappa: kappa, using: &rng)
        let hessian = toy.Q
        for trial in 0..<40 {
            let b = trial < 10 ? (0..<10).map { Double($0 == trial ? 1 : 0) } : rng.gaussianVector(10)
            let exact = try Cholesky(hessian).solve(b)
            let result = try conjugateGradient({ hessian.times($0) }, b, stop: .fixed(iterations: 1000))
            #expect(result.converged)
            #expect(norm(result.solution - exact) <= 1e-12 * kappa * norm(exact), "trial \(trial)")
        }
    }

    @Test("CG reports non-convergence when the budget is too small")
    func cgBudget() throws {
        var rng = SeededGenerator(seed: 55)
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: 1000, count: 50))
        let result = try conjugateGradient({ a.times($0) }, rng.gaussianVector(50), stop: .tolerance(relativeResidual: 1e-12, maxIterations: 3))
        #expect(!result.converged && result.iterations == 3 && result.relativeResidual > 1e-12)
    }

    @Test("Neumann: error within (1 − μ/L)^Q of the dense solve; exact residual; counts", arguments: [10.0, 100])
    func neumann(kappa: Double) throws {
        var rng = SeededGenerator(seed: 56)
        let p = 60
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: p))
        let b = rng.gaussianVector(p)
        let exact = try Cholesky(a).solve(b)
        for terms in [1, 5, 50, 500] {
            let result = try neumannSeries({ a.times($0) }, b, eta: 1 / kappa, stop: .fixed(iterations: terms))
            #expect(result.products == terms && result.converged)
            #expect(norm(result.solution - exact) <= pow(1 - 1 / kappa, Double(terms)) * norm(exact) * (1 + 1e-9) + 1e-12)
            // The reported residual is the true one.
            let trueResidual = norm(b - a.times(result.solution))
            #expect(abs(result.residualNorm - trueResidual) <= 1e-10 * norm(b))
        }
        let tolerance = try neumannSeries({ a.times($0) }, b, eta: 1 / kappa, stop: .tolerance(relativeResidual: 1e-8, maxIterations: 100_000))
        #expect(tolerance.converged && tolerance.relativeResidual <= 1e-8)
        // Every way of stopping returns the residual of the vector it returns.
        var stops = 0
        let runs = [
            tolerance,
            try neumannSeries({ a.times($0) }, b, eta: 1 / kappa, stop: .tolerance(relativeResidual: 1e-12, maxIterations: 7)),
            try neumannSeries({ a.times($0) }, b, eta: 1 / kappa, stop: .fixed(iterations: 1000)) { q, _ in stops += 1; return q < 4 },
        ]
        for run in runs {
            #expect(abs(run.residualNorm - norm(b - a.times(run.solution))) <= 1e-10 * norm(b))
        }
        #expect(!runs[1].converged && runs[1].iterations == 7)
        #expect(!runs[2].converged && runs[2].iterations == 5 && stops == 5)   // 4 terms added, 1 product to measure
    }

    @Test("Neumann detects divergence for η > 2/L and rejects η ≤ 0")
    func neumannDivergence() throws {
        var rng = SeededGenerator(seed: 57)
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: 100, count: 30))
        let b = rng.gaussianVector(30)
        #expect(throws: NeumannDivergence.self) {
            try neumannSeries({ a.times($0) }, b, eta: 2.2 / 100, stop: .fixed(iterations: 5000))
        }
        // Caught as soon as the terms stop shrinking, well before they outgrow b.
        do {
            _ = try neumannSeries({ a.times($0) }, b, eta: 2.05 / 100, stop: .fixed(iterations: 5000))
            Issue.record("η = 2.05/L was not caught")
        } catch let divergence as NeumannDivergence {
            #expect(divergence.relativeSize < 1 && divergence.growth > 1, "caught only after the terms outgrew b: \(divergence)")
        }
        // Just below 2/L it still converges (slowly).
        let stable = try neumannSeries({ a.times($0) }, b, eta: 1.9 / 100, stop: .fixed(iterations: 3000))
        #expect(stable.relativeResidual < 1e-3)
        #expect(throws: InvalidInput.self) { try neumannSeries({ a.times($0) }, b, eta: 0, stop: .fixed(iterations: 10)) }
        #expect(throws: InvalidInput.self) { try neumannSeries({ a.times($0) }, b, eta: 0.01, stop: .fixed(iterations: 0)) }
    }
}
