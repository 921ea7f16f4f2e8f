#!/usr/bin/python3
"""Regenerate tests/fixtures/*.h5: reference optima of regularized logistic regression computed
by an INDEPENDENT solver (scikit-learn + numpy), for tests/test_reference_optima.cpp.

Run from anywhere (needs Debian's python3-sklearn, python3-h5py; /usr/bin/python3):

    /usr/bin/python3 scripts/make_reference_fixtures.py

Output is deterministic (fixed seeds, no timestamps in the HDF5 files).

Objective (README, "Objective"; unit sample weights), θ = (w, b), y ∈ {0, 1}:

    J(θ) = (1/N) Σ ℓᵢ + (l2/2)‖w‖² + l1‖w‖₁,   ℓᵢ = log(1 + e^(−|zᵢ|)) + max(zᵢ, 0) − yᵢ zᵢ

which is scikit-learn's LogisticRegression(C = 1/(l2·N)) for l1 = 0, and for the elastic net
C·Σℓ + ρ‖w‖₁ + (1−ρ)/2‖w‖² divided by C·N, i.e. l1 = ρ/(C·N), l2 = (1−ρ)/(C·N).

"std" references follow the project's `model.standardize: true` semantics: X̃ = (X − μ)/σ with
the POPULATION standard deviation (ddof = 0; a constant feature keeps σ = 1), the penalty is on
the coefficients w̃ of X̃, and the stored coef/intercept are mapped back to original units:
w = w̃/σ, b = b̃ − μ·w. The standardized-parameter solution is stored too (coef_std,
intercept_std). For "std", `grad_norm` is ‖∇J‖∞ w.r.t. (w̃, b̃); for "raw" w.r.t. (w, b).

Data sets (all shipped by installed Debian packages; see DATASETS below):
  breast_cancer  sklearn.datasets.load_breast_cancer   569 × 30, y as shipped (1 = benign)
  heart_scale    liblinear-tools examples/heart_scale  270 × 13, LIBSVM labels ±1 → {0, 1}
  wine           sklearn.datasets.load_wine            178 × 13, y = (class == 0)
  digits         sklearn.datasets.load_digits         1797 × 64, y = (digit ≥ 5)

Per file: datasets X (n, d) float64 and y (n,) float64; std_mean, std_scale (d,) (μ, σ used for
"std"); and groups

  ref/l2_<1e-02|1e-04>/<raw|std>: coef (d,), intercept (scalar) in original units;
      attributes objective, grad_norm, method, l2, l1, n_newton_polish,
      sklearn_lbfgs_iter_1e-6     n_iter_ of LogisticRegression(solver='lbfgs', tol=1e-6,
                                  max_iter=100000) on the same problem (X or X̃),
      sklearn_lbfgs_gradnorm_1e-6 ‖∇J‖∞ (our mean-loss scale) at sklearn's lbfgs solution,
      sklearn_lbfgs_gradnorm_sum_scale_1e-6  the same times N (sklearn 1.2's own scale),
      sklearn_lbfgs_message       scipy's termination message,
      scipy_lbfgsb_iter_gtol_1e-6 iterations of scipy L-BFGS-B (m = 10) on J itself (mean scale)
                                  with gtol = 1e-6 and ftol = 0: the same stopping rule as ours
                                  (‖∇J‖∞ ≤ 1e-6), started at 0.
  ref_l1/l1_<l1>_l2_<l2>/std (l1, l2) ∈ {(1e-2, 0), (1e-3, 0), (1e-3, 1e-3)}: coef, intercept
      (original units), coef_std, intercept_std; attributes objective (incl. the l1 term),
      zeros (count of coef == 0), nnz_coef, kkt_violation (‖min-norm subgradient‖∞ w.r.t.
      (w̃, b̃)), min_zero_slack (min over zero coefs of l1 − |∂_j f|), min_nonzero_abs_std
      (min |w̃_j| over non-zeros), saga_n_iter, saga_kkt_violation, method.

IMPORTANT finding about sklearn 1.2's lbfgs (checked here, recorded in the attributes): it
minimizes the SUM of losses, Σℓ + ‖w‖²/(2C) = N·J (only newton-cholesky is rescaled to the
mean), and scipy's L-BFGS-B also stops on the relative reduction of f (ftol ≈ 2.2e-9, sklearn
1.2 does not change it). In practice it stops on that ftol rule, with ‖∇J‖∞ anywhere between
~1e-7 and ~1e-3; n_iter_ is therefore NOT a count under our rule ‖∇J‖∞ ≤ 1e-6.
scipy_lbfgsb_iter_gtol_1e-6 is the like-for-like count.

Reference solves:
  * L2: sklearn LogisticRegression(solver='newton-cholesky', tol=1e-14, max_iter=1000,
    C=1/(l2·N)), then exact Newton steps in numpy (float64, full Hessian, np.linalg.solve) while
    ‖∇J‖∞ ≥ 1e-13 and it keeps decreasing; the iterate with the smallest ‖∇J‖∞ is kept. If
    newton-cholesky is unavailable or fails, a damped Newton from θ = 0 in numpy is used (the
    `method` attribute says which).
  * L1 / elastic net (standardized only): sklearn saga (penalty 'l1' or 'elasticnet', tol=1e-12,
    random_state=0) on X̃, then proximal Newton in numpy: at each outer step the quadratic model
    (exact Hessian of the smooth part) plus l1‖w̃‖₁ is minimized by cyclic coordinate descent with
    soft-thresholding (exact zeros), followed by a backtracking line search on the full objective,
    until the KKT violation stops decreasing or is < 1e-15.
"""

