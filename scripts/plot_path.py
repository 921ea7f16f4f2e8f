#!/usr/bin/env python3
"""Plots of a regularization path and its cross-validation (README, "Plots of a path").

    logreg_plot_path --path out/path.csv [--model out/model.h5] --out out/plots

PREFIX_cv.png (when the table has CV columns), in the manner of R glmnet's plot.cv.glmnet: the
mean CV metric over the folds against the penalty λ with ±1 SE error bars, the selected λ
dashed, the number of non-zero coefficients along the top. PREFIX_coef.png (with --model, whose
file holds the path datasets): each coefficient against λ, the ten largest labelled x0, x1, …
(one panel per class for a multinomial model). λ is on a log scale and decreases to the right,
the order of the fits. Each PNG (300 dpi) has a PDF beside it.

Exit 2 with one line naming the file when an input is missing or malformed. Needs numpy, h5py
and matplotlib (Debian: /usr/bin/python3 with python3-h5py and python3-matplotlib).
"""
import argparse
import csv
import json
import math
import os
import sys
import tempfile

try:
    import h5py
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import NullLocator
except ImportError as e:
    sys.exit(f"logreg_plot_path: needs numpy, h5py and matplotlib ({e}); run it with a Python "
             "that has them, e.g. /usr/bin/python3")

BASE = ["index", "penalty", "lambda", "l2", "l1", "iterations", "passes", "objective", "nnz"]
CV = ["metric", "cv_mean", "cv_sd", "cv_se", "selected"]
METRICS = {"val_logloss": ("validation log-loss", False), "val_auc": ("validation AUC", True),
           "val_accuracy": ("validation accuracy", True)}
DPI = 300
LABELLED = 10  # coefficient lines labelled
COLOURS = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9", "k"]  # no grey
GREY_LINES = 500  # unlabelled coefficient lines drawn at most (largest first)
PANELS = 6  # classes drawn at most for a multinomial model
UMASK = os.umask(0o022)
os.umask(UMASK)


class InputError(Exception):
    """A missing or malformed input: one line, naming the file."""


def number(path, where, key, value, allow_nan=False):
    try:
        v = float("nan") if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        raise InputError(f"{path}: {where}: {key} is {value!r}, not a number")
    if (math.isnan(v) and not allow_nan) or math.isinf(v):
        raise InputError(f"{path}: {where}: {key} is {value!r}, not a finite number")
    return v


def read_rows(path):
    """The table's rows as dicts of strings (CSV) or JSON values (JSON lines), with their place."""
    try:
        with open(path, newline="") as f:
            if path.endswith(".jsonl"):
                rows = []
                for i, line in enumerate(f, 1):
                    if line.strip():
                        try:
                            rows.append((f"line {i}", json.loads(line)))
                        except ValueError as e:
                            raise InputError(f"{path}: line {i} is not JSON ({e})")
                        if not isinstance(rows[-1][1], dict):
                            raise InputError(f"{path}: line {i} is not a JSON object")
                return rows
            reader = csv.DictReader(f)
            rows = [(f"line {reader.line_num}", r) for r in reader]
            if None in (reader.fieldnames or []) or any(None in r for _, r in rows):
                raise InputError(f"{path}: a row has more fields than the header")
            return rows
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})")
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: not a CSV or JSON-lines table ({e})")


def fold_values(path, where, row):
    if "cv_folds" in row:
        folds = row["cv_folds"]
        if not isinstance(folds, list) or not folds:
            raise InputError(f"{path}: {where}: cv_folds is not a non-empty array")
    else:
        keys = sorted((k for k in row if k.startswith("cv_fold_")), key=lambda k: int(k[8:]))
        if [k[8:] for k in keys] != [str(i) for i in range(len(keys))] or not keys:
            raise InputError(f"{path}: {where}: no columns cv_fold_0 … cv_fold_{{K-1}}")
        folds = [row[k] for k in keys]
    return [number(path, where, "a fold value", v, allow_nan=True) for v in folds]


def read_table(path):
    """The path table as a dict of numpy arrays, in fitting order; cv is None without CV columns."""
    rows = read_rows(path)
    if not rows:
        raise InputError(f"{path}: no rows")
    has_cv = "cv_mean" in rows[0][1]
    for where, row in rows:
        missing = [k for k in BASE + (CV if has_cv else []) if k not in row]
        if missing:
            raise InputError(f"{path}: {where}: no {', '.join(missing)} "
                             "(the columns of a path table)")
    t = {k: np.array([number(path, w, k, r[k]) for w, r in rows]) for k in BASE if k != "penalty"}
    order = np.argsort(t["index"], kind="stable")
    if sorted(t["index"]) != list(range(len(rows))):
        raise InputError(f"{path}: index is not 0 … {len(rows) - 1}, each once")
    if (t["lambda"] < 0).any():
        raise InputError(f"{path}: a lambda is negative")
    penalties = {str(r["penalty"]) for _, r in rows}
    if len(penalties) != 1 or penalties - {"l1", "l2"}:
        raise InputError(f"{path}: penalty must be l2 or l1 on every row, "
                         f"found {sorted(penalties)}")
    t = {k: v[order] for k, v in t.items()}
    t["penalty"] = penalties.pop()
    t["cv"] = read_cv(path, [rows[i] for i in order]) if has_cv else None
    return t


