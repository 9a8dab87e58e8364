/// A smooth multi-objective problem `min_x (f_1(x), …, f_S(x))` with exact gradients.
///
/// Chapter 1 works with these directly; later chapters reach the same interface
/// through hypergradients of bilevel problems.
public protocol MultiObjectiveProblem: Sendable {
    /// n, the length of x.
    var dimension: Int { get }
    /// S, the number of objectives.
    var objectiveCount: Int { get }
    /// (f_1(x), …, f_S(x)).
    func values(at x: Vector) -> Vector
    /// (∇f_1(x), …, ∇f_S(x)), each of length n.
    func gradients(at x: Vector) -> [Vector]
}
