#!/usr/bin/env python3
"""α–β performance model of one logreg_dist iteration, calibrated on this machine.

    python3 scripts/scaling/perf_model.py --csv out/scaling/scaling.csv \\
        --calibration out/scaling/calibration.csv --allreduce out/scaling/allreduce.csv \\
        [--png out/scaling/perf_model_efficiency.png] [--alpha 2e-6] [--beta 1e-10]

(--png also writes a PDF beside the PNG, same name, .pdf.)

(run_scaling.sh writes the three inputs and calls this script.)

Model. On P nodes, one rank per node, a rank holding n rows (nnz non-zeros) of d features does
per iteration e evaluations (loss+gradient passes; e from the summary: evaluations/iterations),
each followed by one MPI_Allreduce of n_bytes = 8·(d+3) bytes (gradient, intercept, loss, stop
flag), plus the work on full-length vectors that every rank repeats:

    T(P) = e · T_pass(n/P rows)  +  c · d  +  e · T_allreduce(P)
    T_pass = n·a + n·d·b_dense            (dense, float64)
           = n·a + nnz·b_csr              (CSR, float64 values, int32 column ids)
    T_allreduce(P) = 2·log2(P)·α + 2·(P−1)/P · n_bytes · β    (recursive doubling / ring)

  a       seconds per row: sigmoid, log-loss, residual, margin bookkeeping      MEASURED
  b_dense seconds per element of X (8 bytes streamed, 2 multiply-adds)         MEASURED
  b_csr   seconds per non-zero at d = 10⁶ (12 bytes + a cache-missing access   MEASURED
          to w and Xᵀr, which are 8 MB each at that d)
  c       seconds per feature per iteration on full-length vectors (θ update,  MEASURED
          gradient pullback, zeroing Xᵀr, buffer copies): the serial part
  α, β    allreduce latency per step and inverse bandwidth:
          this machine (shared memory, 2 ranks) by allreduce_bench.c           MEASURED
          a cluster interconnect: default α = 2 µs, β = 1/(10 GB/s),           ASSUMED
          typical of InfiniBand EDR/HDR with a tuned MPI

a, b_dense, b_csr and c are the exact solution of four 1-rank runs (time per iteration =
(compute_s + update_s)/iterations; update_s, the time outside kernels and reduce, is included
because it scales with the rows): strong P=1 (2M x 50 dense), calib_dense (200k x 500 dense),
calib_sparse (200k x 10⁶ CSR, 2·10⁷ nnz), calib_wide (2000 x 10⁶ CSR, 2·10⁵ nnz). The weak
P=1 run (250k x 50) is not used for the fit: it is an independent check.

The "full node" column puts k cores (default 32, ASSUMED) on each node with a memory bandwidth
of --node-bw (default 100 GB/s, ASSUMED): a node's pass takes max(n·(a + d·b)/k, 8·n·d/BW);
its allreduce adds an intra-node stage over k ranks with this machine's α, β.

Partitioned solver state (solver.state: partitioned, README "Partitioned solver state"): each
rank updates only its 1/P slice of the solver's vectors and finishes only its slice of the
gradient, so the serial part becomes c·d·(s + (1 − s)/P), where s is the share of c that stays on
full-length vectors (the gradient sums a pass adds up and the θ it reads; --replicated-share,
MEASURED from the update time of 1- and 2-rank partitioned runs: s = 2·u₂/u₁ − 1). Each
evaluation reduce-scatters the gradient (8·d bytes), allgathers θ for the next pass (8·d bytes)
and allreduces a few scalars (loss, intercept, penalty, stop flag); each iteration adds
`--dots-per-iter` scalar allreduces for the solvers' dot products (L-BFGS: 3 sums and 2 maxima,
and the line search's penalty terms and slope: 7):

    T_part(P) = e · (T_pass(n/P) + T_reduce_scatter(P) + T_allgather(P) + T_allreduce(P, 8 B))
                + c·d·(s + (1−s)/P) + k · T_allreduce(P, 8 B)
    T_allgather(P) = T_reduce_scatter(P) = log2(P)·α + (P−1)/P · 8·d · β

Not modelled: load imbalance, OS jitter (grows with P), network contention, data loading, and
whether the problem fits in memory at small P (the 1-node times of the big cases are hypothetical).
"""
import argparse
import csv
import math
import os
import sys

