#!/usr/bin/env python3
"""Plots of a run_scaling.sh CSV: time per iteration, speedup, efficiency, communication share.

    python3 scripts/scaling/plot_scaling.py out/scaling/scaling.csv --out out/scaling

The CSV has one row per run (column `repeat`). Each point is the median over the repeats of one
(mode, P); its error bar spans the fastest to the slowest repeat. Speedup and efficiency are
ratios of two such sets of times: the point is the ratio of the medians, the bar runs from the
least favourable pairing (fastest 1-rank time over slowest P-rank time) to the most favourable
(slowest 1-rank time over fastest P-rank time). A grey ring marks a
point where most repeats competed with other processes (column foreign_load at least 0.25 cores
above the cores the run left idle). Rank counts above the physical core count (column `cores`)
are shaded: those ranks time-share cores, so their speedup cannot exceed the core count; the
dotted "core limit" lines show that ceiling. Log axes carry a labelled tick at every data point.

Writes time_per_iter, speedup, efficiency and comm_share, each as a 300 dpi PNG and a PDF
(--dpi changes the PNG's), and prints the table it plotted.
"""
import argparse
import csv
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402

BUSY = 0.25  # cores
SIZE = (5.2, 4.0)  # inches of the axes area and title; the legend below adds to the height


def base(mode):
    """strong or weak; a STATES run's mode is <base>_<solver.state> (run_scaling.sh)."""
    return mode.split("_")[0]


def style_of(mode):
    color = {"strong": "C0", "weak": "C3"}[base(mode)]
    if mode.endswith("_partitioned"):
        return dict(color="C2" if base(mode) == "strong" else "C1", marker="^", ls="--")
    return dict(color=color, marker="o" if base(mode) == "strong" else "s")


def load(path):
    """{(mode, P): [rows of its repeats]}."""
    runs = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            if base(r["mode"]) in ("strong", "weak"):
                runs.setdefault((r["mode"], int(r["ranks"])), []).append(r)
    return runs


def busy(r):
    """Other processes took CPU our ranks needed: more than the idle cores (if any) + BUSY."""
    spare = max(0, int(r["cores"]) - int(r["ranks"]))
    return float(r.get("foreign_load") or 0) >= spare + BUSY


class Stat:
    """Median and range of a set of values (or of a ratio of two sets, see the module doc)."""

    def __init__(self, mid, lo, hi):
        self.mid, self.lo, self.hi = mid, lo, hi

    @classmethod
    def of(cls, values):
        return cls(statistics.median(values), min(values), max(values))

    def ratio(self, other, k=1.0):
        """k · self / other."""
        return Stat(k * self.mid / other.mid, k * self.lo / other.hi, k * self.hi / other.lo)


def build_series(runs):
    series = {}
    modes = sorted({k[0] for k in runs}, key=lambda m: (base(m) != "strong", m))
    for m in modes:
        ps = sorted(p for (mm, p) in runs if mm == m)
        reps = [runs[(m, p)] for p in ps]
        t = [Stat.of([float(r["time_per_iter_s"]) for r in rr]) for rr in reps]
        p0 = ps[0]  # 1 in the default runs
        if base(m) == "strong":  # (the reference point is exactly 1: no bar of its own)
            speedup = [t[0].ratio(ti, p0) if i else Stat(p0, p0, p0) for i, ti in enumerate(t)]
            eff = [t[0].ratio(ti, p0 / p) if i else Stat(1, 1, 1) for i, (p, ti) in enumerate(zip(ps, t))]
        else:  # weak: P times the work in the same time is ideal
            speedup = [t[0].ratio(ti, p / p0) if i else Stat(1, 1, 1) for i, (p, ti) in enumerate(zip(ps, t))]
            eff = [t[0].ratio(ti) if i else Stat(1, 1, 1) for i, ti in enumerate(t)]
        share = [Stat.of([100 * float(r["comm_share"]) for r in rr]) for rr in reps]
        series[m] = dict(ps=ps, reps=reps, t=t, speedup=speedup, eff=eff, share=share,
                         busy=[2 * sum(busy(r) for r in rr) > len(rr) for rr in reps])
    return series


def draw(ax, ps, stats, label, style):
    mids = [s.mid for s in stats]
    err = [[s.mid - s.lo for s in stats], [s.hi - s.mid for s in stats]]
    ax.errorbar(ps, mids, yerr=err, label=label, capsize=3, elinewidth=0.9, ms=4, **style)


def ring_busy(ax, s, key):
    pts = [(p, v.mid) for p, v, b in zip(s["ps"], s[key], s["busy"]) if b]
    if pts:
        ax.plot([p for p, _ in pts], [v for _, v in pts], "o", ms=12, mfc="none", mec="0.5", mew=1.0, zorder=5,
                label="most repeats competed with other processes")


