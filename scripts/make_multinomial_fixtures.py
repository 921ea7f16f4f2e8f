#!/usr/bin/python3
"""Regenerate tests/fixtures/multinomial/*.h5: reference optima of multinomial (softmax) logistic
regression computed by an INDEPENDENT solver (scikit-learn + numpy), and scikit-learn's
classification metrics at fixed parameters, for the multinomial tests.

Run from anywhere (needs Debian's python3-sklearn, python3-h5py and python3-statsmodels, the
last only for its bundled copy of the anes96 data; /usr/bin/python3):

    /usr/bin/python3 scripts/make_multinomial_fixtures.py

Output is deterministic (fixed seeds, no timestamps in the HDF5 files). CI only reads the
committed outputs; it never runs this script.

Objective (K classes, unit sample weights), W (K × d), b (K), yᵢ ∈ {0 … K−1}:

    J(W, b) = (1/N) Σᵢ −log softmax(W xᵢ + b)_{yᵢ} + (l2/2)‖W‖²_F + l1 Σ|W_kj|

intercepts unpenalized. For l1 = 0 this is scikit-learn's LogisticRegression(
multi_class='multinomial', C = 1/(l2·N)) divided by C·N; the elastic net there is
C·Σℓ + ρ‖W‖₁ + (1−ρ)/2‖W‖²_F, i.e. l1 = ρ/(C·N), l2 = (1−ρ)/(C·N).

Parameter vector θ (the project's contract, class-major), length K·(d+1):

    θ = [W row 0 (d), …, W row K−1 (d), b₀, …, b_{K−1}]

GAUGE: softmax is unchanged when the same constant is added to every bₖ, and the intercepts are
not penalized, so J has a line of minimizers in b (the Hessian is singular along it). The
references are stored with Σₖ bₖ = 0 in the parametrization that was solved (X for "raw", the
standardized X̃ for "std"); compare intercepts after removing their mean over classes (a common
shift maps to the same common shift between the two parametrizations). With l2 > 0 the
optimal W is unique and its columns sum to zero over the classes (∑ₖ ∇_{W_k} of the loss is 0).

"std" references follow the project's `model.standardize: true` semantics: X̃ = (X − μ)/σ with
the POPULATION standard deviation (ddof = 0; a constant feature keeps σ = 1), the penalty is on
the coefficients W̃ of X̃, and coef/intercept are mapped back to original units: W = W̃/σ
(column-wise), bₖ = b̃ₖ − μ·Wₖ. The standardized solution is stored too (coef_std,
intercept_std). For "std", `grad_norm` is ‖∇J‖∞ w.r.t. (W̃, b̃); for "raw" w.r.t. (W, b).

Data sets (all real categorical targets, shipped by installed Debian packages):
  digits  sklearn.datasets.load_digits                      1797 × 64, K = 10 (the digit)
  wine    sklearn.datasets.load_wine                         178 × 13, K = 3 (the cultivar)
  iris    sklearn.datasets.load_iris                         150 × 4,  K = 3 (the species)
  anes96  statsmodels.datasets.anes96 (python3-statsmodels)  944 × 5,  K = 7: party
          identification PID (0 strong Democrat … 6 strong Republican) from statsmodels' own
          MNLogit example regressors logpopul = log(popul + 0.1), selfLR, age, educ, income

Per file (tests/fixtures/multinomial/<name>.h5): datasets X (n, d) float64 (gzip) and y (n,)
float64 holding the class index; std_mean, std_scale (d,); root attributes classes (K), source,
generator, versions; and groups

  ref/l2_<1e-02|1e-04>/<raw|std>: coef (K, d), intercept (K,) in original units ("std" also
      coef_std, intercept_std); attributes objective, grad_norm (‖∇J‖∞ at the reference),
      method, l2, l1, standardize, n_newton_polish, sklearn_n_iter, sklearn_grad_norm (‖∇J‖∞ at
      scikit-learn's lbfgs start point, before polishing).
  ref_l1/l1_1e-03_l2_0e+00/std: the L1 optimum on standardized features; coef, intercept,
      coef_std, intercept_std; attributes objective (incl. the l1 term), kkt_violation
      (‖minimum-norm subgradient‖∞ w.r.t. (W̃, b̃)), zeros (exact zeros in coef), nnz_coef,
      min_zero_slack (min over zero W̃_kj of l1 − |∂_kj f|), min_nonzero_abs_std,
      flat_shift_columns (see below), saga_n_iter, saga_kkt_violation, method, l1, l2.
  metrics/<case>: for a fixed θ, scikit-learn's metrics on (X, y): theta (K·(d+1), contract
      order), attributes log_loss (sklearn.metrics.log_loss(y, P, labels=0..K−1), sklearn 1.2's
      eps='auto' = 2.22e-16 clipping then renormalizing), accuracy (accuracy_score(y, predict)),
      auc_ovr_macro (roc_auc_score(y, P, multi_class='ovr', average='macro', labels=0..K−1));
      dataset auc_per_class (K,). P = predict_proba of a LogisticRegression given coef_ and
      intercept_ (sklearn's own softmax); wine's cases also store P as dataset proba (n, K).
      Cases: "random" (W̃ ~ N(0, 0.5²) on the standardized scale, b ~ N(0, 0.5²), mapped to
      original units; seed 20261202 + K), "sharp" (the same ×40: most probabilities underflow
      or clip, so the eps clipping is exercised) and "l2_1e-02_raw" (that optimum).

L1 uniqueness: with l2 = 0 the l1 term alone fixes the per-feature shift W_kj → W_kj + c_j that
leaves the loss unchanged only if Σₖ|W_kj + c| has a unique minimizer at c = 0. A column where
it does not (no zeros and as many positive as negative entries, or |#pos − #neg| = #zeros > 0)
has a segment of optima with equal J: flat_shift_columns counts them; where it is non-zero,
compare objectives, not coefficients, for that case.

Reference solves:
  * L2: sklearn LogisticRegression(multi_class='multinomial', solver='lbfgs', tol=1e-14,
    max_iter=100000, C=1/(l2·N)), intercepts centered, then exact Newton steps in numpy (float64,
    full K(d+1)-square Hessian, the gauge direction (0, 1_K) lifted by a rank-one term so the
    system is non-singular; intercepts re-centered after every step), with a backtracking line
    search, while ‖∇J‖∞ ≥ 1e-14 and it keeps decreasing; the iterate with the smallest ‖∇J‖∞ is
    kept. Target (checked, else the script fails): ‖∇J‖∞ ≤ 1e-12.
  * L1: sklearn saga (penalty='l1', multi_class='multinomial', C=1/(l1·N), tol=1e-10,
    max_iter=20000, random_state=0) on X̃, then proximal Newton in numpy: the quadratic model
    (exact Hessian of the smooth part, gauge lifted as above) plus l1‖W̃‖₁ minimized by cyclic
    coordinate descent with soft-thresholding (exact zeros), then a backtracking line search on
    the full objective, until the KKT violation stops decreasing or is < 1e-15. Target
    (checked): kkt_violation ≤ 1e-12.
"""

