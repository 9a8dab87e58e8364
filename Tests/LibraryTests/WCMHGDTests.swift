import Foundation
import MOBL
import Testing

/// WC-MHGD against exact answers: the weighting QP against brute force and its
/// limits, the algorithm against the exact Chebyshev optima of the MOBL toys.
@Suite("WC-MHGD")
struct WCMHGDTests {
    static func toy(_ objectives: MOBLToy.Objectives, kappa: Double = 10) throws -> (MOBLToy, Vector) {
        var rng = SeededGenerator(seed: 5)
        let toy = try MOBLToy.standard(objectives, kappa: kappa, using: &rng)
        return (toy, rng.gaussianVector(10).map { 0.3 * $0 })
    }

    static func run(_ toy: MOBLToy, from x0: Vector, r: Vector, u: Double = 1, steps: Int = 3000,
                    solver: HessianSolver = .conjugateGradient(.fixed(iterations: 10)),
                    normalize: Bool = false) throws -> (x: Vector, trace: OuterTrace, result: OuterResult) {
        let algorithm = WCMHGD(preference: r, u: u, normalizePreference: normalize, outerSteps: steps, innerSteps: 2,
                               alpha: 1 / toy.curvature.L, beta: 1, solver: solver)
        let trace = OuterTrace(exact: toy)
        let result = try algorithm.run(toy, x0: x0, y0: Vector(repeating: 0, count: 10), observe: trace.observe)
        return (result.x, trace, result)
    }

