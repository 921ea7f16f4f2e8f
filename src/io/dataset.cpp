// A shard put together from its parts (dataset_loaders.hpp): X by kind and precision, then the
// labels, then the weights.
#include "logreg/io/dataset.hpp"

#include "dataset_loaders.hpp"

namespace logreg {

Shard load_shard(const DataSource& source, const DataLayout& layout, RowRange range,
                 LabelCounts* counts) {
  Shard shard;
  shard.row_offset = range.begin;
  shard.features = layout.cols;
  const bool f32 = source.dtype == Precision::Float32;
  if (layout.sparse) {
    if (f32)
      shard.X = detail::load_csr<float>(source, layout, range);
    else
      shard.X = detail::load_csr<double>(source, layout, range);
  } else {
    if (f32)
      shard.X = detail::load_dense<float>(source, layout, range);
    else
      shard.X = detail::load_dense<double>(source, layout, range);
  }
  LabelCounts seen;
  shard.y = detail::load_labels(source, layout, range, seen);
  if (!source.weights.empty()) shard.weight = detail::load_weights(source, layout, range);
  if (counts) *counts = seen;
  return shard;
}

}  // namespace logreg
