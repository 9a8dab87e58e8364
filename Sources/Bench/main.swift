// `make bench`: the hyper-cleaning hot path at the FORUM paper's size, side by side
// with NumPy in the same run.
//
//   bench [--reps R] [--no-numpy] [--kernels-only] [--dump FOLDER]
//
// --kernels-only stops after section 2; --dump writes the kernels' outputs on the bench
// data (float64, native byte order) into FOLDER, to compare two builds bit for bit:
// gradient.bin, hvp.bin (at W), losses.bin, dots.bin (⟨∇ℓᵢ, V⟩) and predictions.bin.
//
// 1. The machine's memory bandwidth, measured by a large copy (one and two threads).
// 2. The lower level's gradient and Hessian-vector product over the N × D design
//    (N = 2 × 5000 training images, D = 28·28 + 1, C = 10): the course's fused
//    kernels, the plain formulas written row by row, and NumPy's float64 version of
//    the same math (scripts/bench_numpy.py, when python3 with NumPy is on the PATH).
//    NumPy's results are compared with ours, so both computed the same thing.
//    Printed: best and median times, the ratio Swift/NumPy, and the achieved
//    bandwidth (design bytes read per second) as a fraction of the copy bandwidth.
// 3. One outer iteration of each method at that size with T = 16 inner steps, and the
//    same iteration in NumPy (scripts/bench_numpy_methods.py, the same settings and
//    data): times side by side, and the relative difference of the two results x₁, W₁.
//
// The data are seeded random "images" with real images' share of zero pixels (81 % in
// the first domain, as MNIST; 50 % in the second, as Fashion-MNIST), so the design is
// read in the sparse layout (SoftmaxDesign.Layout) as the real one is; section 2 also
// times the dense layout of the same design, whose results are the same to the bit.
import Foundation
import MOBL

// MARK: Flags

var reps = 20
var useNumPy = true
var kernelsOnly = false
var dumpFolder: URL? = nil
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch flag {
    case "--reps":
        guard let value = arguments.popFirst().flatMap(Int.init), value >= 3 else {
            FileHandle.standardError.write("error: --reps needs an integer ≥ 3\n".data(using: .utf8)!)
            exit(2)
        }
        reps = value
    case "--no-numpy":
        useNumPy = false
    case "--kernels-only":
        kernelsOnly = true
    case "--dump":
        guard let path = arguments.popFirst() else {
            FileHandle.standardError.write("error: --dump needs a folder\n".data(using: .utf8)!)
            exit(2)
        }
        dumpFolder = URL(fileURLWithPath: path)
    default:
        FileHandle.standardError.write(
            "error: unknown flag \(flag) (flags: --reps R, --no-numpy, --kernels-only, --dump FOLDER)\n".data(
                using: .utf8)!)
        exit(2)
    }
}

func say(_ line: String = "") {
    print(line)
    fflush(stdout)
}
func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