def read_cv(path, rows):
    metrics = {str(r["metric"]) for _, r in rows}
    if len(metrics) != 1 or metrics - set(METRICS):
        raise InputError(f"{path}: metric must be one of {', '.join(METRICS)} on every row, "
                         f"found {sorted(metrics)}")
    cv = {k: np.array([number(path, w, k, r[k], allow_nan=k != "selected") for w, r in rows])
          for k in ("cv_mean", "cv_se", "selected")}
    folds = [fold_values(path, w, r) for w, r in rows]
    if len({len(f) for f in folds}) != 1:
        raise InputError(f"{path}: the rows have different numbers of folds")
    if np.isnan(cv["cv_mean"]).all():
        raise InputError(f"{path}: cv_mean has no value")
    chosen = np.flatnonzero(cv["selected"] == 1)
    if len(chosen) > 1 or not np.isin(cv["selected"], (0, 1)).all():
        raise InputError(f"{path}: selected must be 1 on at most one row and 0 elsewhere")
    cv.update(metric=metrics.pop(), folds=len(folds[0]),
              selected=int(chosen[0]) if len(chosen) else None)
    return cv


def read_h5(path):
    """path_lambda, path_coef and the root attributes of the model file."""
    try:
        open(path, "rb").close()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: not an HDF5 file ({e})")
    with f:
        for name in ("path_lambda", "path_coef", "path_intercept"):
            if not isinstance(f.get(name), h5py.Dataset):
                raise InputError(f"{path}: no dataset {name} "
                                 "(a model written by a path job has it)")
        try:
            m_lam, coef = (np.asarray(f[k][()], dtype=float) for k in ("path_lambda", "path_coef"))
            attr = {k: f.attrs[k] for k in f.attrs}
        except (OSError, TypeError, ValueError) as e:
            raise InputError(f"{path}: cannot read the path datasets ({e})")
    text = lambda v: v.decode() if isinstance(v, bytes) else str(v)  # noqa: E731
    classes = [text(c) for c in np.ravel(attr.get("classes", []))]
    penalty = text(np.ravel(attr.get("path_penalty", [""]))[0])
    chosen = np.ravel(attr.get(penalty, []))
    return m_lam, coef, dict(classes=classes, source=text(attr.get("path_coef_source", "")),
                             model_lambda=float(chosen[0]) if chosen.size == 1 else None)


def read_model(path, table_file, lam):
    """The coefficient path of the model file, checked against the table's lambdas."""
    m_lam, coef, model = read_h5(path)
    n = len(lam)
    if m_lam.shape != (n,) or coef.ndim not in (2, 3) or coef.shape[0] != n or not coef.size:
        raise InputError(f"{path}: path_lambda {m_lam.shape} and path_coef {coef.shape} do not "
                         f"hold the {n} fits of {table_file}")
    if not np.allclose(m_lam, lam, rtol=1e-6, atol=0):
        raise InputError(f"{path}: path_lambda differs from the lambda column of {table_file}")
    if not np.isfinite(coef).all():
        raise InputError(f"{path}: path_coef holds a value that is not a finite number")
    model["coef"] = coef if coef.ndim == 3 else coef[:, None, :]
    k = model["coef"].shape[1]
    if len(model["classes"]) != k:
        model["classes"] = [str(i) for i in range(k)]
    return model


def positions(lam):
    """x positions on the log axis; a λ of 0 is drawn one path step past the smallest λ > 0."""
    pos = lam[lam > 0]
    if len(pos) == len(lam):
        return lam.astype(float), None
    lo, hi = pos.min(), pos.max()
    step = (hi / lo) ** (1 / (len(pos) - 1)) if len(pos) > 1 and hi > lo else 10.0
    zero = lo / max(step, 2.0)
    return np.where(lam > 0, lam, zero), zero


