/// The eigenvalues of a symmetric matrix, in increasing order, by the cyclic Jacobi
/// method: rotate away the off-diagonal entries one pair at a time until they are
/// below 1e-15 of the matrix's size. Accurate to about ε·‖A‖ for every eigenvalue;
/// O(n³) per sweep with a handful of sweeps — for the small matrices of the course
/// (condition numbers, step-size bounds, tests).
///
/// - Throws: ``InvalidInput`` if A is not square and symmetric; ``DidNotConverge`` if 100
///   sweeps do not clear the off-diagonal part.
public func symmetricEigenvalues(_ a: Matrix) throws -> [Double] {
    guard a.rows == a.columns, a.isSymmetric(tolerance: 1e-10) else {
        throw InvalidInput("matrix", "\(a.rows)×\(a.columns)", "must be square and symmetric")
    }
    let n = a.rows
    var m = a
    let scale = max(m.maxAbsEntry, .leastNormalMagnitude)
    for _ in 0..<100 {
        var off = 0.0
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off = max(off, abs(m[i, j])) } }
        if off <= 1e-15 * scale { return (0..<n).map { m[$0, $0] }.sorted() }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) where m[i, j] != 0 {
                // Choose the rotation that zeroes m[i, j] (Golub & Van Loan, Alg. 8.4.1).
                let tau = (m[j, j] - m[i, i]) / (2 * m[i, j])
                let t = (tau >= 0 ? 1 : -1) / (abs(tau) + (1 + tau * tau).squareRoot())
                let c = 1 / (1 + t * t).squareRoot(), s = t * c
                for k in 0..<n {
                    let (mki, mkj) = (m[k, i], m[k, j])
                    m[k, i] = c * mki - s * mkj
                    m[k, j] = s * mki + c * mkj
                }
                for k in 0..<n {
                    let (mik, mjk) = (m[i, k], m[j, k])
                    m[i, k] = c * mik - s * mjk
                    m[j, k] = s * mik + c * mjk
                }
            }
        }
    }
    throw DidNotConverge("symmetricEigenvalues", "off-diagonal entries remain after 100 Jacobi sweeps")
}
