// Bandwidth of the fused gradient pass (Xθ, loss, residuals and Xᵀr in one pass over the shard)
// against a read-bandwidth probe over the same number of bytes, in one process: the pass is
// memory-bound, so "fraction of the probe" is the figure of merit (targets: dense float64 ≥ 0.80,
// float32 ≥ 0.75, CSR ≥ 0.50 counting the bytes of values and column ids).
//
//   ./build/bench/bench_kernels [--mb=512] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include "logreg/core/local_objective.hpp"

namespace {

using namespace logreg;

size_t g_bytes = 512ull << 20;  // bytes of X per case, well beyond the caches

// The probe: sum of a double array with independent accumulators (vectorized, read-only).
void BM_ReadProbe(benchmark::State& state) {
  std::vector<double> a(g_bytes / sizeof(double));
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i & 1023);
  for (auto _ : state) {
    double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const double* p = a.data();
    const size_t n = a.size();
    for (size_t i = 0; i + 8 <= n; i += 8) {
      for (int k = 0; k < 8; ++k) l[k] += p[i + k];
    }
    double s = 0;
    for (double v : l) s += v;
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(g_bytes));
}

template <typename T>
Shard dense_shard(Index d) {
  const Index n = static_cast<Index>(g_bytes / (sizeof(T) * static_cast<size_t>(d)));
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

Shard csr_shard(Index d, int per_row) {
  const size_t nnz = g_bytes / (sizeof(double) + sizeof(int32_t));
  const Index n = static_cast<Index>(nnz / static_cast<size_t>(per_row));
  std::vector<int64_t> ptr(static_cast<size_t>(n) + 1);
  std::vector<int32_t> idx(static_cast<size_t>(n) * per_row);
  std::vector<double> val(idx.size());
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int32_t> gap(1, static_cast<int32_t>(2 * d / per_row - 1));
  std::normal_distribution<double> nd;
  for (Index i = 0; i < n; ++i) {
    ptr[i] = i * per_row;
    int32_t c = gap(rng) / 2;
    for (int k = 0; k < per_row; ++k) {
      idx[static_cast<size_t>(i * per_row + k)] = std::min<int32_t>(c, static_cast<int32_t>(d - 1));
      val[static_cast<size_t>(i * per_row + k)] = nd(rng);
      c += gap(rng);
    }
    std::sort(idx.begin() + i * per_row, idx.begin() + (i + 1) * per_row);
  }
  ptr[static_cast<size_t>(n)] = n * per_row;
  Shard s;
  s.X = CsrMatrix<double>(d, std::move(ptr), std::move(idx), std::move(val));
  s.y = Vec::Zero(n);
  for (Index i = 0; i < n; i += 2) s.y[i] = 1.0;
  s.features = d;
  return s;
}

// One fused loss+gradient pass per benchmark iteration.
void run_pass(benchmark::State& state, Shard shard) {
  const size_t bytes = shard.feature_bytes();
  auto local = make_local_objective(std::move(shard));
  Vec theta = Vec::Constant(local->features() + 1, 0.01), z(local->rows()), g(local->features() + 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(local->loss_grad(theta, z, g));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void BM_GradientDenseF64(benchmark::State& state) { run_pass(state, dense_shard<double>(state.range(0))); }
void BM_GradientDenseF32(benchmark::State& state) { run_pass(state, dense_shard<float>(state.range(0))); }
void BM_GradientCsrF64(benchmark::State& state) { run_pass(state, csr_shard(state.range(0), 40)); }

// Keeps each benchmark's bytes/s to print the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("bytes_per_second");
      if (it != r.counters.end() && r.run_type == Run::RT_Iteration) rates[r.benchmark_name()] = it->second;
    }
  }
  std::map<std::string, double> rates;
};

}  // namespace

BENCHMARK(BM_ReadProbe)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_GradientDenseF64)->Arg(100)->Arg(20)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_GradientDenseF32)->Arg(100)->Arg(20)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_GradientCsrF64)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mb=", 5) == 0) g_bytes = std::stoull(argv[i] + 5) << 20;
  }
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  double probe = 0;
  for (const auto& [name, rate] : reporter.rates) {
    if (name.rfind("BM_ReadProbe", 0) == 0) probe = rate;
  }
  if (probe > 0) {
    std::printf("\nread probe: %.2f GB/s (%zu MiB)\n", probe / 1e9, g_bytes >> 20);
    for (const auto& [name, rate] : reporter.rates) {
      if (name.rfind("BM_Gradient", 0) != 0) continue;
      std::printf("%-34s %6.2f GB/s  %5.1f%% of the probe\n", name.c_str(), rate / 1e9, 100.0 * rate / probe);
    }
  }
  benchmark::Shutdown();
  return 0;
}
