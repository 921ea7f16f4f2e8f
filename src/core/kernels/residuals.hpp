// The residuals' arithmetic, row by row over packets of kPacket rows (the lanes header's P): exp
// and log1p from IEEE operations only, σ, the weighted loss and the curvature, the per-block
// residuals with their lane sums, and the row kernels of the KernelSet built on them
// (docs/kernels.md, "The summation contract"). Included by passes.hpp, after a lanes header.
#pragma once

#include "pass_common.hpp"

namespace {

// exp and log1p on the ranges the residuals need, from IEEE operations only (+ − × ÷, multiply-
// add, rounding to an integer, exponent bits), so every set computes them the same way.

// e^x for x ≤ 0 (or NaN). x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite: k·ln2_hi is exact), e^r
// by its Taylor polynomial to degree 13 (truncation < 5e-18), mostly in Estrin's form (short
// chains instead of 13 dependent steps: a pass waits on it less; measured 13–25% faster passes
// in L2 with AVX-512, equal with AVX2), then · 2^k in two exact-or-once-rounded steps so that
// subnormal results round once. Below −746 the result is 0.
LANES_INLINE P exp_neg(P x) {
  x = max(psplat(-746.0), x);                                       // NaN stays NaN
  const P k = round_nearest(mul(x, psplat(0x1.71547652b82fep+0)));  // x / ln2
  P r = madd(k, psplat(-0x1.62e42fee00000p-1), x);                  // − k·ln2_hi
  r = madd(k, psplat(-0x1.a39ef35793c76p-33), r);                   // − k·ln2_lo
  // e^r = 1 + r(1 + r·Q(r)), Q = Σ r^(j−2)/j! for j = 2 … 13: Q in Estrin's form, the last two
  // steps (which carry the result's leading bits) as Horner's.
  const P r2 = mul(r, r), r4 = mul(r2, r2), r8 = mul(r4, r4);
  // pair(c0, c1) = c0 + c1·r
  auto pair = [&](double c0, double c1) { return madd(psplat(c1), r, psplat(c0)); };
  const P q0 = pair(0.5, 0x1.5555555555555p-3),                 // 1/2!, 1/3!
      q1 = pair(0x1.5555555555555p-5, 0x1.1111111111111p-7),    // 1/4!, 1/5!
      q2 = pair(0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13),  // 1/6!, 1/7!
      q3 = pair(0x1.a01a01a01a01ap-16, 0x1.71de3a556c734p-19),  // 1/8!, 1/9!
      q4 = pair(0x1.27e4fb7789f5cp-22, 0x1.ae64567f544e4p-26),  // 1/10!, 1/11!
      q5 = pair(0x1.1eed8eff8d898p-29, 0x1.6124613a86d09p-33);  // 1/12!, 1/13!
  const P Q = madd(madd(q5, r2, q4), r8, madd(madd(q3, r2, q2), r4, madd(q1, r2, q0)));
  const P p = madd(madd(Q, r, psplat(1.0)), r, psplat(1.0));
  const P k1 = max(k, psplat(-1000.0));  // p·2^k1 is exact and normal; ·2^(k − k1) rounds once
  return mul(mul(p, pow2i(k1)), pow2i(sub(k, k1)));
}

// log1p(e) for 0 ≤ e ≤ 1, given u = 1 + e (rounded) and inv = 1/u: fdlibm's log1p. With u ≥ √2,
// 1 + e = 2(1 + f) with f = u/2 − 1 exact and c the rounding error of u; otherwise f = e exactly.
// Then log(1 + f) = f − f²/2 + s(f²/2 + R(s²)), s = f/(2 + f), R fdlibm's minimax polynomial (in
// Estrin's form).
LANES_INLINE P log1p_unit(P e, P u, P inv) {
  const P one = psplat(1.0), zero_p = psplat(0.0);
  const P big = select_ge(u, psplat(0x1.6a09e667f3bcdp+0), one, zero_p);  // k ∈ {0, 1}
  const P f = select_ge(u, psplat(0x1.6a09e667f3bcdp+0), sub(mul(u, psplat(0.5)), one), e);
  const P c = select_ge(u, psplat(0x1.6a09e667f3bcdp+0), mul(sub(e, sub(u, one)), inv), zero_p);
  const P hfsq = mul(mul(psplat(0.5), f), f);
  const P s = div(f, add(psplat(2.0), f));
  const P z = mul(s, s);
  const P z2 = mul(z, z), z4 = mul(z2, z2);
  const P a0 = madd(psplat(3.999999999940941908e-01), z, psplat(6.666666666666735130e-01));
  const P a1 = madd(psplat(2.222219843214978396e-01), z, psplat(2.857142874366239149e-01));
  const P a2 = madd(psplat(1.531383769920937332e-01), z, psplat(1.818357216161805012e-01));
  const P q = madd(madd(psplat(1.479819860511658591e-01), z2, a2), z4, madd(a1, z2, a0));
  const P R = mul(z, q);
  const P low = madd(s, add(hfsq, R), add(mul(big, psplat(1.90821492927058770002e-10)), c));
  return sub(mul(big, psplat(6.93147180369123816490e-01)), sub(sub(hfsq, low), f));
}

// For margins z: e = e^(−|z|), u = 1 + e, inv = 1/u, l = log(1 + e^(−|z|)).
struct Softplus {
  P e, u, inv, l;
};
LANES_INLINE Softplus softplus(P z) {
  const P e = exp_neg(sub(psplat(0.0), abs(z)));
  const P u = add(psplat(1.0), e);
  const P inv = div(psplat(1.0), u);
  return {e, u, inv, log1p_unit(e, u, inv)};
}

// σ(z) as 1/(1+e) for z ≥ 0 and e·(1/(1+e)) otherwise.
LANES_INLINE P sigma(P z, const Softplus& sp) {
  return select_ge(z, psplat(0.0), sp.inv, mul(sp.e, sp.inv));
}

// s·ℓ(z, y) = s·(log(1 + e^(−|z|)) + (max(z, 0) − y·z))
LANES_INLINE P weighted_loss(P z, P y, P s, const Softplus& sp) {
  return mul(s, add(sp.l, sub(max(z, psplat(0.0)), mul(y, z))));
}

// s·σ(1−σ) = s·e / (1+e)² for either sign of z.
LANES_INLINE P curvature(const Softplus& sp, P s) { return mul(s, mul(mul(sp.e, sp.inv), sp.inv)); }

// The first m ≤ kPacket entries of p (zeros after).
LANES_INLINE P load_rows(const double* p, Index m) {
  return m == kPacket ? pload(p) : pload_first(p, static_cast<int>(m));
}
LANES_INLINE void store_rows(double* p, P v, Index m) {
  if (m == kPacket) {
    pstore(p, v);
  } else {
    pstore_first(p, v, static_cast<int>(m));
  }
}

// Weights of the first m rows of a packet: s, or 1 where there are no weights; zero beyond m, so
// padded rows add exactly 0 to every sum.
alignas(64) const double kOnes[8] = {1, 1, 1, 1, 1, 1, 1, 1};
LANES_INLINE P weights_of(const double* s, Index m) { return load_rows(s ? s : kOnes, m); }

// Sums over rows: row i of the shard goes to lane i mod 8, in increasing i, and the lanes are
// combined by the fixed tree at the end, so the sums do not depend on how the rows are cut into
// blocks (every block starts at a multiple of eight rows).
struct RowSums {
  V loss = zero(), r = zero(), h = zero();
};

// For the n rows of a block (n a multiple of 8 except in the shard's last block): residuals r,
// with h the curvatures, and their sums and the losses' sums added to `sums`. Rows go in packets
// of the set's native width (kPacket rows: fewer registers live than eight rows of two or four
// registers each); packet c's rows are lanes c mod 8 onwards of the sums.
LANES_INLINE void residual_block(Index n, const double* z, const double* y, const double* s,
                                 double* r, double* h, RowSums& sums) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    const int lane = static_cast<int>(c % 8);
    const P zv = load_rows(z + c, m), yv = load_rows(y + c, m);
    const P sv = weights_of(s ? s + c : nullptr, m);
    const Softplus sp = softplus(zv);
    const P rv = mul(sv, sub(sigma(zv, sp), yv));
    store_rows(r + c, rv, m);
    add_packet(sums.r, rv, lane);
    if (h) {
      const P hv = curvature(sp, sv);
      store_rows(h + c, hv, m);
      add_packet(sums.h, hv, lane);
    }
    add_packet(sums.loss, weighted_loss(zv, yv, sv, sp), lane);
  }
}