import math
import os
import sys
import warnings

import h5py
import numpy as np
import scipy
import sklearn
from scipy.special import logsumexp
from sklearn.datasets import load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

# The binary fixtures' conventions (this directory is on sys.path when run as a script).
from make_reference_fixtures import EPS, ascii_attr, standardization, tag

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "multinomial")

ANES96_CSV = "/usr/lib/python3/dist-packages/statsmodels/datasets/anes96/anes96.csv"

L2_VALUES = (1e-2, 1e-4)
L1_CASE = (1e-3, 0.0)  # (l1, l2), standardized only
GRAD_TARGET = 1e-12


# ----------------------------------------------------------------------------------------------
# Data

def load_anes96():
    """statsmodels.datasets.anes96 as its load() builds it, read from the CSV it ships."""
    with open(ANES96_CSV) as f:
        header = [h.strip("'") for h in f.readline().split()]
    raw = np.loadtxt(ANES96_CSV, skiprows=1)
    col = {name: raw[:, i] for i, name in enumerate(header)}
    X = np.c_[np.log(col["popul"] + 0.1), col["selfLR"], col["age"], col["educ"],
              col["income"]]
    return X, col["PID"]


def load_data():
    out = {}
    X, t = load_digits(return_X_y=True)
    out["digits"] = (X.astype(float), t, "sklearn.datasets.load_digits; y = the digit 0..9")
    X, t = load_wine(return_X_y=True)
    out["wine"] = (X, t, "sklearn.datasets.load_wine; y = the cultivar 0..2")
    X, t = load_iris(return_X_y=True)
    out["iris"] = (X, t, "sklearn.datasets.load_iris; y = the species 0..2")
    X, t = load_anes96()
    out["anes96"] = (X, t, f"statsmodels.datasets.anes96 ({ANES96_CSV}, python3-statsmodels); "
                     "y = PID party identification 0..6; X = logpopul=log(popul+0.1), selfLR, "
                     "age, educ, income (statsmodels' MNLogit example regressors)")
    data = {}
    for name, (X, t, source) in out.items():
        y = np.asarray(t, dtype=float)
        K = int(y.max()) + 1
        assert X.dtype == np.float64 and X.ndim == 2 and y.shape == (X.shape[0],), name
        assert np.array_equal(np.unique(y), np.arange(K, dtype=float)), name
        data[name] = (X, y, K, source)
    return data


