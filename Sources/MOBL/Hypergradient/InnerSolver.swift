/// What a run of the inner (lower-level) solver did.
public struct InnerResult: Sendable {
    /// The final lower-level iterate y_D.
    public let y: Vector
    /// Gradient steps taken.
    public let steps: Int
    /// ‖∇_y g(x, y_D)‖ at the returned point (nil when not measured).
    public let gradientNorm: Double?
}

/// D steps of gradient descent on the lower level, `y ← y − α ∇_y g(x, y)`, from y₀.
///
/// Warm-startable: pass the previous outer step's y as `start`. For a μ-strongly
/// convex, L-smooth g and α = 1/L the distance to y*(x) shrinks by at least
/// (1 − μ/L) per step. Costs D gradients of g, plus one more when
/// `measureFinalGradient` (to report ‖∇_y g‖ at the returned point).
///
/// - Throws: ``InvalidInput`` for D < 0, a start of the wrong length, or α outside
///   (0, 2/L) when the problem knows L.
public func innerGradientDescent(
    _ oracles: CountedOracles, x: Vector, start: Vector, steps: Int, stepSize alpha: Double,
    measureFinalGradient: Bool = true
) throws -> InnerResult {
    try oracles.problem.checkPoint(x: x, y: start)
    guard steps >= 0 else { throw InvalidInput("inner steps D", "\(steps)", "must be ≥ 0") }
    try oracles.problem.checkStep(alpha, name: "inner step α", x: x)
    var y = start
    for _ in 0..<steps { axpy(-alpha, oracles.lowerGradientY(x: x, y: y), &y) }
    let gradientNorm = measureFinalGradient ? norm(oracles.lowerGradientY(x: x, y: y)) : nil
    return InnerResult(y: y, steps: steps, gradientNorm: gradientNorm)
}

/// Solves the lower level to a gradient-norm tolerance with gradient descent.
///
/// - Throws: ``DidNotConverge`` when ‖∇_y g‖ is still above `tolerance` after
///   `maxSteps` steps; ``InvalidInput`` as
///   ``innerGradientDescent(_:x:start:steps:stepSize:measureFinalGradient:)``.
public func solveLowerLevel(
    _ oracles: CountedOracles, x: Vector, start: Vector, stepSize alpha: Double,
    tolerance: Double, maxSteps: Int = 1_000_000
) throws -> InnerResult {
    try oracles.problem.checkPoint(x: x, y: start)
    try oracles.problem.checkStep(alpha, name: "inner step α", x: x)
    guard tolerance > 0 else { throw InvalidInput("tolerance", "\(tolerance)", "must be > 0") }
    var y = start
    for step in 0...maxSteps {
        let g = oracles.lowerGradientY(x: x, y: y)
        let size = norm(g)
        if size <= tolerance { return InnerResult(y: y, steps: step, gradientNorm: size) }
        if step == maxSteps {
            throw DidNotConverge(
                "solveLowerLevel", "‖∇_y g‖ = \(size) > \(tolerance) after \(maxSteps) steps of size \(alpha)")
        }
        axpy(-alpha, g, &y)
    }
    fatalError("unreachable")
}
