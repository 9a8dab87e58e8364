import Foundation
import MOBL
import Testing

@Suite("Classification metrics: accuracy, macro-F1, AUC")
struct ClassificationMetricsTests {
    @Test("Accuracy counts matches")
    func accuracyCounts() throws {
        #expect(try accuracy(predicted: [0, 1, 2, 2], truth: [0, 1, 1, 2]) == 0.75)
        #expect(try accuracy(predicted: [3], truth: [3]) == 1)
    }

    @Test("Macro-F1 by hand; a class never predicted nor true counts with F1 = 0")
    func macroF1ByHand() throws {
        // Class 0: TP 1, FP 0, FN 1 → 2/3; class 1: TP 1, FP 1, FN 0 → 2/3; class 2: TP 1 → 1.
        let f1 = try macroF1(predicted: [0, 1, 1, 2], truth: [0, 0, 1, 2], classes: 3)
        #expect(abs(f1 - (2.0 / 3 + 2.0 / 3 + 1) / 3) < 1e-15)
        // Same data with a fourth class nobody uses: the mean is over 4 classes.
        let f1With4 = try macroF1(predicted: [0, 1, 1, 2], truth: [0, 0, 1, 2], classes: 4)
        #expect(abs(f1With4 - (2.0 / 3 + 2.0 / 3 + 1) / 4) < 1e-15)
        #expect(try macroF1(predicted: [0, 1, 2], truth: [0, 1, 2], classes: 3) == 1)
    }

    /// P·N pairs counted one by one, ties ½.
    private func bruteForceAUC(_ s: [Double], _ positive: [Bool]) -> Double {
        var total = 0.0, pairs = 0.0
        for i in s.indices where positive[i] {
            for j in s.indices where !positive[j] {
                total += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
                pairs += 1
            }
        }
        return total / pairs
    }

    @Test("AUC equals brute-force pair counting on random data with many ties")
    func aucAgainstBruteForce() throws {
        var rng = SeededGenerator(seed: 8)
        for trial in 0..<200 {
            let n = 2 + rng.integer(below: 60)
            // Scores on a coarse grid so that ties are frequent.
            let scores = (0..<n).map { _ in Double(rng.integer(below: 1 + trial % 7)) / 4 }
            var positives = (0..<n).map { _ in rng.uniform() < 0.4 }
            positives[0] = true
            positives[1] = false
            #expect(abs(try areaUnderROC(scores: scores, positives: positives) - bruteForceAUC(scores, positives)) < 1e-12)
        }
    }

    @Test("AUC: 1 for a perfect separation, 0 reversed, 0.5 for constant scores")
    func aucExtremes() throws {
        let positives = [true, true, false, false, false]
        #expect(try areaUnderROC(scores: [0.9, 0.8, 0.1, 0.2, 0.3], positives: positives) == 1)
        #expect(try areaUnderROC(scores: [0.1, 0.2, 0.9, 0.8, 0.3], positives: positives) == 0)
        #expect(try areaUnderROC(scores: [0.5, 0.5, 0.5, 0.5, 0.5], positives: positives) == 0.5)
    }

    @Test("Bad input is refused: lengths, emptiness, labels out of range, one-class AUC, non-finite scores")
    func badInput() throws {
        #expect(throws: InvalidInput.self) { try accuracy(predicted: [1, 2], truth: [1]) }
        #expect(throws: InvalidInput.self) { try accuracy(predicted: [], truth: []) }
        #expect(throws: InvalidInput.self) { try macroF1(predicted: [0, 3], truth: [0, 1], classes: 3) }
        #expect(throws: InvalidInput.self) { try macroF1(predicted: [0], truth: [0, 1], classes: 3) }
        #expect(throws: InvalidInput.self) { try macroF1(predicted: [0], truth: [0], classes: 1) }
        #expect(throws: InvalidInput.self) { try areaUnderROC(scores: [1, 2], positives: [true]) }
        #expect(throws: InvalidInput.self) { try areaUnderROC(scores: [1, 2], positives: [true, true]) }
        #expect(throws: InvalidInput.self) { try areaUnderROC(scores: [1, 2], positives: [false, false]) }
        #expect(throws: InvalidInput.self) { try areaUnderROC(scores: [.nan, 2], positives: [true, false]) }
    }
}
