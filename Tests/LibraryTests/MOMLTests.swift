import Foundation
import MOBL
import Testing

/// The Hessian-based baselines of FORUM's chapter against exact answers: MOML's ITD
/// hypergradients against exact AID, MOML and MoCo against the exact stationarity gap
/// of the MOBL toys, MoCo's tracking and weight updates, and the memory each method
/// reports (``OuterIterate/peakVectors``).
@Suite("MOML and MoCo")
struct MOMLTests {
    static func toy(_ objectives: MOBLToy.Objectives = .vlmop2) throws -> (MOBLToy, Vector, Vector) {
        var rng = SeededGenerator(seed: 5)
        let toy = try MOBLToy.standard(objectives, kappa: 10, using: &rng)
        return (toy, rng.gaussianVector(10).map { 0.3 * $0 }, Vector(repeating: 0, count: 10))
    }

    /// The first outer step of a run: what MOML or MoCo computed at x₀.
    static func firstStep(_ run: (OuterObserver) throws -> OuterResult) throws -> OuterIterate {
        var first: OuterIterate?
        _ = try run { first = $0; return false }
        return try #require(first)
    }

    static func moco(_ toy: MOBLToy, steps: Int = 3000, tracking: MoCo.TrackingSchedule = .constant(0.5),
                     update: MoCo.WeightUpdate = .projection,
                     solver: HessianSolver = .conjugateGradient(.fixed(iterations: 10))) -> MoCo {
        MoCo(outerSteps: steps, innerSteps: 2, alpha: 1 / toy.curvature.L, mu: 1, gamma: 1, tracking: tracking,
             weightUpdate: update, solver: solver)
    }

