import Foundation

extension CleaningDomain {
    /// Two synthetic hyper-cleaning domains, A and B, whose labellings conflict on a
    /// planted subspace, so that one shared softmax model cannot serve both at once.
    ///
    /// Features: F = `features` numbers (F ≥ 2) split into a *shared* block u (the first
    /// ⌈F/2⌉) and an *agreeing* block v (the rest), plus a constant 1 (the bias), so
    /// D = F + 1. Each class c gets means a_c ∈ R^{|u|} (scale `separation`) and
    /// b_c ∈ R^{|v|} (scale `separation`/2), all i.i.d. Gaussian. A sample of class c is
    ///
    ///     domain A:  (a_c, b_c) + noise,        domain B:  (a_{π(c)}, b_c) + noise,
    ///
    /// noise i.i.d. N(0, 1) per feature, where π shifts the first `conflicted` classes
    /// cyclically (c ↦ c + 1 mod `conflicted`) and fixes the others. So on the block u the
    /// two domains give the conflicted classes different means: a model that reads u
    /// the way A needs misreads B there, and the other way round; the block v agrees
    /// across domains but separates the classes less. The two validation losses
    /// therefore trade off: weighting A's training samples up moves the shared model
    /// toward A's reading of u. With `conflicted` = 0 the domains are identically
    /// distributed.
    ///
    /// Labels are uniform over 0..<C; each domain draws `sizes.total` samples and goes
    /// through ``init(name:samples:sizes:corruption:using:)`` (seeded split, corruption
    /// of the given fraction of training labels to another class). Names: "A" and "B".
    ///
    /// - Throws: ``InvalidInput`` when F < 2, C < 2, `conflicted` is outside 0…C (1 is
    ///   refused too: a cycle of one class changes nothing), `separation` is not > 0, or
    ///   as the initializer does for sizes and corruption.
    public static func syntheticPair(
        sizes: Sizes, features F: Int, classes C: Int, conflicted: Int,
        separation: Double, corruption: Double,
        using rng: inout SeededGenerator
    ) throws -> [CleaningDomain] {
        guard F >= 2 else { throw InvalidInput("features F", "\(F)", "must be ≥ 2 (a shared and an agreeing block)") }
        guard C >= 2 else { throw InvalidInput("classes C", "\(C)", "must be ≥ 2") }
        guard conflicted == 0 || (2...C).contains(conflicted) else {
            throw InvalidInput("conflicted classes", "\(conflicted)", "must be 0 or in 2…\(C)")
        }
        guard separation > 0, separation.isFinite else {
            throw InvalidInput("separation", "\(separation)", "must be > 0 and finite")
        }
        let shared = (F + 1) / 2
        let means = (0..<C).map { _ in
            (0..<F).map { d in (d < shared ? separation : separation / 2) * rng.gaussian() }
        }
        func permuted(_ c: Int) -> Int { c < conflicted ? (c + 1) % conflicted : c }
        return try ["A", "B"].enumerated().map { k, name in
            let n = sizes.total
            var m = Matrix(rows: n, columns: F + 1)
            var labels = [Int](repeating: 0, count: n)
            for i in 0..<n {
                let c = rng.integer(below: C)
                labels[i] = c
                let sharedClass = k == 0 ? c : permuted(c)
                for d in 0..<F { m[i, d] = means[d < shared ? sharedClass : c][d] + rng.gaussian() }
                m[i, F] = 1
            }
            let samples = try SoftmaxDesign(features: m, labels: labels, classes: C)
            return try CleaningDomain(name: name, samples: samples, sizes: sizes, corruption: corruption, using: &rng)
        }
    }
}
