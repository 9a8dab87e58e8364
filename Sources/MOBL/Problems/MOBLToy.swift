import Foundation

/// The multi-objective bilevel toy problems with exactly known fronts.
///
///     g(x, y)   = ½ yᵀQ y − yᵀB x          (Q symmetric positive definite, B invertible)
///     f_s(x, y) = h_s(y)
///
/// Then `y*(x) = Q⁻¹B x` is a bijection, so `Φ_s(x) = h_s(Q⁻¹Bx)` has exactly the
/// Pareto front of the h_s, while every hypergradient `∇Φ_s = BᵀQ⁻¹∇h_s(y*)` needs a
/// real Hessian solve. Two families of h:
///
/// - ``Objectives/vlmop2``: S = 2, VLMOP2 in y (concave front; Chebyshev optima by
///   bisection);
/// - ``Objectives/polygon(_:)`` with S objectives: `h_s(y) = 1 − exp(−‖y − c_s‖²)`
///   with centers c_s at the vertices of a regular S-gon of radius 1 in the first
///   two coordinates, `c_s = (cos 2πs/S, sin 2πs/S, 0, …)` for s = 1…S (stored
///   0-based, so `centers[0]` is c_1). The Pareto set is the polygon.
///
/// Oracles: ∇_y g = Qy − Bx, ∇_x g = −Bᵀy, ∇²_yy g = Q, ∇²_xy g = −Bᵀ.
public struct MOBLToy: BilevelProblemWithSolution {
    public enum Objectives: Sendable, Equatable {
        case vlmop2
        case polygon(Int)
    }

    public let Q: Matrix
    public let B: Matrix
    public let objectives: Objectives
    /// The extreme eigenvalues μ and L of Q (the lower-level Hessian, the same at every x).
    public let curvature: (mu: Double, L: Double)
    private let choleskyQ: Cholesky
    private let vlmop: VLMOP
    /// The polygon's centers (empty for ``Objectives/vlmop2``).
    public let centers: [Vector]

    public var upperDimension: Int { B.columns }
    public var lowerDimension: Int { Q.rows }
    public var objectiveCount: Int {
        switch objectives {
        case .vlmop2: 2
        case .polygon(let s): s
        }
    }

    /// - Throws: ``InvalidInput`` for a Q that is not symmetric positive definite, a
    ///   singular or mis-sized B, a polygon with S < 3, or p < 2.
    public init(Q: Matrix, B: Matrix, objectives: Objectives) throws {
        let p = Q.rows
        guard p >= 2 else {
            throw InvalidInput("p", "\(p)", "must be ≥ 2 (the polygon lives in the first two coordinates)")
        }
        guard B.rows == p, B.columns == p else {
            throw InvalidInput("B", "\(B.rows)×\(B.columns)", "must be p×p = \(p)×\(p)")
        }
        guard solveLinearSystem(B, Vector(repeating: 1, count: p)) != nil else {
            throw InvalidInput("B", "singular", "must be invertible so that y*(x) is a bijection")
        }
        if case .polygon(let s) = objectives, s < 3 {
            throw InvalidInput("polygon S", "\(s)", "must be ≥ 3 (use .vlmop2 for S = 2)")
        }
        choleskyQ = try Cholesky(Q, name: "Q (the lower-level Hessian)")
        let eigenvalues = try symmetricEigenvalues(Q)
        curvature = (eigenvalues.first!, eigenvalues.last!)
        (self.Q, self.B, self.objectives) = (Q, B, objectives)
        vlmop = try VLMOP(.two, dimension: p)
        if case .polygon(let s) = objectives {
            centers = (1...s).map { k in
                let angle = 2 * Double.pi * Double(k) / Double(s)
                return [cos(angle), sin(angle)] + Vector(repeating: 0, count: p - 2)
            }
        } else {
            centers = []
        }
    }

