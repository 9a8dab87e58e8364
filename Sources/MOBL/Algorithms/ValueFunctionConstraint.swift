/// The value-function constraint of FORUM at ζ = (x, y), approximated with D inner steps:
///
///     ỹ^(0) = y,  ỹ^(j+1) = ỹ^(j) − α ∇_y g(x, ỹ^(j)),   q̃(ζ) = g(x, y) − g(x, ỹ^(D)) ≥ 0
///     ∇q̃(ζ) = (∇_x g(x, y) − ∇_x g(x, ỹ^(D)),  ∇_y g(x, y))                  (Danskin, no Hessian)
///
/// q̃ under-estimates q(ζ) = g(x, y) − g*(x) and tends to it as D grows (gradient
/// descent's linear rate on a strongly convex g). Costs D + 3 gradients of g and 2
/// values of g; holds 3 length-p vectors (y, ỹ, a gradient) whatever D is. Source: Ye et
/// al. 2024 (arXiv 2401.09257), where D is T and α is η.
public struct ValueFunctionConstraint: Sendable {
    /// q̃(ζ).
    public let value: Double
    /// ∇q̃(ζ) = (x part, y part), length n + p.
    public let gradient: Vector
    /// ỹ^(D).
    public let yTilde: Vector

    public init(_ oracles: CountedOracles, x: Vector, y: Vector, steps: Int, eta: Double) throws {
        guard steps >= 1 else { throw InvalidInput("inner steps D", "\(steps)", "must be ≥ 1") }
        try oracles.problem.checkPoint(x: x, y: y)
        try oracles.problem.checkStep(eta, name: "inner step α", x: x)
        // ỹ^(j+1) = ỹ^(j) − α∇_y g(x, ỹ^(j)), j < D, from ỹ^(0) = y.
        var yTilde = y
        for _ in 0..<steps { axpy(-eta, oracles.lowerGradientY(x: x, y: yTilde), &yTilde) }
        // q̃ = g(x, y) − g(x, ỹ^(D)).
        value = oracles.lowerValue(x: x, y: y) - oracles.lowerValue(x: x, y: yTilde)
        // ∇q̃ = (∇_x g(x, y) − ∇_x g(x, ỹ^(D)), ∇_y g(x, y)): Danskin's theorem with ỹ^(D) for y*(x).
        let gx = oracles.lowerGradientX(x: x, y: y) - oracles.lowerGradientX(x: x, y: yTilde)
        gradient = stacked(gx, oracles.lowerGradientY(x: x, y: y))
        self.yTilde = yTilde
    }
}
