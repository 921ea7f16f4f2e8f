// Bandwidth of the fused gradient pass (Xθ, loss, residuals and Xᵀr in one pass over the shard)
// against a read-bandwidth probe over the same number of bytes, in one process, for every kernel
// set this processor runs (or those --kernels names): the pass is memory-bound, so "fraction of the
// probe" is the figure of merit (targets: dense float64 ≥ 0.80 at d = 100 and 10⁴, float32 ≥ 0.70,
// CSR ≥ 0.50 at d = 10³, counting the bytes of values and column ids). The probe is the fastest
// set's (bench_common.hpp). BM_CsrColumnAccessBound is the cost of a CSR pass's column accesses
// alone, an upper bound for the CSR gradient pass of any set; BM_HessianDenseF64 is one
// Hessian-vector product.
//
//   ./build/bench/bench_kernels [--mb=256] [--kernels=all|auto|x86-64-v3,...] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "logreg/core/local_objective.hpp"

namespace {

using namespace logreg;
using namespace logreg::bench;

size_t g_bytes = 512ull << 20;  // bytes of X per case, well beyond the caches

const std::vector<double>& probe_array() {
  static const std::vector<double> a = make_probe_array(g_bytes);
  return a;
}

void BM_ReadProbe(benchmark::State& state) {
  const auto& a = probe_array();
  for (auto _ : state) benchmark::DoNotOptimize(read_probe(a));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(g_bytes));
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

// One fused loss+gradient pass per benchmark iteration, each followed (untimed) by a read probe
// over the same number of bytes: the machine's bandwidth drifts over seconds on a shared host, so
// the figure of merit is the ratio of the best pass to the best probe measured alternately.
template <typename Pass>
void measure(benchmark::State& state, size_t bytes, Pass&& pass) {
  using Clock = std::chrono::steady_clock;
  const auto& probe = probe_array();
  double best_pass = 1e30, best_probe = 1e30;
  std::vector<double> paired;  // pass / probe bandwidth of each iteration with its own probe
  for (auto _ : state) {
    const auto t0 = Clock::now();
    pass();
    benchmark::ClobberMemory();
    const auto t1 = Clock::now();
    state.PauseTiming();
    const auto t2 = Clock::now();
    benchmark::DoNotOptimize(read_probe(probe));
    const auto t3 = Clock::now();
    state.ResumeTiming();
    best_pass = std::min(best_pass, std::chrono::duration<double>(t1 - t0).count());
    best_probe = std::min(best_probe, std::chrono::duration<double>(t3 - t2).count());
    paired.push_back(
        (static_cast<double>(bytes) / std::chrono::duration<double>(t1 - t0).count()) /
        (static_cast<double>(g_bytes) / std::chrono::duration<double>(t3 - t2).count()));
  }
  std::nth_element(paired.begin(), paired.begin() + static_cast<long>(paired.size() / 2),
                   paired.end());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
  state.counters["best_GBps"] = static_cast<double>(bytes) / best_pass / 1e9;
  state.counters["probe_GBps"] = static_cast<double>(g_bytes) / best_probe / 1e9;
  state.counters["of_probe"] = (static_cast<double>(bytes) / best_pass) / (static_cast<double>(g_bytes) / best_probe);
  // Less sensitive to the host's bandwidth drifting during the run than best against best.
  state.counters["paired_median"] = paired.empty() ? 0.0 : paired[paired.size() / 2];
}

// The shard of the case being measured, kept while consecutive benchmarks (one per kernel set)
// use it: generating 256 MiB of data takes longer than measuring it.
struct CachedShard {
  std::string key;
  Shard shard;
};
const Shard& shard_for(const std::string& kind, Index d) {
  static CachedShard cache;
  const std::string key = kind + "/" + std::to_string(d);
  if (cache.key != key) {
    cache.shard = Shard();  // free the previous one first
    if (kind == "dense_f64") cache.shard = dense_shard<double>(g_bytes, d);
    if (kind == "dense_f32") cache.shard = dense_shard<float>(g_bytes, d);
    if (kind == "csr_f64") cache.shard = csr_shard(d, 40);
    cache.key = key;
  }
  return cache.shard;
}

// One fused loss+gradient pass per iteration, with the kernel set k.
void gradient_pass(benchmark::State& state, const KernelSet* k, std::string kind, Index d) {
  const Shard& s = shard_for(kind, d);
  auto local = make_local_objective(s, *k);
  Vec theta = Vec::Constant(local->features() + 1, 0.01), z(local->rows()),
      g(local->features() + 1);
  measure(state, s.feature_bytes(), [&] { benchmark::DoNotOptimize(local->loss_grad(theta, z, g)); });
}

// One Hessian-vector product (Newton-CG's inner step) per iteration.
void hessian_pass(benchmark::State& state, const KernelSet* k, std::string kind, Index d) {
  const Shard& s = shard_for(kind, d);
  auto local = make_local_objective(s, *k);
  Vec theta = Vec::Constant(local->features() + 1, 0.01), z(local->rows()),
      v = Vec::Constant(local->features() + 1, -0.02), out(local->features() + 1);
  local->margins(theta, z);
  auto h = local->hessian(z);
  measure(state, s.feature_bytes(), [&] { h->apply(v, out); });
}

// What the column accesses of a CSR pass alone cost on this machine, with the same shard and the
// same byte count as BM_GradientCsrF64: per non-zero one read of w at its column (Xθ) and one
// read-modify-write of g at its column (Xᵀr), with eight independent sums and no summation order
// to keep, and the values never read. Iterations alternate two access orders and the best time of
// either counts: both accesses in one loop over the column ids (read once; fastest while w and g
// fit in the caches), or all reads of w and then all updates of g (more misses in flight when
// they do not). A row-by-row CSR pass cannot be faster than this bound, so where the bound is
// below a target, that target is out of reach here for this layout (at large d the columns are
// random accesses into 2·d doubles beyond the caches; only a column-blocked layout changes that).
void BM_CsrColumnAccessBound(benchmark::State& state, Index d) {
  const Shard& s = shard_for("csr_f64", d);
  const auto& m = std::get<CsrMatrix<double>>(s.X);
  const int32_t* idx = m.indices().data();
  const int64_t nnz = m.nnz();  // a multiple of 8 (40 per row)
  Vec w = Vec::Constant(d, 0.01), g = Vec::Zero(d);
  double* gp = g.data();
  const double* wp = w.data();
  int64_t round = 0;
  measure(state, s.feature_bytes(), [&] {
    double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (round++ % 2 == 0) {
      for (int64_t k = 0; k + 8 <= nnz; k += 8) {
#pragma GCC unroll 8
        for (int j = 0; j < 8; ++j) l[j] += wp[idx[k + j]], gp[idx[k + j]] += 1e-3;
      }
    } else {
      for (int64_t k = 0; k + 8 <= nnz; k += 8) {
        for (int j = 0; j < 8; ++j) l[j] += wp[idx[k + j]];
      }
      for (int64_t k = 0; k < nnz; ++k) gp[idx[k]] += 1e-3;
    }
    benchmark::DoNotOptimize(l);
  });
}

// Keeps each pass's best-of figures to print a summary at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("of_probe");
      if (it == r.counters.end() || r.run_type != Run::RT_Iteration) continue;
      rows.push_back({r.benchmark_name(), r.counters.at("paired_median").value,
                      r.counters.at("best_GBps").value, r.counters.at("probe_GBps").value,
                      it->second.value});
    }
  }
  struct Row {
    std::string name;
    double paired, pass, probe, fraction;
  };
  std::vector<Row> rows;
};

}  // namespace

