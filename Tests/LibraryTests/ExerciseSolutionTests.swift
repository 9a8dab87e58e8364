import Foundation
import MOBL
import Testing
import TestSupport

/// The implementation exercises' worked solutions, run: the code a solution page shows is
/// the code here (the test checks the page still contains it), and it must agree with the
/// library it re-implements.
@Suite("Worked solutions that implement something")
struct ExerciseSolutionTests {
    // Exercise 1.8's solution, as book/solutions/01.md shows it.
    // begin solution 1.8
    /// λ of the weighting QP (1.7) for S = 2, by the closed form of Exercise 1.7:
    /// P = Gram(r₁g₁, r₂g₂), c_s = −u r_s f_s (reference z = 0).
    func chebyshevWeights2(g1: Vector, g2: Vector, f: Vector, r: Vector, u: Double) -> Vector {
        let (h1, h2) = (r[0] * g1, r[1] * g2)  // the scaled gradients r_s g_s
        let a = normSquared(h1 - h2)  // P₁₁ − 2P₁₂ + P₂₂
        let b = 2 * (dot(h1, h2) - normSquared(h2)) - u * (r[0] * f[0] - r[1] * f[1])  // 2(P₁₂ − P₂₂) + c₁ − c₂
        let t = a > 0 ? min(1, max(0, -b / (2 * a))) : (b > 0 ? 0 : b < 0 ? 1 : 0.5)
        return [t, 1 - t]
    }
    // end solution 1.8

    @Test("Exercise 1.8: the two-objective closed form agrees with chebyshevWeights on 1000 random cases")
    func exercise1_8() throws {
        var rng = SeededGenerator(seed: 18)
        var largest = 0.0
        for _ in 0..<1000 {
            let (g1, g2) = (rng.gaussianVector(5), rng.gaussianVector(5))
            let f = [rng.uniform(0, 2), rng.uniform(0, 2)]
            let r1 = rng.uniform(0.05, 0.95)
            let u = rng.uniform(0, 10)
            let mine = chebyshevWeights2(g1: g1, g2: g2, f: f, r: [r1, 1 - r1], u: u)
            let library = try chebyshevWeights(gradients: [g1, g2], values: f, preference: [r1, 1 - r1], u: u).weights
            largest = max(largest, abs(mine[0] - library[0]))
        }
        // book/solutions/01.md quotes the largest difference to two digits.
        #expect(String(format: "%.1e", largest) == "1.5e-15", "largest |Δλ₁| = \(largest); update the solution page")
        #expect(largest < 1e-12)
    }

    @Test("The solution page shows exactly the code this test runs")
    func pageShowsTheTestedCode() throws {
        let (code, page) = try testedSolution("1.8")
        #expect(page.contains(code), "book/solutions/01.md must show Exercise 1.8's solution as tested:\n\(code)")
    }
}
