// What the ranks of one job share on a node: every rank times the read probe and the gradient pass
// at the same moment, each timing started by a barrier, for every kernel set this processor runs
// (or those --kernels names). Run it with one rank and with as many ranks as the job uses per node:
// where the probe keeps its speed but the pass slows down, the ranks are short of CPU time, not of
// memory bandwidth (and the other way round). The figure of merit is the sum over ranks of the
// passes' bandwidth against the sum of the probes' (target for dense float64: ≥ 90%).
//
//   mpirun -n 2 ./build/bench/bench_concurrent [--mb=400] [--features=100] [--reps=15]
//              [--dtype=float64|float32] [--kernels=all|auto|x86-64-v3,...]
//   bash scripts/bench/concurrent_ranks.sh     (1 rank, then 2)
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "logreg/core/local_objective.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  using namespace logreg;
  const auto sets = bench::kernel_sets_from_args(argc, argv);
  size_t mb = 400;
  long features = 100, reps = 15;
  std::string dtype = "float64";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mb=", 5) == 0) mb = std::stoul(argv[i] + 5);
    if (std::strncmp(argv[i], "--features=", 11) == 0) features = std::stol(argv[i] + 11);
    if (std::strncmp(argv[i], "--reps=", 7) == 0) reps = std::stol(argv[i] + 7);
    if (std::strncmp(argv[i], "--dtype=", 8) == 0) dtype = argv[i] + 8;
  }
  const size_t bytes = mb << 20;
  const std::vector<double> probe = bench::make_probe_array(bytes);
  const Shard shard = dtype == "float32" ? bench::dense_shard<float>(bytes, features)
                                         : bench::dense_shard<double>(bytes, features);
  const size_t pass_bytes = shard.feature_bytes();
  double sink = 0.0;
  if (rank == 0) {
    std::printf("%d rank(s) on %s, %zu MiB each, dense %s d = %ld, %ld timings (median / best GB/s per rank):\n",
                size, cpu_model_name().c_str(), mb, dtype.c_str(), features, reps);
  }
  for (const KernelSet* k : sets) {
    auto local = make_local_objective(shard, *k);
    Vec theta = Vec::Constant(local->features() + 1, 0.01), z(local->rows()),
        g(local->features() + 1);
    sink += bench::read_probe(probe) + local->loss_grad(theta, z, g);  // warm up
    std::vector<double> probe_s, pass_s;
    for (long r = 0; r < reps; ++r) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      sink += bench::read_probe(probe);
      probe_s.push_back(MPI_Wtime() - t0);
      MPI_Barrier(MPI_COMM_WORLD);
      t0 = MPI_Wtime();
      sink += local->loss_grad(theta, z, g);
      pass_s.push_back(MPI_Wtime() - t0);
    }
    const double mine[4] = {
        static_cast<double>(bytes) / median(probe_s) / 1e9,
        static_cast<double>(bytes) / *std::min_element(probe_s.begin(), probe_s.end()) / 1e9,
        static_cast<double>(pass_bytes) / median(pass_s) / 1e9,
        static_cast<double>(pass_bytes) / *std::min_element(pass_s.begin(), pass_s.end()) / 1e9};
    std::vector<double> all(4 * static_cast<size_t>(size));
    MPI_Gather(mine, 4, MPI_DOUBLE, all.data(), 4, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      double probe_sum = 0, pass_sum = 0;
      std::printf(" kernels %s:\n", k->name);
      for (int r = 0; r < size; ++r) {
        const double* a = all.data() + 4 * r;
        std::printf("  rank %d: read probe %6.2f / %6.2f   gradient pass %6.2f / %6.2f\n", r, a[0],
                    a[1], a[2], a[3]);
        probe_sum += a[0], pass_sum += a[2];
      }
      std::printf("  node (medians summed over ranks): read probe %.2f GB/s, gradient pass %.2f GB/s = %.1f%%\n",
                  probe_sum, pass_sum, 100.0 * pass_sum / probe_sum);
    }
  }
  volatile double keep = sink;  // the timed work has a used result
  (void)keep;
  MPI_Finalize();
  return 0;
}