import numpy as np


def fastest(path, mode, ranks=None):
    rows = [r for r in csv.DictReader(open(path))
            if r["mode"] == mode and (ranks is None or int(r["ranks"]) == ranks)]
    return min(rows, key=lambda r: float(r["time_per_iter_s"])) if rows else None


def is_dense(r):
    return r["density"] in ("", "1", "1.0") or float(r["density"]) >= 1.0


def evals_per_iter(r):
    return int(r["evaluations"]) / int(r["iterations"])


def work_per_iter(r):
    """Measured compute + per-row overhead (update_s) per iteration, max over ranks."""
    return (float(r["compute_max_s"]) + float(r["update_max_s"])) / int(r["iterations"])


def t_allgather(p, nbytes, alpha, beta):
    if p <= 1:
        return 0.0
    return math.log2(p) * alpha + (p - 1) / p * nbytes * beta


def t_allreduce(p, nbytes, alpha, beta):
    if p <= 1:
        return 0.0
    return 2.0 * math.log2(p) * alpha + 2.0 * (p - 1) / p * nbytes * beta


class Model:
    def __init__(self, a, b_dense, b_csr, c):
        self.a, self.b_dense, self.b_csr, self.c = a, b_dense, b_csr, c

    def t_pass(self, rows, d, nnz, dense):
        return rows * self.a + (rows * d * self.b_dense if dense else nnz * self.b_csr)

    def t_iter(self, p, rows, d, nnz, dense, e, alpha, beta, node=None):
        """Seconds per iteration on p nodes; node = (cores, bandwidth, α_intra, β_intra) or None."""
        nbytes = 8.0 * (d + 3)
        if node is None:
            compute = self.t_pass(rows / p, d, nnz / p, dense)
            reduce = t_allreduce(p, nbytes, alpha, beta)
        else:
            k, bw, a_in, b_in = node
            n = rows / p
            compute = max(self.t_pass(n, d, nnz / p, dense) / k,
                          (8.0 * n * d if dense else 12.0 * nnz / p) / bw)
            reduce = t_allreduce(p, nbytes, alpha, beta) + t_allreduce(k, nbytes, a_in, b_in)
        return e * compute + self.c * d + e * reduce

    def t_iter_partitioned(self, p, rows, d, nnz, dense, e, alpha, beta, share, dots):
        """Seconds per iteration on p nodes, one rank per node, with the solver state partitioned."""
        compute = self.t_pass(rows / p, d, nnz / p, dense)
        # reduce-scatter of the gradient and allgather of θ: the same cost each
        comm = 2.0 * t_allgather(p, 8.0 * d, alpha, beta) + t_allreduce(p, 8.0 * 4, alpha, beta)
        serial = self.c * d * (share + (1.0 - share) / p)
        return e * (compute + comm) + serial + dots * t_allreduce(p, 8.0, alpha, beta)


def calibrate(csv_path, cal_path):
    runs = [("strong P=1", fastest(csv_path, "strong", 1))]
    if cal_path:
        runs += [(m, fastest(cal_path, m)) for m in ("calib_dense", "calib_sparse", "calib_wide")]
    missing = [name for name, r in runs if r is None]
    if missing or len(runs) < 4:
        sys.exit(f"perf_model: calibration runs missing ({', '.join(missing) or 'calibration.csv'}); "
                 "run scripts/scaling/run_scaling.sh with CALIBRATE=1 and 1 in RANKS")
    A, y = [], []
    for _, r in runs:
        e, n, d, nnz = evals_per_iter(r), int(r["rows"]), int(r["features"]), float(r["nnz"])
        dense = is_dense(r)
        A.append([e * n, e * n * d if dense else 0.0, 0.0 if dense else e * nnz, d])
        y.append(work_per_iter(r))
    A, y = np.array(A), np.array(y)
    scale = A.max(axis=0)
    x = np.linalg.solve(A / scale, y) / scale
    if (x < 0).any():
        print("  warning: a negative cost came out of the fit (timing noise); clamped to 0, least squares on the rest")
        try:
            from scipy.optimize import nnls
            x = nnls(A / scale, y)[0] / scale
        except ImportError:
            x = np.clip(x, 0, None)
    return Model(*x), runs


