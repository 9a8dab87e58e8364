#!/usr/bin/env python3
"""The NumPy side of `make bench`: the same float64 softmax-regression math as the
course's fused kernels, timed in the same run.

Usage: bench_numpy.py FOLDER REPS
FOLDER holds what the Swift benchmark wrote (little-endian float64 / int64, row-major):
  sizes.txt   "n D C"
  design.bin  n x D      labels.bin  n (int64)      omega.bin  n
  W.bin, V.bin  D x C
Writes gradient.bin and hvp.bin (D x C) back for the Swift side to compare, and prints
one JSON line: the best and median times in milliseconds and NumPy's version. The
Hessian-vector product is timed twice: from scratch, and with the probabilities at W
computed once beforehand (as the Swift kernels cache them during a CG solve).
"""
import json
import sys
import time

import numpy as np


def main():
    folder, reps = sys.argv[1], int(sys.argv[2])
    n, D, C = (int(t) for t in open(f"{folder}/sizes.txt").read().split())
    A = np.fromfile(f"{folder}/design.bin", dtype="<f8").reshape(n, D)
    b = np.fromfile(f"{folder}/labels.bin", dtype="<i8")
    omega = np.fromfile(f"{folder}/omega.bin", dtype="<f8")
    W = np.fromfile(f"{folder}/W.bin", dtype="<f8").reshape(D, C)
    V = np.fromfile(f"{folder}/V.bin", dtype="<f8").reshape(D, C)
    rows = np.arange(n)

    def softmax(Z):
        Z = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        return P / P.sum(axis=1, keepdims=True)

    def gradient():
        # G = sum_i omega_i a_i (p_i - e_{b_i})^T
        R = softmax(A @ W)
        R[rows, b] -= 1.0
        return A.T @ (R * omega[:, None])

    def hvp_given(P):
        # H[V] = sum_i omega_i a_i (J_i V^T a_i)^T,  J_i = diag(p_i) - p_i p_i^T
        U = A @ V
        R = P * (U - (P * U).sum(axis=1, keepdims=True))
        return A.T @ (R * omega[:, None])

    def hvp():
        return hvp_given(softmax(A @ W))

    # As in a CG solve: the probabilities at W computed once, reused by every product.
    P_cached = softmax(A @ W)

    def hvp_cached():
        return hvp_given(P_cached)

    def timed(f):
        f()
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
        times.sort()
        return 1e3 * times[0], 1e3 * times[len(times) // 2]

    g_best, g_median = timed(gradient)
    h_best, h_median = timed(hvp)
    hc_best, hc_median = timed(hvp_cached)
    gradient().astype("<f8").tofile(f"{folder}/gradient.bin")
    hvp().astype("<f8").tofile(f"{folder}/hvp.bin")
    print(json.dumps({"numpy": np.__version__, "gradient_best_ms": g_best, "gradient_median_ms": g_median,
                      "hvp_best_ms": h_best, "hvp_median_ms": h_median,
                      "hvp_cached_best_ms": hc_best, "hvp_cached_median_ms": hc_median}))


if __name__ == "__main__":
    main()
