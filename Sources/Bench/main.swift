import Foundation
import MOBL

var rng = SeededGenerator(seed: 1)
let (n, D, C) = (10000, 785, 10)
var A = Matrix(rows: n, columns: D)
for i in 0..<A.storage.count { A.storage[i] = rng.uniform() }
let labels = (0..<n).map { _ in rng.integer(below: C) }
let design = try SoftmaxDesign(features: A, labels: labels, classes: C)
let W = (0..<(D*C)).map { _ in 0.01 * rng.gaussian() }
let V = (0..<(D*C)).map { _ in rng.gaussian() }
let omega = (0..<n).map { _ in rng.uniform() / Double(n) }
let ws = SoftmaxWorkspace()
func time(_ label: String, reps: Int = 20, _ body: () -> Void) {
    body()
    var best = Double.infinity
    for _ in 0..<reps { let t = Date(); body(); best = min(best, Date().timeIntervalSince(t)) }
    print(label, String(format: "%.2f ms", best * 1000))
}
var g = Vector(repeating: 0, count: D*C)
time("fused gradient") { W.withUnsafeBufferPointer { w in omega.withUnsafeBufferPointer { o in g.withUnsafeMutableBufferPointer { _ = design.gradient(w, rowWeights: o, into: $0, workspace: ws) } } } }
time("fused hvp") { W.withUnsafeBufferPointer { w in V.withUnsafeBufferPointer { v in omega.withUnsafeBufferPointer { o in g.withUnsafeMutableBufferPointer { design.hessianVector(w, v, rowWeights: o, into: $0, workspace: ws) } } } } }
let small = design.subset(Array(0..<500))
let so = Array(omega[0..<500])
let pg = small.plainGradient(W, rowWeights: so), fg = small.gradient(W, rowWeights: so, workspace: ws).gradient
let ph = small.plainHessianVector(W, V, rowWeights: so), fh = small.hessianVector(W, V, rowWeights: so, workspace: ws)
print("grad rel diff", norm(pg - fg) / norm(pg), "hvp rel diff", norm(ph - fh) / norm(ph))