# ----------------------------------------------------------------------------------------------
# Objective in numpy (independent of the C++ code). Internally Θ is (K, d+1): row k = [Wₖ, bₖ].

class Problem:
    """J, ∇J in x87 extended precision (np.longdouble, 64-bit significand): the polish then
    converges to the double θ nearest the optimum instead of stalling on float64 rounding noise
    in ∇J (about 1e-12 on raw wine, whose proline column is ~1e3). `value64`/`grad64` are the
    plain float64 evaluations, reported beside them."""

    def __init__(self, X, y, K):
        self.A = np.c_[X, np.ones(len(y))]
        self.AL = self.A.astype(np.longdouble)
        self.y = y.astype(int)
        self.K = K
        self.n, self.p = self.A.shape  # p = d + 1
        self.Y = np.zeros((self.n, K))
        self.Y[np.arange(self.n), self.y] = 1.0

    def _logits(self, T, A):
        Z = A @ T.astype(A.dtype).T
        return Z, logsumexp(Z, axis=1)

    def probs(self, T, A=None):
        Z, lse = self._logits(T, self.AL if A is None else A)
        return np.exp(Z - lse[:, None])

    def loss(self, T, A=None):
        Z, lse = self._logits(T, self.AL if A is None else A)
        terms = lse - Z[np.arange(self.n), self.y]
        return float(np.sort(terms).sum(dtype=np.longdouble)) / self.n

    def smooth_value(self, T, l2):
        W = T[:, :-1]
        return self.loss(T) + 0.5 * l2 * math.fsum((W * W).ravel())

    def full_value(self, T, l2, l1):
        return self.smooth_value(T, l2) + l1 * math.fsum(np.abs(T[:, :-1]).ravel())

    def smooth_grad(self, T, l2, A=None):
        A = self.AL if A is None else A
        G = (self.probs(T, A) - self.Y).T @ A / self.n
        G[:, :-1] += l2 * T[:, :-1]
        return G.astype(np.float64)

    def grad64(self, T, l2):
        return self.smooth_grad(T, l2, self.A)

    def smooth_hess(self, T, l2):
        """Hessian for the row-major flattening of Θ (float64), plus the gauge lift
        (0, 1_K)(0, 1_K)ᵀ/K that makes it non-singular without changing steps ⟂ to the gauge."""
        P = self.probs(T, self.A)
        K, p = self.K, self.p
        H = np.zeros((K * p, K * p))
        for k in range(K):
            for m in range(k, K):
                w = P[:, k] * ((k == m) - P[:, m])
                block = self.A.T @ (self.A * w[:, None]) / self.n
                H[k * p:(k + 1) * p, m * p:(m + 1) * p] = block
                H[m * p:(m + 1) * p, k * p:(k + 1) * p] = block.T
        idx = np.arange(K * p).reshape(K, p)
        w_idx = idx[:, :-1].ravel()
        H[w_idx, w_idx] += l2
        b_idx = idx[:, -1]
        H[np.ix_(b_idx, b_idx)] += 1.0 / K
        return H


def center(T):
    T = T.copy()
    T[:, -1] -= T[:, -1].mean()
    return T


# ----------------------------------------------------------------------------------------------
# L2 references

def backtrack(T, F, m, full, D, delta, evaluate):
    """The first of t = 1, ½, ¼, … (60 tries) whose point satisfies Armijo on F, or leaves F
    flat to rounding with a smaller m: (point, F, m), or None."""
    t = 1.0
    for _ in range(60):
        T2 = center(full if t == 1.0 else T + t * D)  # t = 1 keeps a prox step's zeros
        F2, m2 = evaluate(T2)
        armijo = F2 <= F + 1e-4 * t * delta
        if armijo or (F2 <= F + 8 * EPS * abs(F) and m2 < m):
            return T2, F2, m2
        t *= 0.5
    return None


