/// A bilevel problem with S upper-level objectives:
///
///     min_x  ( f_1(x, y*(x)), …, f_S(x, y*(x)) )   with   y*(x) = argmin_y g(x, y)
///
/// x ∈ Rⁿ is the upper-level variable, y ∈ Rᵖ the lower-level one, and g(x, ·) is
/// μ-strongly convex and L-smooth. The protocol exposes exactly the oracles the
/// algorithms of the course may use — values, partial gradients, and products with
/// second derivatives — never a Hessian matrix. Algorithms reach them through
/// ``CountedOracles``, which counts every call.
public protocol BilevelProblem: Sendable {
    /// n, the length of x.
    var upperDimension: Int { get }
    /// p, the length of y.
    var lowerDimension: Int { get }
    /// S, the number of upper-level objectives.
    var objectiveCount: Int { get }
    /// Bounds μ ≤ eigenvalues of ∇²_yy g(x, ·) ≤ L at x when the problem knows them
    /// (for checking step sizes), nil otherwise.
    func lowerCurvature(x: Vector) -> (mu: Double, L: Double)?

    /// (f_1(x, y), …, f_S(x, y)).
    func upperValues(x: Vector, y: Vector) -> Vector
    /// g(x, y).
    func lowerValue(x: Vector, y: Vector) -> Double
    /// ∇_x f_s(x, y), length n.
    func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector
    /// ∇_y f_s(x, y), length p.
    func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector
    /// ∇_x g(x, y), length n.
    func lowerGradientX(x: Vector, y: Vector) -> Vector
    /// ∇_y g(x, y), length p.
    func lowerGradientY(x: Vector, y: Vector) -> Vector
    /// ∇²_yy g(x, y) · v, length p.
    func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector
    /// ∇²_xy g(x, y) · v for v ∈ Rᵖ, length n. (∇²_xy g is the n × p matrix of
    /// mixed partials ∂²g/∂xᵢ∂yⱼ.)
    func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector
    /// ∇²_xy g(x, y) · v and ∇²_yy g(x, y) · v together: the same two vectors as the two
    /// oracles, which a problem may compute in one pass (hyper-cleaning's share the
    /// logits of v). ITD's reverse pass asks for both at every stored iterate.
    func lowerMixedAndHessianVector(x: Vector, y: Vector, _ v: Vector) -> (mixed: Vector, hessian: Vector)
}

/// A bilevel problem whose answers are known exactly (by dense linear algebra or in
/// closed form): the oracles every test and chapter compares estimates with.
public protocol BilevelProblemWithSolution: BilevelProblem {
    /// y*(x), to rounding.
    func lowerSolution(x: Vector) -> Vector
    /// (∇Φ_1(x), …, ∇Φ_S(x)), with Φ_s(x) = f_s(x, y*(x)), in closed form.
    func exactHypergradients(x: Vector) -> [Vector]
}

extension BilevelProblemWithSolution {
    /// Φ_s(x) = f_s(x, y*(x)).
    public func reducedValues(x: Vector) -> Vector { upperValues(x: x, y: lowerSolution(x: x)) }
}

extension BilevelProblem {
    /// The two oracles one after the other (a problem with a shared pass overrides this).
    public func lowerMixedAndHessianVector(x: Vector, y: Vector, _ v: Vector) -> (mixed: Vector, hessian: Vector) {
        (lowerMixedVector(x: x, y: y, v), lowerHessianVector(x: x, y: y, v))
    }

    /// Checks a step size against the smoothness at x: 0 < step < limit/L.
    /// - Throws: ``InvalidInput`` naming the step and the rule.
    public func checkStep(_ step: Double, name: String, x: Vector, limitOverL limit: Double = 2) throws {
        guard step > 0, step.isFinite else { throw InvalidInput(name, "\(step)", "must be > 0") }
        if let L = lowerCurvature(x: x)?.L, step >= limit / L {
            throw InvalidInput(
                name, "\(step)", "must be below \(limit)/L = \(limit / L) (L = \(L)), or the iteration diverges")
        }
    }

