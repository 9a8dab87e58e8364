/// When an iterative linear solver stops.
public enum StoppingRule: Sendable, Equatable {
    /// Stop once the relative residual ‖b − H v‖ / ‖b‖ is at most `relativeResidual`;
    /// give up after `maxIterations` (the result then says `converged == false`).
    case tolerance(relativeResidual: Double, maxIterations: Int)
    /// Run exactly this many iterations (the papers' "CG with N steps", "Neumann
    /// with Q terms"); the result reports the residual reached and counts as
    /// converged, since the budget was the request.
    case fixed(iterations: Int)

    var maxIterations: Int {
        switch self {
        case .tolerance(_, let m): m
        case .fixed(let n): n
        }
    }

    func validate() throws {
        switch self {
        case .tolerance(let tol, let m):
            guard tol > 0, tol < 1 else {
                throw InvalidInput("relative residual tolerance", "\(tol)", "must be in (0, 1)")
            }
            guard m >= 1 else { throw InvalidInput("maxIterations", "\(m)", "must be ≥ 1") }
        case .fixed(let n):
            guard n >= 0 else { throw InvalidInput("iterations", "\(n)", "must be ≥ 0") }
        }
    }
}

/// What an iterative solve of H v = b did.
public struct LinearSolveResult: Sendable {
    /// The approximate solution v.
    public let solution: Vector
    /// Iterations performed (CG steps, or Neumann terms after the first).
    public let iterations: Int
    /// Hessian-vector products spent, the end-of-run residual check included.
    public let products: Int
    /// ‖b − H v‖ for the returned v (recomputed, not the recursively updated one).
    public let residualNorm: Double
    /// ‖b − H v‖ / ‖b‖ (0 when b = 0).
    public let relativeResidual: Double
    /// Whether the stopping rule was met (see ``StoppingRule``).
    public let converged: Bool
    /// The most length-p vectors the solver held at once.
    public let peakVectors: Int
}

/// The Hessian was found not to be positive definite along a search direction:
/// `pᵀ H p ≤ 0`. CG's step would be meaningless, so it stops and says so instead
/// of returning a silent wrong answer.
public struct NonPositiveCurvature: Error, CustomStringConvertible, Equatable {
    public let iteration: Int
    public let curvature: Double
    public var description: String {
        "conjugate gradient: non-positive curvature pᵀHp = \(curvature) at iteration \(iteration); H must be positive definite"
    }
}

/// The Neumann series diverges: a term grew instead of shrinking, which for a
/// symmetric H happens only when some eigenvalue λ has |1 − ηλ| > 1, i.e.
/// η > 2/λ_max (or H has a non-positive eigenvalue).
public struct NeumannDivergence: Error, CustomStringConvertible, Equatable {
    public let eta: Double
    /// The term (= product) at which the growth was seen.
    public let term: Int
    /// ‖term‖ / ‖previous term‖ (> 1), or ‖term‖ / ‖b‖ when that is larger.
    public let growth: Double
    /// ‖term‖ / ‖b‖.
    public let relativeSize: Double
    public var description: String {
        "Neumann series diverges with η = \(eta): term \(term) grew by a factor \(growth) (its size is \(relativeSize)·‖b‖); "
            + "η must be below 2/L (≤ 1/L recommended)"
    }
}
