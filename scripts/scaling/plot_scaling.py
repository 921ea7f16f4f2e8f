#!/usr/bin/env python3
"""Plots of a run_scaling.sh CSV: time per iteration, speedup, efficiency, communication share.

    python3 scripts/scaling/plot_scaling.py out/scaling/scaling.csv --out out/scaling

Of the repeats of one (mode, P) the fastest run is used (timings on a shared machine are only
ever slowed down by foreign load); a grey ring marks a point whose fastest run still competed with
other processes (column foreign_load at least 0.25 cores above the cores the run left idle). Rank counts above the physical core count (column `cores`)
are shaded: those ranks time-share cores, so their speedup cannot exceed the core count; the
dotted "core limit" lines show that ceiling. Writes time_per_iter.png, speedup.png,
efficiency.png, comm_share.png and prints the table it plotted.
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402,F401


def base(mode):
    """strong or weak; a STATES run's mode is <base>_<solver.state> (run_scaling.sh)."""
    return mode.split("_")[0]


def style_of(mode):
    color = {"strong": "C0", "weak": "C3"}[base(mode)]
    if mode.endswith("_partitioned"):
        return dict(color="C2" if base(mode) == "strong" else "C1", marker="^", ls="--")
    return dict(color=color, marker="o" if base(mode) == "strong" else "s")


def load(path):
    best = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            if base(r["mode"]) not in ("strong", "weak"):
                continue
            key = (r["mode"], int(r["ranks"]))
            if key not in best or float(r["time_per_iter_s"]) < float(best[key]["time_per_iter_s"]):
                best[key] = r
    return best


def shade(ax, cores, pmax, top=False):
    if pmax > cores:
        ax.axvspan(cores * 1.25, pmax * 1.5, color="0.9", zorder=0)
        ax.text(cores * 1.3, 0.97 if top else 0.03, f"oversubscribed:\nP > {cores} cores",
                transform=ax.get_xaxis_transform(), va="top" if top else "bottom", fontsize=8, color="0.35")


BUSY = 0.25  # cores


def busy(r):
    """Other processes took CPU our ranks needed: more than the idle cores (if any) + BUSY."""
    spare = max(0, int(r["cores"]) - int(r["ranks"]))
    return float(r.get("foreign_load") or 0) >= spare + BUSY


def ring_busy(ax, s, key):
    """Ring the points whose fastest run still competed with other processes for the cores."""
    pts = [(p, v) for p, v, r in zip(s["ps"], s[key], s["rows"]) if busy(r)]
    if pts:
        ax.plot([p for p, _ in pts], [v for _, v in pts], "o", ms=13, mfc="none", mec="0.5", mew=1.2, zorder=5,
                label="machine busy (other processes needed the cores)")