def descend(T, evaluate, step, target, max_steps=100):
    """The damped (proximal) Newton loop of both polishes. evaluate(T) -> (F, m): the objective
    and the optimality measure (‖∇J‖∞, or the KKT violation); step(T) -> (the point at t = 1,
    the direction D, the predicted change δ < 0). Keeps the iterate with the smallest m, and
    stops after 3 steps that lower neither m nor F noticeably, or when no step is accepted."""
    T = center(T)
    F, m = evaluate(T)
    best = (m, T.copy())
    steps = stalls = 0
    while m >= target and steps < max_steps and stalls < 3:
        accepted = backtrack(T, F, m, *step(T), evaluate)
        if accepted is None:
            break
        decreased = accepted[1] < F - 8 * EPS * abs(F)
        T, F, m = accepted
        steps += 1
        if m < best[0]:
            best = (m, T.copy())
            stalls = 0
        elif not decreased:
            stalls += 1
    return best[1], steps


def newton(prob, l2, T):
    """Damped exact Newton; returns the iterate with the smallest ‖∇J‖∞ and the step count."""
    def evaluate(T):
        return prob.smooth_value(T, l2), float(np.abs(prob.smooth_grad(T, l2)).max())

    def step(T):
        g = prob.smooth_grad(T, l2)
        D = np.linalg.solve(prob.smooth_hess(T, l2), -g.ravel()).reshape(T.shape)
        return T + D, D, float(g.ravel() @ D.ravel())

    return descend(T, evaluate, step, target=1e-17)