def shade(ax, cores, pmax, top=False):
    if pmax > cores:
        ax.axvspan(cores * 1.25, pmax * 1.5, color="0.92", zorder=0)
        ax.text(cores * 1.3, 0.97 if top else 0.03, f"oversubscribed:\nmore ranks than\nthe {cores} cores",
                transform=ax.get_xaxis_transform(), va="top" if top else "bottom", fontsize=7, color="0.35")


def ranks_axis(ax, ps):
    ax.set_xscale("log", base=2)
    ax.set_xticks(ps)
    ax.set_xticklabels([str(p) for p in ps])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xlim(min(ps) / 1.3, max(ps) * 1.4)
    ax.set_xlabel("MPI ranks (processes)")
    ax.grid(True, which="major", alpha=0.3)


def data_ticks(ax, values, fmt):
    """A labelled tick at every data value of a log y axis, thinned where two would overlap."""
    lo, hi = ax.get_ylim()
    gap = (hi / lo) ** 0.045  # labels closer than 4.5 % of the axis height would overlap
    ticks = []
    for v in sorted(values):
        if not ticks or v / ticks[-1] > gap:
            ticks.append(v)
    ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt(v)))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.tick_params(axis="y", labelsize=7)


def finish(fig, ax, out, name, dpi):
    """Legend under the axes (each label once); the figure as PNG and PDF."""
    seen = {}
    for h, lab in zip(*ax.get_legend_handles_labels()):
        seen.setdefault(lab, h)
    measured = sorted(seen, key=lambda lab: not isinstance(seen[lab], ErrorbarContainer))  # data first
    ax.legend([seen[lab] for lab in measured], measured, fontsize=7, loc="upper center",
              bbox_to_anchor=(0.5, -0.2), ncol=1, frameon=False)
    fig.tight_layout()
    png = os.path.join(out, name + ".png")
    fig.savefig(png, dpi=dpi, bbox_inches="tight", pad_inches=0.05, metadata={"Software": None})
    fig.savefig(os.path.join(out, name + ".pdf"), bbox_inches="tight", pad_inches=0.05,
                metadata={"CreationDate": None, "Producer": None, "Creator": None})
    plt.close(fig)
    small_png(png, dpi)


