/// How a multi-gradient method turns the S gradients at x into one direction d.
public enum DescentRule: Sendable, Equatable {
    /// Linear scalarization: `d = −Σ_s w_s ∇f_s` (gradient descent on Σ w_s f_s).
    case linear(weights: Vector)
    /// MGDA: `d = −Σ_s λ_s ∇f_s` with the min-norm weights λ.
    case minNorm
    /// Weighted Chebyshev: `d = −Σ_s r_s λ_s ∇f_s` with
    /// ``chebyshevWeights(gradients:values:preference:u:reference:)``.
    case chebyshev(preference: Vector, u: Double)

    /// The direction and the weights actually applied to the gradients.
    public func direction(gradients: [Vector], values: Vector) throws -> (d: Vector, weights: Vector) {
        let applied: Vector
        switch self {
        case .linear(let w):
            guard w.count == gradients.count, w.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw InvalidInput("linear weights w", describe(w), "must be \(gradients.count) finite numbers ≥ 0")
            }
            applied = w
        case .minNorm:
            applied = try minNormWeights(gradients: gradients).weights
        case .chebyshev(let r, let u):
            let lambda = try chebyshevWeights(gradients: gradients, values: values, preference: r, u: u).weights
            applied = hadamard(r, lambda)
        }
        return (-1.0 * combination(applied, gradients), applied)
    }
}

/// What a run of ``multiGradientDescent(_:from:rule:stepSize:maxSteps:tolerance:)`` did.
public struct DescentResult: Sendable {
    /// The final iterate.
    public let x: Vector
    /// f(x) at the final iterate.
    public let values: Vector
    /// f(x_k) for k = 0, 1, …, steps (one row per iterate, the start included).
    public let valueTrace: [Vector]
    /// ‖d_k‖ for every step taken.
    public let stepNorms: [Double]
    /// Steps taken.
    public var steps: Int { stepNorms.count }
    /// Whether ‖d‖ fell to the tolerance within the step budget.
    public let converged: Bool
}

/// Multi-gradient descent `x_{k+1} = x_k + β d_k`, with d_k from `rule`.
///
/// Stops when ‖d_k‖ ≤ `tolerance` (converged: x_k is a fixed point of the rule to
/// that accuracy) or after `maxSteps` steps (not converged — the result says so).
/// Records f(x_k) and ‖d_k‖ at every step. Cost per step: one gradient of each
/// objective and one simplex QP.
///
/// - Throws: ``InvalidInput`` for a start of the wrong length, β ≤ 0, maxSteps < 1,
///   tolerance ≤ 0, or invalid rule parameters.
public func multiGradientDescent(
    _ problem: some MultiObjectiveProblem, from start: Vector,
    rule: DescentRule, stepSize beta: Double,
    maxSteps: Int, tolerance: Double
) throws -> DescentResult {
    guard start.count == problem.dimension else {
        throw InvalidInput("start x₀", "length \(start.count)", "must have length n = \(problem.dimension)")
    }
    guard beta > 0, beta.isFinite else { throw InvalidInput("step size β", "\(beta)", "must be > 0") }
    guard maxSteps >= 1 else { throw InvalidInput("maxSteps", "\(maxSteps)", "must be ≥ 1") }
    guard tolerance > 0 else { throw InvalidInput("tolerance", "\(tolerance)", "must be > 0") }
    var x = start
    var values = problem.values(at: x)
    var valueTrace = [values]
    var stepNorms: [Double] = []
    var converged = false
    while stepNorms.count < maxSteps {
        let gradients = problem.gradients(at: x)
        guard gradients.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw Diverged("multi-gradient descent", step: stepNorms.count, quantity: "the gradients")
        }
        let (d, _) = try rule.direction(gradients: gradients, values: values)
        let size = norm(d)
        stepNorms.append(size)
        if size <= tolerance {
            converged = true
            break
        }
        axpy(beta, d, &x)
        values = problem.values(at: x)
        guard values.allSatisfy(\.isFinite) else {
            throw Diverged("multi-gradient descent", step: stepNorms.count, quantity: "f(x)")
        }
        valueTrace.append(values)
    }
    return DescentResult(x: x, values: values, valueTrace: valueTrace, stepNorms: stepNorms, converged: converged)
}
