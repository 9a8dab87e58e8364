import ChapterSupport
import Foundation
import MOBL
import Testing

@Suite("Pareto measures")
struct MetricsTests {
    @Test("Dominance and the non-dominated filter")
    func nonDominated() {
        #expect(dominates([1, 2], [2, 2]))
        #expect(!dominates([1, 2], [1, 2]))
        #expect(!dominates([1, 3], [2, 2]))
        let points: [[Double]] = [[1, 5], [2, 2], [3, 3], [5, 1], [2, 2], [4, 4]]
        #expect(nonDominatedIndices(points) == [0, 1, 3, 4])
    }

    @Test("Hypervolume of hand-computed sets")
    func hypervolume() throws {
        // Staircase (1,3), (2,2), (3,1) against (4,4): 3·1 + 2·1 + 1·1 = 6.
        #expect(try hypervolume2D([[1, 3], [2, 2], [3, 1]], reference: [4, 4]) == 6)
        // Order, duplicates and dominated points do not matter.
        #expect(try hypervolume2D([[3, 1], [2, 2], [2.5, 2.5], [1, 3], [2, 2]], reference: [4, 4]) == 6)
        // A point outside the reference box adds nothing.
        #expect(try hypervolume2D([[1, 1], [5, 0]], reference: [2, 2]) == 1)
        #expect(try hypervolume2D([], reference: [1, 1]) == 0)
        // A dense sampling of the line f1 + f2 = 1 approaches the triangle area ½ from below.
        let line: [Vector] = (0...1000).map { (i: Int) -> Vector in [Double(i) / 1000, 1 - Double(i) / 1000] }
        let area = try hypervolume2D(line, reference: [1, 1])
        #expect(area < 0.5 && area > 0.5 - 0.001)
        #expect(throws: InvalidInput.self) { try hypervolume2D([[1, 2, 3]], reference: [4, 4]) }
    }

    @Test("IGD of hand-computed sets")
    func igd() throws {
        let reference: [[Double]] = [[0, 1], [1, 0]]
        #expect(try invertedGenerationalDistance(reference: reference, found: reference) == 0)
        // One found point at (0, 0): both reference points are at distance 1.
        #expect(try invertedGenerationalDistance(reference: reference, found: [[0, 0]]) == 1)
        // Found (0, 1) only: distances 0 and √2, mean √2/2.
        let value = try invertedGenerationalDistance(reference: reference, found: [[0, 1]])
        #expect(abs(value - 2.0.squareRoot() / 2) < 1e-15)
        #expect(throws: InvalidInput.self) { try invertedGenerationalDistance(reference: [], found: reference) }
    }

    @Test("Least-squares slope: exact on a line, the exponent of a power law on log-log data")
    func slope() {
        #expect(leastSquaresSlope([(0, 1), (1, 3), (2, 5)]) == 2)
        let powerLaw = [10.0, 100, 1000].map { (log($0), log(3 * pow($0, 0.5))) }
        #expect(abs(leastSquaresSlope(powerLaw) - 0.5) < 1e-14)
        #expect(leastSquaresSlope([(1, 1), (1, 2)]).isNaN)
        // The line's intercept: y = 1 + 2x exactly; noisy points straddling y = 4 − x give it back.
        let exact = leastSquaresLine([(0, 1), (1, 3), (2, 5)])
        #expect(exact.slope == 2 && exact.intercept == 1)
        let fitted = leastSquaresLine([(0, 4.1), (1, 2.9), (2, 2.1), (3, 0.9)])
        #expect(abs(fitted.slope + 1.04) < 1e-12 && abs(fitted.intercept - 4.06) < 1e-12)
    }

    @Test("Mean and sample standard deviation: by hand, and 0 for a single value")
    func meanAndSampleDeviation() {
        let (mean, std) = meanAndDeviation([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(mean == 5 && abs(std - (32.0 / 7).squareRoot()) < 1e-15)
        #expect(meanAndDeviation([3]) == (3, 0))
    }

    @Test("Misalignment from the preference ray: 0 on it, 1 on an axis, by hand for S = 3")
    func alignment() throws {
        #expect(try misalignment(preference: [0.25, 0.75], values: [0.3, 0.1]) < 1e-15)
        #expect(try misalignment(preference: [0.5, 0.5], values: [1, 0]) == 1)
        // r ⊙ f = (0.2, 0.1, 0.05): (0.2 − 0.05)/0.2 = 0.75.
        #expect(abs(try misalignment(preference: [0.2, 0.2, 0.6], values: [1, 0.5, 1.0 / 12]) - 0.75) < 1e-15)
        #expect(throws: InvalidInput.self) { try misalignment(preference: [0, 1], values: [1, 1]) }
        #expect(throws: InvalidInput.self) { try misalignment(preference: [0.5, 0.5], values: [1, 1, 1]) }
    }
}