    @Test("MOML's ITD hypergradients tend to exact AID as T grows, and match itdHypergradient bit for bit")
    func itdAgainstAID() throws {
        let (toy, x0, y0) = try Self.toy()
        let oracles = CountedOracles(toy)
        let ystar = toy.lowerSolution(x: x0)
        let exact = try (0..<2).map {
            try aidHypergradient(oracles, objective: $0, x: x0, y: ystar, solver: .conjugateGradient(.tolerance(relativeResidual: 1e-13, maxIterations: 100))).gradient
        }
        var errors: [Double] = []
        for t in [10, 50, 200] {
            let moml = MOML(outerSteps: 1, innerSteps: t, alpha: 1 / toy.curvature.L, beta: 1)
            let step = try Self.firstStep { try moml.run(toy, x0: x0, y0: y0, observe: $0) }
            let error = (0..<2).map { norm(step.hypergradients[$0] - exact[$0]) / norm(exact[$0]) }.max()!
            errors.append(error)
            for s in 0..<2 {
                let single = try itdHypergradient(oracles, objective: s, x: x0, start: y0, steps: t, stepSize: 1 / toy.curvature.L)
                #expect(single.gradient == step.hypergradients[s])
                #expect(single.value == step.values[s])
            }
        }
        // Measured: 0.30, 3.5e-3, 4.8e-10 — the (1 − μ/L)^T = 0.9^T of the unrolled Jacobian.
        #expect(errors[0] > errors[1] && errors[1] > errors[2])
        #expect(errors[0] < 0.5 && errors[1] < 1e-2 && errors[2] < 1e-8)
        // The exact-AID reference agrees with the toy's closed form.
        for s in 0..<2 { #expect(norm(exact[s] - toy.exactHypergradients(x: x0)[s]) < 1e-10) }
    }

    @Test("One forward pass serves every objective: T lower gradients per step, not S·T")
    func oracleCounts() throws {
        let (toy, x0, y0) = try Self.toy(.polygon(3))
        let t = 7
        let moml = MOML(outerSteps: 2, innerSteps: t, alpha: 1 / toy.curvature.L, beta: 1)
        let result = try moml.run(toy, x0: x0, y0: y0)
        #expect(result.counts.lowerGradient == 2 * t)
        #expect(result.counts.mixedVector == 2 * 3 * t)
        #expect(result.counts.hessianVector == 2 * 3 * (t - 1))
        #expect(result.counts.upperGradient == 2 * 3 * 2)
    }

    @Test("The authors' clipping option keeps λ₁ within [0.001, 0.999] with S = 2, and is refused for S = 3")
    func clippedWeights() throws {
        let (toy, _, y0) = try Self.toy()
        // Start where y* = 3a lies beyond the anchor a = 1/√p: both gradients point along a and
        // the min-norm weights sit at a vertex of the simplex, which the clipping must avoid.
        let x0 = toy.upperPoint(forLowerSolution: Vector(repeating: 3 / 10.0.squareRoot(), count: 10))
        var moml = MOML(outerSteps: 300, innerSteps: 1, alpha: 1 / toy.curvature.L, beta: 1)
        moml.clipTwoObjectiveWeight = 0.001...0.999
        var weights: [Vector] = []
        _ = try moml.run(toy, x0: x0, y0: y0) { weights.append($0.weights); return true }
        #expect(weights.allSatisfy { $0[0] >= 0.001 && $0[0] <= 0.999 && abs($0[0] + $0[1] - 1) < 1e-15 })
        // Unclipped, the same run does hit a vertex of the simplex at some step (else the test proves nothing).
        moml.clipTwoObjectiveWeight = nil
        var unclipped: [Vector] = []
        _ = try moml.run(toy, x0: x0, y0: y0) { unclipped.append($0.weights); return true }
        #expect(unclipped.contains { $0[0] < 0.001 || $0[0] > 0.999 })
        let (polygon, px0, py0) = try Self.toy(.polygon(3))
        moml.clipTwoObjectiveWeight = 0.001...0.999
        #expect(throws: InvalidInput.self) { try moml.run(polygon, x0: px0, y0: py0) }
        moml.clipTwoObjectiveWeight = -0.1...0.5
        #expect(throws: InvalidInput.self) { try moml.run(toy, x0: x0, y0: y0) }
    }

    @Test("MOML on the S = 2 toy reaches a Pareto-stationary point (exact gap)")
    func momlReachesStationarity() throws {
        let (toy, x0, y0) = try Self.toy()
        let trace = OuterTrace(exact: toy)
        let moml = MOML(outerSteps: 3000, innerSteps: 10, alpha: 1 / toy.curvature.L, beta: 1)
        _ = try moml.run(toy, x0: x0, y0: y0, observe: trace.observe)
        let gap = trace.records.last!.gap!
        // Measured: 3.2e-2 at x₀, 3.7e-33 after 3000 steps (ITD's bias is a positive-definite
        // factor on the toy, so MGDA's fixed point is exactly Pareto stationary).
        #expect(gap < 1e-12)
        #expect(trace.records.allSatisfy { abs($0.weights.reduce(0, +) - 1) < 1e-12 && $0.weights.allSatisfy { $0 >= 0 } })
    }

    @Test("MoCo on the S = 2 toy reaches a Pareto-stationary point (exact gap)")
    func mocoReachesStationarity() throws {
        let (toy, x0, y0) = try Self.toy()
        let trace = OuterTrace(exact: toy)
        _ = try Self.moco(toy).run(toy, x0: x0, y0: y0, observe: trace.observe)
        let gap = trace.records.last!.gap!
        // Measured: 3.2e-2 at x₀, 1.7e-20 after 3000 steps.
        #expect(gap < 1e-12)
    }

    @Test("Tracking: with β_k = 1 Y is the fresh hypergradients; with β_k < 1, Y_k = (1 − β_k) Y_{k−1} + β_k Ĥ_k")
    func tracking() throws {
        let (toy, x0, y0) = try Self.toy()
        let oracles = CountedOracles(toy)
        let solver = HessianSolver.conjugateGradient(.tolerance(relativeResidual: 1e-13, maxIterations: 100))
        for schedule in [MoCo.TrackingSchedule.constant(1), .constant(0.3), .decaying(initial: 1, power: 0.5)] {
            var previous: [Vector]? = nil
            var worst = 0.0
            _ = try Self.moco(toy, steps: 30, tracking: schedule, solver: solver).run(toy, x0: x0, y0: y0) { step in
                let fresh = try (0..<2).map {
                    try aidHypergradient(oracles, objective: $0, x: step.x, y: step.y, solver: solver).gradient
                }
                let beta = previous == nil ? 1 : schedule.weight(at: step.k)
                for s in 0..<2 {
                    let expected = previous.map { combination([1 - beta, beta], [$0[s], fresh[s]]) } ?? fresh[s]
                    worst = max(worst, norm(step.hypergradients[s] - expected) / norm(fresh[s]))
                }
                previous = step.hypergradients
                return true
            }
            #expect(worst < 1e-9, "\(schedule): \(worst)")
        }
        #expect(MoCo.TrackingSchedule.decaying(initial: 0.8, power: 0.5).weight(at: 3) == 0.4)
    }

    @Test("Both weight updates keep λ on the simplex; the projection is Π_Δ(λ − γYᵀYλ), the softmax stays strictly inside",
          arguments: [MoCo.WeightUpdate.projection, .softmax(rho: 0), .softmax(rho: 0.5)])
    func weightsOnSimplex(update: MoCo.WeightUpdate) throws {
        let (toy, x0, y0) = try Self.toy(.polygon(3))
        var previous: Vector = [1.0 / 3, 1.0 / 3, 1.0 / 3]
        var steps = 0
        var moco = Self.moco(toy, steps: 400, update: update)
        moco.gamma = 5
        _ = try moco.run(toy, x0: x0, y0: y0) { step in
            let lambda = step.weights
            let total: Double = lambda.reduce(0, +)
            #expect(abs(total - 1) < 1e-12)
            #expect(lambda.allSatisfy { $0 >= 0 })
            let y = step.hypergradients
            let yl = combination(previous, y)
            let g: Vector = (0..<3).map { (s: Int) -> Double in dot(y[s], yl) }
            switch update {
            case .projection:
                let expected = projectOntoSimplex((0..<3).map { (s: Int) -> Double in previous[s] - 5 * g[s] })
                #expect(norm(lambda - expected) < 1e-14)
            case .softmax(let rho):
                #expect(lambda.allSatisfy { $0 > 0 })
                let logits: Vector = (0..<3).map { (s: Int) -> Double in previous[s] - 5 * (g[s] + rho * previous[s]) }
                let e: Vector = logits.map { exp($0) }
                let sum: Double = e.reduce(0, +)
                let softmax: Vector = e.map { $0 / sum }
                #expect(norm(lambda - softmax) < 1e-12)
            }
            previous = lambda
            steps += 1
            return true
        }
        #expect(steps == 400)
    }

    @Test("Memory: MOML's peak vectors grow as T + 3; AID-CG's, WC-MHGD's and MoCo's do not depend on D")
    func peakVectors() throws {
        let (toy, x0, y0) = try Self.toy()
        let (polygon, _, _) = try Self.toy(.polygon(3))
        let alpha = 1 / toy.curvature.L
        for t in [1, 5, 20, 80] {
            for problem in [toy, polygon] {
                let moml = MOML(outerSteps: 3, innerSteps: t, alpha: alpha, beta: 1)
                let trace = OuterTrace()
                _ = try moml.run(problem, x0: x0, y0: y0, observe: trace.observe)
                #expect(trace.records.allSatisfy { $0.peakVectors == t + 3 })
            }
        }
        let cg = HessianSolver.conjugateGradient(.fixed(iterations: 10))
        for d in [1, 5, 20, 80] {
            for (problem, s) in [(toy, 2), (polygon, 3)] {
                var peaks: [Int] = []
                let record: OuterObserver = { peaks.append($0.peakVectors); return true }
                var moco = Self.moco(problem, steps: 3, solver: cg)
                moco.innerSteps = d
                _ = try moco.run(problem, x0: x0, y0: y0, observe: record)
                _ = try WCMHGD(preference: Vector(repeating: 1 / Double(s), count: s), u: 1, outerSteps: 3, innerSteps: d,
                               alpha: alpha, beta: 1, solver: cg).run(problem, x0: x0, y0: y0, observe: record)
                #expect(peaks == Array(repeating: s + 5, count: 6))
            }
            var single: [Int] = []
            for solver in [cg, .neumann(eta: alpha, .fixed(iterations: 10))] {
                _ = try HypergradientDescent(outerSteps: 2, innerSteps: d, alpha: alpha, beta: 1, solver: solver)
                    .run(toy, x0: x0, y0: y0) { single.append($0.peakVectors); return true }
            }
            #expect(single == [6, 6, 5, 5])
        }
    }

    @Test("Bad configurations are refused, naming the value and the rule")
    func badInput() throws {
        let (toy, x0, y0) = try Self.toy()
        func refused(_ words: String, _ run: () throws -> OuterResult) {
            do {
                _ = try run()
                Issue.record("accepted: \(words)")
            } catch let error as InvalidInput {
                #expect(error.description.contains(words), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        let moml = MOML(outerSteps: 5, innerSteps: 3, alpha: 0.1, beta: 0.5)
        func momlRefused(_ change: (inout MOML) -> Void, _ words: String) {
            var m = moml
            change(&m)
            refused(words) { try m.run(toy, x0: x0, y0: y0) }
        }
        momlRefused({ $0.innerSteps = 0 }, "unrolled inner steps D")
        momlRefused({ $0.outerSteps = 0 }, "outer steps K")
        momlRefused({ $0.beta = 0 }, "outer step β")
        momlRefused({ $0.beta = .infinity }, "outer step β")
        momlRefused({ $0.alpha = 0 }, "inner step α")
        momlRefused({ $0.alpha = 1 }, "inner step α")
        refused("x") { try moml.run(toy, x0: [0], y0: y0) }

        let moco = Self.moco(toy, steps: 5)
        func mocoRefused(_ change: (inout MoCo) -> Void, _ words: String) {
            var m = moco
            change(&m)
            refused(words) { try m.run(toy, x0: x0, y0: y0) }
        }
        mocoRefused({ $0.outerSteps = 0 }, "outer steps K")
        mocoRefused({ $0.innerSteps = -1 }, "inner steps D")
        mocoRefused({ $0.mu = 0 }, "outer step β")
        mocoRefused({ $0.gamma = 0 }, "weight step β_λ")
        mocoRefused({ $0.gamma = -1 }, "weight step β_λ")
        mocoRefused({ $0.tracking = .constant(0) }, "tracking weight ω")
        mocoRefused({ $0.tracking = .constant(1.5) }, "must be in (0, 1]")
        mocoRefused({ $0.tracking = .decaying(initial: 0, power: 0.5) }, "tracking weight ω₀")
        mocoRefused({ $0.tracking = .decaying(initial: 1, power: -1) }, "tracking decay power a")
        mocoRefused({ $0.weightUpdate = .softmax(rho: -1) }, "softmax regularization θ")
        mocoRefused({ $0.alpha = 1 }, "inner step α")
    }
}