def fit_allreduce(path):
    """α, β from allreduce_bench.c output (relative least squares over message sizes)."""
    pts = [(int(r["ranks"]), float(r["bytes"]), float(r["time_s"])) for r in csv.DictReader(open(path))]
    p = pts[0][0]
    if p < 2:
        return None
    A = np.array([[2 * math.log2(p), 2 * (p - 1) / p * n] for _, n, _ in pts])
    t = np.array([t for _, _, t in pts])
    w = 1.0 / t
    (alpha, beta), *_ = np.linalg.lstsq(A * w[:, None], t * w, rcond=None)
    return max(alpha, 1e-9), max(beta, 1e-13), p, pts


def fmt_t(t):
    if t < 1e-3:
        return f"{t * 1e6:.3g} µs"
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def print_partitioned(m, a, e, alpha, beta, ps):
    """The partitioned solver state against the replicated one, CSR 1e9 nnz, d = 1e6, strong."""
    serial = Model(m.a, m.b_dense, m.b_csr, a.serial_c * 1e-9 if a.serial_c else m.c)
    part = Model(m.a, m.b_dense, m.b_csr, a.partitioned_c * 1e-9 if a.partitioned_c else serial.c)
    print(f"\n  Partitioned solver state (c = {part.c * 1e9:.1f} ns per feature on one rank, of which a share "
          f"s = {a.replicated_share:.2f} stays on full-length vectors; replicated c = {serial.c * 1e9:.1f} ns; "
          f"{a.dots_per_iter:g} scalar allreduces per iteration), CSR 1e9 nnz, d = 1e6, strong scaling, "
          f"e = {e:.2f}, α = {alpha * 1e6:g} µs, 1/β = {1 / beta / 1e9:g} GB/s:")
    rows, d, nnz = 10_000_000, 1_000_000, 1e9
    t1 = part.t_iter_partitioned(1, rows, d, nnz, False, e, alpha, beta, a.replicated_share, a.dots_per_iter)
    tr1 = serial.t_iter(1, rows, d, nnz, False, e, alpha, beta)
    for p in ps:
        tp = part.t_iter_partitioned(p, rows, d, nnz, False, e, alpha, beta, a.replicated_share,
                                     a.dots_per_iter)
        tr = serial.t_iter(p, rows, d, nnz, False, e, alpha, beta)
        print(f"  {p:5d} nodes: partitioned {fmt_t(tp):>9} {100 * t1 / (p * tp):6.1f}%   "
              f"replicated {fmt_t(tr):>9} {100 * tr1 / (p * tr):6.1f}%")
    pm = ps[-1]
    print(f"  at {pm} nodes, partitioned: pass {fmt_t(e * part.t_pass(rows / pm, d, nnz / pm, False))}, "
          f"serial {fmt_t(part.c * d * (a.replicated_share + (1 - a.replicated_share) / pm))}, "
          f"reduce-scatter + allgather {fmt_t(e * 2 * t_allgather(pm, 8.0 * d, alpha, beta))}, "
          f"scalar reduces {fmt_t((e + a.dots_per_iter) * t_allreduce(pm, 8.0, alpha, beta))}")


HERE_ALPHA, HERE_BETA = 1e-6, 1e-9  # this machine's allreduce when not measured (ASSUMED)


def scenarios(a, node):
    """(label, rows, d, nnz, dense, weak, node) of the predictions."""
    return [
        ("dense 1e8x100", 100_000_000, 100, 1e10, True, False, None),
        (f"dense, {a.cores_per_node}-core node", 100_000_000, 100, 1e10, True, False, node),
        ("CSR 1e9 nnz, d=1e6", 10_000_000, 1_000_000, 1e9, False, False, None),
        ("weak dense 1e6x100", 1_000_000, 100, 1e8, True, True, None),
        ("weak CSR 1e8nnz d=1e6", 1_000_000, 1_000_000, 1e8, False, True, None),
    ]


