import Foundation
import MOBL
import Testing

/// The finite-sum protocol (mean convention, sample counts), the finite-sum MOBL toy
/// against the deterministic toy, and stochastic WC-MHGD against deterministic WC-MHGD.
@Suite("Stochastic oracles and stochastic WC-MHGD")
struct StochasticTests {
    static func problems(samples: Int = 20, rho: Double = 0.5) throws -> (FiniteSumMOBLToy, MOBLToy, Vector) {
        var rng = SeededGenerator(seed: 606)
        let toy = try MOBLToy.standard(.vlmop2, dimension: 6, kappa: 10, using: &rng)
        let problem = try FiniteSumMOBLToy(toy, samples: samples, perturbation: rho, using: &rng)
        return (problem, toy, rng.gaussianVector(6).map { 0.3 * $0 })
    }

    /// The mean and standard error, coordinate by coordinate, of `count` draws.
    static func meanAndError(_ count: Int, _ draw: () throws -> Vector) rethrows -> (mean: Vector, se: Vector) {
        let draws = try (0..<count).map { _ in try draw() }
        let d = draws[0].count
        let mean = (0..<d).map { (j: Int) -> Double in draws.reduce(0.0) { $0 + $1[j] } / Double(count) }
        let se = (0..<d).map { (j: Int) -> Double in
            let squares = draws.reduce(0.0) { (sum: Double, draw: Vector) -> Double in sum + (draw[j] - mean[j]) * (draw[j] - mean[j]) }
            return (squares / Double(count - 1) / Double(count)).squareRoot()
        }
        return (mean, se)
    }

    @Test("Batch oracles are unbiased (toy and ridge): the mean over many batches is the full oracle within 4 standard errors; a sum instead of a mean is caught")
    func unbiased() throws {
        let (problem, _, x) = try Self.problems()
        var rng = SeededGenerator(seed: 1)
        let y = rng.gaussianVector(6), v = rng.gaussianVector(6)
        var ridgeRng = SeededGenerator(seed: 2)
        let ridge = try RidgeTuning.synthetic(samples: 30, validation: 10, features: 4, noise: 0.5, perFeature: false, using: &ridgeRng)
        let (theta, w, u) = ([0.3], ridgeRng.gaussianVector(4), ridgeRng.gaussianVector(4))
        let cases: [(String, Int, ([Int]) -> Vector, Vector)] = [
            ("toy ∇_y g", problem.sampleCount, { problem.lowerGradientY(x: x, y: y, batch: $0) }, problem.lowerGradientY(x: x, y: y)),
            ("toy H v", problem.sampleCount, { problem.lowerHessianVector(x: x, y: y, v, batch: $0) }, problem.lowerHessianVector(x: x, y: y, v)),
            ("toy mixed", problem.sampleCount, { problem.lowerMixedVector(x: x, y: y, v, batch: $0) }, problem.lowerMixedVector(x: x, y: y, v)),
            ("toy g", problem.sampleCount, { [problem.lowerValue(x: x, y: y, batch: $0)] }, [problem.lowerValue(x: x, y: y)]),
            ("ridge ∇_w g", ridge.sampleCount, { ridge.lowerGradientY(x: theta, y: w, batch: $0) }, ridge.lowerGradientY(x: theta, y: w)),
            ("ridge H v", ridge.sampleCount, { ridge.lowerHessianVector(x: theta, y: w, u, batch: $0) }, ridge.lowerHessianVector(x: theta, y: w, u)),
            ("ridge g", ridge.sampleCount, { [ridge.lowerValue(x: theta, y: w, batch: $0)] }, [ridge.lowerValue(x: theta, y: w)]),
        ]
        for (name, n, oracle, full) in cases {
            let batchSize = 3
            let estimate = Self.meanAndError(20_000) { oracle(rng.batch(of: batchSize, from: n)) }
            let sum = Self.meanAndError(2_000) { Double(batchSize) * oracle(rng.batch(of: batchSize, from: n)) }
            for j in full.indices {
                #expect(abs(estimate.mean[j] - full[j]) < 4 * estimate.se[j] + 1e-12 * abs(full[j]), "\(name)[\(j)]: \(estimate.mean[j]) vs \(full[j]) ± \(estimate.se[j])")
            }
            // The power check: a batch *sum* (b × the mean) lands far outside the band.
            #expect(full.indices.contains { abs(sum.mean[$0] - full[$0]) > 12 * sum.se[$0] }, "\(name): a sum would pass")
            // The whole data set as one batch is the full oracle (to rounding).
            #expect(relativeError(oracle(Array(0..<n)), full) < 1e-12, "\(name)")
        }
        // Ridge's mixed product is the same for every sample: its batch mean is the full one.
        #expect(ridge.lowerMixedVector(x: theta, y: w, u, batch: [0, 5]) == ridge.lowerMixedVector(x: theta, y: w, u))
    }

