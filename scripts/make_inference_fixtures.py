#!/usr/bin/python3
"""Regenerate tests/fixtures/inference/*.h5: statsmodels' Wald statistics of unpenalized binary
logistic fits, the references of tests/test_inference.cpp (README, "Outputs": the model file's
std_error, z_value and p_value).

Run from anywhere (needs Debian's python3-statsmodels and python3-h5py; /usr/bin/python3):

    /usr/bin/python3 scripts/make_inference_fixtures.py

Output is deterministic (no randomness, no timestamps in the HDF5 files).

For each data set below, with X the listed columns of tests/fixtures/<name>.h5 and y its labels:

    r = statsmodels.api.Logit(y, add_constant(X)).fit(method='newton', tol=1e-14, maxiter=100)

must converge (the script refuses otherwise, and on any warning: a separation or convergence
warning means the maximum-likelihood estimate or its covariance is not well defined). Stored, in
the project's parameter order θ = [w; b] (statsmodels' constant, first in add_constant, moved
last):

  params, bse, tvalues, pvalues  (d+1,)  r.params, r.bse, r.tvalues, r.pvalues
  columns                        (d,)    int64: the columns of the source fixture's X used
  attributes: source (the fixture's file name), llf (the log-likelihood at params), nobs,
              iterations, converged, score_norm (max |∂llf/∂θ| at params), statsmodels
              (version), method.

Data sets:
  heart_scale  all 13 columns of tests/fixtures/heart_scale.h5.
  digits       columns 1..15 of tests/fixtures/digits.h5 (the pixels of the top two image rows,
               without pixel 0, which is constant). With all 64 columns the classes (digit >= 5)
               are separable and three pixels are constant, so statsmodels' Hessian is singular;
               breast_cancer and wine are separable too (no MLE at l2 = 0).
"""

import os
import sys
import warnings

import h5py
import numpy as np
import statsmodels
import statsmodels.api as sm

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
DATASETS = {
    "heart_scale": list(range(13)),
    "digits": list(range(1, 16)),
}


def fit(name, columns):
    with h5py.File(os.path.join(ROOT, name + ".h5"), "r") as f:
        X = f["X"][()][:, columns]
        y = f["y"][()]
    model = sm.Logit(y, sm.add_constant(X, has_constant="raise"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning (separation, convergence) is a failure
        r = model.fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    if not r.mle_retvals["converged"]:
        sys.exit(name + ": statsmodels did not converge")
    return model, r


def to_theta(v):
    """statsmodels' order [const, w] -> the project's [w, b]."""
    v = np.asarray(v, dtype=np.float64)
    return np.concatenate([v[1:], v[:1]])


def write(name, columns, model, r):
    os.makedirs(os.path.join(ROOT, "inference"), exist_ok=True)
    path = os.path.join(ROOT, "inference", name + ".h5")
    with h5py.File(path, "w") as f:  # no timestamps (track_times): the same bytes every run
        f.create_dataset("columns", data=np.asarray(columns, dtype=np.int64), track_times=False)
        for key in ("params", "bse", "tvalues", "pvalues"):
            f.create_dataset(key, data=to_theta(getattr(r, key)), track_times=False)
        f.attrs["source"] = name + ".h5"
        f.attrs["llf"] = float(r.llf)
        f.attrs["nobs"] = int(r.nobs)
        f.attrs["iterations"] = int(r.mle_retvals["iterations"])
        f.attrs["converged"] = int(r.mle_retvals["converged"])
        f.attrs["score_norm"] = float(np.abs(model.score(r.params)).max())
        f.attrs["statsmodels"] = statsmodels.__version__
        f.attrs["method"] = "Logit(y, add_constant(X)).fit(method='newton', tol=1e-14, maxiter=100)"
    return path


def main():
    for name, columns in DATASETS.items():
        model, r = fit(name, columns)
        path = write(name, columns, model, r)
        print(f"{path}: {len(columns)} columns, {r.mle_retvals['iterations']} iterations, "
              f"max |score| {np.abs(model.score(r.params)).max():.1e}, "
              f"p from {r.pvalues.min():.2e} to {r.pvalues.max():.2f}")


if __name__ == "__main__":
    main()