def predict(m, a, e, alpha, beta, node, ps):
    """labels, {label: efficiency per P}, {label: time per iteration per P}."""
    eff, tim = {}, {}
    for label, rows, d, nnz, dense, weak, nd in scenarios(a, node):
        t1 = m.t_iter(1, rows, d, nnz, dense, e, alpha, beta, nd)
        eff[label], tim[label] = [], []
        for p in ps:
            if weak:
                tp = m.t_iter(p, rows * p, d, nnz * p, dense, e, alpha, beta, nd)
                eff[label].append(t1 / tp)
            else:
                tp = m.t_iter(p, rows, d, nnz, dense, e, alpha, beta, nd)
                eff[label].append(t1 / (p * tp))
            tim[label].append(tp)
    return [sc[0] for sc in scenarios(a, node)], eff, tim


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", help="scaling.csv from run_scaling.sh (required unless --fitted)")
    ap.add_argument("--calibration", help="calibration.csv from run_scaling.sh")
    ap.add_argument("--allreduce", help="allreduce.csv from allreduce_bench.c")
    ap.add_argument("--alpha", type=float, default=2e-6, help="cluster: allreduce latency per step, s (assumed)")
    ap.add_argument("--beta", type=float, default=1e-10, help="cluster: inverse bandwidth, s/byte (assumed)")
    ap.add_argument("--evals-per-iter", type=float, default=None,
                    help="e for the predictions (default: measured in the strong P=1 run)")
    ap.add_argument("--cores-per-node", type=int, default=32, help="'full node' column: cores (assumed)")
    ap.add_argument("--node-bw", type=float, default=100e9, help="'full node' column: memory bandwidth, B/s (assumed)")
    ap.add_argument("--max-nodes", type=int, default=1024)
    ap.add_argument("--replicated-share", type=float, default=None,
                    help="partitioned state: share of the serial part c that stays on full-length "
                         "vectors (MEASURED, see the docstring); omit to skip the partitioned prediction")
    ap.add_argument("--dots-per-iter", type=float, default=7,
                    help="partitioned state: scalar allreduces per iteration (the solvers' dot products)")
    ap.add_argument("--serial-c", type=float, default=None,
                    help="partitioned comparison: the solver's serial cost per feature per iteration on one "
                         "rank, ns (MEASURED: scripts/bench/partitioned_update.sh); default: the calibrated c")
    ap.add_argument("--partitioned-c", type=float, default=None,
                    help="partitioned comparison: the same in the partitioned mode on one rank, ns (MEASURED); "
                         "default: --serial-c")
    ap.add_argument("--fitted", help="A,B_DENSE,B_CSR,C in ns: use these node costs (docs/scaling.md's table) "
                                     "instead of calibrating from --csv; prints only the partitioned comparison "
                                     "(--replicated-share) and draws --png")
    ap.add_argument("--intra-alpha", type=float, default=None,
                    help="with --fitted: α of the intra-node stage, s (allreduce_bench here; default 1e-6)")
    ap.add_argument("--intra-beta", type=float, default=None,
                    help="with --fitted: β of the intra-node stage, s/byte (default 1e-9)")
    ap.add_argument("--png", help="write the efficiency-vs-nodes plot here (and a PDF beside it)")
    a = ap.parse_args()
    if a.fitted:
        if a.replicated_share is None and not a.png:
            sys.exit("perf_model: --fitted needs --replicated-share (or --png)")
        m = Model(*(float(v) * 1e-9 for v in a.fitted.split(",")))
        ps = [2 ** k for k in range(int(math.log2(a.max_nodes)) + 1)]
        if a.replicated_share is not None:
            print_partitioned(m, a, a.evals_per_iter or 1.0, a.alpha, a.beta, ps)
        if a.png:  # the replicated scenarios' plot from the given costs, no calibration
            node = (a.cores_per_node, a.node_bw, a.intra_alpha or HERE_ALPHA, a.intra_beta or HERE_BETA)
            labels, eff, _ = predict(m, a, a.evals_per_iter or 1.0, a.alpha, a.beta, node, ps)
            print("  nodes " + " ".join(f"{lab:>22}" for lab in labels))
            for i, p in enumerate(ps):
                print(f"  {p:5d} " + " ".join(f"{100 * eff[lab][i]:21.1f}%" for lab in labels))
            plot_model(a.png, ps, labels, eff, a.alpha, a.beta)
        return
    if not a.csv:
        sys.exit("perf_model: --csv is required (or --fitted)")

    # ---------------- calibration (measured here) ----------------
    print("Calibration: 1-rank runs on this machine (fastest repeat) -- MEASURED")
    m, runs = calibrate(a.csv, a.calibration)
    for name, r in runs:
        kind = "dense" if is_dense(r) else f"CSR, {int(float(r['nnz'])):,} nnz"
        print(f"  {name:12} {int(r['rows']):>9,} x {int(r['features']):>9,} {kind:18}: "
              f"{work_per_iter(r) * 1e3:8.2f} ms/iteration, {evals_per_iter(r):.3f} evaluations/iteration, "
              f"predicted back {m.t_iter(1, int(r['rows']), int(r['features']), float(r['nnz']), is_dense(r), evals_per_iter(r), 0, 0) * 1e3:.2f} ms")
    s1 = runs[0][1]
    d1 = int(s1["features"])
    print(f"  => a       = {m.a * 1e9:6.1f} ns per row (sigmoid, log-loss, residual, margins)")
    print(f"  => b_dense = {m.b_dense * 1e9:6.3f} ns per element of X: X streams at {8 / m.b_dense / 1e9:.1f} GB/s")
    print(f"  => b_csr   = {m.b_csr * 1e9:6.2f} ns per non-zero at d = 1e6 ({1 / m.b_csr / 1e6:.0f} M non-zeros/s)")
    print(f"  => c       = {m.c * 1e9:6.2f} ns per feature per iteration, on every rank (serial part)")
    eff_rate = 8.0 * d1 / (m.a + d1 * m.b_dense)
    print(f"  => compute rate of the dense kernel at d = {d1}: {eff_rate / 1e9:.2f} GB/s of X per core "
          f"({100 * d1 * m.b_dense / (m.a + d1 * m.b_dense):.0f}% of a pass is streaming X, the rest is per-row work)")

    here_alpha, here_beta, fit = HERE_ALPHA, HERE_BETA, None
    if a.allreduce:
        fit = fit_allreduce(a.allreduce)
    if fit:
        here_alpha, here_beta, pbench, pts = fit
        print(f"  allreduce_bench, {pbench} ranks in shared memory: α = {here_alpha * 1e6:.3f} µs, "
              f"1/β = {1 / here_beta / 1e9:.2f} GB/s (fit over {pts[0][1]:.0f} B .. {pts[-1][1] / 2**20:.0f} MiB; "
              f"{pts[0][2] * 1e6:.2f} µs for {pts[0][1]:.0f} B)")
    else:
        print(f"  no allreduce micro-benchmark: ASSUMED α = {here_alpha * 1e6:.1f} µs, "
              f"1/β = {1 / here_beta / 1e9:.1f} GB/s for this machine")

    # ---------------- check against this machine ----------------
    print("\nModel vs measurement on this machine, P <= physical cores (α, β measured here):")
    print(f"  {'mode':6} {'P':>2} {'rows':>10} {'predicted':>10} {'measured':>10} {'error':>7}  note")
    for mode in ("strong", "weak"):
        r1 = fastest(a.csv, mode, 1)
        for p in (1, 2):
            r = fastest(a.csv, mode, p)
            if r is None or r["oversubscribed"] == "1":
                continue
            rows, d = int(r["rows"]), int(r["features"])
            pred = m.t_iter(p, rows, d, float(r["nnz"] or rows * d), is_dense(r), evals_per_iter(r),
                            here_alpha, here_beta)
            meas = float(r["time_per_iter_s"])
            note = "calibration run" if (mode == "strong" and p == 1) else "independent of the fit"
            if r1 is not None and p > 1:
                c1 = float(r1["compute_max_s"]) / int(r1["rows"])
                cp = float(r["compute_max_s"]) / (int(r["rows"]) / p)
                note += f"; per-row compute at {c1 / cp:.2f}x the 1-rank speed (2 cores share memory bandwidth)"
            print(f"  {mode:6} {p:2d} {rows:10,d} {pred * 1e3:8.2f}ms {meas * 1e3:8.2f}ms {100 * (pred - meas) / meas:+6.1f}%  {note}")

    # ---------------- predictions for a cluster ----------------
    e = a.evals_per_iter if a.evals_per_iter else evals_per_iter(s1)
    alpha, beta = a.alpha, a.beta
    node = (a.cores_per_node, a.node_bw, here_alpha, here_beta)
    ps = [2 ** k for k in range(int(math.log2(a.max_nodes)) + 1)]
    print(f"\nPredicted per-iteration time and parallel efficiency on P nodes. ASSUMED: network α = {alpha * 1e6:g} µs, "
          f"1/β = {1 / beta / 1e9:g} GB/s;")
    print(f"{a.cores_per_node}-core node with {a.node_bw / 1e9:g} GB/s memory bandwidth in the second column "
          f"(the others: one rank per node at the MEASURED single-core costs). e = {e:.2f} evaluations/iteration.")
    print("Strong: 1e8 x 100 dense (80 GB) and 1e7 rows x 1e6 features with 1e9 non-zeros (12 GB) in total;"
          " weak: 1e6 rows (1e8 values or non-zeros) per node.")
    labels, eff, tim = predict(m, a, e, alpha, beta, node, ps)
    scen = scenarios(a, node)
    w = 22
    print(f"  {'nodes':>5} " + " ".join(f"{lab:>{w}}" for lab in labels))
    for i, p in enumerate(ps):
        print(f"  {p:5d} " + " ".join(f"{fmt_t(tim[lab][i]):>11} {100 * eff[lab][i]:9.1f}%" for lab in labels))
    pm = ps[-1]
    print(f"\n  Where the time goes at {pm} nodes (one rank per node):")
    for label, rows, d, nnz, dense, weak, nd in scen:
        if nd is not None or weak:
            continue
        comp = e * m.t_pass(rows / pm, d, nnz / pm, dense)
        ser = m.c * d
        red = e * t_allreduce(pm, 8.0 * (d + 3), alpha, beta)
        print(f"    {label:20}: pass {fmt_t(comp)}, serial c·d {fmt_t(ser)}, allreduce of {8 * (d + 3):,} B {fmt_t(red)}"
              f"  (Amdahl limit of the serial part alone: speedup <= {m.t_iter(1, rows, d, nnz, dense, e, 0, 0) / ser:,.0f})")

    if a.replicated_share is not None:
        print_partitioned(m, a, e, alpha, beta, ps)

    if a.png:
        plot_model(a.png, ps, labels, eff, alpha, beta)


