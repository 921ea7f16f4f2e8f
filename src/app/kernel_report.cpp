#include "logreg/app/kernel_report.hpp"

#include <vector>

#include "logreg/core/kernel_dispatch.hpp"

namespace logreg {

std::string select_kernels(Communicator& comm) {
  const auto sets = compiled_kernel_sets();
  std::vector<double> ranks(sets.size(), 0.0);
  collectively(comm, [&] {
    const KernelSet& mine = select_kernels_from_environment();
    for (size_t i = 0; i < sets.size(); ++i) ranks[i] = sets[i] == &mine ? 1.0 : 0.0;
  });
  comm.allreduce_sum(ranks);
  std::vector<size_t> used;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (ranks[i] > 0) used.push_back(i);
  }
  if (used.size() == 1) {
    const KernelSet& k = *sets[used[0]];
    return std::string(k.name) + " (" + k.instructions + ")";
  }
  std::string text;
  bool fma = false, plain = false;
  for (size_t i : used) {
    text += (text.empty() ? "" : ", ") + std::string(sets[i]->name) + " on " +
            std::to_string(static_cast<long>(ranks[i])) + " rank" + (ranks[i] > 1 ? "s" : "");
    (sets[i]->fused_multiply_add ? fma : plain) = true;
  }
  if (fma && plain) {
    return text + " (sets with and without FMA: sums may differ in the last bits from a job on "
                  "one kind of node)";
  }
  return text + (fma ? " (all FMA: the same bits)" : " (none with FMA: the same bits)");
}

}  // namespace logreg
