/// The least-squares line y ≈ a + b·x through the points: the slope b and the intercept a.
///
/// Chapters use it to measure rates: on log-log data (log κ, log products) the slope is
/// the exponent of a power law; on (D, log error) it is the log of a per-step factor;
/// on (T, calls per step) slope and intercept are a cost model. Needs at least two
/// distinct x values (returns NaN otherwise).
public func leastSquaresLine(_ points: [(x: Double, y: Double)]) -> (slope: Double, intercept: Double) {
    let n = Double(points.count)
    let mx = points.reduce(0) { $0 + $1.x } / n, my = points.reduce(0) { $0 + $1.y } / n
    let sxy = points.reduce(0) { $0 + ($1.x - mx) * ($1.y - my) }
    let sxx = points.reduce(0) { $0 + ($1.x - mx) * ($1.x - mx) }
    let slope = sxy / sxx
    return (slope, my - slope * mx)
}

/// The slope of ``leastSquaresLine(_:)``.
public func leastSquaresSlope(_ points: [(x: Double, y: Double)]) -> Double { leastSquaresLine(points).slope }

/// The mean and the sample standard deviation (n − 1 in the denominator; 0 for one value)
/// of a set of measurements, e.g. a quantity over several seeds.
public func meanAndDeviation(_ values: [Double]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance =
        values.count > 1 ? values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1) : 0
    return (mean, variance.squareRoot())
}

/// The median and the range (smallest, largest) of a set of measurements — the spread the
/// course reports for a quantity over seeds (with few seeds, the range says more than a
/// standard deviation). The median of an even count is the mean of the middle two.
/// Needs at least one value (returns NaNs otherwise).
public func medianAndRange(_ values: [Double]) -> (median: Double, low: Double, high: Double) {
    guard !values.isEmpty else { return (.nan, .nan, .nan) }
    let sorted = values.sorted()
    let n = sorted.count
    let median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    return (median, sorted[0], sorted[n - 1])
}