    @Test("Every batch oracle counts one call of its kind and batch.count samples; upper oracles of a sample-free upper level count none")
    func samplesCounted() throws {
        let (problem, _, x) = try Self.problems()
        let oracles = CountedOracles(problem)
        let y = Vector(repeating: 0.1, count: 6)
        _ = try oracles.lowerGradientY(x: x, y: y, batch: [1, 2, 3])
        _ = try oracles.hessianVector(x: x, y: y, y, batch: [4, 5])
        _ = try oracles.mixedVector(x: x, y: y, y, batch: Array(0..<20))
        _ = try oracles.lowerValue(x: x, y: y, batch: [7])
        _ = try oracles.upperValues(x: x, y: y, batch: [])
        _ = try oracles.upperGradientX(0, x: x, y: y, batch: [])
        _ = try oracles.upperGradientY(1, x: x, y: y, batch: [])
        var expected = OracleCounts()
        expected.lowerGradient = 1
        expected.hessianVector = 1
        expected.mixedVector = 1
        expected.lowerValue = 1
        expected.upperValue = 1
        expected.upperGradient = 2
        expected.samples = 3 + 2 + 20 + 1
        #expect(oracles.counts == expected)
        // The upper level has no samples: its batch oracles are the full ones.
        #expect(try oracles.upperGradientY(1, x: x, y: y, batch: []) == problem.upperGradientY(1, x: x, y: y))

        // A stochastic estimate counts (Q − 1)·b Hessian samples and b mixed samples.
        var rng = SeededGenerator(seed: 3)
        let eta = 1 / problem.sampleCurvature.L
        let estimate = try stochasticHypergradient(oracles, objective: 0, x: x, y: y, solver: .neumann(eta: eta, .fixed(iterations: 7)),
                                                   hessianBatch: 4, outerBatch: 5, using: &rng)
        #expect(estimate.counts.hessianVector == 6 && estimate.counts.mixedVector == 1 && estimate.counts.samples == 6 * 4 + 5)
        // A stochastic WC-MHGD run: per step D·b_inner + S·((Q − 1)·b + b) samples.
        let settings = WCMHGD(preference: [0.5, 0.5], u: 1, outerSteps: 3, innerSteps: 2, alpha: eta, beta: 0.5,
                              solver: .neumann(eta: eta, .fixed(iterations: 7)))
        let result = try StochasticWCMHGD(settings, innerBatch: 3, outerBatch: 4).run(problem, x0: x, y0: y, using: &rng)
        #expect(result.counts.samples == 3 * (2 * 3 + 2 * (6 * 4 + 4)))
    }

    @Test("The finite-sum toy's full problem is the deterministic toy: means of Q_i and B_i, full oracles, answers")
    func fullProblemIsTheToy() throws {
        let (problem, toy, x) = try Self.problems()
        var rng = SeededGenerator(seed: 4)
        let y = rng.gaussianVector(6), v = rng.gaussianVector(6)
        // Independent of the shortcut: the sample matrices average to Q and B.
        for (mean, exact) in [((0..<20).map(problem.sampleHessian), toy.Q), ((0..<20).map(problem.sampleCoupling), toy.B)] {
            for e in exact.storage.indices {
                #expect(abs(mean.reduce(0) { $0 + $1.storage[e] } / 20 - exact.storage[e]) < 1e-14)
            }
        }
        let all = Array(0..<20).shuffled(using: &rng)
        #expect(problem.lowerGradientY(x: x, y: y, batch: all) == toy.lowerGradientY(x: x, y: y))
        #expect(problem.lowerHessianVector(x: x, y: y, v, batch: all) == toy.lowerHessianVector(x: x, y: y, v))
        #expect(problem.lowerMixedVector(x: x, y: y, v, batch: all) == toy.lowerMixedVector(x: x, y: y, v))
        #expect(problem.lowerValue(x: x, y: y, batch: all) == toy.lowerValue(x: x, y: y))
        #expect(problem.lowerGradientY(x: x, y: y) == toy.lowerGradientY(x: x, y: y))
        #expect(problem.upperValues(x: x, y: y) == toy.upperValues(x: x, y: y))
        #expect(problem.lowerSolution(x: x) == toy.lowerSolution(x: x))
        #expect(problem.exactHypergradients(x: x) == toy.exactHypergradients(x: x))
        // A per-sample oracle, summed here, agrees with the batch oracle of one sample.
        for i in [0, 1, 13] {
            let single = problem.sampleHessian(i).times(y) - problem.sampleCoupling(i).times(x)
            #expect(relativeError(problem.lowerGradientY(x: x, y: y, batch: [i]), single) < 1e-13)
        }
    }