/// Best and median wall time of `body` over `reps` runs after one warm-up, in ms.
func time(_ body: () -> Void) -> (best: Double, median: Double) {
    body()
    var times: [Double] = []
    for _ in 0..<reps {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return (times[0], times[times.count / 2])
}

// MARK: 1. Copy bandwidth

let copyCount = 1 << 25  // 32 Mi doubles = 256 MiB, far beyond any cache
var source = [Double](repeating: 1, count: copyCount)
var target = [Double](repeating: 0, count: copyCount)
for i in stride(from: 0, to: copyCount, by: 4096) { source[i] = Double(i) }

struct CopyPointers: @unchecked Sendable {
    let from: UnsafePointer<Double>
    let to: UnsafeMutablePointer<Double>
}

func copyTime(threads: Int) -> (best: Double, median: Double) {
    source.withUnsafeBufferPointer { s in
        target.withUnsafeMutableBufferPointer { t in
            let pointers = CopyPointers(from: s.baseAddress!, to: t.baseAddress!)
            return time {
                DispatchQueue.concurrentPerform(iterations: threads) { k in
                    let lo = k * copyCount / threads, hi = (k + 1) * copyCount / threads
                    (pointers.to + lo).update(from: pointers.from + lo, count: hi - lo)
                }
            }
        }
    }
}

let copyBytes = Double(2 * copyCount * 8)  // read + write
let copy1 = copyTime(threads: 1), copy2 = copyTime(threads: 2)
let bandwidth1 = copyBytes / (copy1.best / 1e3) / 1e9
let bandwidth2 = copyBytes / (copy2.best / 1e3) / 1e9
precondition(target[4096] == 4096, "the copy did not happen")
source = []
target = []
// The compute roof: multiply–adds per second on 2 threads, from twelve independent
// SIMD4 accumulators per thread held in registers (no memory traffic at all).
@inline(never)
func fmaLoop(_ iterations: Int, _ seed: Double) -> Double {
    let a = SIMD4<Double>(repeating: 1 + 1e-12 * seed), b = SIMD4<Double>(repeating: 1e-9)
    var z0 = a, z1 = a, z2 = a, z3 = a, z4 = a, z5 = a, z6 = a, z7 = a, z8 = a, z9 = a, z10 = a, z11 = a
    for _ in 0..<iterations {
        z0 = z0.addingProduct(a, b)
        z1 = z1.addingProduct(a, b)
        z2 = z2.addingProduct(a, b)
        z3 = z3.addingProduct(a, b)
        z4 = z4.addingProduct(a, b)
        z5 = z5.addingProduct(a, b)
        z6 = z6.addingProduct(a, b)
        z7 = z7.addingProduct(a, b)
        z8 = z8.addingProduct(a, b)
        z9 = z9.addingProduct(a, b)
        z10 = z10.addingProduct(a, b)
        z11 = z11.addingProduct(a, b)
    }
    let s = z0 + z1 + z2 + z3 + z4 + z5 + z6 + z7 + z8 + z9 + z10 + z11
    return s.sum()
}
let fmaIterations = 4_000_000
let fmaTime = time { DispatchQueue.concurrentPerform(iterations: 2) { k in _ = fmaLoop(fmaIterations, Double(k)) } }
/// Scalar multiply–adds per second (each SIMD4 multiply–add counts 4).
let peakMultiplyAdds = Double(2 * fmaIterations * 12 * 4) / (fmaTime.best / 1e3)

say("Memory bandwidth, by copying 256 MiB (bytes read + written per second, best of \(reps)):")
say("  1 thread:  \(format(bandwidth1, 1)) GB/s")
say("  2 threads: \(format(bandwidth2, 1)) GB/s")
say("Compute: \(format(peakMultiplyAdds / 1e9, 1)) G multiply–adds per second on 2 threads (float64, registers only)")
say()

// MARK: 2. Gradient and Hessian-vector product

let (domainSize, pixels, classes) = (5000, 784, 10)
var rng = SeededGenerator(seed: 2024)
/// Random "images" with a given share of zero pixels (MNIST's is about 81 %, Fashion-MNIST's
/// about 50 %), the others uniform in 1…255.
func randomImages(_ count: Int, zeros: Double) throws -> SoftmaxDesign {
    let bytes = (0..<(count * pixels)).map { _ in rng.uniform() < zeros ? 0 : UInt8(1 + rng.integer(below: 255)) }
    let labels = (0..<count).map { _ in UInt8(rng.integer(below: classes)) }
    return try SoftmaxDesign(pixels: bytes, count: count, pixelsPerImage: pixels, labels: labels, classes: classes)
}
let sizes = CleaningDomain.Sizes(train: domainSize, validation: 1000, selection: 1000, test: 1000)
let domains = try (0..<2).map { k in
    try CleaningDomain(
        name: "domain \(k)", samples: randomImages(sizes.total, zeros: k == 0 ? 0.81 : 0.5), sizes: sizes,
        corruption: 0.5, using: &rng)
}
let problem = try HyperCleaning(domains: domains, ridge: 1e-3)
let design = problem.train
let (n, D, p) = (design.count, design.dimension, design.weightCount)
let W = (0..<p).map { _ in 0.01 * rng.gaussian() }
// A second W: alternating between the two makes every call start from scratch (the
// kernels cache the softmax step of the last W they saw).
let otherW = (0..<p).map { _ in 0.01 * rng.gaussian() }
let V = rng.gaussianVector(p)
let omega = (0..<n).map { _ in rng.uniform() / Double(domainSize) }
let workspace = SoftmaxWorkspace()
var output = Vector(repeating: 0, count: p)
let designBytes = Double(n * D * 8)
say(
    "Design: N = \(n) samples × D = \(D) features (float64, \(format(designBytes / 1e6, 1)) MB), C = \(classes) classes, p = D·C = \(p)"
)

/// The same design read densely: the sparse layout's results to the bit, at the dense cost.
let denseDesign = design.laidOut(.dense)
func gradientCall(_ W: Vector, _ design: SoftmaxDesign = design) {
    _ = W.withUnsafeBufferPointer { w in
        omega.withUnsafeBufferPointer { o in
            output.withUnsafeMutableBufferPointer {
                design.gradient(w, rowWeights: o, into: $0, workspace: workspace)
            }
        }
    }
}
func hessianCall(_ W: Vector, _ design: SoftmaxDesign = design) {
    W.withUnsafeBufferPointer { w in
        V.withUnsafeBufferPointer { v in
            omega.withUnsafeBufferPointer { o in
                output.withUnsafeMutableBufferPointer {
                    design.hessianVector(w, v, rowWeights: o, into: $0, workspace: workspace)
                }
            }
        }
    }
}
var flip = false
let fusedGradient = time {
    flip.toggle()
    gradientCall(flip ? otherW : W)
}
gradientCall(otherW)
gradientCall(W)
let swiftGradient = output
let fusedHessian = time {
    flip.toggle()
    hessianCall(flip ? otherW : W)
}
hessianCall(W)
let fusedHessianCached = time { hessianCall(W) }
let swiftHessian = output
let denseGradient = time {
    flip.toggle()
    gradientCall(flip ? otherW : W, denseDesign)
}
gradientCall(W, denseDesign)
let layoutsAgree = output == swiftGradient
let denseHessian = time {
    flip.toggle()
    hessianCall(flip ? otherW : W, denseDesign)
}
hessianCall(W, denseDesign)
let denseHessianCached = time { hessianCall(W, denseDesign) }
let layoutsAgreeOnHessian = output == swiftHessian
// The plain formulas: one timed run each (they are slow; they are the specification).
let plainStart = DispatchTime.now().uptimeNanoseconds
let plainGradient = design.plainGradient(W, rowWeights: omega)
let plainGradientTime = Double(DispatchTime.now().uptimeNanoseconds - plainStart) / 1e6
let plainError = norm(plainGradient - swiftGradient) / norm(plainGradient)

struct NumPyTimes: Decodable {
    let numpy: String
    let gradient_best_ms, gradient_median_ms, hvp_best_ms, hvp_median_ms, hvp_cached_best_ms,
        hvp_cached_median_ms: Double
}

/// The folder the NumPy scripts read the data from and write their results to (removed
/// at the end of the run); nil with --no-numpy.
let numpyFolder: URL? =
    useNumPy ? FileManager.default.temporaryDirectory.appendingPathComponent("mobl-bench-\(getpid())") : nil
if let folder = numpyFolder { try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
/// Why NumPy was skipped, once it was (then section 3 skips it too).
var numpySkipped: String? = useNumPy ? nil : "--no-numpy"

func write(_ values: [Double], _ name: String) {
    values.withUnsafeBytes { try? Data($0).write(to: numpyFolder!.appendingPathComponent(name)) }
}
func write(labels: [Int], _ name: String) {
    labels.map(Int64.init).withUnsafeBytes { try? Data($0).write(to: numpyFolder!.appendingPathComponent(name)) }
}
func read(_ name: String, count: Int) -> [Double]? {
    guard let data = try? Data(contentsOf: numpyFolder!.appendingPathComponent(name)), data.count == count * 8 else {
        return nil
    }
    return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
}
func relativeDifference(_ reference: Vector, _ other: Vector) -> Double { norm(reference - other) / norm(reference) }

/// Runs `python3 scripts/<script> FOLDER reps` on the data in numpyFolder and decodes the
/// JSON line it prints; nil (saying why) when NumPy is unavailable or the script failed.
func runPython<Output: Decodable>(_ script: String, reps: Int, as: Output.Type) -> Output? {
    func skip(_ reason: String) -> Output? {
        numpySkipped = reason
        say("NumPy: skipped (\(reason)).")
        return nil
    }
    if let reason = numpySkipped { return skip(reason) }
    let path = "scripts/\(script)"
    guard FileManager.default.fileExists(atPath: path) else {
        return skip("run from the project folder: \(path) not found")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", path, numpyFolder!.path, "\(reps)"]
    let pipe = Pipe(), errors = Pipe()
    process.standardOutput = pipe
    process.standardError = errors
    do { try process.run() } catch { return skip("python3 not found") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, let output = try? JSONDecoder().decode(Output.self, from: data) else {
        if message.contains("No module named 'numpy'") { return skip("python3 has no NumPy (pip install numpy)") }
        if process.terminationStatus == 127 { return skip("python3 not found") }
        return skip("\(script) failed: \(message.suffix(300))")
    }
    return output
}

/// Runs scripts/bench_numpy.py on the same data; nil (with the reason) when NumPy is missing.
func runNumPy() -> (NumPyTimes, gradientError: Double, hessianError: Double)? {
    if numpySkipped == nil {
        try? "\(n) \(D) \(classes)".write(
            to: numpyFolder!.appendingPathComponent("sizes.txt"), atomically: true, encoding: .utf8)
        write(design.features.storage, "design.bin")
        write(labels: design.labels, "labels.bin")
        write(omega, "omega.bin")
        write(W, "W.bin")
        write(V, "V.bin")
    }
    guard let times = runPython("bench_numpy.py", reps: reps, as: NumPyTimes.self) else { return nil }
    guard let g = read("gradient.bin", count: p), let h = read("hvp.bin", count: p) else {
        numpySkipped = "bench_numpy.py wrote no results"
        say("NumPy: skipped (\(numpySkipped!)).")
        return nil
    }
    return (times, relativeDifference(g, swiftGradient), relativeDifference(h, swiftHessian))
}

let numpy = runNumPy()
say()
let copyBandwidth = max(bandwidth1, bandwidth2)
say(
    "Kernel                   Swift best  median    NumPy best  median  Swift/NumPy   design GB/s  of copy   roof   of roof"
)
/// `passes` multiply–adds per design entry and class: 2 for the gradient (logits,
/// accumulation), 3 for the Hessian-vector product (logits of W and of V, accumulation).
/// The nonzero entries of the design, and the bytes the sparse layout reads per pass over it.
let nonzeros = design.density * Double(n * D)
let sparseBytes = Double(design.bytesPerPass)
func row(
    _ name: String, _ swift: (best: Double, median: Double), _ numpyTimes: (Double, Double)?, passes: Int,
    sparse: Bool = true
) {
    let bytes = sparse ? sparseBytes : designBytes
    let rate = bytes / (swift.best / 1e3) / 1e9
    // The fastest this kernel could be: the larger of reading the design at copy
    // bandwidth and doing its multiply–adds at the measured compute rate (on the
    // nonzero entries only, for the sparse layout).
    let entries = sparse ? nonzeros : Double(n * D)
    let roofMilliseconds =
        max(bytes / (copyBandwidth * 1e9), Double(passes * classes) * entries / peakMultiplyAdds) * 1e3
    let numpyText =
        numpyTimes.map { "\(format($0.0, 2).leftPadded(8)) ms \(format($0.1, 2).leftPadded(7))" }
        ?? "     –            "
    let ratio = numpyTimes.map { format(swift.best / $0.0, 3) } ?? "–"
    say(
        "\(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(format(swift.best).leftPadded(7)) ms \(format(swift.median).leftPadded(7))  \(numpyText)   \(ratio.leftPadded(8))   \(format(rate, 1).leftPadded(10))   \(format(100 * rate / copyBandwidth, 0).leftPadded(5))%  \(format(roofMilliseconds, 2).leftPadded(5)) ms  \(format(100 * roofMilliseconds / swift.best, 0).leftPadded(4))%"
    )
}
extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
let numpyGradient = numpy.map { ($0.0.gradient_best_ms, $0.0.gradient_median_ms) }
let numpyHessian = numpy.map { ($0.0.hvp_best_ms, $0.0.hvp_median_ms) }
let numpyHessianCached = numpy.map { ($0.0.hvp_cached_best_ms, $0.0.hvp_cached_median_ms) }
row("gradient", fusedGradient, numpyGradient, passes: 2)
row("Hessian-vector", fusedHessian, numpyHessian, passes: 3)
row("Hessian-vector, same W", fusedHessianCached, numpyHessianCached, passes: 2)
row("gradient, dense", denseGradient, numpyGradient, passes: 2, sparse: false)
row("Hessian-vector, dense", denseHessian, numpyHessian, passes: 3, sparse: false)
row("Hessian-vector, same W, d.", denseHessianCached, numpyHessianCached, passes: 2, sparse: false)
say(
    "(The design is \(format(100 * design.density, 1)) % nonzero. The first three rows read it in the sparse layout,"
        + " the last three densely:")
say(
    " the same results to the bit — \(layoutsAgree && layoutsAgreeOnHessian ? "checked in this run" : "NOT SO IN THIS RUN").)"
)
say("(gradient, Hessian-vector: a new W at every call; same W: the softmax step at W is reused, as in")
say(" a CG solve — by the kernels' cache in Swift, computed once beforehand in NumPy.)")
say("(design GB/s: the bytes the layout reads per pass (dense: 8 per entry; sparse: 3 per stored entry, rows and")
say(" columns, padding included) over the best time;")
say(" of copy: that over the copy bandwidth; roof: the larger of reading them at copy bandwidth and the")
say(" multiply–adds (on the nonzero entries, for the sparse layout) at the compute rate.)")
say(
    "gradient (plain formulas)  \(format(plainGradientTime, 1)) ms, one run; relative difference from fused \(String(format: "%.1e", plainError))"
)
if let numpy {
    say(
        "NumPy \(numpy.0.numpy) agrees: relative difference \(String(format: "%.1e", numpy.gradientError)) (gradient), \(String(format: "%.1e", numpy.hessianError)) (Hessian-vector)."
    )
    say(
        "Swift is \(format(numpy.0.gradient_best_ms / fusedGradient.best, 1))× faster than NumPy on the gradient, \(format(numpy.0.hvp_best_ms / fusedHessian.best, 1))× on the Hessian-vector product and \(format(numpy.0.hvp_cached_best_ms / fusedHessianCached.best, 1))× on it at the same W (best times)."
    )
}
say()

if let folder = dumpFolder {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let outputs: [(String, Vector)] = [
        ("gradient.bin", swiftGradient), ("hvp.bin", swiftHessian),
        ("losses.bin", design.losses(W, workspace: workspace)),
        ("dots.bin", design.gradientDots(W, V, workspace: workspace)),
        ("predictions.bin", design.predictions(W, workspace: workspace).map(Double.init)),
    ]
    for (name, values) in outputs {
        try values.withUnsafeBytes { try Data($0).write(to: folder.appendingPathComponent(name)) }
    }
    say("Kernel outputs written to \(folder.path).")
}
if kernelsOnly {
    if let folder = numpyFolder { try? FileManager.default.removeItem(at: folder) }
    exit(0)
}

// MARK: 3. One outer iteration of each method, T = 16

let T = 16
let L = problem.lowerCurvature(x: Vector(repeating: 0, count: n))!.L
let (alpha, x0, y0) = (1 / L, Vector(repeating: 0, count: n), Vector(repeating: 0, count: p))
let cgIterations = 10
let cg = HessianSolver.conjugateGradient(.fixed(iterations: cgIterations))
let gradientMilliseconds = fusedGradient.best
let linearWeights: Vector = [0.5, 0.5]
var linear = WCMHGD(preference: [0.5, 0.5], u: 0, outerSteps: 1, innerSteps: T, alpha: alpha, beta: 1, solver: cg)
linear.baseline = .linear(weights: linearWeights)
let wcmhgd = WCMHGD(preference: [0.5, 0.5], u: 1, outerSteps: 1, innerSteps: T, alpha: alpha, beta: 1, solver: cg)
let forum = FORUM(outerSteps: 1, innerSteps: T, eta: alpha, rho: 0.5, mu: 1)
let moml = MOML(outerSteps: 1, innerSteps: T, alpha: alpha, beta: 1)
let moco = MoCo(outerSteps: 1, innerSteps: T, alpha: alpha, mu: 1, gamma: 0.1, tracking: .constant(0.5), solver: cg)

/// A method: its name, its key and settings for scripts/bench_numpy_methods.py (taken
/// from the very values the Swift run uses), and the run.
struct MethodTiming {
    let name: String
    let key: String
    let settings: [String: Any]
    let run: (@escaping OuterObserver) throws -> OuterResult
}
let methods: [MethodTiming] = [
    MethodTiming(
        name: "linear scalarization (AID, CG 10)", key: "linear",
        settings: [
            "inner_steps": linear.innerSteps, "alpha": linear.alpha, "beta": linear.beta,
            "cg_iterations": cgIterations, "weights": linearWeights,
        ]
    ) {
        try linear.run(problem, x0: x0, y0: y0, observe: $0)
    },
    MethodTiming(
        name: "WC-MHGD (AID, CG 10)", key: "wcmhgd",
        settings: [
            "inner_steps": wcmhgd.innerSteps, "alpha": wcmhgd.alpha, "beta": wcmhgd.beta,
            "cg_iterations": cgIterations, "preference": wcmhgd.preference, "u": wcmhgd.u,
        ]
    ) {
        try wcmhgd.run(problem, x0: x0, y0: y0, observe: $0)
    },
    MethodTiming(
        name: "FORUM", key: "forum",
        settings: ["inner_steps": forum.innerSteps, "eta": forum.eta, "rho": forum.rho, "mu": forum.mu]
    ) {
        try forum.run(problem, x0: x0, y0: y0, observe: $0)
    },
    MethodTiming(
        name: "MOML (ITD through T)", key: "moml",
        settings: ["inner_steps": moml.innerSteps, "alpha": moml.alpha, "beta": moml.beta]
    ) {
        try moml.run(problem, x0: x0, y0: y0, observe: $0)
    },
    MethodTiming(
        name: "MoCo (AID, CG 10)", key: "moco",
        settings: [
            "inner_steps": moco.innerSteps, "alpha": moco.alpha, "mu": moco.mu, "gamma": moco.gamma,
            "cg_iterations": cgIterations,
        ]
    ) {
        try moco.run(problem, x0: x0, y0: y0, observe: $0)
    },
]
precondition(
    !wcmhgd.normalizePreference && wcmhgd.reference == nil && moco.weightUpdate == .projection
        && forum.momentum == .paper && !forum.normalizeGradients && !forum.printedMultiplier
        && moml.clipTwoObjectiveWeight == nil, "bench_numpy_methods.py mirrors these options only")

say("One outer iteration at this size, T = \(T) inner steps, from x = 0, W = 0 (best of 3):")
say("method                              time      in gradients   oracle calls (grad / Hv / mixed)   peak vectors")
var swiftResults: [(best: Double, x: Vector, y: Vector)] = []
for method in methods {
    var best = Double.infinity
    var last: OuterResult?
    var peak = 0
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        last = try method.run {
            peak = $0.peakVectors
            return true
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    let c = last!.counts
    swiftResults.append((best, last!.x, last!.y))
    say(
        "\(method.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(format(best, 1).leftPadded(7)) ms   \(format(best / gradientMilliseconds, 1).leftPadded(8))        \(String(c.lowerGradient + c.upperGradient).leftPadded(5)) / \(String(c.hessianVector).leftPadded(3)) / \(String(c.mixedVector).leftPadded(3))              \(peak)"
    )
}
say()

// The same iteration in NumPy (scripts/bench_numpy_methods.py) on the same data and
// settings; its x₁ and W₁ are read back and compared with ours.
struct NumPyMethodTimes: Decodable {
    let numpy: String
    let best_ms: [String: Double]
}
if numpySkipped == nil {
    let scale = problem.domainOfSample.map { 1 / Double(domains[$0].train.count) }
    write(scale, "scale.bin")
    for (s, set) in problem.validation.enumerated() {
        write(set.features.storage, "validation\(s).bin")
        write(labels: set.labels, "validation\(s)_labels.bin")
    }
    let settings: [String: Any] = [
        "ridge": problem.ridge, "L": L, "validation_counts": problem.validation.map(\.count),
        "methods": Dictionary(uniqueKeysWithValues: methods.map { ($0.key, $0.settings) }),
    ]
    try JSONSerialization.data(withJSONObject: settings, options: [.sortedKeys])
        .write(to: numpyFolder!.appendingPathComponent("methods.json"))
}
say("The same iteration in NumPy (scripts/bench_numpy_methods.py, best of 3), and how far its result is from ours:")
if let numpyMethods = runPython("bench_numpy_methods.py", reps: 3, as: NumPyMethodTimes.self) {
    say("method                              Swift       NumPy     Swift/NumPy   rel. diff x₁   rel. diff W₁")
    for (method, swift) in zip(methods, swiftResults) {
        guard let numpyTime = numpyMethods.best_ms[method.key], let x1 = read("\(method.key)_x.bin", count: n),
            let y1 = read("\(method.key)_y.bin", count: p)
        else {
            say("\(method.name.padding(toLength: 34, withPad: " ", startingAt: 0)) (no NumPy result)")
            continue
        }
        let differences = [relativeDifference(x1, swift.x), relativeDifference(y1, swift.y)].map {
            String(format: "%.1e", $0)
        }
        say(
            "\(method.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(format(swift.best, 1).leftPadded(7)) ms  \(format(numpyTime, 1).leftPadded(7)) ms  \(format(swift.best / numpyTime, 3).leftPadded(10))   \(differences[0].leftPadded(12))   \(differences[1].leftPadded(12))"
        )
    }
    say(
        "(rel. diff: ‖x₁(NumPy) − x₁(Swift)‖ / ‖x₁(NumPy)‖ after the iteration, likewise for W₁; NumPy \(numpyMethods.numpy).)"
    )
}
if let folder = numpyFolder { try? FileManager.default.removeItem(at: folder) }
