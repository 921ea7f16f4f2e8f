// Collective loading of a data set: every rank scans the layout, takes its row block and reads
// it; any failure on any rank becomes the same logreg::Error on all ranks.
#pragma once

#include "logreg/comm/communicator.hpp"
#include "logreg/io/dataset.hpp"

namespace logreg {

struct LoadedData {
  DataLayout layout;
  RowRange range;
  Shard shard;
  LabelCounts labels;  // global counts (reduced)
  // LabelMode::Classes: global rows per label value, by_value[v + 1] for label v ≥ −1.
  std::vector<double> label_values;
  double seconds = 0.0;
};

// `key` names the config entry the files came from (for messages).
LoadedData load_distributed(Communicator& comm, const std::vector<std::string>& patterns,
                            const std::string& key, DataSource source);

}  // namespace logreg
