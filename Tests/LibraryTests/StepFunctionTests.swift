import Foundation
import MOBL
import Testing

/// The step functions against an independent transcription of the papers' algorithm boxes,
/// written here from the public primitives only (inner gradient descent, one AID estimate at a
/// time, the weighting QP, FORUM's constraint, direction and multiplier): the same iterates, to
/// rounding, on the S = 2 and S = 5 toys; and a loop over `step` equals `run`.
@Suite("Step functions read like the boxes and make the iterates of the boxes")
struct StepFunctionTests {
    static func toy(_ objectives: MOBLToy.Objectives) throws -> (MOBLToy, Vector) {
        var rng = SeededGenerator(seed: 31)
        let toy = try MOBLToy.standard(objectives, kappa: 10, using: &rng)
        return (toy, rng.gaussianVector(toy.upperDimension).map { 0.3 * $0 })
    }

    @Test("WC-MHGD (CG and Neumann, warm and cold): run's iterates = the box transcribed from public primitives",
          arguments: [MOBLToy.Objectives.vlmop2, .polygon(5)], [true, false])
    func wcmhgdAgainstTheBox(objectives: MOBLToy.Objectives, warm: Bool) throws {
        let (toy, x0) = try Self.toy(objectives)
        let s = toy.objectiveCount
        let r = Vector(repeating: 1 / Double(s), count: s)
        let (alpha, beta, u, steps) = (1 / toy.curvature.L, 0.5, 1.0, 25)
        for solver in [HessianSolver.conjugateGradient(.fixed(iterations: 4)), .neumann(eta: alpha, .fixed(iterations: 6))] {
            var algorithm = WCMHGD(preference: r, u: u, outerSteps: steps, innerSteps: 2, alpha: alpha, beta: beta, solver: solver,
                                   warmInner: warm, warmSolve: warm)
            algorithm.reference = nil
            var library: [Vector] = []
            _ = try algorithm.run(toy, x0: x0, y0: Vector(repeating: 0, count: toy.lowerDimension)) { library.append($0.x); return true }
            // The box: y ← D steps; v_s ← solve from the last v_s; ĥ_s; λ ← QP; x ← x − β Σ r_s λ_s ĥ_s.
            let oracles = CountedOracles(toy)
            let y0 = Vector(repeating: 0, count: toy.lowerDimension)
            var (x, y) = (x0, y0)
            var v = [Vector?](repeating: nil, count: s)
            var transcribed: [Vector] = []
            for _ in 0..<steps {
                transcribed.append(x)
                y = try innerGradientDescent(oracles, x: x, start: warm ? y : y0, steps: 2, stepSize: alpha).y
                var h: [Vector] = [], phi: Vector = []
                for objective in 0..<s {
                    let estimate = try aidHypergradient(oracles, objective: objective, x: x, y: y, solver: solver,
                                                        warmStart: warm ? v[objective] : nil)
                    v[objective] = estimate.v
                    h.append(estimate.gradient)
                    phi.append(estimate.value)
                }
                let lambda = try chebyshevWeights(gradients: h, values: phi, preference: r, u: u).weights
                for (s, g) in h.enumerated() { axpy(-beta * r[s] * lambda[s], g, &x) }
            }
            #expect(library.count == steps)
            let worst = zip(library, transcribed).map { norm($0 - $1) / max(1, norm($1)) }.max()!
            #expect(worst < 1e-12, "\(solver): largest relative difference \(worst)")
        }
    }

    @Test("FORUM: run's iterates = Algorithm 1 transcribed from ValueFunctionConstraint, FORUMDirection and forumMultiplier",
          arguments: [MOBLToy.Objectives.vlmop2, .polygon(5)])
    func forumAgainstTheBox(objectives: MOBLToy.Objectives) throws {
        let (toy, x0) = try Self.toy(objectives)
        let (n, m) = (toy.upperDimension, toy.objectiveCount)
        let (eta, rho, mu, steps) = (1 / toy.curvature.L, 0.5, 0.1, 40)
        let forum = FORUM(outerSteps: steps, innerSteps: 8, eta: eta, rho: rho, mu: mu)
        var library: [(x: Vector, y: Vector)] = []
        let y0 = Vector(repeating: 0.1, count: toy.lowerDimension)
        _ = try forum.run(toy, x0: x0, y0: y0) { library.append(($0.x, $0.y)); return true }
        let oracles = CountedOracles(toy)
        var (x, y) = (x0, y0)
        var smoothed: Vector? = nil
        var transcribed: [(x: Vector, y: Vector)] = []
        for k in 0..<steps {
            transcribed.append((x, y))
            let constraint = try ValueFunctionConstraint(oracles, x: x, y: y, steps: 8, eta: eta)
            let gradients = (0..<m).map { stacked(oracles.upperGradientX($0, x: x, y: y), oracles.upperGradientY($0, x: x, y: y)) }
            let direction = try FORUMDirection(gradients: gradients, constraintGradient: constraint.gradient, rho: rho)
            let betaK = pow(Double(k + 1), -0.75)      // β_k = (k + 1)^{−3/4}
            let lambda = smoothed.map { p in (0..<m).map { (1 - betaK) * p[$0] + betaK * direction.lambda[$0] } } ?? direction.lambda
            smoothed = lambda
            let nu = forumMultiplier(lambda: lambda, gradients: gradients, constraintGradient: constraint.gradient, phi: direction.phi)
            var d = combination(lambda, gradients)
            axpy(nu, constraint.gradient, &d)
            axpy(-mu, Array(d[..<n]), &x)
            axpy(-mu, Array(d[n...]), &y)
        }
        let worst = zip(library, transcribed).map { max(norm($0.x - $1.x), norm($0.y - $1.y)) }.max()!
        #expect(library.count == steps && worst < 1e-12, "largest difference \(worst)")
    }

