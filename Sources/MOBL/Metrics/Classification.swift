import Foundation

/// The fraction of predictions equal to the truth, (1/n) Σᵢ [predictedᵢ = truthᵢ].
///
/// - Throws: ``InvalidInput`` when the two arrays differ in length or are empty.
public func accuracy(predicted: [Int], truth: [Int]) throws -> Double {
    try checkPairs(predicted.count, truth.count, "predicted")
    var correct = 0
    for i in predicted.indices where predicted[i] == truth[i] { correct += 1 }
    return Double(correct) / Double(predicted.count)
}

/// Macro-averaged F1: the mean over the classes c = 0…C−1 of
///
///     F1_c = 2 TP_c / (2 TP_c + FP_c + FN_c),
///
/// which equals the harmonic mean of precision TP/(TP + FP) and recall TP/(TP + FN)
/// whenever both are defined. Convention for a class that is neither predicted nor
/// true (TP = FP = FN = 0): F1_c = 0, and it still counts in the mean (so macro-F1 is
/// always the mean over all C classes). A class that is true but never predicted, or
/// predicted but never true, has TP = 0 and F1_c = 0 by the formula.
///
/// - Throws: ``InvalidInput`` when the arrays differ in length or are empty, C < 2, or
///   a label is outside 0..<C.
public func macroF1(predicted: [Int], truth: [Int], classes: Int) throws -> Double {
    try checkPairs(predicted.count, truth.count, "predicted")
    guard classes >= 2 else { throw InvalidInput("classes C", "\(classes)", "must be ≥ 2") }
    var truePositives = [Int](repeating: 0, count: classes)
    var falsePositives = truePositives, falseNegatives = truePositives
    for i in predicted.indices {
        let (p, t) = (predicted[i], truth[i])
        guard (0..<classes).contains(p), (0..<classes).contains(t) else {
            throw InvalidInput("label at \(i)", "predicted \(p), true \(t)", "must be in 0…\(classes - 1)")
        }
        if p == t {
            truePositives[p] += 1
        } else {
            falsePositives[p] += 1
            falseNegatives[t] += 1
        }
    }
    var sum = 0.0
    for c in 0..<classes {
        let denominator = 2 * truePositives[c] + falsePositives[c] + falseNegatives[c]
        if denominator > 0 { sum += Double(2 * truePositives[c]) / Double(denominator) }
    }
    return sum / Double(classes)
}

/// The area under the ROC curve of `scores` for telling `positives` from the rest,
/// computed as the Mann–Whitney statistic
///
///     AUC = (1/(P·N)) Σ_{i positive} Σ_{j negative} ([sᵢ > sⱼ] + ½ [sᵢ = sⱼ]),
///
/// the probability that a random positive scores above a random negative, ties counted
/// one half: 1 for a perfect separation, 0.5 for scores that carry no information (or
/// are all equal), 0 for a perfectly reversed one. Computed in O(n log n) by sorting
/// and giving tied scores their mean rank.
///
/// - Throws: ``InvalidInput`` when the arrays differ in length, a score is not finite,
///   or there is no positive or no negative.
public func areaUnderROC(scores: [Double], positives: [Bool]) throws -> Double {
    try checkPairs(scores.count, positives.count, "scores")
    if let i = scores.firstIndex(where: { !$0.isFinite }) {
        throw InvalidInput("score at \(i)", "\(scores[i])", "must be finite")
    }
    let P = positives.filter { $0 }.count, N = positives.count - P
    guard P > 0, N > 0 else {
        throw InvalidInput("positives", "\(P) positive and \(N) negative", "need at least one of each for an AUC")
    }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    var rankSum = 0.0
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
        let meanRank = Double(start + end) / 2 + 1
        for k in start...end where positives[order[k]] { rankSum += meanRank }
        start = end + 1
    }
    let (p, n) = (Double(P), Double(N))
    return (rankSum - p * (p + 1) / 2) / (p * n)
}

private func checkPairs(_ a: Int, _ b: Int, _ name: String) throws {
    guard a == b else {
        throw InvalidInput("\(name) and their partners", "\(a) and \(b) entries", "must have the same length")
    }
    guard a > 0 else { throw InvalidInput(name, "no entries", "need at least one") }
}
