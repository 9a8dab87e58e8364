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

The kernels below (softmax_step, weighted_gradient, weighted_hvp, timed) are shared with
bench_numpy_methods.py, the NumPy side of the benchmark's outer iterations.
"""
import json
import sys
import time

import numpy as np


def softmax_step(Z, b):
    """Row-wise probabilities p_i = softmax(z_i) and losses l_i = log sum_c e^{z_ic} - z_ib_i,
    shifted by the row maximum as the Swift kernel does."""
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    total = E.sum(axis=1)
    return E / total[:, None], np.log(total) - Z[np.arange(len(b)), b]


def weighted_gradient(A, P, b, omega):
    """G = sum_i omega_i a_i (p_i - e_{b_i})^T, given the probabilities P (left unchanged)."""
    R = P.copy()
    R[np.arange(len(b)), b] -= 1.0
    return A.T @ (R * omega[:, None])


def weighted_hvp(A, P, V, omega):
    """H[V] = sum_i omega_i a_i (J_i V^T a_i)^T,  J_i = diag(p_i) - p_i p_i^T, given P."""
    U = A @ V
    R = P * (U - (P * U).sum(axis=1, keepdims=True))
    return A.T @ (R * omega[:, None])


def timed(f, reps, warm_up=True):
    """Best and median wall time of f() over reps runs (after one warm-up run), in ms."""
    if warm_up:
        f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return 1e3 * times[0], 1e3 * times[len(times) // 2]


def main():
    folder, reps = sys.argv[1], int(sys.argv[2])
    n, D, C = (int(t) for t in open(f"{folder}/sizes.txt").read().split())
    A = np.fromfile(f"{folder}/design.bin", dtype="<f8").reshape(n, D)
    b = np.fromfile(f"{folder}/labels.bin", dtype="<i8")
    omega = np.fromfile(f"{folder}/omega.bin", dtype="<f8")
    W = np.fromfile(f"{folder}/W.bin", dtype="<f8").reshape(D, C)
    V = np.fromfile(f"{folder}/V.bin", dtype="<f8").reshape(D, C)

    def gradient():
        return weighted_gradient(A, softmax_step(A @ W, b)[0], b, omega)

    def hvp():
        return weighted_hvp(A, softmax_step(A @ W, b)[0], V, omega)

    # As in a CG solve: the probabilities at W computed once, reused by every product.
    P_cached = softmax_step(A @ W, b)[0]

    def hvp_cached():
        return weighted_hvp(A, P_cached, V, omega)

    g_best, g_median = timed(gradient, reps)
    h_best, h_median = timed(hvp, reps)
    hc_best, hc_median = timed(hvp_cached, reps)
    gradient().astype("<f8").tofile(f"{folder}/gradient.bin")
    hvp().astype("<f8").tofile(f"{folder}/hvp.bin")
    print(json.dumps({"numpy": np.__version__, "gradient_best_ms": g_best, "gradient_median_ms": g_median,
                      "hvp_best_ms": h_best, "hvp_median_ms": h_median,
                      "hvp_cached_best_ms": hc_best, "hvp_cached_median_ms": hc_median}))


if __name__ == "__main__":
    main()