def lambda_axis(ax, x, zero, penalty):
    ax.set_xscale("log")
    pad = (x.max() / x.min()) ** 0.04
    ax.set_xlim(x.max() * pad, x.min() / pad)  # decreasing to the right: the order of the fits
    if zero is not None:
        ks = range(math.ceil(math.log10(x[x > zero].min())), math.floor(math.log10(x.max())) + 1)
        ax.set_xticks([10.0**k for k in ks] + [zero], [f"$10^{{{k}}}$" for k in ks] + ["0"])
        ax.xaxis.set_minor_locator(NullLocator())
        gap = math.sqrt(zero * x[x > zero].min())  # an axis break between 0 and the smallest λ
        for dx in (0.93, 1.07):
            ax.plot([gap * dx], [0], marker=[(-1, -2), (1, 2)], ms=9, mew=1.0, color="k",
                    transform=ax.get_xaxis_transform(), clip_on=False, zorder=5)
    ax.set_xlabel(f"{penalty.upper()} penalty λ (log scale, decreasing)")


def nnz_axis(ax, x, nnz):
    top = ax.twiny()
    top.set_xscale("log")
    top.set_xlim(ax.get_xlim())
    keep = np.unique(np.linspace(0, len(x) - 1, min(len(x), 10)).round().astype(int))
    top.set_xticks(x[keep], [str(int(v)) for v in nnz[keep]], fontsize=8)
    top.xaxis.set_minor_locator(NullLocator())
    top.set_xlabel("non-zero coefficients", fontsize=9)


def mark(ax, xv, text, style="--"):
    ax.axvline(xv, color="0.25", ls=style, lw=1.0, zorder=1)
    ax.text(xv, 0.98, text, transform=ax.get_xaxis_transform(), rotation=90, va="top", ha="right",
            fontsize=8, color="0.2", zorder=4,
            bbox=dict(boxstyle="square,pad=0.15", fc="white", ec="none", alpha=0.85))


def plot_cv(table, prefix):
    cv, lam = table["cv"], table["lambda"]
    x, zero = positions(lam)
    name, higher = METRICS[cv["metric"]]
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    ax.errorbar(x, cv["cv_mean"], yerr=cv["cv_se"], fmt="o", ms=4.5, color="#c0392b",
                ecolor="0.55", elinewidth=1.0, capsize=2.5, zorder=3,
                label=f"mean over {cv['folds']} folds ± 1 SE")
    lambda_axis(ax, x, zero, table["penalty"])
    best = int(np.nanargmax(cv["cv_mean"]) if higher else np.nanargmin(cv["cv_mean"]))
    sel = cv["selected"]
    if sel is not None:
        mark(ax, x[sel], f"selected λ = {lam[sel]:.3g}")
    if sel is None or sel != best:
        mark(ax, x[best], f"best mean λ = {lam[best]:.3g}", ":")
        if sel is not None:
            bound = cv["cv_mean"][best] + (-1 if higher else 1) * cv["cv_se"][best]
            sign = "−" if higher else "+"
            ax.axhline(bound, color="0.5", ls=":", lw=0.9, label=f"best mean {sign} 1 SE")
    ax.set_ylabel(f"{name} ({'higher' if higher else 'lower'} is better)")
    ax.grid(True, alpha=0.25)
    ax.legend(fontsize=8, loc="best", framealpha=0.9, edgecolor="none")
    nnz_axis(ax, x, table["nnz"])
    ax.set_title(f"{cv['folds']}-fold cross-validation along the {table['penalty']} path",
                 fontsize=11)
    return save(fig, prefix + "_cv")


def spread(ys, gap, lo, hi):
    """Label heights near ys, at least gap apart (less when they cannot fit), inside [lo, hi]."""
    order = np.argsort(ys)
    gap = min(gap, (hi - lo) / max(len(ys), 1))
    out = np.clip(np.asarray(ys, dtype=float)[order], lo, hi)
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1] + gap)
    if len(out):
        out[-1] = min(out[-1], hi)
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1] - gap)
    res = np.empty_like(out)
    res[order] = out
    return res


def coef_panel(ax, x, c, ref, n_label):
    """One class's lines: grey for most, coloured and labelled for the n_label largest at ref."""
    peak = np.abs(c).max(axis=0)
    rank = np.lexsort((-peak, -np.abs(c[ref])))  # largest at the reference fit, then over the path
    rank = rank[peak[rank] > 0]
    top, rest = rank[:n_label], rank[n_label:n_label + GREY_LINES]
    ax.add_collection(LineCollection([np.column_stack([x, c[:, j]]) for j in rest], colors="0.75",
                                     linewidths=0.6, zorder=1))
    ax.axhline(0, color="0.4", lw=0.6, zorder=0)
    for i, j in enumerate(top):
        ax.plot(x, c[:, j], color=COLOURS[i % 10], lw=1.4, zorder=2)
    span = np.ptp(c[:, rank]) if len(rank) else 1.0
    lo, hi = (c.min(), c.max()) if len(rank) else (-1.0, 1.0)
    ax.set_ylim(lo - 0.06 * span, hi + 0.06 * span)
    end = int(np.argmin(x))
    ylo, yhi = ax.get_ylim()
    heights = spread(c[end, top], (yhi - ylo) / 22, ylo, yhi)
    for i, (j, h) in enumerate(zip(top, heights)):
        ax.annotate(f"x{j}", (x[end], c[end, j]), xytext=(1.015, h), color=COLOURS[i % 10],
                    textcoords=ax.get_yaxis_transform(), va="center", fontsize=7,
                    arrowprops=dict(arrowstyle="-", color=COLOURS[i % 10], lw=0.5, alpha=0.6))
    return len(rank) - len(top) - len(rest)


