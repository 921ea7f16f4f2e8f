// logreg_dist: distributed logistic-regression trainer (README, "Command line"). main() owns MPI's
// lifetime and turns every failure into one message on stderr and the same exit code on every rank.
#include <mpi.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "logreg/app/cli.hpp"
#include "logreg/app/config.hpp"
#include "logreg/app/config_paths.hpp"
#include "logreg/app/predict.hpp"
#include "logreg/app/signals.hpp"
#include "logreg/app/train.hpp"
#include "logreg/comm/communicator.hpp"
#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/file_kind.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/version.hpp"

#if __has_include(<malloc.h>)
#include <malloc.h>  // mallopt (glibc)
#endif

namespace {

using namespace logreg;

// Rank 0 reads the file; every rank parses the same text (identical result or identical error).
Config load_config(Communicator& comm, const CliOptions& cli) {
  std::string text;
  collectively(comm, [&] {
    if (!comm.is_root()) return;
    struct stat st {};  // a FIFO would block the read forever, a directory reads as empty
    if (::stat(cli.config_path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      throw ConfigError(cli.config_path + ": cannot open config file: not a regular file (" +
                        file_kind(st.st_mode) + ")");
    }
    std::ifstream in(cli.config_path);
    if (!in) throw ConfigError(cli.config_path + ": cannot open config file");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  });
  comm.broadcast(text, 0);
  Config config;
  collectively(comm, [&] {
    config = parse_config(text, cli.config_path, cli.overrides,
                          std::filesystem::path(cli.config_path).parent_path().string());
  });
  return config;
}

int run(Communicator& comm, const CliOptions& cli) {
  if (cli.mode == CliOptions::Mode::Predict) return run_predict(comm, cli, std::cout);
  Config config = load_config(comm, cli);
  if (cli.print_config) {
    make_config_paths_absolute(config);  // the printed config runs from any directory
    if (comm.is_root()) std::cout << to_yaml(config) << std::flush;
    return kExitOk;
  }
  if (cli.check) return run_check(comm, config, std::cout);
  return run_training(comm, config, std::cout);
}

// Vectors of length d (8 MB each at d = 10⁶) are allocated and freed several times per
// iteration. Above glibc's mmap threshold each one was mapped anew and unmapped on free, so
// every allocation faulted in its pages again (~2000 page faults and page clears per vector).
// Keeping allocations below 256 MiB in the heap (d up to 3·10⁷ doubles), and not trimming the
// heap at once, lets them be reused. Measured, 1 rank, 2000 × 10⁶ CSR (2·10⁵ non-zeros), gd,
// 100 iterations: train 1.79 → 1.17 s (with 64 MiB). At d = 10⁷ (80 MB vectors) a fresh
// allocation and clearing cost 66 ms here against 3.2 ms reused (scripts/bench/
// partitioned_update.sh measures the effect on a run). Larger blocks (shards) are still mapped
// and unmapped.
void keep_freed_vectors_mapped() {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  // First of all: a stop signal from now on (during MPI's start-up and loading too) asks for a
  // checkpoint and exit 75 at the first reduce of training, instead of killing the rank.
  install_stop_handlers();
  keep_freed_vectors_mapped();
  // Help, version and argument errors need no MPI and must work without mpirun.
  CliOptions cli;
  int code = kExitOk;
  std::string error;
  try {
    cli = parse_cli(argc, argv);
  } catch (const Error& e) {
    code = e.exit_code();
    error = e.what();
  }
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (code != kExitOk || cli.mode == CliOptions::Mode::Help ||
      cli.mode == CliOptions::Mode::Version) {
    if (rank == 0) {
      if (code != kExitOk) std::fprintf(stderr, "logreg_dist: error: %s\n", error.c_str());
      else if (cli.mode == CliOptions::Mode::Help) std::cout << cli.help_text;
      else
        std::cout << "logreg_dist " << version() << "\n" << describe_kernel_sets();
    }
    MPI_Finalize();
    return code;
  }
  h5::silence_errors();
  {
    MpiCommunicator comm;
    try {
      code = run(comm, cli);
    } catch (const Error& e) {
      // Errors reaching here were agreed collectively: same code on all ranks, printed once.
      code = e.exit_code();
      if (rank == 0) std::fprintf(stderr, "logreg_dist: error: %s\n", e.what());
    } catch (const std::bad_alloc&) {
      // Not agreed (inside training): end the whole job, saying what needed the memory.
      std::fprintf(stderr, "logreg_dist: error: %s\n", out_of_memory_message(rank).c_str());
      comm.abort(kExitRuntime);
    } catch (const std::exception& e) {
      // Not agreed: another rank may be inside a collective, so end the whole job.
      std::fprintf(stderr, "logreg_dist: fatal error on rank %d: %s\n", rank, e.what());
      comm.abort(kExitRuntime);
    }
  }
  MPI_Finalize();
  return code;
}
