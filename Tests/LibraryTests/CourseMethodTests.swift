import ChapterSupport
import MOBL
import Testing

/// The one way the chapters run a course method: ``CourseMethod/run(_:x0:y0:settings:observe:)``
/// and a ``CallBudget``.
@Suite("Course methods from one settings value, on a budget of calls")
struct CourseMethodTests {
    @Test("CallBudget: goes on while the next step, costed at the largest step so far, fits")
    func callBudget() {
        var budget = CallBudget(calls: 100)
        func after(_ calls: Int) -> OracleCounts { var c = OracleCounts(); c.upperGradient = calls; return c }
        let first = budget.allowsAnother(after: after(30))     // 30 + 30 ≤ 100
        let second = budget.allowsAnother(after: after(50))    // 50 + 30 ≤ 100
        let third = budget.allowsAnother(after: after(80))     // 80 + 30 > 100
        #expect(first && second && !third)
    }

    @Test("Every method runs from the settings on a problem it applies to, stops within the budget, and ends finite")
    func everyMethod() throws {
        var rng = SeededGenerator(seed: 12)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        let finiteSum = try FiniteSumMOBLToy(toy, samples: 20, perturbation: 0.5, using: &rng)
        let x0 = rng.gaussianVector(toy.upperDimension).map { 0.3 * $0 }
        let y0 = Vector(repeating: 0, count: toy.lowerDimension)
        var settings = MethodSettings(outerSteps: MethodSettings.untilStopped, innerSteps: 2, alpha: 1 / toy.curvature.L,
                                      beta: 0.5, preference: [0.3, 0.7], cgSteps: 5, neumannTerms: 10)
        settings.stochasticBatch = 5
        for method in CourseMethod.allCases {
            let problem: any BilevelProblem = method == .stochasticWCMHGD ? finiteSum : toy
            var budget = CallBudget(calls: 2000)
            var used = 0
            let result = try method.run(problem, x0: x0, y0: y0, settings: settings) { step in
                used = step.counts.calls
                return budget.allowsAnother(after: step.counts)
            }
            #expect(used <= 2000 && used > 1000 && result.stoppedByObserver, "\(method.name): \(used) calls")
            let finite = result.x.allSatisfy { $0.isFinite }
            #expect(finite, "\(method.name)")
        }
        // Stochastic WC-MHGD needs a finite sum: refused on the deterministic toy, by name.
        #expect(throws: InvalidInput.self) {
            _ = try CourseMethod.stochasticWCMHGD.run(toy, x0: x0, y0: y0, settings: settings, observe: { _ in true })
        }
    }
}
