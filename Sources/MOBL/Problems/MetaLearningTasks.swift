import Foundation

/// The five task families of ``MetaLearning``: few-shot regression tasks on inputs
/// a ∈ [−5, 5] whose shapes conflict, so that a narrow shared representation has to
/// trade them off. Each family is a distribution over tasks; a task is one function
/// t(a) with parameters drawn uniformly from the family's ranges:
///
/// - ``slowSine``: A sin(ωa + φ), A ∈ [0.5, 1.5], ω ∈ [0.4, 0.8], φ ∈ [0, 2π);
/// - ``fastSine``: A sin(ωa + φ), A ∈ [0.5, 1.5], ω ∈ [1.6, 2.4], φ ∈ [0, 2π);
/// - ``line``: m·a/5 + b, m ∈ [−1.5, 1.5], b ∈ [−1, 1];
/// - ``kink``: A(|a − a₀| − 1)/2, A ∈ [−1.5, 1.5], a₀ ∈ [−3, 3];
/// - ``step``: A tanh(k(a − a₀)), A ∈ [−1.5, 1.5], k ∈ [1, 4], a₀ ∈ [−3, 3].
public enum TaskFamily: Int, CaseIterable, Sendable {
    case slowSine, fastSine, line, kink, step

    /// The name printed in tables.
    public var name: String {
        switch self {
        case .slowSine: return "slow sine"
        case .fastSine: return "fast sine"
        case .line: return "line"
        case .kink: return "kink |a−a₀|"
        case .step: return "step tanh"
        }
    }

    /// Draws one task's parameters (the order of ``value(_:parameters:)``).
    public func drawParameters(using rng: inout SeededGenerator) -> Vector {
        switch self {
        case .slowSine: return [rng.uniform(0.5, 1.5), rng.uniform(0.4, 0.8), rng.uniform(0, 2 * Double.pi)]
        case .fastSine: return [rng.uniform(0.5, 1.5), rng.uniform(1.6, 2.4), rng.uniform(0, 2 * Double.pi)]
        case .line: return [rng.uniform(-1.5, 1.5), rng.uniform(-1, 1)]
        case .kink: return [rng.uniform(-1.5, 1.5), rng.uniform(-3, 3)]
        case .step: return [rng.uniform(-1.5, 1.5), rng.uniform(1, 4), rng.uniform(-3, 3)]
        }
    }

    /// The task's function t(a) for parameters drawn by ``drawParameters(using:)``.
    public func value(_ a: Double, parameters p: Vector) -> Double {
        switch self {
        case .slowSine, .fastSine: return p[0] * sin(p[1] * a + p[2])
        case .line: return p[0] * a / 5 + p[1]
        case .kink: return p[0] * (abs(a - p[1]) - 1) / 2
        case .step: return p[0] * tanh(p[1] * (a - p[2]))
        }
    }
}

/// One few-shot regression task: K support shots (the lower level fits the task's head
/// on them) and Q query points (the upper level scores the head on them).
public struct FewShotTask: Sendable {
    /// The family the task was drawn from.
    public let family: TaskFamily
    /// The drawn parameters of the task's function (see ``TaskFamily``).
    public let parameters: Vector
    /// The K support inputs a and targets t.
    public let supportInputs: Vector, supportTargets: Vector
    /// The Q query inputs and targets.
    public let queryInputs: Vector, queryTargets: Vector
}