    @Test("The weighting QP: never worse than a fine simplex grid, on random hypergradients, values, preferences and z")
    func weightingAgainstBruteForce() throws {
        var rng = SeededGenerator(seed: 77)
        for _ in 0..<60 {
            let gradients = (0..<3).map { _ in rng.gaussianVector(4) }
            let values = (0..<3).map { _ in rng.uniform(0, 2) }
            let raw = (0..<3).map { _ in rng.uniform(0.05, 1) }
            let r = raw.map { $0 / raw.reduce(0, +) }
            let z = (0..<3).map { _ in rng.uniform(-0.5, 0.5) }
            let u = [0, 0.1, 1, 10][rng.integer(below: 4)]
            let solution = try chebyshevWeights(gradients: gradients, values: values, preference: r, u: u, reference: z)
            func objective(_ l: Vector) -> Double {
                let linear = (0..<3).reduce(0.0) { (sum: Double, s: Int) -> Double in sum + l[s] * r[s] * (values[s] - z[s]) }
                return normSquared(combination(hadamard(r, l), gradients)) - u * linear
            }
            #expect(abs(objective(solution.weights) - solution.objective) < 1e-10)
            #expect(solution.kktResidual < 1e-10)
            // The grid's minimum, and one expectation for the instance.
            let grid = 120
            var best = Double.infinity, bestPoint: Vector = []
            for i in 0...grid {
                for j in 0...(grid - i) {
                    let l = [Double(i) / Double(grid), Double(j) / Double(grid), Double(grid - i - j) / Double(grid)]
                    let value = objective(l)
                    if value < best { (best, bestPoint) = (value, l) }
                }
            }
            #expect(solution.objective <= best + 1e-12,
                    "QP \(solution.objective) at λ = \(solution.weights), grid \(best) at \(bestPoint) (u = \(u))")
        }
    }

    @Test("At the exact Chebyshev optimum of the S = 2 toy the WC-MHGD step is zero; elsewhere on the front it is not")
    func fixedPoint() throws {
        let (toy, _) = try Self.toy(.vlmop2)
        for r1 in [0.2, 0.5, 0.8] {
            let r = [r1, 1 - r1]
            let optimum = try toy.chebyshevOptimum(preference: r)
            let gradients = toy.exactHypergradients(x: optimum.x)
            let lambda = try chebyshevWeights(gradients: gradients, values: optimum.values, preference: r, u: 1).weights
            #expect(norm(combination(hadamard(r, lambda), gradients)) < 1e-10)
            // Another Pareto point (the optimum of another preference) is not a fixed point for r.
            let other = try toy.chebyshevOptimum(preference: [1 - r1 + 0.05, r1 - 0.05])
            let otherGradients = toy.exactHypergradients(x: other.x)
            let otherLambda = try chebyshevWeights(gradients: otherGradients, values: other.values, preference: r, u: 1).weights
            #expect(norm(combination(hadamard(r, otherLambda), otherGradients)) > 1e-3)
        }
    }

    @Test("S = 2 toy: WC-MHGD lands within 1e-3 of the exact Chebyshev optimum for every preference", arguments: [0.1, 0.3, 0.5, 0.7, 0.9])
    func preferenceSweep(r1: Double) throws {
        let (toy, x0) = try Self.toy(.vlmop2)
        let r = [r1, 1 - r1]
        let run = try Self.run(toy, from: x0, r: r)
        let exact = try toy.chebyshevOptimum(preference: r).values
        #expect(norm(toy.reducedValues(x: run.x) - exact) < 1e-3)
        #expect(run.trace.records.last!.gap! < 1e-5)
    }

    @Test("S = 3 polygon: within 5e-3 of a brute-force minimum of max r_s h_s over the polygon")
    func polygonAgainstGrid() throws {
        let (toy, x0) = try Self.toy(.polygon(3))
        for r in [[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]] {
            let run = try Self.run(toy, from: x0, r: r, steps: 4000)
            let found = toy.reducedValues(x: run.x)
            // Independent oracle: max_s r_s h_s(y) over a barycentric grid of the triangle of centers.
            let c = toy.centers
            var best = Double.infinity
            let grid = 400
            for i in 0...grid {
                for j in 0...(grid - i) {
                    let w = [Double(i), Double(j), Double(grid - i - j)].map { $0 / Double(grid) }
                    let h = toy.objectiveValues(y: combination(w, c))
                    best = min(best, (0..<3).map { r[$0] * h[$0] }.max()!)
                }
            }
            let chebyshev = (0..<3).map { r[$0] * found[$0] }.max()!
            #expect(abs(chebyshev - best) < 5e-3, "r = \(r): WC-MHGD \(chebyshev), grid \(best)")
            #expect(norm(found - (try toy.chebyshevOptimum(preference: r).values)) < 1e-3)
        }
    }

    @Test("CG and Neumann hypergradients inside WC-MHGD reach the same point at different costs")
    func cgAndNeumannAgree() throws {
        let (toy, x0) = try Self.toy(.vlmop2)
        let r = [0.4, 0.6]
        let cg = try Self.run(toy, from: x0, r: r, steps: 1500)
        let neumann = try Self.run(toy, from: x0, r: r, steps: 1500,
                                   solver: .neumann(eta: 1 / toy.curvature.L, .fixed(iterations: 60)))
        #expect(norm(toy.reducedValues(x: cg.x) - toy.reducedValues(x: neumann.x)) < 1e-6)
        #expect(cg.result.counts.hessianVector < neumann.result.counts.hessianVector)
    }

    @Test("Normalizing r by ‖r ⊙ φ(x₀)‖ keeps the fixed point: the same Chebyshev optimum")
    func normalizedPreference() throws {
        let (toy, x0) = try Self.toy(.vlmop2)
        let r = [0.3, 0.7]
        let run = try Self.run(toy, from: x0, r: r, steps: 6000, normalize: true)
        #expect(norm(toy.reducedValues(x: run.x) - (try toy.chebyshevOptimum(preference: r).values)) < 1e-3)
    }

    @Test("Baselines on the same hypergradients: MGDA reaches the front (no preference), linear scalarization its weighted-sum optimum")
    func baselines() throws {
        let (toy, x0) = try Self.toy(.vlmop2)
        for rule in [DescentRule.minNorm, .linear(weights: [0.5, 0.5])] {
            var algorithm = WCMHGD(preference: [0.5, 0.5], u: 1, outerSteps: 3000, innerSteps: 2, alpha: 1 / toy.curvature.L,
                                   beta: 1, solver: .conjugateGradient(.fixed(iterations: 10)))
            algorithm.baseline = rule
            let trace = OuterTrace(exact: toy)
            let result = try algorithm.run(toy, x0: x0, y0: Vector(repeating: 0, count: 10), observe: trace.observe)
            #expect(trace.records.last!.gap! < 1e-6, "\(rule): gap \(trace.records.last!.gap!)")
            if case .linear(let w) = rule {
                // Stationary for the weighted sum: Σ w_s ∇Φ_s = 0 at the end.
                #expect(norm(combination(w, toy.exactHypergradients(x: result.x))) < 1e-4)
            }
        }
    }

    @Test("Bad configurations are refused, naming the value and the rule")
    func badInput() throws {
        let (toy, x0) = try Self.toy(.vlmop2)
        let y0 = Vector(repeating: 0, count: 10)
        let good = WCMHGD(preference: [0.5, 0.5], u: 1, outerSteps: 10, innerSteps: 1, alpha: 0.1, beta: 0.5,
                          solver: .conjugateGradient(.fixed(iterations: 5)))
        func refused(_ change: (inout WCMHGD) -> Void, _ words: String) {
            var algorithm = good
            change(&algorithm)
            do {
                _ = try algorithm.run(toy, x0: x0, y0: y0)
                Issue.record("accepted: \(words)")
            } catch let error as InvalidInput {
                #expect(error.description.contains(words), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        refused({ $0.preference = [0, 1] }, "every r_s must be > 0")
        refused({ $0.preference = [0.5, 0.6] }, "must sum to 1")
        refused({ $0.preference = [1] }, "one entry per objective")
        refused({ $0.u = -1 }, "must be ≥ 0")
        refused({ $0.reference = [0] }, "reference z")
        refused({ $0.outerSteps = 0 }, "outer steps K")
        refused({ $0.innerSteps = -1 }, "inner steps D")
        refused({ $0.beta = 0 }, "outer step β")
        refused({ $0.alpha = 1 }, "inner step α")
    }
}
