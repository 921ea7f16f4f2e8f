#include "logreg/app/load.hpp"

#include <chrono>

#include "logreg/errors.hpp"

namespace logreg {

LoadedData load_distributed(Communicator& comm, const std::vector<std::string>& patterns,
                            const std::string& key, DataSource source) {
  const auto t0 = std::chrono::steady_clock::now();
  LoadedData out;
  collectively(comm, [&] {
    source.files = expand_paths(patterns, key);
    out.layout = scan_layout(source);
  });
  collectively(comm, [&] {
    out.range = partition_rows(source, out.layout, comm.rank(), comm.size());
    const Activity loading("loading " + key + " (" + std::to_string(out.range.size()) + " rows x " +
                           std::to_string(out.layout.cols) + " features on this rank)");
    out.shard = load_shard(source, out.layout, out.range, &out.labels);
  });
  double counts[3] = {out.labels.zeros, out.labels.ones, out.labels.minus_ones};
  comm.allreduce_sum(counts);
  if (source.labels_mode == LabelMode::Classes) {
    // Per-value counts, padded to the longest rank's (the highest label anywhere).
    double n = static_cast<double>(out.labels.by_value.size());
    comm.allreduce_max({&n, 1});
    out.label_values = out.labels.by_value;
    out.label_values.resize(static_cast<size_t>(n), 0.0);
    comm.allreduce_sum(out.label_values);
  }
  out.labels.zeros = counts[0], out.labels.ones = counts[1], out.labels.minus_ones = counts[2];
  if (source.labels_mode == LabelMode::Binary && out.labels.zeros > 0 &&
      out.labels.minus_ones > 0) {
    throw DataError(source.files.front() + ":/" + source.labels +
                    ": labels mix 0 and -1 (found " + std::to_string(long(counts[0])) +
                    " zeros and " + std::to_string(long(counts[2])) +
                    " minus ones); use 0/1 or -1/+1");
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace logreg
