import ChapterSupport
import Foundation
import MOBL
import Testing

/// The bilevel test problems, each with a seeded instance and its lower-level L.
enum TestProblem: String, CaseIterable, CustomStringConvertible {
    case quadratic, ridge, ridgePerFeature, toyVLMOP2, toyTriangle, toyPentagon
    var description: String { rawValue }

    func make() throws -> (problem: any BilevelProblemWithSolution, x: Vector) {
        var rng = SeededGenerator(seed: 61)
        switch self {
        case .quadratic:
            return (try QuadraticBilevel.random(n: 5, p: 8, objectives: 2, kappa: 20, using: &rng), rng.gaussianVector(5))
        case .ridge:
            return (try RidgeTuning.synthetic(samples: 30, validation: 20, features: 10, noise: 0.5, using: &rng), [0.3])
        case .ridgePerFeature:
            let r = try RidgeTuning.synthetic(samples: 30, validation: 20, features: 6, noise: 0.5, perFeature: true, using: &rng)
            return (r, rng.gaussianVector(6).map { 0.5 * $0 })
        case .toyVLMOP2:
            return (try MOBLToy.standard(.vlmop2, using: &rng), rng.gaussianVector(10).map { 0.3 * $0 })
        case .toyTriangle:
            return (try MOBLToy.standard(.polygon(3), using: &rng), rng.gaussianVector(10).map { 0.3 * $0 })
        case .toyPentagon:
            return (try MOBLToy.standard(.polygon(5), using: &rng), rng.gaussianVector(10).map { 0.3 * $0 })
        }
    }
}

/// L of the lower level at x (ridge's moves with θ).
func smoothness(_ problem: any BilevelProblem, x: Vector) -> (mu: Double, L: Double) {
    problem.lowerCurvature(x: x)!
}

func relativeError(_ a: Vector, _ b: Vector) -> Double { norm(a - b) / max(norm(b), 1e-300) }

