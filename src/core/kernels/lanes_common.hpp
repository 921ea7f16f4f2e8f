// Lane algorithms that need only a lanes header's basic operations (V, load, madd, ...), shared
// by the kernel sets whose registers have no cheaper form of them. Included by a lanes header
// after its basic operations.
#pragma once

#include <cstddef>
#include <cstdint>

namespace {

// acc[r] = the lane sums of x·w for the R dense rows starting at x, side by side: xⱼwⱼ into lane
// j mod 8, in increasing j. Each lane of a row is a chain of dependent multiply-adds; R rows hide
// the chains' latency and share each load of w. The zero-padded tail adds +0·0 = +0, which leaves
// every lane unchanged.
template <int R, typename T>
LANES_INLINE void lane_sums(const T* x, std::ptrdiff_t d, const double* w, V (&acc)[R]) {
  for (int r = 0; r < R; ++r) acc[r] = zero();
  std::ptrdiff_t j = 0;
  for (; j + 8 <= d; j += 8) {
    const V wv = load(w + j);
    for (int r = 0; r < R; ++r) acc[r] = madd(load(x + r * d + j), wv, acc[r]);
  }
  if (j < d) {
    const int m = static_cast<int>(d - j);
    const V wv = load_first(w + j, m);
    for (int r = 0; r < R; ++r) acc[r] = madd(load_first(x + r * d + j, m), wv, acc[r]);
  }
}

// A sparse row's lanes as eight scalars: lane j mod 8 takes v·w[j] by a scalar multiply-add.
struct SparseLanesArray {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  template <typename T>
  LANES_INLINE void step(T v, int32_t j, const double* w) {
    double& lane = l[j & 7];
    lane = madd1(static_cast<double>(v), w[j], lane);
  }
};

LANES_INLINE double combine(const SparseLanesArray& a) {
  const double* l = a.l;
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

LANES_INLINE void combine4(const SparseLanesArray (&a)[4], double* out) {
  for (int r = 0; r < 4; ++r) out[r] = combine(a[r]);
}

}  // namespace