import math
import os
import sys
import warnings

import h5py
import numpy as np
import scipy
import scipy.optimize
import sklearn
from scipy.special import expit
from sklearn.datasets import load_breast_cancer, load_digits, load_svmlight_file, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures")

BREAST_CANCER_CSV = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv"
HEART_SCALE = "/usr/share/doc/liblinear-tools/examples/heart_scale"

L2_VALUES = (1e-2, 1e-4)
L1_CASES = ((1e-2, 0.0), (1e-3, 0.0), (1e-3, 1e-3))  # (l1, l2), standardized only
EPS = np.finfo(float).eps


def tag(v):
    return f"{v:.0e}"  # 1e-02, 1e-04, 0e+00


# ----------------------------------------------------------------------------------------------
# Data

def load_data():
    out = {}
    X, y = load_breast_cancer(return_X_y=True)
    out["breast_cancer"] = (X, y.astype(float),
                            f"sklearn.datasets.load_breast_cancer ({BREAST_CANCER_CSV}); "
                            "y as shipped: 0 = malignant, 1 = benign")
    Xs, ys = load_svmlight_file(HEART_SCALE, n_features=13)
    out["heart_scale"] = (np.asarray(Xs.todense(), dtype=float), (ys > 0).astype(float),
                          f"LIBSVM file {HEART_SCALE} (liblinear-tools), read with "
                          "sklearn.datasets.load_svmlight_file, dense; labels -1 -> 0, +1 -> 1")
    X, t = load_wine(return_X_y=True)
    out["wine"] = (X, (t == 0).astype(float),
                   "sklearn.datasets.load_wine; y = 1 for class 0, 0 for classes 1 and 2")
    X, t = load_digits(return_X_y=True)
    out["digits"] = (X.astype(float), (t >= 5).astype(float),
                     "sklearn.datasets.load_digits; y = 1 for digits 5..9, 0 for 0..4")
    for name, (X, y, _) in out.items():
        assert X.dtype == np.float64 and X.ndim == 2 and y.shape == (X.shape[0],), name
        assert set(np.unique(y)) == {0.0, 1.0}, name
    return out


def standardization(X):
    """μ and σ as the project computes them: population sd, constant features keep σ = 1."""
    mu = X.mean(axis=0)
    sd = X.std(axis=0)  # ddof = 0
    scale = np.where(sd > 1e-12 * np.maximum(1.0, np.abs(mu)), sd, 1.0)
    return mu, scale


# ----------------------------------------------------------------------------------------------
# Objective in numpy (independent of the C++ code)

def smooth_value(X, y, theta, l2):
    """Mean log-loss + (l2/2)‖w‖², numerically stable for any z, compensated summation."""
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0) - y * z
    return math.fsum(loss) / len(y) + 0.5 * l2 * float(w @ w)


def full_value(X, y, theta, l2, l1):
    return smooth_value(X, y, theta, l2) + l1 * math.fsum(np.abs(theta[:-1]))


def smooth_grad(X, y, theta, l2):
    w, b = theta[:-1], theta[-1]
    r = expit(X @ w + b) - y
    n = len(y)
    return np.r_[X.T @ r / n + l2 * w, r.sum() / n]


