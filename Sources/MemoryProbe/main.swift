// memory-probe — measures the length-p vectors an algorithm of the library really holds.
//
//     memory-probe <algorithm> [p]      algorithm: hypergradient-cg, hypergradient-neumann,
//                                       wcmhgd-cg, wcmhgd-neumann, moco, moml, forum
//
// Runs two outer steps of the algorithm on a separable quadratic bilevel problem whose
// lower level has p unknowns (default 1 000 000: 8 MB a vector) and whose oracles make one
// length-p vector per call, and prints the growth of the process's peak resident memory
// during the run in units of one length-p vector, next to the algorithm's own claim
// (`OuterIterate.peakVectors`). Its own process: the peak of a test process would include
// whatever the other tests held. The chapter tests run it (MemoryTests).
import Foundation
import MOBL

/// g(x, y) = ½ Σ d_i y_i² − Σ c_i x_{i mod n} y_i,  f_s(x, y) = ½‖y − t_s‖² + ½‖x‖²,  t_s ≡ ±1.
struct SeparableQuadratic: BilevelProblem {
    let upperDimension = 8
    let lowerDimension: Int
    let objectiveCount = 2
    let d: Vector, c: Vector

    init(p: Int) {
        lowerDimension = p
        d = (0..<p).map { (i: Int) -> Double in 1 + Double(i % 7) / 7 }
        c = (0..<p).map { (i: Int) -> Double in 0.1 * Double(i % 5 + 1) }
    }
    func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? { (1, 2) }
    func target(_ s: Int) -> Double { s == 0 ? 1 : -1 }
    func upperValues(x: Vector, y: Vector) -> Vector {
        (0..<2).map { (s: Int) -> Double in
            let t = target(s)
            let squares = y.reduce(0.0) { (sum: Double, yi: Double) -> Double in sum + (yi - t) * (yi - t) }
            return 0.5 * squares + 0.5 * normSquared(x)
        }
    }
    func lowerValue(x: Vector, y: Vector) -> Double {
        var total = 0.0
        for i in 0..<lowerDimension { total += 0.5 * d[i] * y[i] * y[i] - c[i] * x[i % upperDimension] * y[i] }
        return total
    }
    func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector { x }
    func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector {
        let t = target(s)
        return y.map { $0 - t }
    }
    func lowerGradientX(x: Vector, y: Vector) -> Vector { mixed(y) }
    func lowerGradientY(x: Vector, y: Vector) -> Vector {
        (0..<lowerDimension).map { (i: Int) -> Double in d[i] * y[i] - c[i] * x[i % upperDimension] }
    }
    func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        (0..<lowerDimension).map { (i: Int) -> Double in d[i] * v[i] }
    }
    func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector { mixed(v) }
    /// −Σ_i c_i v_i e_{i mod n}: ∇²_xy g · v (and ∇_x g at v = y).
    func mixed(_ v: Vector) -> Vector {
        var out = Vector(repeating: 0, count: upperDimension)
        for i in 0..<lowerDimension { out[i % upperDimension] -= c[i] * v[i] }
        return out
    }
}

/// The peak resident memory of this process's own address space so far, in bytes: VmHWM of
/// /proc/self/status. (Not getrusage's ru_maxrss: Linux carries that high-water mark over from
/// the parent across fork and exec, so a probe started by a large test process would measure
/// against the parent's peak.)
func peakResident() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else {
        FileHandle.standardError.write(
            Data("error: /proc/self/status has no VmHWM line (the probe needs Linux)\n".utf8))
        exit(1)
    }
    return kilobytes * 1024
}

let arguments = CommandLine.arguments.dropFirst()
let names = ["hypergradient-cg", "hypergradient-neumann", "wcmhgd-cg", "wcmhgd-neumann", "moco", "moml", "forum"]
guard let name = arguments.first, names.contains(name) else {
    FileHandle.standardError.write(Data("usage: memory-probe <\(names.joined(separator: "|"))> [p]\n".utf8))
    exit(2)
}
let p = arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
guard p >= 1000 else {
    FileHandle.standardError.write(Data("error: p = \(p) must be at least 1000 (a vector must dwarf the rest)\n".utf8))
    exit(2)
}
let problem = SeparableQuadratic(p: p)
let x0 = Vector(repeating: 0.5, count: problem.upperDimension)
let y0 = Vector(repeating: 0, count: p)
let (alpha, cg, neumann) = (
    0.5, HessianSolver.conjugateGradient(.fixed(iterations: 5)), HessianSolver.neumann(eta: 0.5, .fixed(iterations: 5))
)
var claimed = 0
let observe: OuterObserver = { step in
    claimed = max(claimed, step.peakVectors)
    return true
}
let before = peakResident()
do {
    switch name {
    case "hypergradient-cg":
        _ = try HypergradientDescent(outerSteps: 2, innerSteps: 3, alpha: alpha, beta: 0.1, solver: cg).run(
            problem, x0: x0, y0: y0, observe: observe)
    case "hypergradient-neumann":
        _ = try HypergradientDescent(outerSteps: 2, innerSteps: 3, alpha: alpha, beta: 0.1, solver: neumann).run(
            problem, x0: x0, y0: y0, observe: observe)
    case "wcmhgd-cg":
        _ = try WCMHGD(preference: [0.5, 0.5], u: 1, outerSteps: 2, innerSteps: 3, alpha: alpha, beta: 0.1, solver: cg)
            .run(problem, x0: x0, y0: y0, observe: observe)
    case "wcmhgd-neumann":
        _ = try WCMHGD(
            preference: [0.5, 0.5], u: 1, outerSteps: 2, innerSteps: 3, alpha: alpha, beta: 0.1, solver: neumann
        ).run(problem, x0: x0, y0: y0, observe: observe)
    case "moco":
        _ = try MoCo(
            outerSteps: 2, innerSteps: 3, alpha: alpha, mu: 0.1, gamma: 0.1, tracking: .constant(0.5), solver: cg
        ).run(problem, x0: x0, y0: y0, observe: observe)
    case "moml":
        _ = try MOML(outerSteps: 2, innerSteps: 8, alpha: alpha, beta: 0.1).run(
            problem, x0: x0, y0: y0, observe: observe)
    default:
        _ = try FORUM(outerSteps: 2, innerSteps: 8, eta: alpha, rho: 0.5, mu: 0.1).run(
            problem, x0: x0, y0: y0, observe: observe)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
let measured = (peakResident() - before) / Double(8 * p)
print(String(format: "%@ measured %.2f claimed %d", name, measured, claimed))
