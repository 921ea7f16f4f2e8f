// Bandwidth of the multinomial pass (K margins per row, softmax, residuals and Rᵀ X̂ in one sweep)
// for several class counts, beside the binary pass over the same rows and a read probe over as
// many bytes, in one process, for every kernel set this processor runs (or those --kernels names).
// Each pass is followed by the probe: the host's bandwidth drifts over seconds, so the figures are
// each case's best pass against the best probe, and the median over repetitions of a pass against
// the probe that followed it.
//
//   ./build/bench/bench_multinomial [--mb=256] [--d=100] [--classes=2,4,8,26] [--reps=7]
//       [--type=f64|f32] [--hessian] [--kernels=all|auto|x86-64-v3,...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/core/multinomial.hpp"

namespace {

using namespace logreg;
using Clock = std::chrono::steady_clock;

struct Options {
  size_t bytes = 256ull << 20;
  Index d = 100;
  std::vector<int> classes = {2, 4, 8, 26};
  int reps = 7;
  bool f32 = false, hessian = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* key) {
      return a.rfind(key, 0) == 0 ? a.substr(std::strlen(key)) : std::string();
    };
    if (auto v = value("--mb="); !v.empty()) o.bytes = std::stoull(v) << 20;
    if (auto v = value("--d="); !v.empty()) o.d = std::stol(v);
    if (auto v = value("--reps="); !v.empty()) o.reps = std::stoi(v);
    if (auto v = value("--type="); !v.empty()) o.f32 = v == "f32";
    if (a == "--hessian") o.hessian = true;
    if (auto v = value("--classes="); !v.empty()) {
      o.classes.clear();
      for (size_t at = 0; at < v.size();) {
        const size_t comma = std::min(v.find(',', at), v.size());
        o.classes.push_back(std::stoi(v.substr(at, comma - at)));
        at = comma + 1;
      }
    }
  }
  return o;
}

double seconds(const std::function<void()>& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Labels 0 … K−1 in turn (K = 2 gives the binary labels too).
Shard with_labels(const Shard& base, int K) {
  Shard s = base;
  for (Index i = 0; i < s.rows(); ++i) s.y[i] = static_cast<double>(i % K);
  return s;
}

// Times `pass` o.reps times after a warm-up, each time followed by the probe, and prints its line:
// the best pass against the best probe, and the median of each pass against its own probe.
void report(const std::string& name, const std::function<void()>& pass, size_t bytes, Index rows,
            const Options& o, const std::vector<double>& probe) {
  pass();
  std::vector<double> pass_s, probe_s, paired;
  const double probe_bytes = static_cast<double>(probe.size() * sizeof(double));
  for (int r = 0; r < o.reps; ++r) {
    pass_s.push_back(seconds(pass));
    probe_s.push_back(seconds([&] { bench::read_probe(probe); }));
    paired.push_back((static_cast<double>(bytes) / pass_s.back()) / (probe_bytes / probe_s.back()));
  }
  const double best = *std::min_element(pass_s.begin(), pass_s.end());
  const double best_probe = *std::min_element(probe_s.begin(), probe_s.end());
  std::nth_element(paired.begin(), paired.begin() + o.reps / 2, paired.end());
  const double gbps = static_cast<double>(bytes) / best / 1e9;
  std::printf("%-24s %9.2f %9.2f %9.1f %8.1f%% %8.1f%%\n", name.c_str(), gbps,
              probe_bytes / best_probe / 1e9, best / static_cast<double>(rows) * 1e9,
              100.0 * gbps / (probe_bytes / best_probe / 1e9), 100.0 * paired[o.reps / 2]);
}

void run_set(const KernelSet& k, const Shard& rows, const Options& o,
             const std::vector<double>& probe) {
  const Index d = o.d, n = rows.rows();
  const size_t bytes = rows.feature_bytes();
  std::printf("\nkernel set %s (%s): %zu MiB of X, %ld rows, d = %ld, %s\n", k.name, k.instructions,
              bytes >> 20, static_cast<long>(n), static_cast<long>(d),
              o.f32 ? "float32" : "float64");
  std::printf("%-24s %9s %9s %9s %9s %9s\n", "pass", "GB/s", "probe", "ns/row", "of probe",
              "paired");
  {
    auto binary = make_local_objective(with_labels(rows, 2), k);
    Vec z(n), g(d + 1);
    const Vec theta = Vec::Constant(d + 1, 0.01);
    report(
        "binary (sigmoid)", [&] { binary->loss_grad(theta, z, g); }, bytes, n, o, probe);
  }
  for (int K : o.classes) {
    LocalMultinomial local(with_labels(rows, K), K, k);
    const Index m = local.parameters();
    Vec grad(m), hv(m);
    const Vec theta = Vec::LinSpaced(m, -0.01, 0.01), v = Vec::LinSpaced(m, 0.02, -0.01);
    const std::string tag = "K=" + std::to_string(K);
    report(
        "multinomial " + tag, [&] { local.loss_grad(theta, grad, nullptr); }, bytes, n, o, probe);
    if (!o.hessian) continue;
    RowMatrix<double> P;
    local.loss_grad(theta, grad, &P);
    report(
        "  Hessian product " + tag, [&] { local.hessian_product(P, v, hv); }, bytes, n, o, probe);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto sets = bench::kernel_sets_from_args(argc, argv);
  const Options o = parse(argc, argv);
  std::printf("host: %s\n", cpu_model_name().c_str());
  const std::vector<double> probe = bench::make_probe_array(o.bytes);
  const Shard rows =
      o.f32 ? bench::dense_shard<float>(o.bytes, o.d) : bench::dense_shard<double>(o.bytes, o.d);
  for (const KernelSet* k : sets) run_set(*k, rows, o, probe);
  return 0;
}