    @Test("Every Q_i is positive definite, with eigenvalues in [(1 − ρ)μ, L + ρμ]; ± pairs cancel exactly")
    func samplesPositiveDefinite() throws {
        let (problem, toy, _) = try Self.problems(samples: 40, rho: 0.9)
        for i in 0..<40 {
            let q = problem.sampleHessian(i)
            _ = try Cholesky(q)
            let eigenvalues = try symmetricEigenvalues(q)
            #expect(eigenvalues.first! >= (1 - 0.9) * toy.curvature.mu - 1e-12)
            #expect(eigenvalues.last! <= toy.curvature.L + 0.9 * toy.curvature.mu + 1e-12)
        }
        #expect(problem.sampleCurvature.mu > 0)
        for e in problem.hessianPerturbations {
            let eigenvalues = try symmetricEigenvalues(e)
            #expect(abs(max(abs(eigenvalues.first!), abs(eigenvalues.last!)) - 0.9 * toy.curvature.mu) < 1e-12)
        }
    }

    @Test("Full batches reproduce deterministic WC-MHGD bit for bit (Neumann and warm CG)",
          arguments: [HessianSolver.neumann(eta: 0.09, .fixed(iterations: 15)), .conjugateGradient(.fixed(iterations: 4))])
    func fullBatchIsDeterministic(solver: HessianSolver) throws {
        let (problem, toy, x0) = try Self.problems()
        let settings = WCMHGD(preference: [0.3, 0.7], u: 1, outerSteps: 40, innerSteps: 2, alpha: 1 / problem.sampleCurvature.L,
                              beta: 1, solver: solver)
        var deterministic: [Vector] = [], stochastic: [Vector] = []
        let y0 = Vector(repeating: 0, count: 6)
        let a = try settings.run(toy, x0: x0, y0: y0) { deterministic.append($0.x); return true }
        var rng = SeededGenerator(seed: 5)
        let b = try StochasticWCMHGD(settings, innerBatch: 20, outerBatch: 20).run(problem, x0: x0, y0: y0, using: &rng) {
            stochastic.append($0.x); return true
        }
        #expect(deterministic == stochastic)
        #expect(a.x == b.x && a.y == b.y)
        // Same oracle calls; the stochastic run also counts its samples.
        #expect(a.counts.hessianVector == b.counts.hessianVector + (solver == .conjugateGradient(.fixed(iterations: 4)) ? 0 : 40 * 2))
        #expect(b.counts.samples > 0 && a.counts.samples == 0)
    }

