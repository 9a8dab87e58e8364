/// The Cholesky factorization A = L Lᵀ of a symmetric positive definite matrix.
///
/// The course's reference solver: dense, O(p³) once and O(p²) per solve, accurate
/// to about κ(A)·ε. Tests compare every iterative method with it, and problems use
/// it for their exact answers (y*(x), closed-form hypergradients).
public struct Cholesky: Sendable {
    /// The lower-triangular factor L.
    public let factor: Matrix

    /// Factorizes A.
    ///
    /// - Throws: ``InvalidInput`` naming the matrix when it is not square, not
    ///   symmetric, or not positive definite (a pivot ≤ 0 appears: the message gives
    ///   its index and value).
    public init(_ a: Matrix, name: String = "matrix") throws {
        guard a.rows == a.columns else { throw InvalidInput(name, "\(a.rows)×\(a.columns)", "must be square") }
        guard a.isSymmetric(tolerance: 1e-10) else {
            throw InvalidInput(name, "not symmetric", "must equal its transpose")
        }
        let n = a.rows
        var l = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var d = a[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 0, d.isFinite else {
                throw InvalidInput(
                    name, "pivot \(j + 1) = \(d)", "must be positive definite (Cholesky needs every pivot > 0)")
            }
            let root = d.squareRoot()
            l[j, j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var sum = a[i, j]
                for k in 0..<j { sum -= l[i, k] * l[j, k] }
                l[i, j] = sum / root
            }
        }
        factor = l
    }

    /// Solves A x = b by forward and back substitution.
    public func solve(_ b: Vector) -> Vector {
        let n = factor.rows
        precondition(b.count == n, "Cholesky.solve: right-hand side of length \(b.count), expected \(n)")
        var z = b
        for i in 0..<n {
            var sum = z[i]
            for k in 0..<i { sum -= factor[i, k] * z[k] }
            z[i] = sum / factor[i, i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = z[i]
            for k in (i + 1)..<max(i + 1, n) { sum -= factor[k, i] * z[k] }
            z[i] = sum / factor[i, i]
        }
        return z
    }
}
