/// The value-function constraint of FORUM at z = (x, y), approximated with T inner steps:
///
///     ỹ_0 = y,  ỹ_{t+1} = ỹ_t − η ∇_y g(x, ỹ_t),   q̃(z) = g(x, y) − g(x, ỹ_T) ≥ 0
///     ∇q̃(z) = (∇_x g(x, y) − ∇_x g(x, ỹ_T),  ∇_y g(x, y))                    (Danskin, no Hessian)
///
/// q̃ under-estimates q(z) = g(x, y) − g*(x) and tends to it as T grows (gradient
/// descent's linear rate on a strongly convex g). Costs T + 3 gradients of g and 2
/// values of g; holds 3 length-p vectors (y, ỹ, a gradient) whatever T is.
public struct ValueFunctionConstraint: Sendable {
    /// q̃(z).
    public let value: Double
    /// ∇q̃(z) = (x part, y part), length n + p.
    public let gradient: Vector
    /// ỹ_T.
    public let yTilde: Vector

    public init(_ oracles: CountedOracles, x: Vector, y: Vector, steps: Int, eta: Double) throws {
        guard steps >= 1 else { throw InvalidInput("inner steps T", "\(steps)", "must be ≥ 1") }
        try oracles.problem.checkPoint(x: x, y: y)
        try oracles.problem.checkStep(eta, name: "inner step η", x: x)
        var yTilde = y
        for _ in 0..<steps { axpy(-eta, oracles.lowerGradientY(x: x, y: yTilde), &yTilde) }
        value = oracles.lowerValue(x: x, y: y) - oracles.lowerValue(x: x, y: yTilde)
        let gx = oracles.lowerGradientX(x: x, y: y) - oracles.lowerGradientX(x: x, y: yTilde)
        gradient = stacked(gx, oracles.lowerGradientY(x: x, y: y))
        self.yTilde = yTilde
    }
}