def smooth_hess(X, y, theta, l2):
    w, b = theta[:-1], theta[-1]
    p = expit(X @ w + b)
    A = np.c_[X, np.ones(len(y))]
    H = A.T @ (A * (p * (1.0 - p))[:, None]) / len(y)
    H[np.arange(len(w)), np.arange(len(w))] += l2
    return H


def l1_kkt(X, y, theta, l2, l1):
    """‖minimum-norm subgradient‖∞ (intercept unpenalized) and the smallest zero slack."""
    g = smooth_grad(X, y, theta, l2)
    w, gw = theta[:-1], g[:-1]
    v = np.where(w != 0, np.abs(gw + l1 * np.sign(w)), np.maximum(np.abs(gw) - l1, 0.0))
    slack = l1 - np.abs(gw[w == 0])
    return max(float(v.max(initial=0.0)), abs(float(g[-1]))), float(slack.min(initial=np.inf))


# ----------------------------------------------------------------------------------------------
# L2 references

def newton(X, y, l2, theta, target=1e-13, max_steps=200):
    """Damped exact Newton; returns the iterate with the smallest ‖∇J‖∞ and the step count."""
    J = smooth_value(X, y, theta, l2)
    g = smooth_grad(X, y, theta, l2)
    gn = np.abs(g).max()
    best = (gn, theta.copy())
    steps = 0
    stalls = 0
    while gn >= target and steps < max_steps and stalls < 3:
        d = np.linalg.solve(smooth_hess(X, y, theta, l2), -g)
        t = 1.0
        accepted = False
        for _ in range(60):
            th = theta + t * d
            J2 = smooth_value(X, y, th, l2)
            g2 = smooth_grad(X, y, th, l2)
            gn2 = np.abs(g2).max()
            if J2 <= J + 1e-4 * t * float(g @ d) or (J2 <= J + 8 * EPS * abs(J) and gn2 < gn):
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        theta, J, g, gn = th, J2, g2, gn2
        steps += 1
        if gn < best[0]:
            best = (gn, theta.copy())
            stalls = 0
        else:
            stalls += 1
    return best[1], steps


def l2_reference(X, y, l2):
    n, d = X.shape
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            m = LogisticRegression(solver="newton-cholesky", tol=1e-14, max_iter=1000,
                                   C=1.0 / (l2 * n)).fit(X, y)
        theta0 = np.r_[m.coef_[0], m.intercept_[0]]
        gn0 = np.abs(smooth_grad(X, y, theta0, l2)).max()
        method = (f"sklearn {sklearn.__version__} newton-cholesky tol=1e-14 "
                  f"(n_iter={int(m.n_iter_[0])}, |grad|inf={gn0:.2e})")
    except Exception as e:  # missing solver, non-convergence, ...
        theta0 = np.zeros(d + 1)
        method = f"numpy damped Newton from 0 (newton-cholesky failed: {type(e).__name__})"
    theta, steps = newton(X, y, l2, theta0)
    method += f" + {steps} numpy Newton polish steps"
    return theta, method, steps


def sklearn_lbfgs(X, y, l2):
    """sklearn's lbfgs as a user would run it; also captures scipy's termination message."""
    import sklearn.linear_model._logistic as logistic_module
    messages = []
    real_minimize = logistic_module.optimize.minimize

    def spy(*args, **kwargs):
        res = real_minimize(*args, **kwargs)
        messages.append(str(res.message))
        return res

    logistic_module.optimize.minimize = spy
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m = LogisticRegression(solver="lbfgs", tol=1e-6, max_iter=100000,
                                   C=1.0 / (l2 * len(y))).fit(X, y)
    finally:
        logistic_module.optimize.minimize = real_minimize
    theta = np.r_[m.coef_[0], m.intercept_[0]]
    return int(m.n_iter_[0]), float(np.abs(smooth_grad(X, y, theta, l2)).max()), messages[-1]


def scipy_lbfgsb_same_rule(X, y, l2):
    """scipy L-BFGS-B on J itself (mean scale), stopping only on ‖∇J‖∞ ≤ 1e-6."""
    fun = lambda th: (smooth_value(X, y, th, l2), smooth_grad(X, y, th, l2))
    res = scipy.optimize.minimize(fun, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                                  options={"gtol": 1e-6, "ftol": 0.0, "maxiter": 10**6,
                                           "maxfun": 10**7, "maxcor": 10})
    gn = float(np.abs(smooth_grad(X, y, res.x, l2)).max())
    if gn > 1e-6:
        print(f"    warning: scipy L-BFGS-B stopped at |grad|={gn:.2e}: {res.message}")
    return int(res.nit), gn


