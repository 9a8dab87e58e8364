/// The least-squares slope b of the line y ≈ a + b·x through the points.
///
/// Chapters use it to measure rates: on log-log data (log κ, log products) it is the
/// exponent of a power law; on (D, log error) it is the log of a per-step factor.
/// Needs at least two distinct x values (returns NaN otherwise).
public func leastSquaresSlope(_ points: [(x: Double, y: Double)]) -> Double {
    let n = Double(points.count)
    let mx = points.reduce(0) { $0 + $1.x } / n, my = points.reduce(0) { $0 + $1.y } / n
    let sxy = points.reduce(0) { $0 + ($1.x - mx) * ($1.y - my) }
    let sxx = points.reduce(0) { $0 + ($1.x - mx) * ($1.x - mx) }
    return sxy / sxx
}