def choose_classes(coef, ref):
    k = coef.shape[1]
    if k <= PANELS:
        return list(range(k)), ""
    norms = np.linalg.norm(coef[ref], axis=1)
    keep = sorted(np.argsort(-norms)[:PANELS])
    return keep, f"; {PANELS} of {k} classes shown (largest coefficient norm)"


def plot_coef(table, model, prefix):
    lam, coef = table["lambda"], model["coef"]
    x, zero = positions(lam)
    sel, what = (table["cv"] or {}).get("selected"), "selected"
    if sel is None and model["model_lambda"] is not None:
        hit = np.flatnonzero(np.isclose(lam, float(model["model_lambda"]), rtol=1e-9, atol=0))
        sel, what = (int(hit[0]), "model's") if len(hit) else (None, "")
    ref = sel if sel is not None else int(np.argmin(x))
    keep, note = choose_classes(coef, ref)
    cols = 2 if len(keep) == 4 else min(len(keep), 3)
    rows = math.ceil(len(keep) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 if cols == 1 else 4.6 * cols, 4.4 * rows),
                             squeeze=False)
    hidden = 0
    for ax, k in zip(axes.flat, keep):
        hidden += coef_panel(ax, x, coef[:, k, :], ref, LABELLED)
        lambda_axis(ax, x, zero, table["penalty"])
        nnz_axis(ax, x, table["nnz"] if len(keep) == 1 else (coef[:, k, :] != 0).sum(axis=1))
        if sel is not None:
            mark(ax, x[sel], f"{what} λ = {lam[sel]:.3g}")
        ax.set_ylabel("coefficient")
        if len(keep) > 1:
            ax.set_title(f"class {model['classes'][k]}", fontsize=10)
        ax.grid(True, alpha=0.25)
    for ax in list(axes.flat)[len(keep):]:
        ax.set_visible(False)
    src = f"coefficients: {model['source']}" if model["source"] else "coefficients"
    more = f"; {hidden} smaller lines not drawn" if hidden else ""
    fig.suptitle(f"Coefficient path ({table['penalty']}), intercept not shown\n{src}{note}{more}",
                 fontsize=10 if len(keep) > 1 else 11)
    return save(fig, prefix + "_coef")


def save(fig, stem):
    """PNG and PDF, each written to a temporary beside it and renamed onto its name."""
    fig.tight_layout()
    names = []
    for ext in ("png", "pdf"):
        name = f"{stem}.{ext}"
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(name) + ".tmp-",
                                   dir=os.path.dirname(os.path.abspath(name)))
        try:
            with os.fdopen(fd, "wb") as f:
                fig.savefig(f, format=ext, dpi=DPI)
            os.chmod(tmp, 0o666 & ~UMASK)  # as open() would have made it (mkstemp makes 0600)
            os.replace(tmp, name)
        except BaseException:
            os.unlink(tmp)
            raise
        names.append(name)
    plt.close(fig)
    return names


def main():
    ap = argparse.ArgumentParser(prog="logreg_plot_path", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--path", required=True, help="the path table (output.path: CSV or .jsonl)")
    ap.add_argument("--model", help="the model file with the path datasets (output.model)")
    ap.add_argument("--out", required=True,
                    help="prefix of the plots: PREFIX_cv.png, PREFIX_coef.png")
    args = ap.parse_args()
    try:
        table = read_table(args.path)
        model = read_model(args.model, args.path, table["lambda"]) if args.model else None
        if table["cv"] is None and model is None:
            raise InputError(f"{args.path}: no CV columns, and no --model for the coefficient "
                             "plot: nothing to draw")
        if not (table["lambda"] > 0).any():
            raise InputError(f"{args.path}: every lambda is 0: there is no log axis to draw")
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    except InputError as e:
        print("logreg_plot_path: " + " ".join(str(e).split()), file=sys.stderr)  # one line
        sys.exit(2)
    except OSError as e:
        print(f"logreg_plot_path: --out {args.out}: {e.strerror or e}", file=sys.stderr)
        sys.exit(2)
    written = plot_cv(table, args.out) if table["cv"] is not None else []
    written += plot_coef(table, model, args.out) if model is not None else []
    print("plots: " + ", ".join(written))


if __name__ == "__main__":
    main()
