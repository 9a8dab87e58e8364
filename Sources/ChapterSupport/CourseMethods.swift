import MOBL

/// How the course configures its methods on one problem: one value, filled once per
/// chapter, from which ``CourseMethod/run(_:x0:y0:settings:observe:)`` makes and runs the
/// algorithm. Adding a method to the course touches the library, ``CourseMethod`` and
/// the switch in `run` — not the chapters.
public struct MethodSettings: Sendable {
    /// Outer steps K (``untilStopped`` when an observer, e.g. a ``CallBudget``, decides).
    public var outerSteps: Int
    /// Inner steps D per outer step (T, the unrolled or value-function steps, for MOML and FORUM).
    public var innerSteps: Int
    /// Inner step α.
    public var alpha: Double
    /// Outer step β (MoCo's μ).
    public var beta: Double
    /// The preference r of WC-MHGD, and linear scalarization's weights.
    public var preference: Vector
    /// WC-MHGD's u.
    public var u: Double = 1
    /// WC-MHGD's preference normalized by ‖r ⊙ φ(x₀)‖.
    public var normalizePreference = true
    /// CG steps N of every AID solve (WC-MHGD (CG), MoCo, the baselines).
    public var cgSteps: Int
    /// Neumann terms Q of WC-MHGD (Neumann), with step η = α.
    public var neumannTerms: Int
    /// T, the value-function steps of FORUM and the unrolled steps of MOML (nil: D).
    public var unrolledSteps: Int? = nil
    /// FORUM: its inner step η as a multiple of α, ρ, its step μ (nil: α), and the step of
    /// its x block (nil: μ, one step for z = (x, y) as in the paper).
    public var forumInnerStepScale = 1.0
    public var forumRho = 0.5
    public var forumStep: Double? = nil
    public var forumUpperStep: Double? = nil
    /// FORUM's ``FORUM/feasibilityTolerance`` (nil: off, the paper).
    public var forumFeasibilityTolerance: Double? = nil
    /// MOML's outer step (nil: β).
    public var momlStep: Double? = nil
    /// MoCo's weight step γ.
    public var mocoGamma = 0.1
    /// Stochastic WC-MHGD: its steps (α and η) as a multiple of α, its batch size (inner and
    /// outer), and the seed of its batches.
    public var stochasticStepScale = 0.5
    public var stochasticBatch = 1
    public var stochasticSeed: UInt64 = 0
    /// How x moves with each method's step (``OuterOptimizer``; `.plain`, the papers' update).
    public var outerOptimizer: OuterOptimizer = .plain

    /// Outer steps for a run that only an observer stops.
    public static let untilStopped = Int.max

    public init(
        outerSteps: Int, innerSteps: Int, alpha: Double, beta: Double, preference: Vector, cgSteps: Int,
        neumannTerms: Int
    ) {
        (self.outerSteps, self.innerSteps, self.alpha, self.beta, self.preference) = (
            outerSteps, innerSteps, alpha, beta, preference
        )
        (self.cgSteps, self.neumannTerms) = (cgSteps, neumannTerms)
    }
}