    /// The standard toy: Q with eigenvalues log-spaced in [1, κ_Q] and a seeded random
    /// orthogonal eigenbasis, B = I, n = p = `dimension` (default 10).
    public static func standard(
        _ objectives: Objectives, dimension: Int = 10, kappa: Double = 10,
        using rng: inout SeededGenerator
    ) throws -> MOBLToy {
        guard dimension >= 2 else { throw InvalidInput("dimension", "\(dimension)", "must be ≥ 2") }
        guard kappa >= 1, kappa.isFinite else { throw InvalidInput("κ_Q", "\(kappa)", "must be ≥ 1") }
        let q = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: dimension))
        return try MOBLToy(Q: q, B: .identity(dimension), objectives: objectives)
    }

    // MARK: The upper objectives h_s(y)

    /// (h_1(y), …, h_S(y)).
    public func objectiveValues(y: Vector) -> Vector {
        switch objectives {
        case .vlmop2: return vlmop.values(at: y)
        case .polygon: return centers.map { 1 - exp(-normSquared(y - $0)) }
        }
    }

    /// ∇h_s(y) = 2(y − c_s) e^{−‖y − c_s‖²}.
    public func objectiveGradient(_ s: Int, y: Vector) -> Vector {
        switch objectives {
        case .vlmop2: return vlmop.gradients(at: y)[s]
        case .polygon:
            let d = y - centers[s]
            return (2 * exp(-normSquared(d))) * d
        }
    }

    public func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? { curvature }
    public func upperValues(x: Vector, y: Vector) -> Vector { objectiveValues(y: y) }
    public func lowerValue(x: Vector, y: Vector) -> Double { 0.5 * Q.quadraticForm(y) - dot(y, B.times(x)) }
    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector { Vector(repeating: 0, count: upperDimension) }
    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector { objectiveGradient(s, y: y) }
    public func lowerGradientX(x: Vector, y: Vector) -> Vector { B.transposeTimes(y).map { -$0 } }
    public func lowerGradientY(x: Vector, y: Vector) -> Vector { Q.times(y) - B.times(x) }
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector { Q.times(v) }
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector { B.transposeTimes(v).map { -$0 } }

    public func lowerSolution(x: Vector) -> Vector { choleskyQ.solve(B.times(x)) }

    public func exactHypergradients(x: Vector) -> [Vector] {
        let y = lowerSolution(x: x)
        return (0..<objectiveCount).map { B.transposeTimes(choleskyQ.solve(objectiveGradient($0, y: y))) }
    }

    /// The upper-level point whose lower-level solution is y: x = B⁻¹Q y.
    public func upperPoint(forLowerSolution y: Vector) -> Vector {
        solveLinearSystem(B, Q.times(y))!  // B was checked invertible at init
    }

    // MARK: The exact front and Chebyshev optima

    /// Points of the exact front: the image of the Pareto set (the segment for
    /// VLMOP2; a barycentric grid of the polygon with `resolution` steps per edge).
    public func front(resolution: Int) -> [Vector] {
        precondition(resolution >= 1, "front(resolution:) needs resolution ≥ 1")
        switch objectives {
        case .vlmop2:
            return vlmop.front(samples: resolution + 1)
        case .polygon(let s):
            // The polygon is the union of the triangles (0, c_k, c_{k+1}).
            var points: [Vector] = []
            for k in 0..<s {
                let (a, b) = (centers[k], centers[(k + 1) % s])
                for i in 0...resolution {
                    for j in 0...(resolution - i) where !(i == 0 && k > 0) {
                        let (u, v) = (Double(i) / Double(resolution), Double(j) / Double(resolution))
                        points.append(objectiveValues(y: combination([u, v], [a, b])))
                    }
                }
            }
            return points
        }
    }

    /// The minimizer of the weighted Chebyshev function `max_s r_s h_s(y)` (z = 0),
    /// as its lower-level point y, upper-level point x and objective values.
    ///
    /// - ``Objectives/vlmop2``: bisection on r₁h₁ = r₂h₂ along the Pareto segment
    ///   (``VLMOP``).
    /// - ``Objectives/polygon(_:)``: `r_s h_s(y) ≤ t` is the disk
    ///   `‖y − c_s‖² ≤ ψ_s(t) = −log(1 − t/r_s)`, so the optimum is the smallest t
    ///   at which the disks intersect. For a given t,
    ///   `min_y max_s (‖y − c_s‖² − ψ_s)` is, by convex duality, minus the value of the
    ///   simplex QP `min_{λ∈Δ} ‖Σλ_s c_s‖² − Σλ_s(‖c_s‖² − ψ_s)`, attained at
    ///   y = Σλ_s c_s. Bisection on t over the QP's sign, to 1e-15.
    /// - Throws: ``InvalidInput`` for a preference that is not S positive numbers.
    public func chebyshevOptimum(preference r: Vector) throws -> (y: Vector, x: Vector, values: Vector) {
        try validatePreference(r, objectives: objectiveCount)
        let y: Vector
        switch objectives {
        case .vlmop2:
            y = vlmop.paretoPoint(try vlmop.chebyshevOptimum(preference: r).s)
        case .polygon(let s):
            func disks(_ t: Double) throws -> (gap: Double, y: Vector) {
                // Objectives with t ≥ r_s are satisfied everywhere (h < 1): drop them.
                let active = (0..<s).filter { t < r[$0] }
                let c = active.map { centers[$0] }
                let linear = active.map { -(normSquared(centers[$0]) + log(1 - t / r[$0])) }
                let qp = try solveSimplexQP(P: .gram(c), c: linear)
                return (-qp.objective, combination(qp.weights, c))
            }
            // t = r_max(1 − 1/e) is feasible at y = 0; t = 0 is not.
            let bracket = try bisect(0, r.max()! * (1 - exp(-1)), tolerance: 1e-15) { try disks($0).gap <= 0 }
            y = try disks(bracket.hi).y
        }
        return (y, upperPoint(forLowerSolution: y), objectiveValues(y: y))
    }
}
