/// A dense matrix, stored row by row.
///
/// Two kinds of matrices live here. Small ones — Gram matrices of a handful of
/// gradients, KKT systems of at most a dozen unknowns — where clarity wins and the
/// operations are plain loops. And the lower-level Hessians and data matrices of the
/// test problems (p up to a few hundred), whose matrix–vector product ``times(_:)-(Vector)``
/// is the course's hot path and is written for speed (SIMD accumulators over raw
/// buffers). No blocking or BLAS: every result is the same bits on every machine.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// Entries in row-major order: entry (i, j) is `storage[i * columns + j]`.
    public var storage: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative size \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from its rows, which must all have the same length.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "Matrix: ragged rows")
        self.rows = rowArrays.count
        self.columns = columns
        storage = rowArrays.flatMap { $0 }
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The square matrix with `d` on its diagonal.
    public static func diagonal(_ d: Vector) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for i in d.indices { m[i, i] = d[i] }
        return m
    }

    /// The Gram matrix Gᵢⱼ = ⟨vᵢ, vⱼ⟩ of a list of equally long vectors.
    public static func gram(_ vectors: [Vector]) -> Matrix {
        let s = vectors.count
        var g = Matrix(rows: s, columns: s)
        for i in 0..<s {
            for j in i..<s {
                let value = dot(vectors[i], vectors[j])
                g[i, j] = value
                g[j, i] = value
            }
        }
        return g
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// Row i as a vector.
    public func row(_ i: Int) -> Vector { Array(storage[(i * columns)..<((i + 1) * columns)]) }

    /// The matrix–vector product A x.
    ///
    /// This is the course's hot path (every Hessian-vector product of a dense
    /// problem is one), so it runs over raw buffers with four independent
    /// `SIMD4<Double>` accumulators, which keeps several multiply–adds in flight.
    /// The summation order is fixed, so the result is the same on every run.
    public func times(_ x: Vector) -> Vector {
        precondition(x.count == columns, "Matrix.times: \(rows)×\(columns) matrix, vector of length \(x.count)")
        var y = Vector(repeating: 0, count: rows)
        let n = columns
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { v in
                y.withUnsafeMutableBufferPointer { out in
                    guard let aBase = a.baseAddress, let vBase = v.baseAddress else { return }
                    let aRaw = UnsafeRawPointer(aBase), vRaw = UnsafeRawPointer(vBase)
                    typealias D4 = SIMD4<Double>
                    for i in 0..<rows {
                        let base = i * n
                        var s0 = D4(), s1 = D4(), s2 = D4(), s3 = D4()
                        var j = 0
                        while j + 16 <= n {
                            let (ai, vj) = ((base + j) * 8, j * 8)  // byte offsets
                            s0 +=
                                aRaw.loadUnaligned(fromByteOffset: ai, as: D4.self)
                                * vRaw.loadUnaligned(fromByteOffset: vj, as: D4.self)
                            s1 +=
                                aRaw.loadUnaligned(fromByteOffset: ai + 32, as: D4.self)
                                * vRaw.loadUnaligned(fromByteOffset: vj + 32, as: D4.self)
                            s2 +=
                                aRaw.loadUnaligned(fromByteOffset: ai + 64, as: D4.self)
                                * vRaw.loadUnaligned(fromByteOffset: vj + 64, as: D4.self)
                            s3 +=
                                aRaw.loadUnaligned(fromByteOffset: ai + 96, as: D4.self)
                                * vRaw.loadUnaligned(fromByteOffset: vj + 96, as: D4.self)
                            j += 16
                        }
                        var sum = ((s0 + s1) + (s2 + s3)).sum()
                        while j < n {
                            sum += a[base + j] * v[j]
                            j += 1
                        }
                        out[i] = sum
                    }
                }
            }
        }
        return y
    }

    /// The product Aᵀ w without forming the transpose.
    public func transposeTimes(_ w: Vector) -> Vector {
        precondition(w.count == rows, "Matrix.transposeTimes: \(rows)×\(columns) matrix, vector of length \(w.count)")
        var y = Vector(repeating: 0, count: columns)
        for i in 0..<rows where w[i] != 0 {
            let wi = w[i], base = i * columns
            for j in 0..<columns { y[j] += storage[base + j] * wi }
        }
        return y
    }

    /// The transpose Aᵀ.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t[j, i] = self[i, j] } }
        return t
    }

    /// The matrix product A B.
    public func times(_ b: Matrix) -> Matrix {
        precondition(columns == b.rows, "Matrix.times: \(rows)×\(columns) times \(b.rows)×\(b.columns)")
        var c = Matrix(rows: rows, columns: b.columns)
        for i in 0..<rows {
            for k in 0..<columns where self[i, k] != 0 {
                let aik = self[i, k]
                for j in 0..<b.columns { c[i, j] += aik * b[k, j] }
            }
        }
        return c
    }

    /// The quadratic form xᵀ A x.
    public func quadraticForm(_ x: Vector) -> Double { dot(x, times(x)) }

    /// The largest |Aᵢⱼ| (0 for an empty matrix).
    public var maxAbsEntry: Double { storage.reduce(0) { max($0, abs($1)) } }

    /// Whether A equals its transpose up to `tolerance · max|Aᵢⱼ|` (relative, so the
    /// answer does not depend on the matrix's scale).
    public func isSymmetric(tolerance: Double = 1e-12) -> Bool {
        guard rows == columns else { return false }
        let scale = maxAbsEntry
        for i in 0..<rows {
            for j in (i + 1)..<max(i + 1, columns) where abs(self[i, j] - self[j, i]) > tolerance * scale {
                return false
            }
        }
        return true
    }
}

