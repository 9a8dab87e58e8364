/// What an algorithm carries from one outer step to the next; the loop reports its `y`
/// as the last inner point.
public protocol OuterState: Sendable {
    /// The inner point after the last step.
    var y: Vector { get }
}

/// The outer loop every algorithm of the course runs: for k = 0 … K − 1, `step`
/// computes the step at x_k (updating the algorithm's state) and returns its record;
/// the loop moves x_{k+1} = x_k + step (or, with Adam, by Adam's move for that step,
/// which then becomes the record's step), hands the record to the observer, and stops
/// early when the observer returns false.
func outerLoop<State: OuterState>(
    steps: Int, oracles: CountedOracles, x0: Vector, state: State, optimizer: OuterOptimizer = .plain,
    observe: OuterObserver, step: (_ k: Int, _ x: Vector, _ state: inout State) throws -> OuterIterate
) throws -> OuterResult {
    try optimizer.validate()
    var x = x0, state = state
    var adam = AdamMoments(optimizer, dimension: x0.count)
    for k in 0..<steps {
        var iterate = try step(k, x, &state)
        if adam != nil { iterate.step = adam!.move(for: iterate.step) }
        axpy(1, iterate.step, &x)
        if try !observe(iterate) {
            return OuterResult(x: x, y: state.y, steps: k + 1, counts: oracles.counts, stoppedByObserver: true)
        }
    }
    return OuterResult(x: x, y: state.y, steps: steps, counts: oracles.counts, stoppedByObserver: false)
}

/// The settings checks every algorithm makes, with one wording: a count that must be
/// at least 1 (K, T) …
func requireAtLeastOne(_ value: Int, _ name: String) throws {
    guard value >= 1 else { throw InvalidInput(name, "\(value)", "must be ≥ 1") }
}

/// … and a step or weight that must be a positive finite number (β, μ, γ, α).
func requirePositive(_ value: Double, _ name: String) throws {
    guard value > 0, value.isFinite else { throw InvalidInput(name, "\(value)", "must be > 0 and finite") }
}
