// Pieces shared by the benchmarks: the read-bandwidth probe, generated shards, and the choice of
// kernel sets to measure.
#pragma once

#include <algorithm>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/core/shard.hpp"

namespace logreg::bench {

// The probe: a sum over a double array with independent accumulators, in the fastest kernel set
// this processor runs (vector loads of its full width), so the probe reads as fast as the machine
// allows and no pass is flattered by a slow probe.
inline double read_probe(const std::vector<double>& a) {
  static const KernelSet* const fastest = supported_kernel_sets().front();  // not in the timing
  return fastest->read_sum(a.data(), a.size());
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

// The kernel sets named by --kernels=LIST (comma-separated names, "all" = every set this
// processor runs, "auto" = the best one); the argument is removed from argv. Default: all.
inline std::vector<const KernelSet*> kernel_sets_from_args(int& argc, char** argv) {
  std::string list = "all";
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--kernels=", 10) == 0) {
      list = argv[i] + 10;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (list == "all") return supported_kernel_sets();
  std::vector<const KernelSet*> sets;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    sets.push_back(&kernel_set_named(list.substr(start, comma - start), "--kernels"));
    start = comma + 1;
  }
  return sets;
}

}  // namespace logreg::bench