/// Solves the square system A x = b by Gaussian elimination with partial pivoting.
///
/// Returns `nil` when a pivot falls below `relativePivotTolerance · max|Aᵢⱼ|`, i.e.
/// when A is singular to working precision; callers decide what that means for them.
/// Cost O(n³); meant for the small systems of the course (n ≲ 20).
public func solveLinearSystem(_ a: Matrix, _ b: Vector, relativePivotTolerance: Double = 1e-13) -> Vector? {
    let n = a.rows
    precondition(
        a.columns == n && b.count == n,
        "solveLinearSystem: \(a.rows)×\(a.columns) matrix, right-hand side of length \(b.count)")
    var m = a
    var x = b
    let threshold = relativePivotTolerance * max(m.maxAbsEntry, .leastNormalMagnitude)
    for k in 0..<n {
        var pivotRow = k
        for i in (k + 1)..<max(k + 1, n) where abs(m[i, k]) > abs(m[pivotRow, k]) { pivotRow = i }
        if abs(m[pivotRow, k]) <= threshold { return nil }
        if pivotRow != k {
            for j in 0..<n { m.storage.swapAt(k * n + j, pivotRow * n + j) }
            x.swapAt(k, pivotRow)
        }
        for i in (k + 1)..<max(k + 1, n) {
            let factor = m[i, k] / m[k, k]
            if factor == 0 { continue }
            for j in k..<n { m[i, j] -= factor * m[k, j] }
            x[i] -= factor * x[k]
        }
    }
    for k in stride(from: n - 1, through: 0, by: -1) {
        var sum = x[k]
        for j in (k + 1)..<max(k + 1, n) { sum -= m[k, j] * x[j] }
        x[k] = sum / m[k, k]
    }
    return x
}

extension Matrix {
    /// Whether this symmetric matrix is positive semidefinite, up to rounding.
    ///
    /// Attempts a ``Cholesky`` factorization of `A + δI` with
    /// `δ = relativeTolerance · max|Aᵢⱼ| + absoluteTolerance`; a Gram matrix, PSD up to
    /// rounding, passes, while any eigenvalue below −δ makes a pivot non-positive and
    /// fails. `absoluteTolerance` is for entries whose absolute error is known (e.g.
    /// entries computed in the subnormal range, which carry an error of the order of
    /// `Double.leastNonzeroMagnitude` whatever their size).
    public func isPositiveSemidefinite(relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 0) -> Bool {
        guard rows == columns else { return false }
        var shifted = self
        let delta = relativeTolerance * max(maxAbsEntry, .leastNormalMagnitude) + absoluteTolerance
        for i in 0..<rows { shifted[i, i] += delta }
        return (try? Cholesky(shifted)) != nil
    }
}