@Suite("Hypergradients against closed forms and finite differences")
struct HypergradientTests {
    @Test("Closed form = central finite differences of Φ (inner problem solved to 1e-12)", arguments: TestProblem.allCases)
    func closedFormVersusFiniteDifferences(which: TestProblem) throws {
        let (problem, x) = try which.make()
        let exact = problem.exactHypergradients(x: x)
        let oracles = CountedOracles(problem)
        func phi(_ z: Vector) throws -> Vector {
            let alpha = 1 / smoothness(problem, x: z).L
            let y = try solveLowerLevel(oracles, x: z, start: problem.lowerSolution(x: x), stepSize: alpha, tolerance: 1e-12).y
            return problem.upperValues(x: z, y: y)
        }
        let h = 1e-5
        for i in 0..<problem.upperDimension {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            let difference = try zip(phi(plus), phi(minus)).map { ($0 - $1) / (2 * h) }
            for s in 0..<problem.objectiveCount {
                #expect(abs(difference[s] - exact[s][i]) <= 1e-6 * max(1, norm(exact[s])),
                        "\(which) s=\(s) i=\(i): FD \(difference[s]) vs closed form \(exact[s][i])")
            }
        }
    }

    @Test("AID with CG and with Neumann at y* match the closed form", arguments: TestProblem.allCases)
    func aid(which: TestProblem) throws {
        let (problem, x) = try which.make()
        let oracles = CountedOracles(problem)
        let y = problem.lowerSolution(x: x)
        let (mu, L) = smoothness(problem, x: x)
        for (s, exact) in problem.exactHypergradients(x: x).enumerated() {
            let cg = try aidHypergradient(oracles, objective: s, x: x, y: y,
                                          solver: .conjugateGradient(.tolerance(relativeResidual: 1e-13, maxIterations: 500)))
            #expect(cg.solve!.converged)
            #expect(relativeError(cg.gradient, exact) < 1e-9, "\(which) CG s=\(s)")
            // Documented counts: 2 upper gradients, 1 value, 1 mixed product, the solve's products.
            #expect(cg.counts.upperGradient == 2 && cg.counts.mixedVector == 1 && cg.counts.upperValue == 1)
            #expect(cg.counts.hessianVector == cg.solve!.products && cg.counts.lowerGradient == 0)
            let neumann = try aidHypergradient(oracles, objective: s, x: x, y: y,
                                               solver: .neumann(eta: 1 / L, .tolerance(relativeResidual: 1e-12, maxIterations: 1_000_000)))
            #expect(relativeError(neumann.gradient, exact) < 1e-8 * L / mu, "\(which) Neumann s=\(s)")
            // The counted oracle calls are the solver's products: no hidden Hessian work.
            #expect(neumann.counts.hessianVector == neumann.solve!.products && neumann.counts.mixedVector == 1)
        }
    }

    @Test("ITD converges to AID as D grows; counts as documented", arguments: TestProblem.allCases)
    func itd(which: TestProblem) throws {
        let (problem, x) = try which.make()
        let oracles = CountedOracles(problem)
        let (mu, L) = smoothness(problem, x: x)
        let exact = problem.exactHypergradients(x: x)[0]
        let start = Vector(repeating: 0, count: problem.lowerDimension)
        var errors: [Double] = []
        let ds = [5, 20, 80, Int((40 * L / mu).rounded(.up))]
        for d in ds {
            let itd = try itdHypergradient(oracles, objective: 0, x: x, start: start, steps: d, stepSize: 1 / L)
            errors.append(relativeError(itd.gradient, exact))
            #expect(itd.counts.lowerGradient == d && itd.counts.mixedVector == d && itd.counts.hessianVector == d - 1)
            #expect(itd.counts.upperGradient == 2)
        }
        #expect(errors.last! < 1e-8, "\(which): ITD errors \(errors)")
        #expect(errors.last! < errors.first!)
    }

    @Test("ITD is the exact derivative of the unrolled map (finite differences through D steps)")
    func itdIsExactForFiniteD() throws {
        var rng = SeededGenerator(seed: 62)
        let problem = try QuadraticBilevel.random(n: 4, p: 6, kappa: 10, using: &rng)
        let x = rng.gaussianVector(4), y0 = rng.gaussianVector(6)
        let alpha = 1 / problem.curvature.L
        let oracles = CountedOracles(problem)
        func unrolled(_ z: Vector) throws -> Double {
            let y = try innerGradientDescent(oracles, x: z, start: y0, steps: 7, stepSize: alpha).y
            return problem.upperValues(x: z, y: y)[0]
        }
        let itd = try itdHypergradient(oracles, objective: 0, x: x, start: y0, steps: 7, stepSize: alpha)
        for i in 0..<4 {
            var plus = x, minus = x
            plus[i] += 1e-5
            minus[i] -= 1e-5
            let fd = try (unrolled(plus) - unrolled(minus)) / 2e-5
            #expect(abs(fd - itd.gradient[i]) < 1e-7)
        }
    }

    @Test("Stochastic Neumann: full batch equals deterministic Neumann; mini-batches are unbiased, and a reused batch is caught")
    func stochasticNeumann() throws {
        var rng = SeededGenerator(seed: 63)
        let ridge = try RidgeTuning.synthetic(samples: 200, validation: 50, features: 8, noise: 0.5, using: &rng)
        let x = [1.0]
        let y = ridge.lowerSolution(x: x)
        let eta = 1 / ridge.curvature(x: x).L
        let oracles = CountedOracles(ridge)
        let deterministic = try aidHypergradient(oracles, objective: 0, x: x, y: y, solver: .neumann(eta: eta, .fixed(iterations: 30)))
        // Q terms of the stochastic estimator = Q − 1 products; match the deterministic 30-product, 30-term estimate.
        let full = try stochasticNeumannHypergradient(oracles, objective: 0, x: x, y: y, eta: eta, terms: 30, batchSize: 200, using: &rng)
        #expect(relativeError(full.gradient, deterministic.gradient) < 1e-12)
        #expect(full.counts.hessianVector == 29 && full.counts.samples == 29 * 200)

        // Unbiasedness needs a fresh batch for every factor (I − ηĤ_j). Reusing one batch
        // for all of them gives E[(I − ηĤ)^q] ≠ (I − ηH)^q, a bias of order η²·q²·Var(Ĥ).
        // A small problem with small batches makes that bias many standard errors wide,
        // so the test below fails for an estimator that reuses its batch: the mutant here,
        // built from the same oracles, shows the test has that power.
        let small = try RidgeTuning.synthetic(samples: 20, validation: 20, features: 3, noise: 0.5, using: &rng)
        let (xs, ys) = ([0.0], small.lowerSolution(x: [0.0]))
        let etaSmall = 1 / small.curvature(x: xs).L
        let (terms, batchSize, repetitions) = (12, 4, 40_000)
        let smallOracles = CountedOracles(small)
        let target = try aidHypergradient(smallOracles, objective: 0, x: xs, y: ys,
                                          solver: .neumann(eta: etaSmall, .fixed(iterations: terms))).gradient[0]
        func reusedBatch(_ rng: inout SeededGenerator) throws -> Double {
            let b = smallOracles.upperGradientY(0, x: xs, y: ys)
            let batch = rng.batch(of: batchSize, from: small.sampleCount)
            var p = b, acc = b
            for _ in 1..<terms {
                axpy(-etaSmall, try smallOracles.hessianVector(x: xs, y: ys, p, batch: batch), &p)
                axpy(1, p, &acc)
            }
            var h = smallOracles.upperGradientX(0, x: xs, y: ys)
            axpy(-1, smallOracles.mixedVector(x: xs, y: ys, etaSmall * acc), &h)
            return h[0]
        }
        func meanAndStandardError(_ draw: (inout SeededGenerator) throws -> Double) rethrows -> (mean: Double, se: Double) {
            var samples: [Double] = []
            for _ in 0..<repetitions { samples.append(try draw(&rng)) }
            let mean = samples.reduce(0, +) / Double(samples.count)
            let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)
            return (mean, (variance / Double(samples.count)).squareRoot())
        }
        let estimator = try meanAndStandardError {
            try stochasticNeumannHypergradient(smallOracles, objective: 0, x: xs, y: ys, eta: etaSmall, terms: terms,
                                               batchSize: batchSize, using: &$0).gradient[0]
        }
        let mutant = try meanAndStandardError(reusedBatch)
        #expect(estimator.se > 0)
        #expect(abs(estimator.mean - target) < 4 * estimator.se, "mean \(estimator.mean) vs \(target) ± \(estimator.se)")
        // The power check: a reused batch lands far outside the same 4-standard-error band.
        #expect(abs(mutant.mean - target) > 12 * mutant.se, "reused batch: mean \(mutant.mean) vs \(target) ± \(mutant.se)")
    }

    @Test("Inner solver: warm start, contraction, final gradient norm")
    func innerSolver() throws {
        var rng = SeededGenerator(seed: 64)
        let problem = try QuadraticBilevel.random(n: 3, p: 10, kappa: 10, using: &rng)
        let x = rng.gaussianVector(3)
        let yStar = problem.lowerSolution(x: x)
        let (mu, L) = problem.curvature
        let oracles = CountedOracles(problem)
        let start = Vector(repeating: 0, count: 10)
        let result = try innerGradientDescent(oracles, x: x, start: start, steps: 25, stepSize: 1 / L)
        #expect(norm(result.y - yStar) <= pow(1 - mu / L, 25) * norm(start - yStar) * (1 + 1e-12))
        #expect(abs(result.gradientNorm! - norm(problem.lowerGradientY(x: x, y: result.y))) < 1e-14)
        #expect(oracles.counts.lowerGradient == 26)
        let warm = try innerGradientDescent(oracles, x: x, start: yStar, steps: 3, stepSize: 1 / L)
        #expect(norm(warm.y - yStar) < 1e-12)
    }

    @Test("Bad input: sizes, a non-SPD Q, α and η out of range")
    func badInput() throws {
        var rng = SeededGenerator(seed: 65)
        let toy = try MOBLToy.standard(.vlmop2, using: &rng)
        let oracles = CountedOracles(toy)
        let x = Vector(repeating: 0.1, count: 10), y = Vector(repeating: 0, count: 10)
        let L = toy.curvature.L
        #expect(throws: InvalidInput.self) { try innerGradientDescent(oracles, x: [1, 2], start: y, steps: 3, stepSize: 0.01) }
        #expect(throws: InvalidInput.self) { try innerGradientDescent(oracles, x: x, start: [0], steps: 3, stepSize: 0.01) }
        #expect(throws: InvalidInput.self) { try innerGradientDescent(oracles, x: x, start: y, steps: 3, stepSize: 2.5 / L) }
        #expect(throws: InvalidInput.self) { try innerGradientDescent(oracles, x: x, start: y, steps: 3, stepSize: -0.1) }
        #expect(throws: InvalidInput.self) {
            try aidHypergradient(oracles, objective: 0, x: x, y: y, solver: .neumann(eta: 3 / L, .fixed(iterations: 10)))
        }
        #expect(throws: InvalidInput.self) {
            try aidHypergradient(oracles, objective: 2, x: x, y: y, solver: .conjugateGradient(.fixed(iterations: 10)))
        }
        #expect(throws: InvalidInput.self) { try itdHypergradient(oracles, objective: 0, x: x, start: y, steps: 0, stepSize: 0.01) }
        let notSPD = Matrix.diagonal([1, -1, 2])
        #expect(throws: InvalidInput.self) { try MOBLToy(Q: notSPD, B: .identity(3), objectives: .vlmop2) }
        #expect(throws: InvalidInput.self) { try MOBLToy(Q: .identity(3), B: Matrix(rows: 3, columns: 3), objectives: .vlmop2) }
        #expect(throws: InvalidInput.self) {
            try QuadraticBilevel(A: notSPD, B: .identity(2), C: Matrix(rows: 2, columns: 3), a: [0, 0, 0], b: [0, 0], upper: [])
        }
        #expect(throws: InvalidInput.self) { try stochasticNeumannHypergradient(oracles, objective: 0, x: x, y: y, eta: 0.01, terms: 5, batchSize: 1, using: &rng) }
    }
}

