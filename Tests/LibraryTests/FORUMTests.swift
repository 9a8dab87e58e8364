import Foundation
import MOBL
import Testing

/// FORUM against exact answers: the direction problem against its KKT conditions and a
/// brute-force dual, the constraint against finite differences and the exact q, the
/// algorithm against the exact front of the S = 2 toy.
@Suite("FORUM")
struct FORUMTests {
    static func toy() throws -> (MOBLToy, Vector) {
        var rng = SeededGenerator(seed: 5)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        return (toy, rng.gaussianVector(10).map { 0.3 * $0 })
    }

    /// The dual objective ½‖Σλ∇F + ν∇q̃‖² − νφ.
    static func dual(_ lambda: Vector, _ nu: Double, _ gradients: [Vector], _ gq: Vector, _ phi: Double) -> Double {
        var v = combination(lambda, gradients)
        axpy(nu, gq, &v)
        return 0.5 * normSquared(v) - nu * phi
    }

    @Test("The direction: the primal's KKT conditions hold and no point of a fine dual grid is better, on random instances")
    func directionKKT() throws {
        var rng = SeededGenerator(seed: 41)
        for trial in 0..<200 {
            let m = 2 + trial % 2
            let gradients = (0..<m).map { _ in rng.gaussianVector(6) }
            let gq = rng.gaussianVector(6).map { $0 * [0.01, 1, 10][trial % 3] }
            let rho = [0.1, 1, 5][trial % 3]
            let direction = try FORUMDirection(gradients: gradients, constraintGradient: gq, rho: rho)
            let (lambda, nu, d, phi) = (direction.lambda, direction.nu, direction.d, direction.phi)
            let scale = max(1, normSquared(gq), gradients.map(normSquared).max()!)
            #expect(lambda.allSatisfy { $0 >= 0 } && abs(lambda.reduce(0, +) - 1) < 1e-12 && nu >= 0)
            // Primal feasibility and complementary slackness.
            #expect(dot(gq, d) <= -phi + 1e-9 * scale, "trial \(trial): ⟨∇q̃, d⟩ = \(dot(gq, d)), −φ = \(-phi)")
            #expect(abs(nu * (dot(gq, d) + phi)) < 1e-8 * scale)
            // λ lives on the objectives that attain max_i ⟨∇F_i, d⟩.
            let slopes = gradients.map { dot($0, d) }
            for i in 0..<m where lambda[i] > 1e-9 { #expect(slopes.max()! - slopes[i] < 1e-8 * scale) }
            // Brute force: over a grid of λ, with the best ν for each (closed form), nothing is lower.
            let best = Self.dual(lambda, nu, gradients, gq, phi)
            let grid = 200
            for a in 0...grid {
                for b in 0...(m == 2 ? 0 : grid - a) {
                    let l = m == 2 ? [Double(a) / Double(grid), 1 - Double(a) / Double(grid)]
                                   : [Double(a), Double(b), Double(grid - a - b)].map { $0 / Double(grid) }
                    let bestNu = forumMultiplier(lambda: l, gradients: gradients, constraintGradient: gq, phi: phi)
                    #expect(best <= Self.dual(l, bestNu, gradients, gq, phi) + 1e-10 * scale)
                }
            }
            // The closed-form ν(λ) at the optimal λ is the QP's ν.
            #expect(abs(forumMultiplier(lambda: lambda, gradients: gradients, constraintGradient: gq, phi: phi) - nu) < 1e-7 * max(1, nu))
        }
    }

    @Test("The paper's printed π (2φ for φ) makes the direction satisfy ⟨∇q̃, d⟩ ≤ −2φ instead of −φ")
    func printedMultiplier() throws {
        var rng = SeededGenerator(seed: 43)
        var active = 0
        for _ in 0..<100 {
            let gradients = (0..<2).map { _ in rng.gaussianVector(5) }
            let gq = rng.gaussianVector(5)
            let direction = try FORUMDirection(gradients: gradients, constraintGradient: gq, rho: 1)
            let printed = forumMultiplier(lambda: direction.lambda, gradients: gradients, constraintGradient: gq,
                                          phi: direction.phi, printed: true)
            var d = combination(direction.lambda, gradients)
            axpy(printed, gq, &d)
            d = -1 * d
            #expect(dot(gq, d) <= -2 * direction.phi + 1e-9 * max(1, normSquared(gq)))
            if direction.nu > 0 {
                active += 1
                #expect(abs(dot(gq, direction.d) + direction.phi) < 1e-9 * max(1, normSquared(gq)))   // derived: exactly −φ
            }
        }
        #expect(active > 20)
    }

    @Test("Degenerate directions: ∇q̃ = 0, parallel gradients, ∇q̃ parallel to a gradient — no NaN")
    func degenerate() throws {
        let g: Vector = [1, 2, -1]
        for (gradients, gq) in [([g, [0, 1, 0]], Vector(repeating: 0, count: 3)), ([g, g], [0.5, 0, 1]), ([g, [1, 0, 0]], 2 * g),
                                ([g, -1 * g], [0, 0, 1]), ([Vector(repeating: 0, count: 3), g], [1, 1, 1])] {
            let direction = try FORUMDirection(gradients: gradients, constraintGradient: gq, rho: 1)
            let numbers: Vector = direction.lambda + direction.d + [direction.nu, direction.phi]
            #expect(numbers.allSatisfy { $0.isFinite })
            #expect(dot(gq, direction.d) <= -direction.phi + 1e-12)
            #expect(forumMultiplier(lambda: direction.lambda, gradients: gradients, constraintGradient: gq, phi: direction.phi).isFinite)
        }
    }

    @Test("∇q̃ matches central differences of q̃ with ỹ_T held fixed; q̃ tends to the exact q as T grows")
    func constraint() throws {
        let (toy, x0) = try Self.toy()
        let y = (0..<10).map { Double($0) / 10 - 0.3 }
        let oracles = CountedOracles(toy)
        let eta = 1 / toy.curvature.L
        let approximation = try ValueFunctionConstraint(oracles, x: x0, y: y, steps: 8, eta: eta)
        func qFixed(_ z: Vector) -> Double {
            toy.lowerValue(x: Array(z[..<10]), y: Array(z[10...])) - toy.lowerValue(x: Array(z[..<10]), y: approximation.yTilde)
        }
        let z = x0 + y
        let h = 1e-6
        for i in 0..<20 {
            var plus = z, minus = z
            plus[i] += h
            minus[i] -= h
            #expect(abs((qFixed(plus) - qFixed(minus)) / (2 * h) - approximation.gradient[i]) < 1e-7)
        }
        let exact = toy.lowerValue(x: x0, y: y) - toy.lowerValue(x: x0, y: toy.lowerSolution(x: x0))
        var previous = Double.infinity
        for steps in [1, 4, 16, 64, 256] {
            let q = try ValueFunctionConstraint(oracles, x: x0, y: y, steps: steps, eta: eta).value
            #expect(q <= exact + 1e-12 && exact - q < previous)      // an under-estimate that closes in
            previous = exact - q
        }
        #expect(previous < 1e-10 * exact)
        // Cost: T + 3 gradients and 2 values of g, no Hessian-vector product.
        let before = oracles.counts
        _ = try ValueFunctionConstraint(oracles, x: x0, y: y, steps: 16, eta: eta)
        let spent = oracles.counts - before
        #expect(spent.lowerGradient == 19 && spent.lowerValue == 2 && spent.hessianVector == 0 && spent.mixedVector == 0)
    }

    @Test("FORUM on the S = 2 toy: q ≤ 1e-6 and a point within 5e-3 of the true front, with no Hessian product")
    func reachesFront() throws {
        let (toy, x0) = try Self.toy()
        let forum = FORUM(outerSteps: 10_000, innerSteps: 32, eta: 1 / toy.curvature.L, rho: 0.5, mu: 0.2)
        var last: OuterIterate?
        let result = try forum.run(toy, x0: x0, y0: Vector(repeating: 0, count: 10)) { last = $0; return true }
        let q = toy.lowerValue(x: result.x, y: result.y) - toy.lowerValue(x: result.x, y: toy.lowerSolution(x: result.x))
        #expect(q <= 1e-6)
        let f = toy.upperValues(x: result.x, y: result.y)
        #expect(toy.front(resolution: 4000).map { norm($0 - f) }.min()! < 5e-3)
        #expect(last!.constraint!.kktGap < 1e-8)
        #expect(result.counts.hessianVector == 0 && result.counts.mixedVector == 0)
    }

    @Test("A step that blows z up is reported as divergence, not as a QP failure")
    func divergence() throws {
        let (toy, x0) = try Self.toy()
        var forum = FORUM(outerSteps: 5000, innerSteps: 8, eta: 1 / toy.curvature.L, rho: 0.5, mu: 5)
        forum.printedMultiplier = true
        #expect(throws: Diverged.self) { try forum.run(toy, x0: x0, y0: Vector(repeating: 0, count: 10)) }
    }

    @Test("Bad settings are refused, naming the value and the rule")
    func badInput() throws {
        let (toy, x0) = try Self.toy()
        let y0 = Vector(repeating: 0, count: 10)
        let good = FORUM(outerSteps: 5, innerSteps: 4, eta: 0.05, rho: 0.5, mu: 0.1)
        for (change, words) in [({ (f: inout FORUM) in f.outerSteps = 0 }, "outer steps K"), ({ $0.innerSteps = 0 }, "inner steps D"),
                                ({ $0.eta = 1 }, "inner step α"), ({ $0.rho = 0 }, "ρ"), ({ $0.mu = -1 }, "outer step β"),
                                ({ $0.momentum = .epochZeroStart(iterationsPerEpoch: 0) }, "iterations per epoch"),
                                ({ $0.upperStepScale = 0 }, "upper step scale")]
            as [((inout FORUM) -> Void, String)] {
            var forum = good
            change(&forum)
            #expect { try forum.run(toy, x0: x0, y0: y0) } throws: { ($0 as? InvalidInput)?.description.contains(words) == true }
        }
        #expect(throws: InvalidInput.self) { try FORUMDirection(gradients: [[1, 0]], constraintGradient: [1], rho: 1) }
        #expect(throws: InvalidInput.self) { try FORUMDirection(gradients: [[1, .nan]], constraintGradient: [1, 0], rho: 1) }
    }

    @Test("upperStepScale s: the x step is s times the default's, the y step unchanged (same first step)")
    func upperStepScale() throws {
        let (toy, x0) = try Self.toy()
        let y0 = Vector(repeating: 0.1, count: 10)
        func firstStep(_ scale: Double) throws -> (x: Vector, y: Vector) {
            var forum = FORUM(outerSteps: 1, innerSteps: 8, eta: 1 / toy.curvature.L, rho: 0.5, mu: 0.1)
            forum.upperStepScale = scale
            var record: (Vector, Vector)? = nil
            _ = try forum.run(toy, x0: x0, y0: y0) { record = ($0.step, $0.constraint!.yStep); return true }
            return try #require(record)
        }
        let plain = try firstStep(1), scaled = try firstStep(7)
        #expect(norm(plain.x) > 0)
        #expect(relativeError(scaled.x, 7 * plain.x) < 1e-14)
        #expect(scaled.y == plain.y)
    }

    @Test("feasibilityTolerance: at a start that solves the lower level, the first step moves no x and the run does not depend on the solve's residual")
    func feasibleStart() throws {
        let (toy, x0) = try Self.toy()
        let exact = toy.lowerSolution(x: x0)
        var forum = FORUM(outerSteps: 30, innerSteps: 5, eta: 1 / toy.lowerCurvature(x: x0)!.L, rho: 0.5, mu: 0.05)
        forum.feasibilityTolerance = 1e-12
        var ends: [Vector] = []
        for residual in [1e-7, 1e-11] {
            // A start off y*(x₀) by `residual` along a fixed direction: feasible to within q ≈ residual².
            let y0 = exact.map { $0 + residual / Double(exact.count).squareRoot() }
            var first: OuterIterate? = nil
            let result = try forum.run(toy, x0: x0, y0: y0) { step in
                if step.k == 0 { first = step }
                return true
            }
            let step0 = try #require(first)
            #expect(step0.constraint!.qTilde <= 1e-12 && step0.constraint!.nu == 0 && norm(step0.step) == 0)
            ends.append(result.x)
        }
        #expect(norm(ends[0] - ends[1]) < 1e-5 * norm(ends[1]), "\(norm(ends[0] - ends[1]))")
        // The paper's form (no tolerance) is unchanged: the option is off by default.
        #expect(FORUM(outerSteps: 1, innerSteps: 1, eta: 0.1, rho: 0.5, mu: 0.1).feasibilityTolerance == nil)
    }
}
