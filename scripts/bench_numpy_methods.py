#!/usr/bin/env python3
"""The NumPy side of `make bench`, section 3: ONE outer iteration (k = 0) of each method
on data hyper-cleaning, the same float64 math as the Swift library, timed in the same run.

Usage: bench_numpy_methods.py FOLDER REPS
FOLDER holds what the Swift benchmark wrote (little-endian float64 / int64, row-major):
  sizes.txt  "n D C"     design.bin  n x D (the training design)     labels.bin  n (int64)
  scale.bin  n (1/N_d of each sample's domain)
  validation{s}.bin  M_s x D,  validation{s}_labels.bin  M_s (int64), s = 0 .. S-1
  methods.json  the settings: ridge c, L (steps must be below 2/L), the validation sizes,
                and per method its own (inner steps T, alpha or eta, beta, mu, rho, gamma,
                CG iterations, ...)
Every method starts from x = 0, W = 0. Writes {method}_x.bin (n) and {method}_y.bin
(D*C, W row-major) after the iteration, for the Swift side to compare with its own, and
prints one JSON line: NumPy's version and each method's best time of REPS runs, in ms.

Each function mirrors the Swift file named in its docstring, oracle call for oracle call
(the same gradients, Hessian-vector and mixed products, in the same order), so the two
times compare the same work. At k = 0 some state of the Swift loops has its initial
value: CG starts cold (v = 0), FORUM's smoothed weights are lambda_0 (beta_0 = 1), MoCo's
tracked Y is the first estimate (its tracking weight is first used at k = 1).
"""
import itertools
import json
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in scripts/ from the import below
from bench_numpy import softmax_step, timed, weighted_gradient, weighted_hvp  # noqa: E402


# MARK: Oracles

class Design:
    """A labelled design A (rows a_i) with labels b and C classes; W and V are flat D*C
    vectors (W row-major D x C, as SoftmaxDesign). Keeps the softmax step of the last W it
    saw, as the Swift kernels' SoftmaxWorkspace does (Kernels/FusedSoftmaxKernels.swift):
    a CG solve's products and the mixed product at one W compute it once."""

    def __init__(self, A, b, C):
        self.A, self.b, self.C = A, b, C
        self.last_W = None

    def step(self, W):
        if self.last_W is None or not np.array_equal(self.last_W, W):
            self.last_W = W.copy()
            self.P, self.losses_at_W = softmax_step(self.A @ W.reshape(-1, self.C), self.b)
        return self.P

    def losses(self, W):
        self.step(W)
        return self.losses_at_W

    def gradient(self, W, omega):
        return weighted_gradient(self.A, self.step(W), self.b, omega).ravel()

    def hessian_vector(self, W, V, omega):
        return weighted_hvp(self.A, self.step(W), V.reshape(-1, self.C), omega).ravel()

    def gradient_dots(self, W, V):
        """<grad_W l_i(W), V> = (V^T a_i) . (p_i - e_{b_i}) for every row."""
        P = self.step(W)
        U = self.A @ V.reshape(-1, self.C)
        return (P * U).sum(axis=1) - U[np.arange(len(self.b)), self.b]


class HyperCleaning:
    """The oracles of Problems/HyperCleaning.swift: omega_i = sigma(x_i)/N_d,
    g = sum_i omega_i l_i(W) + (c/2)|W|^2, f_s = mean validation loss of domain s, grad_x f_s = 0."""

    def __init__(self, train, scale, validation, ridge):
        self.train, self.scale, self.validation, self.ridge = train, scale, validation, ridge
        self.S = len(validation)

    def omega(self, x):
        return self.scale * (1 / (1 + np.exp(-x)))

    def sigmoid_prime_scaled(self, x):
        s = 1 / (1 + np.exp(-x))
        return self.scale * s * (1 - s)

    def upper_values(self, W):
        return np.array([v.losses(W).sum() / len(v.b) for v in self.validation])

    def upper_gradient_y(self, s, W):
        v = self.validation[s]
        return v.gradient(W, np.full(len(v.b), 1 / len(v.b)))

    def lower_value(self, x, W):
        return self.omega(x) @ self.train.losses(W) + 0.5 * self.ridge * (W @ W)

    def lower_gradient_x(self, x, W):
        return self.sigmoid_prime_scaled(x) * self.train.losses(W)

    def lower_gradient_y(self, x, W):
        return self.train.gradient(W, self.omega(x)) + self.ridge * W

    def hessian_vector(self, x, W, V):
        return self.train.hessian_vector(W, V, self.omega(x)) + self.ridge * V

    def mixed_vector(self, x, W, V):
        return self.sigmoid_prime_scaled(x) * self.train.gradient_dots(W, V)