@Suite("MOBL toy problems: exact fronts and Chebyshev optima")
struct MOBLToyTests {
    @Test("y*(x) solves the lower level and the map x ↦ y* inverts", arguments: [MOBLToy.Objectives.vlmop2, .polygon(3), .polygon(5)])
    func lowerSolution(objectives: MOBLToy.Objectives) throws {
        var rng = SeededGenerator(seed: 71)
        let toy = try MOBLToy.standard(objectives, kappa: 10, using: &rng)
        let eigenvalues = try symmetricEigenvalues(toy.Q)
        #expect(abs(eigenvalues.first! - 1) < 1e-12 && abs(eigenvalues.last! - 10) < 1e-11)
        let x = rng.gaussianVector(10)
        let y = toy.lowerSolution(x: x)
        #expect(norm(toy.lowerGradientY(x: x, y: y)) < 1e-12)
        #expect(norm(toy.upperPoint(forLowerSolution: y) - x) < 1e-12)
    }

    @Test("Polygon Chebyshev optima beat every point of a dense grid of the plane", arguments: [3, 5])
    func polygonOptimum(sides: Int) throws {
        var rng = SeededGenerator(seed: 72)
        let toy = try MOBLToy.standard(.polygon(sides), using: &rng)
        let triangle: [Vector] = [[1.0 / 3, 1.0 / 3, 1.0 / 3], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]
        let pentagon: [Vector] = [[0.2, 0.2, 0.2, 0.2, 0.2], [0.8, 0.05, 0.05, 0.05, 0.05], [0.1, 0.3, 0.2, 0.3, 0.1]]
        let preferences = sides == 3 ? triangle : pentagon
        for r in preferences {
            let optimum = try toy.chebyshevOptimum(preference: r)
            let best = zip(r, optimum.values).map { $0 * $1 }.max()!
            #expect(optimum.y[2...].allSatisfy { $0 == 0 })
            var gridBest = Double.infinity
            var gridPoint = (0.0, 0.0)
            for i in 0...400 {
                for j in 0...400 {
                    let y = [-1.2 + 2.4 * Double(i) / 400, -1.2 + 2.4 * Double(j) / 400] + Vector(repeating: 0, count: 8)
                    let value = zip(r, toy.objectiveValues(y: y)).map { $0 * $1 }.max()!
                    if value < gridBest { gridBest = value; gridPoint = (y[0], y[1]) }
                }
            }
            #expect(best <= gridBest + 1e-12, "r = \(r): optimum \(best) vs grid \(gridBest)")
            #expect(gridBest - best < 1e-3)
            #expect(hypot(gridPoint.0 - optimum.y[0], gridPoint.1 - optimum.y[1]) < 0.05)
        }
    }

