import MOBL
import Testing

@Suite("Multi-gradient weights and descent")
struct WeightsTests {
    @Test("MGDA's direction decreases every objective unless the point is stationary")
    func commonDescent() throws {
        var rng = SeededGenerator(seed: 41)
        for _ in 0..<200 {
            let gradients = (0..<3).map { _ in rng.gaussianVector(4) }
            let lambda = try minNormWeights(gradients: gradients).weights
            let d = -1.0 * combination(lambda, gradients)
            // Optimality of the min-norm point: ⟨g_s, d⟩ ≤ −‖d‖² for every s.
            for g in gradients { #expect(dot(g, d) <= -normSquared(d) + 1e-10) }
        }
    }

    @Test("Chebyshev weights: u = 0 is preference-scaled MGDA (hand-solved)")
    func uZero() throws {
        // r ⊙ g = (0.2, 0) and (−2.4, 0): the scaled gradients cancel at λ₁·0.2 = λ₂·2.4,
        // so λ = (12/13, 1/13) and the step is zero, whatever the objective values.
        let lambda = try chebyshevWeights(gradients: [[1, 0], [-3, 0]], values: [5, 0.1], preference: [0.2, 0.8], u: 0).weights
        #expect(abs(lambda[0] - 12.0 / 13) < 1e-14 && abs(lambda[1] - 1.0 / 13) < 1e-14)
        // With u > 0 the values matter: r ⊙ f = (1, 0.08), so weight moves to objective 1.
        let tilted = try chebyshevWeights(gradients: [[1, 0], [-3, 0]], values: [5, 0.1], preference: [0.2, 0.8], u: 1).weights
        #expect(tilted[0] > 12.0 / 13)
    }

    @Test("Chebyshev weights: large u puts all weight on argmax r_s (f_s − z_s)")
    func uLarge() throws {
        let gradients: [[Double]] = [[1, 0.5], [-2, 1], [0.3, -1]]
        let r = [0.2, 0.3, 0.5]
        let values = [1.0, 2.0, 0.5]            // r ⊙ f = (0.2, 0.6, 0.25): objective 2 is the worst
        let lambda = try chebyshevWeights(gradients: gradients, values: values, preference: r, u: 1e6).weights
        #expect(lambda == [0, 1, 0])
    }

    @Test("The Chebyshev optimum is a fixed point of the step; other front points are not", arguments: [VLMOP.Kind.one, .two])
    func fixedPoint(kind: VLMOP.Kind) throws {
        let problem = try VLMOP(kind, dimension: 10)
        let r = [0.35, 0.65]
        let optimum = try problem.chebyshevOptimum(preference: r)
        let rule = DescentRule.chebyshev(preference: r, u: 1)
        let x = problem.paretoPoint(optimum.s)
        let atOptimum = try rule.direction(gradients: problem.gradients(at: x), values: problem.values(at: x))
        #expect(norm(atOptimum.d) < 1e-12)
        let elsewhere = problem.paretoPoint(optimum.s + 0.2)
        let off = try rule.direction(gradients: problem.gradients(at: elsewhere), values: problem.values(at: elsewhere))
        #expect(norm(off.d) > 1e-3)
        // …and the step moves towards the optimum (s decreases).
        let moved = elsewhere - (-0.1 * off.d)
        #expect(problem.nearestParameter(moved) < optimum.s + 0.2)
    }

    @Test("Chapter 1's u ablation: u = 0 stops off the optimum, u = 1 converges to it, u = 10 zig-zags with β = 0.5")
    func uAblation() throws {
        let problem = try VLMOP(.two, dimension: 20)
        var rng = SeededGenerator(seed: 42)
        let start = (1 / 20.0.squareRoot()) * rng.gaussianVector(20)
        let r = [0.3, 0.7]
        let exact = try problem.chebyshevOptimum(preference: r).values
        func run(_ u: Double, _ beta: Double) throws -> DescentResult {
            try multiGradientDescent(problem, from: start, rule: .chebyshev(preference: r, u: u), stepSize: beta,
                                     maxSteps: 5000, tolerance: 1e-10)
        }
        let zero = try run(0, 0.5), one = try run(1, 0.5), ten = try run(10, 0.5), tenSmall = try run(10, 0.15)
        #expect(zero.converged && norm(zero.values - exact) > 1e-2)          // some Pareto-stationary point
        #expect(try stationarityGap(gradients: problem.gradients(at: zero.x)) < 1e-18)
        #expect(one.converged && norm(one.values - exact) < 1e-12)
        #expect(!ten.converged)                                               // reported, not hidden
        #expect(tenSmall.converged && norm(tenSmall.values - exact) < 1e-10)  // β ≲ 2/u restores it
    }

    @Test("Descent reports non-convergence instead of hiding it")
    func nonConvergence() throws {
        let problem = try VLMOP(.two, dimension: 5)
        let run = try multiGradientDescent(problem, from: [0.1, 0.2, -0.3, 0.4, 0.0], rule: .minNorm,
                                           stepSize: 0.5, maxSteps: 3, tolerance: 1e-12)
        #expect(!run.converged)
        #expect(run.steps == 3 && run.valueTrace.count == 4)
    }

    @Test("Bad input: non-positive preference, negative u, bad step size")
    func badInput() throws {
        let gradients: [[Double]] = [[1, 0], [0, 1]]
        #expect(throws: InvalidInput.self) { try chebyshevWeights(gradients: gradients, values: [1, 1], preference: [0, 1], u: 1) }
        #expect(throws: InvalidInput.self) { try chebyshevWeights(gradients: gradients, values: [1, 1], preference: [0.5, 0.5], u: -1) }
        #expect(throws: InvalidInput.self) { try minNormWeights(gradients: [[1, 0], [1]]) }
        let problem = try VLMOP(.one, dimension: 2)
        #expect(throws: InvalidInput.self) {
            try multiGradientDescent(problem, from: [0, 0], rule: .minNorm, stepSize: -1, maxSteps: 10, tolerance: 1e-8)
        }
        #expect(throws: InvalidInput.self) {
            try multiGradientDescent(problem, from: [0, 0], rule: .minNorm, stepSize: 0.1, maxSteps: 0, tolerance: 1e-8)
        }
    }

    @Test("A step beyond 2/L makes descent diverge: it stops at the first non-finite step, for every rule, and says where")
    func divergenceIsReported() throws {
        let problem = try VLMOP(.one, dimension: 3)      // f_s quadratic with curvature L = ½: stable for β < 4
        for rule in [DescentRule.linear(weights: [0.5, 0.5]), .minNorm, .chebyshev(preference: [0.5, 0.5], u: 1)] {
            do {
                _ = try multiGradientDescent(problem, from: [0.3, -0.2, 0.1], rule: rule, stepSize: 10, maxSteps: 100_000, tolerance: 1e-12)
                Issue.record("\(rule) with β = 10 returned instead of reporting divergence")
            } catch let diverged as Diverged {
                // |1 − β/2| = 4 per step from a start of size ~0.4: f overflows after a few hundred steps.
                #expect(diverged.step > 10 && diverged.step < 1000, "\(rule): \(diverged)")
            }
            // Below the limit the same run settles.
            #expect(try multiGradientDescent(problem, from: [0.3, -0.2, 0.1], rule: rule, stepSize: 1, maxSteps: 100_000, tolerance: 1e-10).converged)
        }
    }
}