def below(fig, ax):
    """Legend under the axes, in two columns, each label once."""
    seen = {}
    for h, lab in zip(*ax.get_legend_handles_labels()):
        seen.setdefault(lab, h)
    ax.legend(list(seen.values()), list(seen.keys()), fontsize=7, loc="upper center",
              bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.tight_layout()


def log2_axis(ax, ps):
    ax.set_xscale("log", base=2)
    ax.set_xticks(ps)
    ax.set_xticklabels([str(p) for p in ps])
    ax.set_xlim(min(ps) / 1.3, max(ps) * 1.4)
    ax.set_xlabel("ranks P")
    ax.grid(True, which="major", alpha=0.3)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--out", default=None, help="directory for the PNGs (default: beside the CSV)")
    ap.add_argument("--dpi", type=int, default=90)
    args = ap.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.csv))
    os.makedirs(out, exist_ok=True)
    best = load(args.csv)
    if not best:
        sys.exit(f"{args.csv}: no strong/weak rows")
    cores = int(next(iter(best.values()))["cores"])
    modes = sorted({k[0] for k in best}, key=lambda m: (base(m) != "strong", m))
    series = {}
    for m in modes:
        ps = sorted(p for (mm, p) in best if mm == m)
        rows = [best[(m, p)] for p in ps]
        t = [float(r["time_per_iter_s"]) for r in rows]
        t1 = t[0] * ps[0]  # time on one rank (ps[0] is 1 in the default runs)
        if base(m) == "strong":
            speedup = [t1 / ti for ti in t]
            eff = [s / p for s, p in zip(speedup, ps)]
        else:  # weak: P times the work in the same time is ideal
            speedup = [p * t[0] / ti for p, ti in zip(ps, t)]
            eff = [t[0] / ti for ti in t]
        series[m] = dict(ps=ps, rows=rows, t=t, speedup=speedup, eff=eff,
                         share=[float(r["comm_share"]) for r in rows])

    all_ps = sorted({p for s in series.values() for p in s["ps"]})
    pmax = max(all_ps)
    style = {m: style_of(m) for m in series}
    size = (5.4, 4.3)
    label = {}
    for m, s in series.items():
        r0 = s["rows"][0]
        per = f"{int(r0['rows']):,} rows" if base(m) == "strong" else f"{int(r0['rows']) // s['ps'][0]:,} rows/rank"
        label[m] = f"{m} ({per} x {r0['features']})"

    # time per iteration
    fig, ax = plt.subplots(figsize=size)
    for m, s in series.items():
        ax.plot(s["ps"], s["t"], label=label[m], **style[m])
        if m.endswith("_partitioned"):
            continue  # the ideal and limit lines once per base mode
        if base(m) == "strong":
            ax.plot(s["ps"], [s["t"][0] * s["ps"][0] / p for p in s["ps"]], ls="--", color="C0", lw=0.8,
                    label="strong ideal (T1/P)")
            ax.plot(s["ps"], [s["t"][0] * s["ps"][0] / min(p, cores) for p in s["ps"]], ls=":", color="C0",
                    lw=1.2, label=f"strong core limit (T1/min(P,{cores}))")
        else:
            ax.plot(s["ps"], [s["t"][0] * max(1.0, p / cores) for p in s["ps"]], ls=":", color="C3", lw=1.2,
                    label=f"weak core limit (T1·max(1,P/{cores}))")
    for m, s_ in series.items():
        ring_busy(ax, s_, "t")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_ylabel("seconds per iteration")
    ax.set_title("Time per gd iteration")
    log2_axis(ax, all_ps)
    shade(ax, cores, pmax)
    below(fig, ax)
    fig.savefig(os.path.join(out, "time_per_iter.png"), dpi=args.dpi)
    plt.close(fig)

    # speedup (strong)
    strong = [m for m in series if base(m) == "strong"]
    if strong:
        s = series[strong[0]]
        fig, ax = plt.subplots(figsize=size)
        for m in strong:
            ax.plot(series[m]["ps"], series[m]["speedup"], label=f"measured ({m})" if len(strong) > 1 else "measured",
                    **style[m])
        ax.plot(s["ps"], s["ps"], ls="--", color="0.4", lw=0.8, label="ideal (P)")
        ax.plot(s["ps"], [min(p, cores) for p in s["ps"]], ls=":", color="k", lw=1.2,
                label=f"core limit min(P, {cores})")
        for p, v in zip(s["ps"], s["speedup"]):
            ax.annotate(f"{v:.2f}", (p, v), textcoords="offset points", xytext=(4, -10), fontsize=7)
        ring_busy(ax, s, "speedup")
        ax.set_ylim(0, max(s["ps"]) * 1.05)
        ax.set_ylabel("speedup T(1)/T(P)")
        ax.set_title("Strong scaling speedup: " + label[strong[0]].split("(")[1].rstrip(")"))
        log2_axis(ax, s["ps"])
        shade(ax, cores, pmax, top=True)
        below(fig, ax)
        fig.savefig(os.path.join(out, "speedup.png"), dpi=args.dpi)
        plt.close(fig)

    # efficiency (strong and weak)
    fig, ax = plt.subplots(figsize=size)
    for m, s in series.items():
        ax.plot(s["ps"], s["eff"], label=label[m], **style[m])
    ax.plot(all_ps, [min(1.0, cores / p) for p in all_ps], ls=":", color="k", lw=1.2,
            label=f"core limit min(1, {cores}/P)")
    for m, s_ in series.items():
        ring_busy(ax, s_, "eff")
    ax.axhline(1.0, ls="--", color="0.4", lw=0.8)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("parallel efficiency")
    ax.set_title("Parallel efficiency")
    log2_axis(ax, all_ps)
    shade(ax, cores, pmax)
    below(fig, ax)
    fig.savefig(os.path.join(out, "efficiency.png"), dpi=args.dpi)
    plt.close(fig)

    # communication share
    fig, ax = plt.subplots(figsize=size)
    for m, s in series.items():
        ax.plot(s["ps"], s["share"], label=label[m], **style[m])
    for m, s_ in series.items():
        ring_busy(ax, s_, "share")
    ax.set_ylim(0, max(0.05, max(v for s in series.values() for v in s["share"]) * 1.2))
    ax.set_ylabel("comm_s(max) / train_s")
    ax.set_title("Share of time in MPI_Allreduce (incl. waiting)")
    log2_axis(ax, all_ps)
    shade(ax, cores, pmax)
    below(fig, ax)
    fig.savefig(os.path.join(out, "comm_share.png"), dpi=args.dpi)
    plt.close(fig)

    print(f"{'mode':6} {'P':>3} {'rows':>9} {'s/iter':>9} {'speedup':>7} {'eff':>5} {'comm':>5} {'foreign':>7}  note")
    for m, s in series.items():
        for p, r, t, sp, e, sh in zip(s["ps"], s["rows"], s["t"], s["speedup"], s["eff"], s["share"]):
            note = "oversubscribed" if r["oversubscribed"] == "1" else ""
            fl = (r.get("foreign_load") or "-") + ("*" if busy(r) else " ")
            print(f"{m:6} {p:3d} {int(r['rows']):9d} {t:9.4f} {sp:7.2f} {e:5.2f} {sh:5.2f} {fl:>7}  {note}")
    print("foreign: cores other processes used during the run; * = they competed with our ranks")
    print("plots: " + ", ".join(os.path.join(out, n) for n in
                                ("time_per_iter.png", "speedup.png", "efficiency.png", "comm_share.png")))


if __name__ == "__main__":
    main()
