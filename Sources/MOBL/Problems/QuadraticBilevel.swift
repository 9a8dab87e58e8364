/// The general quadratic bilevel problem — the course's first oracle:
///
///     g(x, y)   = ½ yᵀA y + ½ xᵀB x + xᵀC y + aᵀy + bᵀx          (A symmetric positive definite)
///     f_s(x, y) = ½ yᵀF_s y + ½ xᵀH_s x + xᵀK_s y + c_sᵀy + h_sᵀx
///
/// Everything is known in closed form: ∇_y g = Ay + Cᵀx + a, so
/// `y*(x) = −A⁻¹(Cᵀx + a)`; ∇²_yy g = A and ∇²_xy g = C; and the implicit function
/// theorem gives `∇Φ_s = ∇_x f_s + C v_s` with `v_s = −A⁻¹ ∇_y f_s(x, y*)`.
public struct QuadraticBilevel: BilevelProblemWithSolution {
    /// One upper-level objective ½ yᵀFy + ½ xᵀHx + xᵀKy + cᵀy + hᵀx.
    public struct Upper: Sendable {
        public var F: Matrix, H: Matrix, K: Matrix
        public var c: Vector, h: Vector
        public init(F: Matrix, H: Matrix, K: Matrix, c: Vector, h: Vector) {
            self.F = F
            self.H = H
            self.K = K
            self.c = c
            self.h = h
        }
    }

    public let A: Matrix, B: Matrix, C: Matrix
    public let a: Vector, b: Vector
    public let upper: [Upper]
    /// The extreme eigenvalues μ and L of A (the lower-level Hessian, the same at every x).
    public let curvature: (mu: Double, L: Double)
    private let cholesky: Cholesky

    public var upperDimension: Int { B.rows }
    public var lowerDimension: Int { A.rows }
    public var objectiveCount: Int { upper.count }

    /// - Throws: ``InvalidInput`` if a size does not match or A is not symmetric
    ///   positive definite (the lower level would not be strongly convex).
    public init(A: Matrix, B: Matrix, C: Matrix, a: Vector, b: Vector, upper: [Upper]) throws {
        let (n, p) = (B.rows, A.rows)
        guard B.columns == n, C.rows == n, C.columns == p, a.count == p, b.count == n else {
            throw InvalidInput(
                "quadratic bilevel sizes",
                "A \(A.rows)×\(A.columns), B \(B.rows)×\(B.columns), C \(C.rows)×\(C.columns)",
                "need A p×p, B n×n, C n×p, a ∈ Rᵖ, b ∈ Rⁿ")
        }
        guard !upper.isEmpty,
            upper.allSatisfy({
                $0.F.rows == p && $0.F.columns == p && $0.H.rows == n && $0.H.columns == n
                    && $0.K.rows == n && $0.K.columns == p && $0.c.count == p && $0.h.count == n
            })
        else {
            throw InvalidInput(
                "upper objectives", "\(upper.count)", "need at least one, each with F p×p, H n×n, K n×p, c ∈ Rᵖ, h ∈ Rⁿ"
            )
        }
        cholesky = try Cholesky(A, name: "A (the lower-level Hessian)")
        let eigenvalues = try symmetricEigenvalues(A)
        curvature = (eigenvalues.first!, eigenvalues.last!)
        (self.A, self.B, self.C, self.a, self.b, self.upper) = (A, B, C, a, b, upper)
    }

    /// A seeded random instance: A has eigenvalues log-spaced in [1, κ] and random
    /// eigenvectors; every other matrix and vector is Gaussian, scaled by 1/√size so
    /// that products stay of order one.
    public static func random(
        n: Int, p: Int, objectives: Int = 1, kappa: Double,
        using rng: inout SeededGenerator
    ) throws -> QuadraticBilevel {
        guard n >= 1, p >= 1, objectives >= 1 else {
            throw InvalidInput("n, p, S", "\(n), \(p), \(objectives)", "must all be ≥ 1")
        }
        guard kappa >= 1, kappa.isFinite else { throw InvalidInput("κ", "\(kappa)", "must be ≥ 1") }
        func gaussian(_ r: Int, _ c: Int) -> Matrix {
            rng.gaussianMatrix(rows: r, columns: c, scale: 1 / Double(max(r, c)).squareRoot())
        }
        func symmetric(_ k: Int) -> Matrix {
            let g = gaussian(k, k)
            var m = Matrix(rows: k, columns: k)
            for i in 0..<k { for j in 0..<k { m[i, j] = 0.5 * (g[i, j] + g[j, i]) } }
            return m
        }
        let A = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: p))
        let B = symmetric(n), C = gaussian(n, p)
        let a = rng.gaussianVector(p), b = rng.gaussianVector(n)
        let upper = (0..<objectives).map { _ in
            Upper(
                F: symmetric(p), H: symmetric(n), K: gaussian(n, p), c: rng.gaussianVector(p), h: rng.gaussianVector(n))
        }
        return try QuadraticBilevel(A: A, B: B, C: C, a: a, b: b, upper: upper)
    }

    public func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? { curvature }

    public func upperValues(x: Vector, y: Vector) -> Vector {
        upper.map { u in
            0.5 * u.F.quadraticForm(y) + 0.5 * u.H.quadraticForm(x) + dot(x, u.K.times(y)) + dot(u.c, y) + dot(u.h, x)
        }
    }
    public func lowerValue(x: Vector, y: Vector) -> Double {
        0.5 * A.quadraticForm(y) + 0.5 * B.quadraticForm(x) + dot(x, C.times(y)) + dot(a, y) + dot(b, x)
    }
    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector {
        var g = upper[s].H.times(x)
        axpy(1, upper[s].K.times(y), &g)
        axpy(1, upper[s].h, &g)
        return g
    }
    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector {
        var g = upper[s].F.times(y)
        axpy(1, upper[s].K.transposeTimes(x), &g)
        axpy(1, upper[s].c, &g)
        return g
    }
    public func lowerGradientX(x: Vector, y: Vector) -> Vector {
        var g = B.times(x)
        axpy(1, C.times(y), &g)
        axpy(1, b, &g)
        return g
    }
    public func lowerGradientY(x: Vector, y: Vector) -> Vector {
        var g = A.times(y)
        axpy(1, C.transposeTimes(x), &g)
        axpy(1, a, &g)
        return g
    }
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector { A.times(v) }
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector { C.times(v) }

    public func lowerSolution(x: Vector) -> Vector {
        var rhs = C.transposeTimes(x)
        axpy(1, a, &rhs)
        return cholesky.solve(rhs).map { -$0 }
    }

    public func exactHypergradients(x: Vector) -> [Vector] {
        let y = lowerSolution(x: x)
        return upper.indices.map { s in
            let v = cholesky.solve(upperGradientY(s, x: x, y: y)).map { -$0 }
            var g = upperGradientX(s, x: x, y: y)
            axpy(1, C.times(v), &g)
            return g
        }
    }
}