# ----------------------------------------------------------------------------------------------
# L1 references

def soft(z, t):
    return np.sign(z) * max(abs(z) - t, 0.0)


def prox_newton_subproblem(g, H, theta, l1, sweeps=20000):
    """argmin_u g·(u−θ) + ½(u−θ)ᵀH(u−θ) + l1‖u_w‖₁ by cyclic coordinate descent."""
    k = len(theta)
    u = theta.copy()
    r = np.zeros(k)  # H (u − θ)
    for _ in range(sweeps):
        biggest = 0.0
        for j in range(k):
            hjj = H[j, j]
            gj = g[j] + r[j]
            old = u[j]
            if j == k - 1:
                new = old - gj / hjj if hjj > 0 else old
            elif hjj <= 1e-300:
                new = 0.0 if abs(gj) <= l1 else old
            else:
                new = soft(old - gj / hjj, l1 / hjj)
            if new != old:
                r += H[:, j] * (new - old)
                u[j] = new
                biggest = max(biggest, abs(new - old))
        if biggest <= 1e-17 * max(1.0, np.abs(u).max()):
            break
    return u


def prox_newton(X, y, l2, l1, theta, max_outer=100):
    F = full_value(X, y, theta, l2, l1)
    kkt, _ = l1_kkt(X, y, theta, l2, l1)
    best = (kkt, theta.copy())
    steps = 0
    stalls = 0
    while kkt > 1e-15 and steps < max_outer and stalls < 3:
        g = smooth_grad(X, y, theta, l2)
        H = smooth_hess(X, y, theta, l2)
        u = prox_newton_subproblem(g, H, theta, l1)
        d = u - theta
        delta = float(g @ d) + l1 * (math.fsum(np.abs(u[:-1])) - math.fsum(np.abs(theta[:-1])))
        t = 1.0
        accepted = False
        for _ in range(60):
            th = theta + t * d
            if t == 1.0:
                th = u  # keep the exact zeros of the subproblem solution
            F2 = full_value(X, y, th, l2, l1)
            kkt2, _ = l1_kkt(X, y, th, l2, l1)
            if F2 <= F + 1e-4 * t * delta or (F2 <= F + 8 * EPS * abs(F) and kkt2 < kkt):
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        theta, F, kkt = th, F2, kkt2
        steps += 1
        if kkt < best[0]:
            best = (kkt, theta.copy())
            stalls = 0
        else:
            stalls += 1
    return best[1], steps


def l1_reference(Xt, y, l1, l2):
    n = len(y)
    if l2 == 0:
        C = 1.0 / (l1 * n)
        model = LogisticRegression(penalty="l1", solver="saga", C=C, tol=1e-12, max_iter=100000,
                                   random_state=0)
        desc = "penalty='l1', C=1/(l1*N)"
    else:
        rho = l1 / (l1 + l2)
        C = rho / (l1 * n)
        model = LogisticRegression(penalty="elasticnet", l1_ratio=rho, solver="saga", C=C,
                                   tol=1e-12, max_iter=100000, random_state=0)
        desc = f"penalty='elasticnet', l1_ratio={rho:g}, C=l1_ratio/(l1*N)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Xt, y)
    theta0 = np.r_[model.coef_[0], model.intercept_[0]]
    saga_kkt, _ = l1_kkt(Xt, y, theta0, l2, l1)
    theta, steps = prox_newton(Xt, y, l2, l1, theta0)
    method = (f"sklearn {sklearn.__version__} saga {desc}, tol=1e-12, random_state=0 "
              f"(n_iter={int(model.n_iter_[0])}, kkt={saga_kkt:.2e}) + {steps} numpy proximal "
              "Newton steps (exact Hessian, coordinate-descent subproblem)")
    return theta, method, int(model.n_iter_[0]), saga_kkt


# ----------------------------------------------------------------------------------------------

def to_original(theta_std, mu, scale):
    w = theta_std[:-1] / scale
    return w, theta_std[-1] - float(mu @ w)


def ascii_attr(text):
    """Fixed-length ASCII string attribute. (h5py's default, a variable-length UTF-8 string,
    cannot be read by h5::File::read_string_attribute, which asks HDF5 for an ASCII C string.)"""
    return np.bytes_(text.encode("ascii"))