# MARK: Building blocks

def combination(coefficients, vectors):
    """sum_k c_k v_k, accumulated from zero in order (Linear/Vector.swift)."""
    result = np.zeros_like(vectors[0])
    for c, v in zip(coefficients, vectors):
        result += c * v
    return result


def gram(vectors):
    return np.array([[u @ v for v in vectors] for u in vectors])


def conjugate_gradient(apply, b, iterations):
    """CG for H v = b from v = 0 with a fixed number of iterations, then the true residual
    (one more product, as Linear/ConjugateGradient.swift does). Returns v."""
    v = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rr = r @ r
    for k in range(iterations):
        if rr == 0:
            break
        hp = apply(p)
        curvature = p @ hp
        if not curvature > 0:
            raise ArithmeticError(f"non-positive curvature {curvature} at CG iteration {k + 1}")
        alpha = rr / curvature
        v += alpha * p
        r -= alpha * hp
        rr_next = r @ r
        p = r + (rr_next / rr) * p
        rr = rr_next
    apply(v)  # the true residual b - H v: computed by the Swift solver, part of its cost
    return v


def simplex_qp_2(P, c):
    """min w^T P w + c^T w over w = (t, 1 - t) or w = (t, 1 - t, nu), t in [0, 1], nu >= 0,
    exactly (Weights/SimplexQP.swift solves it by enumerating supports; for S = 2 that is
    every face of the set): on each face the quadratic's minimizer on the face's affine
    hull, kept when it lies in the face; the lowest of them is the optimum (convexity).
    Returns (lambda, nu); nu = 0 without the extra unknown."""
    m = len(c) - 2
    B = np.zeros((2 + m, 1 + m))  # w = B z + w0, z = (t[, nu])
    B[0, 0], B[1, 0] = 1.0, -1.0
    if m:
        B[2, 1] = 1.0
    w0 = np.zeros(2 + m)
    w0[1] = 1.0
    H = B.T @ P @ B
    g = 2 * B.T @ P @ w0 + B.T @ c
    best = None
    # Each unknown is free or at one of its bounds: t in {free, 0, 1}, nu in {free, 0}.
    for z in itertools.product([None, 0.0, 1.0], *[[None, 0.0]] * m):
        z = np.array([np.nan if value is None else value for value in z])
        free = np.isnan(z)
        if free.any():
            fixed = np.where(free, 0.0, z)
            try:
                z[free] = np.linalg.solve(2 * H[np.ix_(free, free)], -(g + 2 * H @ fixed)[free])
            except np.linalg.LinAlgError:
                continue
        if not (0 <= z[0] <= 1 and (m == 0 or z[1] >= 0)):
            continue
        value = z @ H @ z + g @ z
        if best is None or value < best[0]:
            best = (value, z)
    t = best[1][0]
    return np.array([t, 1 - t]), (best[1][1] if m else 0.0)


def min_norm_weights(gradients):
    """MGDA's argmin_{lambda in simplex} |sum_s lambda_s g_s|^2 (Weights/MultiGradientWeights.swift)."""
    return simplex_qp_2(gram(gradients), np.zeros(2))[0]


def chebyshev_weights(gradients, values, r, u):
    """argmin_{lambda in simplex} |sum_s r_s lambda_s g_s|^2 - u sum_s lambda_s r_s f_s, reference
    z = 0 (Weights/MultiGradientWeights.swift)."""
    scaled = [r_s * g for r_s, g in zip(r, gradients)]
    return simplex_qp_2(gram(scaled), -u * r * (values - 0))[0]


