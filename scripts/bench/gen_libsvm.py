#!/usr/bin/env python3
"""Writes a large random LIBSVM file quickly (numpy-vectorized, no per-entry Python code).

    gen_libsvm.py OUT --rows N [--features D] [--nnz K] [--seed S]

Each row is `+1` or `-1` followed by ` idx:val` entries with strictly increasing 1-based
indices in [1, D]. Indices come from cumulative geometric gaps (mean D/(K+1)), so the number of
entries per row varies around K (roughly Poisson(K), capped at 2K+16). Values have exactly 6
significant digits, `[-]0.dddddd` with a non-zero first digit, half of them negative. Labels are
random (balanced); the file exists to measure conversion, not to be learned.

Every entry is formatted into a fixed-width byte slot and the padding is removed with one boolean
mask, so formatting costs a few numpy passes per chunk of rows.
"""
import argparse
import sys
import time

import numpy as np



def digits(values, width):
    """(n, width) uint8 ASCII digits of non-negative ints < 2^31, right-aligned, and their lengths."""
    v = values.astype(np.uint32)
    out = np.empty((v.size, width), dtype=np.uint8)
    length = np.ones(v.size, dtype=np.int8)
    for k in range(width - 1, -1, -1):
        q = v // 10
        out[:, k] = (v - q * 10).astype(np.uint8) + ord("0")
        v = q
    for k in range(1, width):
        length += values >= 10 ** k
    return out, length


def chunk_text(rng, rows, features, nnz, cap):
    IDX_DIGITS = len(str(features))
    SLOT = 1 + IDX_DIGITS + 1 + 1 + 8 + 1  # ' ' idx ':' sign '0.dddddd' '\n'
    # Strictly increasing indices: cumulative sums of geometric gaps >= 1, kept while <= D.
    p = min(1.0, (nnz + 1) / features)
    idx = np.cumsum(rng.geometric(p, size=(rows, cap)), axis=1, dtype=np.int64)
    keep = idx <= features
    per_row = keep.sum(axis=1)
    idx = idx[keep]  # row-major: row order and increasing order within a row are kept
    n = idx.size

    # Slot layout: row i's label slot, then its entries; a row's last slot carries the newline.
    slots = rows + n
    label_pos = np.arange(rows, dtype=np.int64) + np.concatenate(([0], np.cumsum(per_row)[:-1]))
    is_label = np.zeros(slots, dtype=bool)
    is_label[label_pos] = True
    buf = np.empty((slots, SLOT), dtype=np.uint8)
    mask = np.zeros((slots, SLOT), dtype=bool)

    # Labels: "+1" / "-1" in the first two bytes.
    lab = rng.integers(0, 2, size=rows)
    buf[label_pos, 0] = np.where(lab == 1, ord("+"), ord("-"))
    buf[label_pos, 1] = ord("1")
    mask[label_pos, 0:2] = True

    # Entries: ' ' idx ':' [-] '0.' dddddd, built in their own arrays, then scattered once.
    ent = np.flatnonzero(~is_label)
    e = np.empty((n, SLOT), dtype=np.uint8)
    m = np.zeros((n, SLOT), dtype=bool)
    d, length = digits(idx, IDX_DIGITS)
    e[:, 0] = ord(" ")
    e[:, 1:1 + IDX_DIGITS] = d
    m[:, 1:1 + IDX_DIGITS] = np.arange(IDX_DIGITS)[None, :] >= (IDX_DIGITS - length)[:, None]
    e[:, 1 + IDX_DIGITS] = ord(":")
    e[:, 2 + IDX_DIGITS] = ord("-")
    m[:, 2 + IDX_DIGITS] = rng.integers(0, 2, size=n, dtype=np.int8).astype(bool)
    e[:, 3 + IDX_DIGITS] = ord("0")
    e[:, 4 + IDX_DIGITS] = ord(".")
    e[:, 5 + IDX_DIGITS:11 + IDX_DIGITS], _ = digits(
        rng.integers(100000, 1000000, size=n, dtype=np.int64), 6)
    m[:, [0, 1 + IDX_DIGITS]] = True
    m[:, 3 + IDX_DIGITS:11 + IDX_DIGITS] = True
    buf[ent] = e
    mask[ent] = m

    # Newline after the last slot of every row.
    last = np.roll(is_label, -1)
    last[-1] = True
    buf[last, SLOT - 1] = ord("\n")
    mask[last, SLOT - 1] = True
    return buf[mask].tobytes(), n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--features", type=int, default=100000)
    ap.add_argument("--nnz", type=int, default=40, help="mean non-zeros per row")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=50000, help="rows per formatting chunk")
    a = ap.parse_args()
    if a.features < 1 or a.features > 2**31 - 1 or a.nnz < 1 or a.rows < 1:
        sys.exit("gen_libsvm.py: need rows >= 1, 1 <= features <= 2^31-1, nnz >= 1")
    rng = np.random.default_rng(a.seed)
    cap = 2 * a.nnz + 16
    t0 = time.time()
    total_nnz = 0
    total_bytes = 0
    with open(a.out, "wb", buffering=0) as f:
        done = 0
        while done < a.rows:
            r = min(a.chunk, a.rows - done)
            text, n = chunk_text(rng, r, a.features, a.nnz, cap)
            f.write(text)
            total_nnz += n
            total_bytes += len(text)
            done += r
    dt = time.time() - t0
    print(f"wrote {a.out}: {a.rows} rows, {a.features} features, {total_nnz} non-zeros, "
          f"{total_bytes} bytes in {dt:.1f} s ({total_bytes / 1e6 / max(dt, 1e-9):.0f} MB/s)")


if __name__ == "__main__":
    main()
