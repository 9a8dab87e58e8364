import Foundation
import MOBL
import Testing

/// A small instance (M = 7 features, w = 3, K = 4 shots, Q = 5 queries, 2 tasks per
/// family) and a random point (x, y).
private func smallMetaLearning(seed: UInt64 = 5, width: Int = 3) throws -> (MetaLearning, x: Vector, y: Vector) {
    var rng = SeededGenerator(seed: seed)
    let problem = try MetaLearning(settings: .init(features: 7, width: width, shots: 4, queries: 5, trainTasksPerFamily: 2,
                                                   testTasksPerFamily: 3, ridge: 0.1, noise: 0.05, bandwidth: 1.5), using: &rng)
    let x = rng.gaussianVector(problem.upperDimension)
    let y = rng.gaussianVector(problem.lowerDimension)
    return (problem, x, y)
}

@Suite("Meta-learning: few-shot regression with ridge heads")
struct MetaLearningTests {
    @Test("Every oracle against central finite differences")
    func oraclesAgainstFiniteDifferences() throws {
        let (problem, x, y) = try smallMetaLearning()
        var rng = SeededGenerator(seed: 11)
        let v = rng.gaussianVector(problem.lowerDimension)
        #expect(relativeError(problem.lowerGradientY(x: x, y: y), numericalGradient({ problem.lowerValue(x: x, y: $0) }, at: y)) < 1e-7)
        #expect(relativeError(problem.lowerGradientX(x: x, y: y), numericalGradient({ problem.lowerValue(x: $0, y: y) }, at: x)) < 1e-7)
        for s in 0..<problem.objectiveCount {
            #expect(relativeError(problem.upperGradientY(s, x: x, y: y),
                                  numericalGradient({ problem.upperValues(x: x, y: $0)[s] }, at: y)) < 1e-7)
            #expect(relativeError(problem.upperGradientX(s, x: x, y: y),
                                  numericalGradient({ problem.upperValues(x: $0, y: y)[s] }, at: x)) < 1e-7)
        }
        #expect(relativeError(problem.lowerHessianVector(x: x, y: y, v),
                              numericalDirectional({ problem.lowerGradientY(x: x, y: $0) }, at: y, along: v)) < 1e-7)
        #expect(relativeError(problem.lowerMixedVector(x: x, y: y, v),
                              numericalDirectional({ problem.lowerGradientX(x: x, y: $0) }, at: y, along: v)) < 1e-7)
    }

    @Test("Hessian-vector products against the dense Hessian; μ and L are its extreme eigenvalues")
    func hessianVectorAgainstDenseHessian() throws {
        let (problem, x, y) = try smallMetaLearning()
        let p = problem.lowerDimension
        // Column j of H is H e_j (the oracle is linear in v); H must equal the finite-difference Hessian.
        var H = Matrix(rows: p, columns: p)
        for j in 0..<p {
            var e = Vector(repeating: 0, count: p)
            e[j] = 1
            let column = problem.lowerHessianVector(x: x, y: y, e)
            let byDifferences = numericalDirectional({ problem.lowerGradientY(x: x, y: $0) }, at: y, along: e)
            #expect(relativeError(column, byDifferences) < 1e-7)
            for i in 0..<p { H[i, j] = column[i] }
        }
        #expect(H.isSymmetric(tolerance: 1e-12))
        let eigenvalues = try symmetricEigenvalues(H)
        let (mu, L) = problem.lowerCurvature(x: x)!
        #expect(mu == 2 * problem.settings.ridge)
        #expect(eigenvalues.first! >= mu * (1 - 1e-10))
        #expect(abs(eigenvalues.last! - L) <= 1e-9 * L)
        var rng = SeededGenerator(seed: 2)
        let v = rng.gaussianVector(p)
        #expect(relativeError(problem.lowerHessianVector(x: x, y: y, v), H.times(v)) < 1e-12)
        // lowerSpectrum: the dense Hessian's exact extreme eigenvalues (μ = 2θ is only their lower bound).
        let spectrum = try #require(problem.lowerSpectrum(x: x))
        #expect(abs(spectrum.smallest - eigenvalues.first!) <= 1e-9 * spectrum.largest)
        #expect(abs(spectrum.largest - eigenvalues.last!) <= 1e-9 * spectrum.largest)
        #expect(spectrum.smallest > mu)  // 4 shots fill a head of width 3: Z_ξᵀZ_ξ is positive definite
    }

    @Test("Heads wider than the support sets: the smallest eigenvalue of ∇²_yy g is the ridge's 2θ itself")
    func widerHeadsThanShots() throws {
        let (problem, x, _) = try smallMetaLearning(width: 6)  // p_head = 6 > N_spt = 4: Z_ξ has a null space
        let spectrum = try #require(problem.lowerSpectrum(x: x))
        #expect(abs(spectrum.smallest - 2 * problem.settings.ridge) <= 1e-10)
        #expect(abs(spectrum.largest - problem.lowerCurvature(x: x)!.L) <= 1e-12 * spectrum.largest)
    }

    @Test("Closed-form heads = a long inner solve by gradient steps, and ∇_y g(x, y*) ≈ 0")
    func closedFormHeadsAgainstInnerSolve() throws {
        let (problem, x, _) = try smallMetaLearning()
        let exact = problem.lowerSolution(x: x)
        #expect(norm(problem.lowerGradientY(x: x, y: exact)) < 1e-10 * max(1, norm(exact)))
        let L = problem.lowerCurvature(x: x)!.L
        let solved = try solveLowerLevel(CountedOracles(problem), x: x, start: Vector(repeating: 0, count: problem.lowerDimension),
                                         stepSize: 1 / L, tolerance: 1e-11)
        #expect(relativeError(solved.y, exact) < 1e-9)
    }

    @Test("Exact hypergradients = central finite differences of Φ_s(x) = f_s(x, y*(x))")
    func exactHypergradientsAgainstFiniteDifferences() throws {
        let (problem, x, _) = try smallMetaLearning()
        let exact = problem.exactHypergradients(x: x)
        for s in 0..<problem.objectiveCount {
            let byDifferences = numericalGradient({ problem.reducedValues(x: $0)[s] }, at: x, h: 1e-5)
            #expect(relativeError(exact[s], byDifferences) < 1e-6)
        }
    }

    @Test("AID with CG at y* = the closed form")
    func aidAtTheSolutionMatchesTheClosedForm() throws {
        let (problem, x, _) = try smallMetaLearning()
        let y = problem.lowerSolution(x: x)
        let exact = problem.exactHypergradients(x: x)
        let oracles = CountedOracles(problem)
        for s in 0..<problem.objectiveCount {
            let estimate = try aidHypergradient(oracles, objective: s, x: x, y: y,
                                                solver: .conjugateGradient(.tolerance(relativeResidual: 1e-13, maxIterations: 500)))
            #expect(relativeError(estimate.gradient, exact[s]) < 1e-9)
        }
    }

    @Test("Batch oracles: the batch of all tasks is the full oracle; one task's batch is T times its term")
    func batchOracles() throws {
        let (problem, x, y) = try smallMetaLearning()
        var rng = SeededGenerator(seed: 4)
        let v = rng.gaussianVector(problem.lowerDimension)
        let all = Array(0..<problem.sampleCount)
        #expect(abs(problem.lowerValue(x: x, y: y, batch: all) - problem.lowerValue(x: x, y: y)) < 1e-12 * abs(problem.lowerValue(x: x, y: y)))
        #expect(relativeError(problem.lowerGradientY(x: x, y: y, batch: all), problem.lowerGradientY(x: x, y: y)) < 1e-14)
        #expect(relativeError(problem.lowerHessianVector(x: x, y: y, v, batch: all), problem.lowerHessianVector(x: x, y: y, v)) < 1e-14)
        #expect(relativeError(problem.lowerMixedVector(x: x, y: y, v, batch: all), problem.lowerMixedVector(x: x, y: y, v)) < 1e-12)
        // The mean over the single-task batches is the full oracle (the finite-sum convention).
        var mean = Vector(repeating: 0, count: problem.upperDimension)
        for tau in all { axpy(1 / Double(all.count), problem.lowerMixedVector(x: x, y: y, v, batch: [tau]), &mean) }
        #expect(relativeError(mean, problem.lowerMixedVector(x: x, y: y, v)) < 1e-12)
        #expect(problem.upperSampleCount == 0)
    }

    @Test("Meta-training and meta-test tasks are disjoint draws; meta-train losses with exact heads are Φ_s")
    func metaTrainAndTestAreDisjoint() throws {
        let (problem, x, _) = try smallMetaLearning()
        #expect(problem.trainTasks.count == 5 * 2)
        #expect(problem.testTasks.count == 5 * 3)
        for family in TaskFamily.allCases {
            #expect(problem.trainTasks.filter { $0.family == family }.count == 2)
            #expect(problem.testTasks.filter { $0.family == family }.count == 3)
        }
        let trainParameters = Set(problem.trainTasks.map(\.parameters))
        let trainInputs = Set(problem.trainTasks.flatMap { $0.supportInputs + $0.queryInputs })
        for task in problem.testTasks {
            #expect(!trainParameters.contains(task.parameters))
            #expect(trainInputs.isDisjoint(with: task.supportInputs + task.queryInputs))
        }
        #expect(relativeError(problem.metaTrainLosses(x: x), problem.reducedValues(x: x)) < 1e-12)
        let test = problem.metaTestLosses(x: x)
        #expect(test.count == 5 && test.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test("Same seed, same problem; another seed, other tasks")
    func seeded() throws {
        let (a, _, _) = try smallMetaLearning(seed: 5)
        let (b, _, _) = try smallMetaLearning(seed: 5)
        let (c, _, _) = try smallMetaLearning(seed: 6)
        #expect(a.trainTasks.map(\.supportTargets) == b.trainTasks.map(\.supportTargets))
        #expect(a.frequencies == b.frequencies)
        #expect(a.trainTasks.map(\.supportTargets) != c.trainTasks.map(\.supportTargets))
    }

    @Test("Bad settings are refused, naming the value and the rule")
    func badSettingsRefused() throws {
        func refuse(_ change: (inout MetaLearning.Settings) -> Void, _ expected: InvalidInput) {
            var settings = MetaLearning.Settings()
            change(&settings)
            var rng = SeededGenerator(seed: 1)
            #expect(throws: expected) { try MetaLearning(settings: settings, using: &rng) }
        }
        refuse({ $0.width = 0 }, InvalidInput("width w", "0", "must be ≥ 1"))
        refuse({ $0.shots = 0 }, InvalidInput("shots K", "0", "must be ≥ 1"))
        refuse({ $0.queries = 0 }, InvalidInput("queries Q", "0", "must be ≥ 1"))
        refuse({ $0.features = 1 }, InvalidInput("features M", "1", "must be ≥ 2 (at least one Fourier feature and the constant)"))
        refuse({ $0.trainTasksPerFamily = 0 }, InvalidInput("meta-training tasks per family", "0", "must be ≥ 1"))
        refuse({ $0.testTasksPerFamily = 0 }, InvalidInput("meta-test tasks per family", "0", "must be ≥ 1"))
        refuse({ $0.ridge = 0 }, InvalidInput("ridge c", "0.0", "must be > 0 and finite (it makes the lower level strongly convex)"))
        refuse({ $0.ridge = -1 }, InvalidInput("ridge c", "-1.0", "must be > 0 and finite (it makes the lower level strongly convex)"))
        refuse({ $0.noise = -0.1 }, InvalidInput("noise σ", "-0.1", "must be ≥ 0 and finite"))
        refuse({ $0.bandwidth = 0 }, InvalidInput("bandwidth σ", "0.0", "must be > 0 and finite"))
    }

    @Test("The representation is Xᵀφ(a), and the design cache never changes a result")
    func representationAndCache() throws {
        let (problem, x, y) = try smallMetaLearning()
        let (M, w) = (problem.settings.features, problem.settings.width)
        let phi = problem.features(0.7)
        #expect(phi.count == M)
        let h = problem.representation(x: x, 0.7)
        for k in 0..<w {
            let expected = (0..<M).reduce(0.0) { $0 + x[$1 * w + k] * phi[$1] }
            #expect(abs(h[k] - expected) < 1e-12)
        }
        // Alternate between two points: every answer equals the fresh problem's.
        let (fresh, _, _) = try smallMetaLearning()
        var other = x
        other[0] += 0.5
        for point in [x, other, x] {
            #expect(problem.lowerGradientY(x: point, y: y) == fresh.lowerGradientY(x: point, y: y))
            #expect(problem.upperValues(x: point, y: y) == fresh.upperValues(x: point, y: y))
        }
    }
}