def plot_model(png, ps, labels, eff, alpha, beta):
    """The predicted efficiency against nodes, 300 dpi PNG plus a PDF beside it. Only the model is
    drawn: this machine has one node, so no measurement belongs on a nodes axis (the check against
    the 1- and 2-rank runs here is the text table above)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5.6, 4.4))
    for lab, st in zip(labels, ["-o", "--o", "-s", "-^", "--^"]):
        ax.plot(ps, [100 * v for v in eff[lab]], st, ms=3, label=lab)
    ax.set_xscale("log", base=2)
    ax.set_xticks(ps)
    ax.set_xticklabels([str(p) for p in ps], fontsize=7)
    ax.set_ylim(0, 108)
    ax.set_xlabel("nodes (32-core node: 32 ranks each; the others: one rank)")
    ax.set_ylabel("predicted parallel efficiency (%)")
    ax.set_title("α–β model prediction, not a measurement\n"
                 f"network: latency α = {alpha * 1e6:g} µs, bandwidth 1/β = {1 / beta / 1e9:g} GB/s (assumed)\n"
                 "per-node costs: measured on one core of the 2-core machine", fontsize=8)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    fig.tight_layout()
    pdf = os.path.splitext(png)[0] + ".pdf"
    fig.savefig(png, dpi=300, bbox_inches="tight", pad_inches=0.05, metadata={"Software": None})
    fig.savefig(pdf, bbox_inches="tight", pad_inches=0.05,
                metadata={"CreationDate": None, "Producer": None, "Creator": None})
    plt.close(fig)
    try:  # 256 colours instead of true colour: a third of the bytes, no visible change
        from PIL import Image
        with Image.open(png) as im:
            q = im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
        q.save(png, optimize=True, dpi=(300, 300))
    except ImportError:
        pass
    print(f"\nplot: {png}, {pdf}")

if __name__ == "__main__":
    main()