def sklearn_start(X, y, C, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(multi_class="multinomial", C=C, **kwargs).fit(X, y)
    return np.c_[m.coef_, m.intercept_], int(np.max(m.n_iter_))


def l2_reference(prob, X, y, l2):
    T0, it = sklearn_start(X, y, 1.0 / (l2 * len(y)), solver="lbfgs", tol=1e-14,
                           max_iter=100000)
    gn0 = float(np.abs(prob.smooth_grad(center(T0), l2)).max())
    T, steps = newton(prob, l2, T0)
    method = (f"sklearn {sklearn.__version__} lbfgs multinomial tol=1e-14 (n_iter={it}, "
              f"|grad|inf={gn0:.2e}) + {steps} numpy Newton polish steps")
    return T, method, steps, it, gn0


# ----------------------------------------------------------------------------------------------
# L1 references

def l1_kkt(prob, T, l2, l1):
    """‖minimum-norm subgradient‖∞ (intercepts unpenalized) and the smallest zero slack."""
    G = prob.smooth_grad(T, l2)
    W, GW = T[:, :-1], G[:, :-1]
    v = np.where(W != 0, np.abs(GW + l1 * np.sign(W)), np.maximum(np.abs(GW) - l1, 0.0))
    slack = l1 - np.abs(GW[W == 0])
    return (max(float(v.max(initial=0.0)), float(np.abs(G[:, -1]).max())),
            float(slack.min(initial=np.inf)))


def flat_shift_columns(W):
    """Columns where Σₖ|W_kj + c| is not uniquely minimized at c = 0 (see the docstring)."""
    pos = (W > 0).sum(axis=0)
    neg = (W < 0).sum(axis=0)
    zero = (W == 0).sum(axis=0)
    return int(np.count_nonzero(np.abs(pos - neg) >= zero))


def prox_newton_subproblem(g, H, u0, penalized, l1, sweeps=20000):
    """argmin_u g·(u−u0) + ½(u−u0)ᵀH(u−u0) + l1‖u[penalized]‖₁ by cyclic coordinate descent."""
    u = u0.copy()
    r = np.zeros(len(u))  # H (u − u0)
    for _ in range(sweeps):
        biggest = 0.0
        for j in range(len(u)):
            hjj = H[j, j]
            gj = g[j] + r[j]
            old = u[j]
            if hjj <= 1e-300:  # a constant-zero column of X̃ (digits' blank pixels)
                new = 0.0 if penalized[j] and abs(gj) <= l1 else old
            elif not penalized[j]:
                new = old - gj / hjj
            else:
                z = old - gj / hjj
                new = math.copysign(max(abs(z) - l1 / hjj, 0.0), z)
            if new != old:
                r += H[j] * (new - old)  # H symmetric: row j = column j
                u[j] = new
                biggest = max(biggest, abs(new - old))
        if biggest <= 1e-17 * max(1.0, np.abs(u).max()):
            break
    return u


def prox_newton(prob, l2, l1, T):
    """Proximal Newton; returns the iterate with the smallest KKT violation and the step count."""
    penalized = np.ones(T.shape, dtype=bool)
    penalized[:, -1] = False
    penalized = penalized.ravel()

    def evaluate(T):
        return prob.full_value(T, l2, l1), l1_kkt(prob, T, l2, l1)[0]

    def step(T):
        g = prob.smooth_grad(T, l2).ravel()
        u = prox_newton_subproblem(g, prob.smooth_hess(T, l2), T.ravel(), penalized, l1)
        u = u.reshape(T.shape)
        D = u - T
        delta = float(g @ D.ravel()) + l1 * (math.fsum(np.abs(u[:, :-1]).ravel()) -
                                              math.fsum(np.abs(T[:, :-1]).ravel()))
        return u, D, delta

    return descend(T, evaluate, step, target=1e-15)


def l1_reference(prob, Xt, y, l1, l2):
    assert l2 == 0.0
    T0, it = sklearn_start(Xt, y, 1.0 / (l1 * len(y)), penalty="l1", solver="saga", tol=1e-10,
                           max_iter=20000, random_state=0)
    saga_kkt, _ = l1_kkt(prob, center(T0), l2, l1)
    T, steps = prox_newton(prob, l2, l1, T0)
    method = (f"sklearn {sklearn.__version__} saga multinomial penalty='l1', C=1/(l1*N), "
              f"tol=1e-10, random_state=0 (n_iter={it}, kkt={saga_kkt:.2e}) + {steps} numpy "
              "proximal Newton steps (exact Hessian, coordinate-descent subproblem)")
    return T, method, it, saga_kkt


# ----------------------------------------------------------------------------------------------
# Metrics at fixed parameters

def theta_vector(W, b):
    return np.r_[W.ravel(), b]


def sklearn_metrics(X, y, K, W, b):
    m = LogisticRegression(multi_class="multinomial")
    m.coef_, m.intercept_, m.classes_ = W.copy(), b.copy(), np.arange(K, dtype=float)
    P = m.predict_proba(X)
    pred = m.predict(X)
    assert np.array_equal(pred, np.argmax(P, axis=1).astype(float)), "predict != argmax P"
    labels = np.arange(K)
    per_class = np.array([roc_auc_score((y == k).astype(int), P[:, k]) for k in range(K)])
    macro = roc_auc_score(y, P, multi_class="ovr", average="macro", labels=labels)
    assert abs(macro - per_class.mean()) < 1e-15
    return P, {"log_loss": float(log_loss(y, P, labels=labels)),
               "accuracy": float(accuracy_score(y, pred)), "auc_ovr_macro": float(macro)}, per_class


def metric_cases(X, y, K, mu, scale, optimum):
    rng = np.random.default_rng(20261202 + K)
    d = X.shape[1]
    Wt = 0.5 * rng.standard_normal((K, d))
    bt = 0.5 * rng.standard_normal(K)
    cases = {}
    for name, factor in (("random", 1.0), ("sharp", 40.0)):
        W = factor * Wt / scale
        cases[name] = (W, factor * bt - W @ mu)
    cases["l2_1e-02_raw"] = optimum
    return cases


# ----------------------------------------------------------------------------------------------
# Output

def write_group(f, group, datasets, attrs):
    g = f.create_group(group)
    for k, v in datasets.items():
        g.create_dataset(k, data=np.asarray(v, dtype=np.float64), track_times=False)
    for k, v in attrs.items():
        g.attrs[k] = ascii_attr(v) if isinstance(v, str) else v


def to_original(T, mu, scale):
    W = T[:, :-1] / scale
    return W, T[:, -1] - W @ mu


def write_l2_refs(f, X, Xt, y, K, mu, scale):
    n = len(y)
    optimum = None
    for l2 in L2_VALUES:
        for kind, A in (("raw", X), ("std", Xt)):
            prob = Problem(A, y, K)
            T, method, polish, sk_it, sk_gn = l2_reference(prob, A, y, l2)
            J = prob.smooth_value(T, l2)
            gn = float(np.abs(prob.smooth_grad(T, l2)).max())
            gn64 = float(np.abs(prob.grad64(T, l2)).max())
            if gn > GRAD_TARGET:
                sys.exit(f"l2={l2:g} {kind}: |grad|={gn:.2e} above the target {GRAD_TARGET}")
            if kind == "std":
                W, b = to_original(T, mu, scale)
                extra = {"coef_std": T[:, :-1], "intercept_std": T[:, -1]}
            else:
                W, b, extra = T[:, :-1], T[:, -1], {}
                if l2 == 1e-2:
                    optimum = (W.copy(), b.copy())
            write_group(f, f"ref/l2_{tag(l2)}/{kind}", {"coef": W, "intercept": b, **extra}, {
                "objective": J, "grad_norm": gn, "grad_norm_f64": gn64, "method": method, "l2": l2, "l1": 0.0,
                "standardize": int(kind == "std"), "n_newton_polish": polish,
                "sklearn_n_iter": sk_it, "sklearn_grad_norm": sk_gn, "rows": n})
            print(f"  l2={l2:g} {kind}: J={J:.17g} |g|={gn:.2e} (float64 evaluation "
                  f"{gn64:.2e}); {method}", flush=True)
    return optimum


def write_l1_ref(f, Xt, y, K, mu, scale):
    l1, l2 = L1_CASE
    prob = Problem(Xt, y, K)
    T, method, saga_it, saga_kkt = l1_reference(prob, Xt, y, l1, l2)
    J = prob.full_value(T, l2, l1)
    kkt, slack = l1_kkt(prob, T, l2, l1)
    if kkt > GRAD_TARGET:
        sys.exit(f"l1={l1:g}: kkt={kkt:.2e} above the target {GRAD_TARGET}")
    W, b = to_original(T, mu, scale)
    zeros = int(np.count_nonzero(W == 0))
    nz = np.abs(T[:, :-1][T[:, :-1] != 0])
    flats = flat_shift_columns(T[:, :-1])
    write_group(f, f"ref_l1/l1_{tag(l1)}_l2_{tag(l2)}/std", {
        "coef": W, "intercept": b, "coef_std": T[:, :-1], "intercept_std": T[:, -1]}, {
        "objective": J, "kkt_violation": kkt, "zeros": zeros, "nnz_coef": W.size - zeros,
        "min_zero_slack": slack, "min_nonzero_abs_std": float(nz.min(initial=np.inf)),
        "flat_shift_columns": flats, "saga_n_iter": saga_it, "saga_kkt_violation": saga_kkt,
        "method": method, "l1": l1, "l2": l2, "standardize": 1})
    print(f"  l1={l1:g} l2={l2:g} std: J={J:.17g} zeros={zeros}/{W.size} kkt={kkt:.2e} "
          f"slack={slack:.2e} flat columns={flats}; {method}", flush=True)


def write_metrics(f, name, X, y, K, mu, scale, optimum):
    for case, (W, b) in metric_cases(X, y, K, mu, scale, optimum).items():
        P, values, per_class = sklearn_metrics(X, y, K, W, b)
        datasets = {"theta": theta_vector(W, b), "auc_per_class": per_class}
        if name == "wine":
            datasets["proba"] = P
        write_group(f, f"metrics/{case}", datasets, values)
        print(f"  metrics {case}: " + ", ".join(f"{k}={v:.17g}" for k, v in values.items()))


def main():
    os.makedirs(OUT, exist_ok=True)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"sklearn {sklearn.__version__}, h5py {h5py.__version__}")
    only = set(sys.argv[1:])
    for name, (X, y, K, source) in load_data().items():
        if only and name not in only:
            continue
        n, d = X.shape
        mu, scale = standardization(X)
        Xt = (X - mu) / scale
        path = os.path.join(OUT, f"{name}.h5")
        tmp = path + ".tmp"
        print(f"{name}: {n} x {d}, K = {K}", flush=True)
        with h5py.File(tmp, "w", track_order=False) as f:
            f.create_dataset("X", data=X, track_times=False, compression="gzip",
                             compression_opts=9, shuffle=True)
            f.create_dataset("y", data=y, track_times=False)
            f.create_dataset("std_mean", data=mu, track_times=False)
            f.create_dataset("std_scale", data=scale, track_times=False)
            f.attrs["classes"] = K
            f.attrs["source"] = ascii_attr(source)
            f.attrs["generator"] = ascii_attr("scripts/make_multinomial_fixtures.py")
            f.attrs["versions"] = ascii_attr(f"numpy {np.__version__}, scipy {scipy.__version__}, "
                                             f"sklearn {sklearn.__version__}")
            optimum = write_l2_refs(f, X, Xt, y, K, mu, scale)
            write_l1_ref(f, Xt, y, K, mu, scale)
            write_metrics(f, name, X, y, K, mu, scale, optimum)
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
