// A packet that is one native SIMD register of N bytes (xmm, ymm, zmm) as a GCC/Clang vector:
// the elementwise arithmetic of the residuals and the passes' packet binding (P, kPacket, splat,
// whole-packet loads and stores), written once with vector extensions, so each x86 set only names
// its register, its partial loads and stores, its multiply-add and add_packet. Every operation is
// one IEEE operation per element (or exact bit work), so all widths round alike.
// Included by the x86 lanes headers, after they set kPacketBytes (the register's width).
#pragma once

#include <cstdint>

namespace {

// The double and int64 vectors of N bytes (16, 32 or 64), and U: the double vector at any address,
// aliasing anything, declared as GCC declares __m128d_u … __m512d_u (through which _mm*_loadu_pd
// and _mm*_storeu_pd load and store), so the code is the intrinsics' own. A typedef: with the same
// attributes in an alias-declaration, GCC 12 compiled the passes differently.
template <unsigned N>
struct Vectors;
template <>
struct Vectors<16> {
  using F = double __attribute__((vector_size(16)));
  using I = int64_t __attribute__((vector_size(16)));
  typedef double U __attribute__((vector_size(16), may_alias, aligned(1)));
};
template <>
struct Vectors<32> {
  using F = double __attribute__((vector_size(32)));
  using I = int64_t __attribute__((vector_size(32)));
  typedef double U __attribute__((vector_size(32), may_alias, aligned(1)));
};
template <>
struct Vectors<64> {
  using F = double __attribute__((vector_size(64)));
  using I = int64_t __attribute__((vector_size(64)));
  typedef double U __attribute__((vector_size(64), may_alias, aligned(1)));
};

template <unsigned N>
struct Reg {
  typename Vectors<N>::F v;
};

template <unsigned N>
LANES_INLINE Reg<N> splat(double a) {
  typename Vectors<N>::F r;
  for (unsigned i = 0; i < N / sizeof(double); ++i) r[i] = a;
  return {r};
}
template <unsigned N>
LANES_INLINE Reg<N> add(Reg<N> a, Reg<N> b) {
  return {a.v + b.v};
}
template <unsigned N>
LANES_INLINE Reg<N> sub(Reg<N> a, Reg<N> b) {
  return {a.v - b.v};
}
template <unsigned N>
LANES_INLINE Reg<N> mul(Reg<N> a, Reg<N> b) {
  return {a.v * b.v};
}
template <unsigned N>
LANES_INLINE Reg<N> div(Reg<N> a, Reg<N> b) {
  return {a.v / b.v};
}
// a > b ? a : b (so b when either is NaN), as MAXPD.
template <unsigned N>
LANES_INLINE Reg<N> max(Reg<N> a, Reg<N> b) {
  return {a.v > b.v ? a.v : b.v};
}
template <unsigned N>
LANES_INLINE Reg<N> abs(Reg<N> a) {
  using I = typename Vectors<N>::I;
  return {reinterpret_cast<typename Vectors<N>::F>(reinterpret_cast<I>(a.v) & INT64_MAX)};
}
// x >= t ? a : b (b when x is NaN).
template <unsigned N>
LANES_INLINE Reg<N> select_ge(Reg<N> x, Reg<N> t, Reg<N> a, Reg<N> b) {
  return {x.v >= t.v ? a.v : b.v};
}
// To the nearest integer, ties to even, for |a| < 2⁵¹ (the residuals need |a| < 1100): adding
// 1.5·2⁵² leaves no fraction bits, and the rounding of that sum is the one wanted.
template <unsigned N>
LANES_INLINE Reg<N> round_nearest(Reg<N> a) {
  return {(a.v + 0x1.8p52) - 0x1.8p52};
}
// 2^k for integral k in [−1022, 1023]: k + 1.5·2⁵² holds k in its low bits.
template <unsigned N>
LANES_INLINE Reg<N> pow2i(Reg<N> k) {
  using I = typename Vectors<N>::I;
  const I bits = reinterpret_cast<I>(k.v + 0x1.8p52);
  return {reinterpret_cast<typename Vectors<N>::F>((bits + (1023 - (int64_t{1} << 51))) << 52)};
}

// The residuals' packet (residuals.hpp): kPacket rows in one register, whole packets loaded and
// stored unaligned.
using P = Reg<kPacketBytes>;
constexpr int kPacket = kPacketBytes / sizeof(double);
LANES_INLINE P psplat(double a) { return splat<kPacketBytes>(a); }
LANES_INLINE P pload(const double* p) {
  return {*reinterpret_cast<const Vectors<kPacketBytes>::U*>(p)};
}
LANES_INLINE void pstore(double* p, P a) { *reinterpret_cast<Vectors<kPacketBytes>::U*>(p) = a.v; }

}  // namespace