void loss_residual(Index n, const double* z, const double* y, const double* s, double* r, double* h,
                   double* loss) {
  RowSums sums;
  residual_block(n, z, y, s, r, h, sums);
  *loss += combine(sums.loss);
}

void line_sums(Index n, const double* z0, const double* zd, double alpha, const double* y,
               const double* s, double* loss, double* slope) {
  V l = zero(), g = zero();
  const P a = psplat(alpha);
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    const int lane = static_cast<int>(c % 8);
    const P dv = load_rows(zd + c, m);
    const P zv = add(load_rows(z0 + c, m), mul(a, dv));
    const P yv = load_rows(y + c, m);
    const P sv = weights_of(s ? s + c : nullptr, m);
    const Softplus sp = softplus(zv);
    add_packet(l, weighted_loss(zv, yv, sv, sp), lane);
    add_packet(g, mul(mul(sv, sub(sigma(zv, sp), yv)), dv), lane);
  }
  *loss = combine(l);
  *slope = combine(g);
}

void hessian_weights(Index n, const double* z, const double* s, double* d) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    store_rows(d + c, curvature(softplus(load_rows(z + c, m)), weights_of(s ? s + c : nullptr, m)),
               m);
  }
}

void exp_neg_rows(Index n, const double* x, double* out) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    store_rows(out + c, exp_neg(load_rows(x + c, m)), m);
  }
}

void log1p_unit_rows(Index n, const double* x, double* out) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    const P e = load_rows(x + c, m), u = add(psplat(1.0), e);
    store_rows(out + c, log1p_unit(e, u, div(psplat(1.0), u)), m);
  }
}

}  // namespace
