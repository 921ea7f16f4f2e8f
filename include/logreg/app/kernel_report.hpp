// The kernel sets a job's ranks run (each rank chooses by its own processor, kernel_dispatch.hpp),
// for the start-up line, the model file and the metrics summary.
#pragma once

#include <string>

#include "logreg/comm/communicator.hpp"

namespace logreg {

// Collective. Every rank chooses its set from LOGREG_KERNELS (a bad value fails on every rank,
// exit 2); returns, on every rank, e.g. "x86-64-v4 (AVX-512, FMA)", or for a mixed job
// "x86-64-v4 on 6 ranks, x86-64-v3 on 2 ranks (all FMA: the same bits)".
std::string select_kernels(Communicator& comm);

}  // namespace logreg