    func checkPoint(x: Vector, y: Vector) throws {
        guard x.count == upperDimension else {
            throw InvalidInput("x", "length \(x.count)", "must have length n = \(upperDimension)")
        }
        guard y.count == lowerDimension else {
            throw InvalidInput("y", "length \(y.count)", "must have length p = \(lowerDimension)")
        }
    }
}

/// How many times each oracle was called.
public struct OracleCounts: Equatable, Sendable {
    public var upperValue = 0
    public var lowerValue = 0
    /// Calls of ∇_x f_s or ∇_y f_s (each partial of each objective counts once).
    public var upperGradient = 0
    /// Calls of ∇_x g or ∇_y g.
    public var lowerGradient = 0
    /// Hessian-vector products ∇²_yy g · v.
    public var hessianVector = 0
    /// Mixed products ∇²_xy g · v or (∇²_xy g)ᵀ · w.
    public var mixedVector = 0
    /// Samples touched by mini-batch oracles (finite-sum problems): every batch oracle
    /// of ``CountedOracles`` counts one call of its kind above and `batch.count` samples
    /// here. A full oracle counts no samples; an upper batch oracle of a problem whose
    /// upper level has no samples takes the empty batch and counts none.
    public var samples = 0

    public init() {}

    /// The calls the course counts as work and budgets in: gradients (∇f, ∇g) and
    /// products (∇²_yy g·v, ∇²_xy g·v). Values are not counted: no method of the
    /// course needs more than a few per step.
    public var calls: Int { upperGradient + lowerGradient + hessianVector + mixedVector }

    public static func - (a: OracleCounts, b: OracleCounts) -> OracleCounts {
        var d = OracleCounts()
        d.upperValue = a.upperValue - b.upperValue
        d.lowerValue = a.lowerValue - b.lowerValue
        d.upperGradient = a.upperGradient - b.upperGradient
        d.lowerGradient = a.lowerGradient - b.lowerGradient
        d.hessianVector = a.hessianVector - b.hessianVector
        d.mixedVector = a.mixedVector - b.mixedVector
        d.samples = a.samples - b.samples
        return d
    }
}

/// The oracles of a bilevel problem, counted. Every algorithm of the course calls the
/// problem only through this, so ``counts`` is an exact, deterministic cost measure.
public final class CountedOracles {
    public let problem: any BilevelProblem
    public internal(set) var counts = OracleCounts()

    public init(_ problem: any BilevelProblem) { self.problem = problem }

    public var n: Int { problem.upperDimension }
    public var p: Int { problem.lowerDimension }
    public var objectiveCount: Int { problem.objectiveCount }

    public func upperValues(x: Vector, y: Vector) -> Vector {
        counts.upperValue += 1
        return problem.upperValues(x: x, y: y)
    }
    public func lowerValue(x: Vector, y: Vector) -> Double {
        counts.lowerValue += 1
        return problem.lowerValue(x: x, y: y)
    }
    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector {
        counts.upperGradient += 1
        return problem.upperGradientX(s, x: x, y: y)
    }
    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector {
        counts.upperGradient += 1
        return problem.upperGradientY(s, x: x, y: y)
    }
    public func lowerGradientX(x: Vector, y: Vector) -> Vector {
        counts.lowerGradient += 1
        return problem.lowerGradientX(x: x, y: y)
    }
    public func lowerGradientY(x: Vector, y: Vector) -> Vector {
        counts.lowerGradient += 1
        return problem.lowerGradientY(x: x, y: y)
    }
    public func hessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        counts.hessianVector += 1
        return problem.lowerHessianVector(x: x, y: y, v)
    }
    public func mixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        counts.mixedVector += 1
        return problem.lowerMixedVector(x: x, y: y, v)
    }
    /// Both products at one point (one mixed product and one Hessian-vector product).
    public func mixedAndHessianVector(x: Vector, y: Vector, _ v: Vector) -> (mixed: Vector, hessian: Vector) {
        counts.mixedVector += 1
        counts.hessianVector += 1
        return problem.lowerMixedAndHessianVector(x: x, y: y, v)
    }

    /// Runs `body` and returns its result with the oracle calls it made.
    public func measuring<T>(_ body: () throws -> T) rethrows -> (T, OracleCounts) {
        let before = counts
        let result = try body()
        return (result, counts - before)
    }
}