    @Test("VLMOP2 toy: the optimum is VLMOP2's, reached through x = B⁻¹Qy")
    func vlmopOptimum() throws {
        var rng = SeededGenerator(seed: 73)
        let toy = try MOBLToy.standard(.vlmop2, using: &rng)
        let r = [0.3, 0.7]
        let optimum = try toy.chebyshevOptimum(preference: r)
        let exact = try VLMOP(.two, dimension: 10).chebyshevOptimum(preference: r)
        #expect(norm(optimum.values - exact.values) < 1e-14)
        #expect(norm(toy.reducedValues(x: optimum.x) - exact.values) < 1e-12)
        #expect(toy.front(resolution: 100).count == 101)
    }
}

/// The library's outer loop against the exact answers of a quadratic bilevel problem.
@Suite("Hypergradient descent")
struct HypergradientDescentTests {
    func problem() throws -> QuadraticBilevel {
        var rng = SeededGenerator(seed: 91)
        let base = try QuadraticBilevel.random(n: 3, p: 12, kappa: 10, using: &rng)
        // Make Φ strongly convex: f = ½‖y‖² + ½‖x‖² on top of the random lower level.
        let upper = QuadraticBilevel.Upper(F: .identity(12), H: .identity(3), K: Matrix(rows: 3, columns: 12),
                                           c: Vector(repeating: 0.3, count: 12), h: Vector(repeating: 0, count: 3))
        return try QuadraticBilevel(A: base.A, B: Matrix(rows: 3, columns: 3), C: base.C, a: base.a,
                                    b: Vector(repeating: 0, count: 3), upper: [upper])
    }