def small_png(path, dpi):
    """256 colours instead of true colour: a third of the bytes, no visible change."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        q = im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    q.save(path, optimize=True, dpi=(dpi, dpi))


def plot_time(series, label, style, cores, all_ps, n_rep, out, dpi):
    fig, ax = plt.subplots(figsize=SIZE)
    for m, s in series.items():
        draw(ax, s["ps"], s["t"], label[m], style[m])
        if m.endswith("_partitioned"):
            continue  # the ideal and limit lines once per base mode
        t1 = s["t"][0].mid * s["ps"][0]
        if base(m) == "strong":
            ax.plot(s["ps"], [t1 / p for p in s["ps"]], ls="--", color="C0", lw=0.8,
                    label="strong, ideal: 1-rank time / ranks")
            ax.plot(s["ps"], [t1 / min(p, cores) for p in s["ps"]], ls=":", color="C0", lw=1.2,
                    label=f"strong, core limit: 1-rank time / min(ranks, {cores})")
        else:
            ax.plot(s["ps"], [s["t"][0].mid * max(1.0, p / cores) for p in s["ps"]], ls=":", color="C3", lw=1.2,
                    label=f"weak, core limit: 1-rank time × max(1, ranks / {cores})")
    for s in series.values():
        ring_busy(ax, s, "t")
    ax.set_yscale("log")
    data_ticks(ax, [v.mid for s in series.values() for v in s["t"]], lambda v: f"{v:.3g}")
    ax.set_ylabel("time per iteration (s)")
    ax.set_title(f"Time per gd iteration (median of {n_rep}, bars: min–max)", fontsize=10)
    ranks_axis(ax, all_ps)
    shade(ax, cores, max(all_ps))
    finish(fig, ax, out, "time_per_iter", dpi)


def plot_speedup(series, strong, label, style, cores, n_rep, out, dpi):
    s = series[strong[0]]
    fig, ax = plt.subplots(figsize=SIZE)
    for m in strong:
        draw(ax, series[m]["ps"], series[m]["speedup"], f"measured ({m})" if len(strong) > 1 else "measured", style[m])
    ax.plot(s["ps"], s["ps"], ls="--", color="0.4", lw=0.8, label="ideal: speedup = ranks")
    ax.plot(s["ps"], [min(p, cores) for p in s["ps"]], ls=":", color="k", lw=1.2,
            label=f"core limit: min(ranks, {cores})")
    for p, v in zip(s["ps"], s["speedup"]):
        ax.annotate(f"{v.mid:.2f}", (p, v.mid), textcoords="offset points", xytext=(5, -11), fontsize=7)
    ring_busy(ax, s, "speedup")
    ax.set_ylim(0, max(s["ps"]) * 1.05)
    ax.set_ylabel("speedup over 1 rank (×)")
    ax.set_title(f"Strong scaling, {label[strong[0]].split('(')[1].rstrip(')')}\n(median of {n_rep}, bars: min–max)",
                 fontsize=10)
    ranks_axis(ax, s["ps"])
    shade(ax, cores, max(s["ps"]), top=True)
    finish(fig, ax, out, "speedup", dpi)


def plot_efficiency(series, label, style, cores, all_ps, n_rep, out, dpi):
    fig, ax = plt.subplots(figsize=SIZE)
    for m, s in series.items():
        draw(ax, s["ps"], [Stat(100 * v.mid, 100 * v.lo, 100 * v.hi) for v in s["eff"]], label[m], style[m])
    ax.plot(all_ps, [100 * min(1.0, cores / p) for p in all_ps], ls=":", color="k", lw=1.2,
            label=f"core limit: min(100 %, {cores} cores / ranks)")
    for m, s in series.items():
        ring_busy(ax, dict(s, eff=[Stat(100 * v.mid, 0, 0) for v in s["eff"]]), "eff")
    ax.axhline(100, ls="--", color="0.4", lw=0.8)
    ax.set_ylim(0, 115)
    ax.set_ylabel("parallel efficiency (%)")
    ax.set_title(f"Parallel efficiency (median of {n_rep}, bars: min–max)", fontsize=10)
    ranks_axis(ax, all_ps)
    shade(ax, cores, max(all_ps), top=True)
    finish(fig, ax, out, "efficiency", dpi)


def plot_share(series, label, style, cores, all_ps, n_rep, out, dpi):
    fig, ax = plt.subplots(figsize=SIZE)
    for m, s in series.items():
        draw(ax, s["ps"], s["share"], label[m], style[m])
    for s in series.values():
        ring_busy(ax, s, "share")
    ax.set_ylim(0, max(5.0, max(v.hi for s in series.values() for v in s["share"]) * 1.15))
    ax.set_ylabel("time in MPI_Allreduce (% of training)")
    ax.set_title(f"Communication share of the slowest rank, waiting included\n(median of {n_rep}, bars: min–max)",
                 fontsize=10)
    ranks_axis(ax, all_ps)
    shade(ax, cores, max(all_ps))
    finish(fig, ax, out, "comm_share", dpi)


def print_table(series, out):
    print(f"{'mode':6} {'P':>3} {'rows':>9} {'n':>2} {'s/iter':>8} {'min':>8} {'max':>8} {'speedup':>7} {'eff':>5} "
          f"{'comm%':>5} {'busy':>4}  note")
    for m, s in series.items():
        for i, p in enumerate(s["ps"]):
            r, t = s["reps"][i][0], s["t"][i]
            note = "oversubscribed" if r["oversubscribed"] == "1" else ""
            print(f"{m:6} {p:3d} {int(r['rows']):9d} {len(s['reps'][i]):2d} {t.mid:8.4f} {t.lo:8.4f} {t.hi:8.4f} "
                  f"{s['speedup'][i].mid:7.2f} {s['eff'][i].mid:5.2f} {s['share'][i].mid:5.1f} "
                  f"{'yes' if s['busy'][i] else 'no':>4}  {note}")
    print("medians over the repeats; busy: most repeats competed with other processes for the cores")
    names = ("time_per_iter", "speedup", "efficiency", "comm_share")
    print("plots: " + ", ".join(os.path.join(out, n + e) for n in names for e in (".png", ".pdf")))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--out", default=None, help="directory for the figures (default: beside the CSV)")
    ap.add_argument("--dpi", type=int, default=300, help="resolution of the PNGs")
    args = ap.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.csv))
    os.makedirs(out, exist_ok=True)
    runs = load(args.csv)
    if not runs:
        sys.exit(f"{args.csv}: no strong/weak rows")
    cores = int(next(iter(runs.values()))[0]["cores"])
    n_rep = max(len(v) for v in runs.values())
    series = build_series(runs)
    all_ps = sorted({p for s in series.values() for p in s["ps"]})
    style = {m: style_of(m) for m in series}
    label = {}
    for m, s in series.items():
        r0 = s["reps"][0][0]
        per = f"{int(r0['rows']):,} rows" if base(m) == "strong" else f"{int(r0['rows']) // s['ps'][0]:,} rows per rank"
        label[m] = f"{m} ({per} × {r0['features']} features)"

    plot_time(series, label, style, cores, all_ps, n_rep, out, args.dpi)
    strong = [m for m in series if base(m) == "strong"]
    if strong:
        plot_speedup(series, strong, label, style, cores, n_rep, out, args.dpi)
    plot_efficiency(series, label, style, cores, all_ps, n_rep, out, args.dpi)
    plot_share(series, label, style, cores, all_ps, n_rep, out, args.dpi)
    print_table(series, out)


if __name__ == "__main__":
    main()