def write_ref(f, group, coef, intercept, attrs, extra=None):
    g = f.create_group(group)
    g.create_dataset("coef", data=np.asarray(coef, dtype=np.float64), track_times=False)
    g.create_dataset("intercept", data=np.float64(intercept), track_times=False)
    for k, v in (extra or {}).items():
        g.create_dataset(k, data=v, track_times=False)
    for k, v in attrs.items():
        g.attrs[k] = ascii_attr(v) if isinstance(v, str) else v


def main():
    os.makedirs(OUT, exist_ok=True)
    np.random.seed(0)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"sklearn {sklearn.__version__}, h5py {h5py.__version__}")
    for name, (X, y, source) in load_data().items():
        n, d = X.shape
        mu, scale = standardization(X)
        Xt = (X - mu) / scale
        path = os.path.join(OUT, f"{name}.h5")
        tmp = path + ".tmp"
        print(f"{name}: {n} x {d}")
        with h5py.File(tmp, "w", track_order=False) as f:
            f.create_dataset("X", data=X, track_times=False)
            f.create_dataset("y", data=y, track_times=False)
            f.create_dataset("std_mean", data=mu, track_times=False)
            f.create_dataset("std_scale", data=scale, track_times=False)
            f.attrs["source"] = ascii_attr(source)
            f.attrs["generator"] = ascii_attr("scripts/make_reference_fixtures.py")
            f.attrs["versions"] = ascii_attr(f"numpy {np.__version__}, scipy {scipy.__version__}, "
                                             f"sklearn {sklearn.__version__}")
            for l2 in L2_VALUES:
                for kind, A in (("raw", X), ("std", Xt)):
                    theta, method, polish = l2_reference(A, y, l2)
                    J = smooth_value(A, y, theta, l2)
                    gn = float(np.abs(smooth_grad(A, y, theta, l2)).max())
                    it, sk_gn, sk_msg = sklearn_lbfgs(A, y, l2)
                    sp_it, sp_gn = scipy_lbfgsb_same_rule(A, y, l2)
                    if kind == "std":
                        coef, icpt = to_original(theta, mu, scale)
                        extra = {"coef_std": theta[:-1], "intercept_std": np.float64(theta[-1])}
                    else:
                        coef, icpt, extra = theta[:-1], theta[-1], None
                    write_ref(f, f"ref/l2_{tag(l2)}/{kind}", coef, icpt, {
                        "objective": J, "grad_norm": gn, "method": method, "l2": l2, "l1": 0.0,
                        "standardize": int(kind == "std"), "n_newton_polish": polish,
                        "sklearn_lbfgs_iter_1e-6": it, "sklearn_lbfgs_gradnorm_1e-6": sk_gn,
                        "sklearn_lbfgs_gradnorm_sum_scale_1e-6": sk_gn * n,
                        "sklearn_lbfgs_message": sk_msg,
                        "scipy_lbfgsb_iter_gtol_1e-6": sp_it,
                        "scipy_lbfgsb_gradnorm_gtol_1e-6": sp_gn,
                    }, extra)
                    print(f"  l2={l2:g} {kind}: J={J:.17g} |g|={gn:.2e} sklearn lbfgs {it} it "
                          f"(|gJ|={sk_gn:.2e}, {sk_msg}); scipy same-rule {sp_it} it; {method}")
            for l1, l2 in L1_CASES:
                theta, method, saga_it, saga_kkt = l1_reference(Xt, y, l1, l2)
                J = full_value(Xt, y, theta, l2, l1)
                kkt, slack = l1_kkt(Xt, y, theta, l2, l1)
                coef, icpt = to_original(theta, mu, scale)
                zeros = int(np.count_nonzero(coef == 0))
                nz = np.abs(theta[:-1][theta[:-1] != 0])
                write_ref(f, f"ref_l1/l1_{tag(l1)}_l2_{tag(l2)}/std", coef, icpt, {
                    "objective": J, "kkt_violation": kkt, "zeros": zeros,
                    "nnz_coef": d - zeros, "min_zero_slack": slack,
                    "min_nonzero_abs_std": float(nz.min(initial=np.inf)),
                    "saga_n_iter": saga_it, "saga_kkt_violation": saga_kkt,
                    "method": method, "l1": l1, "l2": l2, "standardize": 1,
                }, {"coef_std": theta[:-1], "intercept_std": np.float64(theta[-1])})
                print(f"  l1={l1:g} l2={l2:g} std: J={J:.17g} zeros={zeros}/{d} kkt={kkt:.2e} "
                      f"slack={slack:.2e} min|w~|={nz.min(initial=np.inf):.2e}; {method}")
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