def project_onto_simplex(v):
    """The Euclidean projection onto the simplex, by sorting (Weights/SimplexProjection.swift)."""
    shifted = v - v.max()
    cumulative, theta = 0.0, None
    for k, u in enumerate(np.sort(shifted)[::-1]):
        cumulative += u
        candidate = (cumulative - 1) / (k + 1)
        if theta is None or u > candidate:
            theta = candidate
    return np.maximum(shifted - theta, 0)


def inner_gradient_descent(problem, x, W, steps, alpha):
    """steps of W <- W - alpha grad_W g(x, W) (Hypergradient/InnerSolver.swift)."""
    for _ in range(steps):
        W = W - alpha * problem.lower_gradient_y(x, W)
    return W


def aid_hypergradients(problem, x, W, cg_iterations):
    """One AID estimate per objective (Algorithms/Hypergradients.swift, aidHypergradient in
    Hypergradient/Hypergradient.swift): H v_s = grad_W f_s by CG, h_s = grad_x f_s - mixed(v_s)
    with grad_x f_s = 0, and the value f_s. Returns ([h_s], [f_s])."""
    gradients, values = [], []
    for s in range(problem.S):
        b = problem.upper_gradient_y(s, W)
        v = conjugate_gradient(lambda V: problem.hessian_vector(x, W, V), b, cg_iterations)
        gradients.append(-problem.mixed_vector(x, W, v))
        values.append(problem.upper_values(W)[s])
    return gradients, np.array(values)


# MARK: The methods: one outer iteration each, from (x, W); each returns (x_1, W_1)

def linear_scalarization(problem, x, W, st):
    """WC-MHGD with the baseline rule .linear(weights:) (Algorithms/WCMHGD.swift, runLoop;
    Algorithms/MultiGradientDescent.swift, DescentRule): x_1 = x - beta sum_s w_s h_s."""
    W = inner_gradient_descent(problem, x, W, st["inner_steps"], st["alpha"])
    gradients, _ = aid_hypergradients(problem, x, W, st["cg_iterations"])
    d = -1.0 * combination(st["weights"], gradients)
    return x + st["beta"] * d, W


def wcmhgd(problem, x, W, st):
    """WC-MHGD (Algorithms/WCMHGD.swift): the Chebyshev weights lambda of the AID estimates,
    x_1 = x - beta sum_s r_s lambda_s h_s."""
    W = inner_gradient_descent(problem, x, W, st["inner_steps"], st["alpha"])
    gradients, values = aid_hypergradients(problem, x, W, st["cg_iterations"])
    r = np.array(st["preference"])
    lam = chebyshev_weights(gradients, values, r, st["u"])
    return x - st["beta"] * combination(r * lam, gradients), W


def forum(problem, x, W, st):
    """FORUM (Algorithms/FORUM.swift): the value-function constraint with T inner steps
    (ValueFunctionConstraint), the direction QP's weights (FORUMDirection), the multiplier
    nu(lambda) (forumMultiplier), z_1 = z - mu (sum_i lambda_i grad F_i + nu grad q) on z = (x, W)."""
    n = len(x)
    W_tilde = inner_gradient_descent(problem, x, W, st["inner_steps"], st["eta"])
    problem.lower_value(x, W) - problem.lower_value(x, W_tilde)  # q(z), recorded by Swift
    gx = problem.lower_gradient_x(x, W) - problem.lower_gradient_x(x, W_tilde)
    gq = np.concatenate([gx, problem.lower_gradient_y(x, W)])
    problem.upper_values(W)  # the values, recorded by Swift
    F = [np.concatenate([np.zeros(n), problem.upper_gradient_y(s, W)]) for s in range(problem.S)]
    phi = 0.5 * st["rho"] * (gq @ gq)
    if phi == 0:
        lam = min_norm_weights(F)
    else:
        lam, _ = simplex_qp_2(gram(F + [gq]), np.array([0.0, 0.0, -2 * phi]))
    # beta_0 = 1: the smoothed weights are lambda_0; nu(lambda) = max(sum_i lambda_i pi_i, 0).
    pi = np.array([(phi - gq @ f) / (gq @ gq) for f in F])
    nu = max(lam @ pi, 0.0)
    combined = combination(lam, F)
    combined += nu * gq
    step = -st["mu"] * combined
    return x + step[:n], W + step[n:]