    @Test("Mini-batches move the iterates; the same seed repeats the run; averaging changes it")
    func repeatable() throws {
        let (problem, _, x0) = try Self.problems()
        let settings = WCMHGD(preference: [0.3, 0.7], u: 1, outerSteps: 30, innerSteps: 2, alpha: 1 / problem.sampleCurvature.L,
                              beta: 1, solver: .neumann(eta: 1 / problem.sampleCurvature.L, .fixed(iterations: 10)))
        let y0 = Vector(repeating: 0, count: 6)
        func run(_ gamma: Double) throws -> (Vector, [Vector]) {
            var rng = SeededGenerator(seed: 6)
            var weights: [Vector] = []
            let result = try StochasticWCMHGD(settings, innerBatch: 2, outerBatch: 2, averaging: gamma)
                .run(problem, x0: x0, y0: y0, using: &rng) { weights.append($0.weights); return true }
            return (result.x, weights)
        }
        let (first, plainWeights) = try run(1), (second, _) = try run(1), (averaged, averagedWeights) = try run(0.2)
        #expect(first == second)
        #expect(first != averaged)
        #expect(plainWeights[0] == averagedWeights[0])          // λ̄₀ = λ₀
        for w in averagedWeights { #expect(abs(w.reduce(0, +) - 1) < 1e-12 && w.allSatisfy { $0 >= 0 }) }
    }

    @Test("Bad input is refused: N odd, ρ ≥ 1, batch sizes outside 1…N, γ outside (0, 1], a Neumann tolerance, WC-MHGD's rules, bad batches")
    func badInput() throws {
        let (problem, toy, x0) = try Self.problems()
        var rng = SeededGenerator(seed: 7)
        #expect(throws: InvalidInput.self) { try FiniteSumMOBLToy(toy, samples: 21, perturbation: 0.5, using: &rng) }
        #expect(throws: InvalidInput.self) { try FiniteSumMOBLToy(toy, samples: 20, perturbation: 1, using: &rng) }
        #expect(throws: InvalidInput.self) { try FiniteSumMOBLToy(toy, samples: 20, perturbation: -0.1, using: &rng) }
        let eta = 1 / problem.sampleCurvature.L
        let settings = WCMHGD(preference: [0.3, 0.7], u: 1, outerSteps: 3, innerSteps: 2, alpha: eta, beta: 1,
                              solver: .neumann(eta: eta, .fixed(iterations: 5)))
        let y0 = Vector(repeating: 0, count: 6)
        var bad: [StochasticWCMHGD] = [
            StochasticWCMHGD(settings, innerBatch: 0, outerBatch: 5), StochasticWCMHGD(settings, innerBatch: 21, outerBatch: 5),
            StochasticWCMHGD(settings, innerBatch: 5, outerBatch: 0), StochasticWCMHGD(settings, innerBatch: 5, outerBatch: 21),
            StochasticWCMHGD(settings, innerBatch: 5, outerBatch: 5, averaging: 0),
            StochasticWCMHGD(settings, innerBatch: 5, outerBatch: 5, averaging: 1.5),
        ]
        var tolerance = settings
        tolerance.solver = .neumann(eta: eta, .tolerance(relativeResidual: 1e-6, maxIterations: 100))
        var noSteps = settings
        noSteps.outerSteps = 0
        var badPreference = settings
        badPreference.preference = [0.5, 0.6]
        var baseline = settings
        baseline.baseline = .minNorm
        var bigAlpha = settings
        bigAlpha.alpha = 5
        bad += [StochasticWCMHGD(tolerance, innerBatch: 5, outerBatch: 5), StochasticWCMHGD(noSteps, innerBatch: 5, outerBatch: 5),
                StochasticWCMHGD(badPreference, innerBatch: 5, outerBatch: 5),
                StochasticWCMHGD(baseline, innerBatch: 5, outerBatch: 5, averaging: 0.5),
                StochasticWCMHGD(bigAlpha, innerBatch: 5, outerBatch: 5)]
        for algorithm in bad {
            #expect(throws: InvalidInput.self) { try algorithm.run(problem, x0: x0, y0: y0, using: &rng) }
        }
        #expect(throws: InvalidInput.self) { try StochasticWCMHGD(settings, innerBatch: 5, outerBatch: 5).run(problem, x0: [1], y0: y0, using: &rng) }
        // Batches: empty, out of range, an upper batch for an upper level without samples, a problem that is not a finite sum.
        let oracles = CountedOracles(problem)
        #expect(throws: InvalidInput.self) { try oracles.lowerGradientY(x: x0, y: y0, batch: []) }
        #expect(throws: InvalidInput.self) { try oracles.hessianVector(x: x0, y: y0, y0, batch: [20]) }
        #expect(throws: InvalidInput.self) { try oracles.upperValues(x: x0, y: y0, batch: [0]) }
        #expect(throws: InvalidInput.self) { try CountedOracles(toy).mixedVector(x: x0, y: y0, y0, batch: [0]) }
        #expect(throws: InvalidInput.self) {
            try stochasticHypergradient(oracles, objective: 0, x: x0, y: y0, solver: .neumann(eta: eta, .fixed(iterations: 5)),
                                        hessianBatch: 5, outerBatch: 21, using: &rng)
        }
        #expect(throws: InvalidInput.self) {
            try stochasticHypergradient(CountedOracles(toy), objective: 0, x: x0, y: y0, solver: .neumann(eta: eta, .fixed(iterations: 5)),
                                        hessianBatch: 5, outerBatch: nil, using: &rng)
        }
        #expect(oracles.counts == OracleCounts())
    }
}