// Case by case, every kernel set in turn (they share the case's shard).
void register_benchmarks(const std::vector<const KernelSet*>& sets) {
  auto done = [](benchmark::internal::Benchmark* b) {
    b->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
  };
  done(benchmark::RegisterBenchmark("BM_ReadProbe", BM_ReadProbe));
  const std::vector<std::pair<std::string, Index>> cases = {
      {"dense_f64", 100}, {"dense_f64", 20}, {"dense_f64", 10000}, {"dense_f32", 100},
      {"dense_f32", 20},  {"csr_f64", 1000}, {"csr_f64", 10000},   {"csr_f64", 100000},
      {"csr_f64", 1000000}};
  for (const auto& [kind, d] : cases) {
    for (const KernelSet* k : sets) {
      const std::string name = std::string("gradient/") + k->name + "/" + kind + "/" + std::to_string(d);
      done(benchmark::RegisterBenchmark(name.c_str(), gradient_pass, k, kind, d));
    }
    if (kind == "dense_f64" && d == 100) {
      for (const KernelSet* k : sets) {
        const std::string name = std::string("hessian/") + k->name + "/" + kind + "/" + std::to_string(d);
        done(benchmark::RegisterBenchmark(name.c_str(), hessian_pass, k, kind, d));
      }
    }
    if (kind == "csr_f64") {
      const std::string name = "csr_column_access_bound/" + std::to_string(d);
      done(benchmark::RegisterBenchmark(name.c_str(), BM_CsrColumnAccessBound, d));
    }
  }
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mb=", 5) == 0) g_bytes = std::stoull(argv[i] + 5) << 20;
  }
  const auto sets = kernel_sets_from_args(argc, argv);
  register_benchmarks(sets);
  benchmark::Initialize(&argc, argv);
  std::printf("host: %s; kernel sets measured:", cpu_model_name().c_str());
  for (const KernelSet* k : sets) std::printf(" %s (%s)", k->name, k->instructions);
  std::printf("; probe: %s\n", supported_kernel_sets().front()->name);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (!reporter.rows.empty()) {
    std::printf(
        "\nbest pass vs best read probe, measured alternately (%zu MiB of X per pass);\n"
        "last column: median over iterations of pass / its own probe:\n",
        g_bytes >> 20);
    for (const auto& r : reporter.rows) {
      std::printf("%-42s %6.2f GB/s  probe %6.2f GB/s  %5.1f%%  paired %5.1f%%\n", r.name.c_str(),
                  r.pass, r.probe, 100.0 * r.fraction, 100.0 * r.paired);
    }
  }
  benchmark::Shutdown();
  return 0;
}