extension CourseMethod {
    /// Makes the method's algorithm from `settings` and runs it on `problem` from (x₀, y₀).
    ///
    /// - WC-MHGD (CG, Neumann): ``WCMHGD`` with r, u, the normalized preference, D, α, β and N
    ///   CG steps or Q Neumann terms with η = α;
    /// - stochastic WC-MHGD: the same with Neumann (η and α scaled by `stochasticStepScale`) on
    ///   batches of `stochasticBatch` tasks (needs a ``FiniteSumBilevelProblem``);
    /// - linear scalarization and MGDA: WC-MHGD's baseline rules on its hypergradients;
    /// - FORUM: T value-function steps of η = `forumInnerStepScale`·α, ρ, μ (default α), the
    ///   x block moved by `forumUpperStep` (default μ);
    /// - MOML: T unrolled steps, its step (default β); MoCo: γ, constant tracking ½, μ = β.
    public func run(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector, settings: MethodSettings,
        observe: @escaping OuterObserver
    ) throws -> OuterResult {
        let s = settings
        let cg = HessianSolver.conjugateGradient(.fixed(iterations: s.cgSteps))
        func wcmhgd(_ solver: HessianSolver = cg, alpha: Double = s.alpha) -> WCMHGD {
            var method = WCMHGD(
                preference: s.preference, u: s.u, normalizePreference: s.normalizePreference, outerSteps: s.outerSteps,
                innerSteps: s.innerSteps, alpha: alpha, beta: s.beta, solver: solver)
            method.outerOptimizer = s.outerOptimizer
            return method
        }
        switch self {
        case .wcmhgdCG:
            return try wcmhgd().run(problem, x0: x0, y0: y0, observe: observe)
        case .wcmhgdNeumann:
            return try wcmhgd(.neumann(eta: s.alpha, .fixed(iterations: s.neumannTerms))).run(
                problem, x0: x0, y0: y0, observe: observe)
        case .stochasticWCMHGD:
            guard let finiteSum = problem as? any FiniteSumBilevelProblem else {
                throw InvalidInput("problem", "not a finite sum", "stochastic WC-MHGD needs mini-batch oracles")
            }
            var batches = SeededGenerator(seed: s.stochasticSeed)
            let step = s.alpha * s.stochasticStepScale
            let settings = wcmhgd(.neumann(eta: step, .fixed(iterations: s.neumannTerms)), alpha: step)
            return try StochasticWCMHGD(settings, innerBatch: s.stochasticBatch, outerBatch: s.stochasticBatch)
                .run(finiteSum, x0: x0, y0: y0, using: &batches, observe: observe)
        case .linear, .mgda:
            var descent = wcmhgd()
            descent.baseline = self == .linear ? .linear(weights: s.preference) : .minNorm
            return try descent.run(problem, x0: x0, y0: y0, observe: observe)
        case .forum:
            let mu = s.forumStep ?? s.alpha
            var forum = FORUM(
                outerSteps: s.outerSteps, innerSteps: s.unrolledSteps ?? s.innerSteps,
                eta: s.alpha * s.forumInnerStepScale, rho: s.forumRho, mu: mu)
            if let upper = s.forumUpperStep { forum.upperStepScale = upper / mu }
            forum.feasibilityTolerance = s.forumFeasibilityTolerance
            forum.outerOptimizer = s.outerOptimizer
            return try forum.run(problem, x0: x0, y0: y0, observe: observe)
        case .moml:
            var moml = MOML(
                outerSteps: s.outerSteps, innerSteps: s.unrolledSteps ?? s.innerSteps, alpha: s.alpha,
                beta: s.momlStep ?? s.beta)
            moml.outerOptimizer = s.outerOptimizer
            return try moml.run(problem, x0: x0, y0: y0, observe: observe)
        case .moco:
            var moco = MoCo(
                outerSteps: s.outerSteps, innerSteps: s.innerSteps, alpha: s.alpha, mu: s.beta, gamma: s.mocoGamma,
                tracking: .constant(0.5), solver: cg)
            moco.outerOptimizer = s.outerOptimizer
            return try moco.run(problem, x0: x0, y0: y0, observe: observe)
        }
    }
}

/// A budget of oracle calls, as an observer's rule: a run goes on while its next step, costed
/// at the most any step has cost so far, stays within the budget.
public struct CallBudget: Sendable {
    public let calls: Int
    private var used = 0, perStep = 0

    public init(calls: Int) { self.calls = calls }

    /// Records a step's counts; whether another step fits.
    public mutating func allowsAnother(after counts: OracleCounts) -> Bool {
        (used, perStep) = (counts.calls, max(perStep, counts.calls - used))
        return used + perStep <= calls
    }
}
