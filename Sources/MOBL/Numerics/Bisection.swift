/// Bisection on a monotone yes/no question: the point where `isRight` turns from
/// false to true.
///
/// Given `isRight(lo) == false` and `isRight(hi) == true` (not checked: the caller
/// knows its bracket), halves [lo, hi] keeping that property until `hi − lo ≤
/// tolerance` or no `Double` lies strictly between them (tolerance 0: to the last bit).
/// Costs about log₂((hi − lo)/tolerance) calls, at most ~2100 for any finite bracket.
///
/// The course's one bisection: the Chebyshev optimum of VLMOP2 (a sign change of
/// r₁f₁ − r₂f₂), the polygon toy's (the smallest feasible level t), Chapter 2's minimizer
/// (a sign change of the hypergradient).
///
/// - Returns: the final bracket (lo, hi); the caller picks from it.
public func bisect(
    _ lo: Double, _ hi: Double, tolerance: Double = 0,
    isRight: (Double) throws -> Bool
) rethrows -> (lo: Double, hi: Double) {
    var (lo, hi) = (lo, hi)
    while hi - lo > tolerance {
        let mid = 0.5 * (lo + hi)
        if mid <= lo || mid >= hi { break }  // no double left between lo and hi
        if try isRight(mid) { hi = mid } else { lo = mid }
    }
    return (lo, hi)
}
