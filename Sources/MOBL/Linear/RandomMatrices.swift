import Foundation

/// `count` numbers spaced evenly on a log scale from `low` to `high` (both included).
public func logSpaced(from low: Double, to high: Double, count: Int) -> [Double] {
    precondition(low > 0 && high >= low && count >= 1, "logSpaced: need 0 < low ≤ high and count ≥ 1")
    if count == 1 { return [low] }
    let (a, b) = (log(low), log(high))
    return (0..<count).map { i in
        i == count - 1 ? high : exp(a + (b - a) * Double(i) / Double(count - 1))
    }
}

extension SeededGenerator {
    /// A `rows × columns` matrix of independent Gaussian entries times `scale`, drawn
    /// row by row (the course's one Gaussian-matrix constructor).
    public mutating func gaussianMatrix(rows: Int, columns: Int, scale: Double = 1) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        m.storage = (0..<(rows * columns)).map { _ in scale * gaussian() }
        return m
    }

    /// A random orthogonal matrix: Gram–Schmidt (applied twice, for orthogonality to
    /// rounding) on the columns of a Gaussian matrix. Because the Gaussian is
    /// rotation-invariant, the result is uniformly (Haar) distributed.
    public mutating func orthogonalMatrix(_ n: Int) -> Matrix {
        precondition(n >= 1, "orthogonalMatrix needs n ≥ 1")
        var columns: [Vector] = []
        for _ in 0..<n {
            var v = gaussianVector(n)
            for _ in 0..<2 {
                for q in columns { axpy(-dot(q, v), q, &v) }
            }
            let length = norm(v)
            columns.append(v.map { $0 / length })
        }
        var m = Matrix(rows: n, columns: n)
        for j in 0..<n { for i in 0..<n { m[i, j] = columns[j][i] } }
        return m
    }

    /// A symmetric positive definite matrix U diag(λ) Uᵀ with the given eigenvalues
    /// and a random orthogonal U; its condition number is max λ / min λ.
    public mutating func symmetricMatrix(eigenvalues: [Double]) -> Matrix {
        Matrix.symmetric(eigenvectors: orthogonalMatrix(eigenvalues.count), eigenvalues: eigenvalues)
    }
}

extension Matrix {
    /// U diag(λ) Uᵀ for an orthogonal U whose columns are the eigenvectors: the
    /// symmetric matrix with these eigenvectors and eigenvalues, exactly symmetric
    /// (each entry computed once and mirrored). Chapters that compare several spectra
    /// on the same eigenvectors pass the same U.
    public static func symmetric(eigenvectors u: Matrix, eigenvalues: [Double]) -> Matrix {
        let n = eigenvalues.count
        precondition(u.rows == n && u.columns == n, "symmetric(eigenvectors:eigenvalues:): U must be \(n)×\(n)")
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for k in 0..<n { sum += u[i, k] * eigenvalues[k] * u[j, k] }
                m[i, j] = sum
                m[j, i] = sum
            }
        }
        return m
    }
}