def moml(problem, x, W, st):
    """MOML (Algorithms/MOML.swift; itdHypergradients in Hypergradient/Hypergradient.swift):
    T stored inner steps, one reverse pass per objective, MGDA weights, x_1 = x - beta sum lambda_s h_s."""
    alpha, T = st["alpha"], st["inner_steps"]
    iterates = [W]
    for t in range(T):
        iterates.append(iterates[t] - alpha * problem.lower_gradient_y(x, iterates[t]))
    gradients = []
    for s in range(problem.S):
        h = np.zeros_like(x)
        v = problem.upper_gradient_y(s, iterates[T])
        for t in range(T - 1, -1, -1):
            h -= alpha * problem.mixed_vector(x, iterates[t], v)
            if t > 0:
                v = v - alpha * problem.hessian_vector(x, iterates[t], v)
        gradients.append(h)
        problem.upper_values(iterates[T])  # the value, recorded by Swift
    lam = min_norm_weights(gradients)
    return x - st["beta"] * combination(lam, gradients), iterates[T]


def moco(problem, x, W, st):
    """MoCo (Algorithms/MoCo.swift) at k = 0: the AID estimates are the tracked Y, one
    projected step lambda = proj(lambda_0 - gamma Y^T Y lambda_0) from lambda_0 = (1/S, ...),
    x_1 = x - mu Y lambda."""
    W = inner_gradient_descent(problem, x, W, st["inner_steps"], st["alpha"])
    tracked, _ = aid_hypergradients(problem, x, W, st["cg_iterations"])
    lam0 = np.full(problem.S, 1 / problem.S)
    combined = combination(lam0, tracked)
    moved = lam0 - st["gamma"] * np.array([y @ combined for y in tracked])
    lam = project_onto_simplex(moved)
    return x - st["mu"] * combination(lam, tracked), W


METHODS = {"linear": linear_scalarization, "wcmhgd": wcmhgd, "forum": forum, "moml": moml, "moco": moco}


def main():
    folder, reps = sys.argv[1], int(sys.argv[2])
    n, D, C = (int(t) for t in open(f"{folder}/sizes.txt").read().split())
    with open(f"{folder}/methods.json") as file:
        settings = json.load(file)

    def design(features, labels, count):
        A = np.fromfile(f"{folder}/{features}", dtype="<f8").reshape(count, D)
        return Design(A, np.fromfile(f"{folder}/{labels}", dtype="<i8"), C)

    train = design("design.bin", "labels.bin", n)
    validation = [design(f"validation{s}.bin", f"validation{s}_labels.bin", count)
                  for s, count in enumerate(settings["validation_counts"])]
    scale = np.fromfile(f"{folder}/scale.bin", dtype="<f8")
    problem = HyperCleaning(train, scale, validation, settings["ridge"])
    # Steps beyond 2/L are refused, as by checkStep in Problems/BilevelProblem.swift.
    for key, method_settings in settings["methods"].items():
        step = method_settings.get("alpha", method_settings.get("eta"))
        if not 0 < step < 2 / settings["L"]:
            raise ValueError(f"{key}: inner step {step} outside (0, 2/L), L = {settings['L']}")
    x0, W0 = np.zeros(n), np.zeros(D * C)
    times = {}
    for key, method_settings in settings["methods"].items():
        results = []
        # Best of REPS runs without a warm-up, as the Swift side times its methods.
        times[key] = timed(lambda: results.append(METHODS[key](problem, x0, W0, method_settings)), reps,
                           warm_up=False)[0]
        x1, W1 = results[-1]
        x1.astype("<f8").tofile(f"{folder}/{key}_x.bin")
        W1.astype("<f8").tofile(f"{folder}/{key}_y.bin")
    print(json.dumps({"numpy": np.__version__, "best_ms": times}))


if __name__ == "__main__":
    main()