    @Test("A loop over step() is run(): WC-MHGD and FORUM, iterate for iterate, bit for bit")
    func stepIsRun() throws {
        let (toy, x0) = try Self.toy(.vlmop2)
        let y0 = Vector(repeating: 0, count: toy.lowerDimension)
        let wc = WCMHGD(preference: [0.3, 0.7], u: 1, outerSteps: 15, innerSteps: 2, alpha: 1 / toy.curvature.L, beta: 1,
                        solver: .conjugateGradient(.fixed(iterations: 5)))
        var fromRun: [Vector] = []
        _ = try wc.run(toy, x0: x0, y0: y0) { fromRun.append($0.step); return true }
        var state = WCMHGD.State(wc, y0: y0, objectives: 2)
        let oracles = CountedOracles(toy)
        var x = x0, fromSteps: [Vector] = []
        for k in 0..<15 {
            let iterate = try wc.step(k, x: x, state: &state, oracles: oracles)
            fromSteps.append(iterate.step)
            axpy(1, iterate.step, &x)
        }
        #expect(fromRun == fromSteps)
        let forum = FORUM(outerSteps: 15, innerSteps: 4, eta: 1 / toy.curvature.L, rho: 0.5, mu: 0.1)
        var forumRun: [Vector] = []
        _ = try forum.run(toy, x0: x0, y0: y0) { forumRun.append($0.step); return true }
        var forumState = FORUM.State(y: y0, smoothedWeights: nil)
        let forumOracles = CountedOracles(toy)
        var z = x0, forumSteps: [Vector] = []
        for k in 0..<15 {
            let iterate = try forum.step(k, x: z, state: &forumState, oracles: forumOracles)
            forumSteps.append(iterate.step)
            axpy(1, iterate.step, &z)
        }
        #expect(forumRun == forumSteps)
    }

    @Test("A loop over step() is run(): MOML, MoCo and hypergradient descent, iterate for iterate, bit for bit")
    func stepIsRunForTheBaselines() throws {
        let (toy, x0) = try Self.toy(.polygon(5))
        let y0 = Vector(repeating: 0, count: toy.lowerDimension)
        let alpha = 1 / toy.curvature.L
        /// The steps of `run`, and of a loop over `step` from a fresh state and fresh counted oracles.
        func compare(_ name: String, run: (@escaping OuterObserver) throws -> Void, step: (Int, Vector, CountedOracles) throws -> OuterIterate) throws {
            var fromRun: [Vector] = []
            try run { fromRun.append($0.step); return true }
            let oracles = CountedOracles(toy)
            var x = x0, fromSteps: [Vector] = []
            for k in 0..<fromRun.count {
                let iterate = try step(k, x, oracles)
                fromSteps.append(iterate.step)
                axpy(1, iterate.step, &x)
            }
            #expect(fromRun.count == 12 && fromRun == fromSteps, "\(name)")
        }
        let moml = MOML(outerSteps: 12, innerSteps: 5, alpha: alpha, beta: 0.5)
        var momlState = MOML.State(y: y0, y0: y0)
        try compare("MOML", run: { _ = try moml.run(toy, x0: x0, y0: y0, observe: $0) },
                    step: { try moml.step($0, x: $1, state: &momlState, oracles: $2) })
        let moco = MoCo(outerSteps: 12, innerSteps: 2, alpha: alpha, mu: 0.5, gamma: 0.1, tracking: .decaying(initial: 0.9, power: 0.5),
                        solver: .conjugateGradient(.fixed(iterations: 4)))
        var mocoState = MoCo.State(y0: y0, objectives: 5)
        try compare("MoCo", run: { _ = try moco.run(toy, x0: x0, y0: y0, observe: $0) },
                    step: { try moco.step($0, x: $1, state: &mocoState, oracles: $2) })
        let descent = HypergradientDescent(outerSteps: 12, innerSteps: 3, alpha: alpha, beta: 0.5,
                                           solver: .neumann(eta: alpha, .fixed(iterations: 5)), objective: 2)
        var descentState = HypergradientDescent.State(y: y0, y0: y0)
        try compare("hypergradient descent", run: { _ = try descent.run(toy, x0: x0, y0: y0, observe: $0) },
                    step: { try descent.step($0, x: $1, state: &descentState, oracles: $2) })
    }
}
