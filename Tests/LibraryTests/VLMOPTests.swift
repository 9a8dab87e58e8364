import ChapterSupport
import Foundation
import MOBL
import Testing

@Suite("VLMOP1 and VLMOP2 oracles")
struct VLMOPTests {
    static let kinds: [VLMOP.Kind] = [.one, .two]

    @Test("Gradients match central finite differences", arguments: kinds)
    func gradients(kind: VLMOP.Kind) throws {
        let problem = try VLMOP(kind, dimension: 7)
        var rng = SeededGenerator(seed: 31)
        for _ in 0..<20 {
            let x = rng.gaussianVector(7).map { 0.5 * $0 }
            let g = problem.gradients(at: x)
            for i in 0..<7 {
                var plus = x, minus = x
                plus[i] += 1e-6
                minus[i] -= 1e-6
                let fd = (problem.values(at: plus) - problem.values(at: minus)).map { $0 / 2e-6 }
                #expect(abs(fd[0] - g[0][i]) < 1e-8 && abs(fd[1] - g[1][i]) < 1e-8)
            }
        }
    }

    @Test("The analytic front: Pareto points are stationary and dominate everything off the set", arguments: kinds)
    func front(kind: VLMOP.Kind) throws {
        let problem = try VLMOP(kind, dimension: 20)
        for s in stride(from: -1.0, through: 1.0, by: 0.125) {
            let x = problem.paretoPoint(s)
            let values = problem.values(at: x)
            #expect(norm(values - problem.frontPoint(s)) < 1e-14)
            if abs(s) < 1 {   // interior: the two gradients are opposite, the gap is 0
                #expect(try stationarityGap(gradients: problem.gradients(at: x)) < 1e-28)
            }
        }
        if kind == .one {     // √f₁ + √f₂ = 1 on the whole front
            #expect(problem.front(samples: 101).allSatisfy { abs($0[0].squareRoot() + $0[1].squareRoot() - 1) < 1e-14 })
        }
        // No random point dominates any front point, and each is dominated by its projection.
        var rng = SeededGenerator(seed: 32)
        let front = problem.front(samples: 201)
        for _ in 0..<500 {
            // Near the Pareto set, where dominating a front point would be possible if the front were wrong.
            let x = problem.paretoPoint(rng.uniform(-1.2, 1.2)) - rng.gaussianVector(20).map { 0.03 * $0 }
            let f = problem.values(at: x)
            #expect(!front.contains { dominates(f, $0) })
            let projection = problem.values(at: problem.paretoPoint(problem.nearestParameter(x)))
            #expect(projection[0] <= f[0] && projection[1] <= f[1])
        }
    }

    @Test("Exact Chebyshev optima agree with direct minimization", arguments: kinds)
    func chebyshevOptima(kind: VLMOP.Kind) throws {
        let problem = try VLMOP(kind, dimension: 20)
        var rng = SeededGenerator(seed: 33)
        for k in 1...19 {
            let r = [Double(k) / 20, 1 - Double(k) / 20]
            let optimum = try problem.chebyshevOptimum(preference: r)
            let best = max(r[0] * optimum.values[0], r[1] * optimum.values[1])
            // The two weighted objectives are equal at the optimum (larger r_s, smaller f_s).
            #expect(abs(r[0] * optimum.values[0] - r[1] * optimum.values[1]) < 1e-14)
            // Direct minimization: a grid of 200 001 front parameters, then golden-section refinement.
            func chebyshev(_ s: Double) -> Double { let f = problem.frontPoint(s); return max(r[0] * f[0], r[1] * f[1]) }
            var bestS = -1.0
            for i in 0...200_000 {
                let s = -1 + Double(i) / 100_000
                if chebyshev(s) < chebyshev(bestS) { bestS = s }
            }
            var (lo, hi) = (bestS - 1e-5, bestS + 1e-5)
            for _ in 0..<100 {
                let m1 = lo + (hi - lo) * 0.381966, m2 = hi - (hi - lo) * 0.381966
                if chebyshev(m1) < chebyshev(m2) { hi = m2 } else { lo = m1 }
            }
            #expect(abs(0.5 * (lo + hi) - optimum.s) < 1e-7)
            #expect(abs(chebyshev(0.5 * (lo + hi)) - best) < 1e-12)
            // No point of Rⁿ does better.
            for _ in 0..<200 {
                let x = problem.paretoPoint(optimum.s) - rng.gaussianVector(20).map { 0.05 * $0 }
                let f = problem.values(at: x)
                #expect(max(r[0] * f[0], r[1] * f[1]) >= best - 1e-15)
            }
        }
    }

    @Test("VLMOP1's closed form equals bisection of r₁f₁ = r₂f₂")
    func closedFormVersusBisection() throws {
        let problem = try VLMOP(.one, dimension: 5)
        for k in 1...9 {
            let r = [Double(k) / 10, 1 - Double(k) / 10]
            var (lo, hi) = (-1.0, 1.0)
            for _ in 0..<200 {
                let mid = 0.5 * (lo + hi)
                let f = problem.frontPoint(mid)
                if r[0] * f[0] > r[1] * f[1] { lo = mid } else { hi = mid }
            }
            #expect(abs(try problem.chebyshevOptimum(preference: r).s - lo) < 1e-14)
        }
    }

    @Test("Bad input: non-positive preference, zero dimension")
    func badInput() throws {
        let problem = try VLMOP(.two, dimension: 3)
        #expect(throws: InvalidInput.self) { try problem.chebyshevOptimum(preference: [0, 1]) }
        #expect(throws: InvalidInput.self) { try problem.chebyshevOptimum(preference: [-0.2, 1.2]) }
        #expect(throws: InvalidInput.self) { try VLMOP(.one, dimension: 0) }
    }
}