    @Test("Warm inner loops converge to the exact stationary point; every step is reported with its true costs")
    func converges() throws {
        let q = try problem()
        let descent = HypergradientDescent(outerSteps: 300, innerSteps: 2, alpha: 1 / q.curvature.L, beta: 0.5,
                                           solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 100)))
        var steps: [OuterIterate] = []
        let result = try descent.run(q, x0: [1, -1, 0.5], y0: Vector(repeating: 0, count: 12)) { steps.append($0); return true }
        #expect(result.steps == 300 && !result.stoppedByObserver && steps.map(\.k) == Array(0..<300))
        #expect(norm(q.exactHypergradients(x: result.x)[0]) < 1e-9)
        #expect(norm(result.y - q.lowerSolution(x: steps.last!.x)) < 1e-9)
        // Costs: D inner gradients per step; the products are the solves' (warm CG from the second step on).
        #expect(result.counts.lowerGradient == 300 * 2)
        #expect(result.counts.hessianVector == steps.reduce(0) { $0 + $1.solveProducts })
        #expect(steps.last!.counts == result.counts)
        // Each step is −β ĥ, and ĥ is AID's estimate at the reported (x, y).
        // (Errors in units of the first hypergradient: late in the run ĥ is a small difference
        // of O(1) terms, and warm and cold CG agree to their tolerance, not relatively.)
        let scale = norm(steps[0].hypergradients[0])
        for step in [steps[0], steps[3], steps[150]] {
            let oracles = CountedOracles(q)
            let check = try aidHypergradient(oracles, objective: 0, x: step.x, y: step.y,
                                             solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 100)))
            #expect(norm(step.hypergradients[0] - check.gradient) < 1e-9 * scale)
            #expect(norm(step.step - (-0.5) * check.gradient) < 1e-9 * scale)
        }
    }

    @Test("Adam on x (OuterOptimizer): every move is Kingma & Ba's, written out, for the method's own step; bad settings are refused")
    func adamOnX() throws {
        let q = try problem()
        var descent = HypergradientDescent(outerSteps: 200, innerSteps: 2, alpha: 1 / q.curvature.L, beta: 0.5,
                                           solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 100)))
        descent.outerOptimizer = .adam(stepSize: 0.05)
        var steps: [OuterIterate] = []
        let x0: Vector = [1, -1, 0.5]
        let result = try descent.run(q, x0: x0, y0: Vector(repeating: 0, count: 12)) { steps.append($0); return true }
        // The method's own step at x_k is −β ĥ_k (ĥ_k as reported); Adam's move for it, from the paper's box.
        var m = Vector(repeating: 0, count: 3), v = Vector(repeating: 0, count: 3)
        var x = x0
        for (k, step) in steps.enumerated() {
            #expect(norm(step.x - x) <= 1e-15 * norm(x))
            for i in 0..<3 {
                let u = 0.5 * step.hypergradients[0][i]
                m[i] = 0.9 * m[i] + 0.1 * u
                v[i] = 0.999 * v[i] + 0.001 * u * u
                let mHat = m[i] / (1 - pow(0.9, Double(k + 1))), vHat = v[i] / (1 - pow(0.999, Double(k + 1)))
                let move = -0.05 * mHat / (vHat.squareRoot() + 1e-8)
                #expect(abs(step.step[i] - move) <= 1e-12 * max(abs(move), 1e-3))
            }
            axpy(1, step.step, &x)
        }
        #expect(result.x == x)
        // The first move is a signed step of η in every coordinate (η|u|/(|u| + ε), ε = 1e-8).
        #expect(steps[0].step.allSatisfy { abs(abs($0) - 0.05) < 1e-6 })
        // And the run still descends: Φ's gradient falls by orders of magnitude.
        #expect(norm(q.exactHypergradients(x: result.x)[0]) < 1e-2 * norm(q.exactHypergradients(x: x0)[0]))
        for bad in [OuterOptimizer.adam(stepSize: 0), .adam(stepSize: .nan), .adam(stepSize: 0.1, beta1: 1),
                    .adam(stepSize: 0.1, beta2: -0.1), .adam(stepSize: 0.1, epsilon: 0)] {
            descent.outerOptimizer = bad
            #expect(throws: InvalidInput.self) { try descent.run(q, x0: x0, y0: Vector(repeating: 0, count: 12)) }
        }
    }

    @Test("Cold inner loops keep a bias: the run stops short of the stationary point")
    func coldBias() throws {
        let q = try problem()
        let cold = HypergradientDescent(outerSteps: 300, innerSteps: 2, alpha: 1 / q.curvature.L, beta: 0.5,
                                        solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 100)),
                                        warmInner: false, warmSolve: false)
        let result = try cold.run(q, x0: [1, -1, 0.5], y0: Vector(repeating: 0, count: 12))
        #expect(norm(q.exactHypergradients(x: result.x)[0]) > 1e-3)
    }

    @Test("The observer stops the run; an unconverged solve is an error, not a silent hypergradient; bad settings are refused")
    func stopsAndFailures() throws {
        let q = try problem()
        let y0 = Vector(repeating: 0, count: 12)
        var descent = HypergradientDescent(outerSteps: 50, innerSteps: 1, alpha: 1 / q.curvature.L, beta: 0.5,
                                           solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 100)))
        let stopped = try descent.run(q, x0: [1, -1, 0.5], y0: y0) { $0.k < 4 }
        #expect(stopped.steps == 5 && stopped.stoppedByObserver)
        descent.solver = .conjugateGradient(.tolerance(relativeResidual: 1e-14, maxIterations: 2))
        #expect(throws: DidNotConverge.self) { try descent.run(q, x0: [1, -1, 0.5], y0: y0) }
        descent.solver = .conjugateGradient(.fixed(iterations: 2))     // a fixed budget is a request, not a failure
        #expect(try descent.run(q, x0: [1, -1, 0.5], y0: y0).steps == 50)
        descent.beta = 0
        #expect(throws: InvalidInput.self) { try descent.run(q, x0: [1, -1, 0.5], y0: y0) }
        descent.beta = 0.5
        descent.outerSteps = 0
        #expect(throws: InvalidInput.self) { try descent.run(q, x0: [1, -1, 0.5], y0: y0) }
        descent.outerSteps = 5
        #expect(throws: InvalidInput.self) { try descent.run(q, x0: [1, -1], y0: y0) }
    }
}
