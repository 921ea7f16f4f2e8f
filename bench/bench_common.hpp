// Pieces shared by the benchmarks: the read-bandwidth probe and generated dense shards.
#pragma once

#include <random>
#include <vector>

#include "logreg/core/shard.hpp"

namespace logreg::bench {

// The probe: sum of a double array with independent accumulators (vectorized, read-only).
inline double read_probe(const std::vector<double>& a) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const double* p = a.data();
  const size_t n = a.size();
  for (size_t i = 0; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) l[k] += p[i + k];
  }
  double s = 0;
  for (double v : l) s += v;
  return s;
}

inline std::vector<double> make_probe_array(size_t bytes) {
  std::vector<double> v(bytes / sizeof(double));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i & 1023);
  return v;
}

// About `bytes` of standard normal features, d per row; labels alternate 1, 0.
template <typename T>
Shard dense_shard(size_t bytes, Index d) {
  const Index n = static_cast<Index>(bytes / (sizeof(T) * static_cast<size_t>(d)));
  RowMatrix<T> X(n, d);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> nd;
  for (Index i = 0; i < X.size(); ++i) X.data()[i] = static_cast<T>(nd(rng));
  Shard s;
  s.X = DenseMatrix<T>(std::move(X));
  s.y = Vec::Zero(n);
  for (Index i = 0; i < n; i += 2) s.y[i] = 1.0;
  s.features = d;
  return s;
}

}  // namespace logreg::bench
