// The per-row vectors beside X: labels (checked, counted, mapped to {0, 1}) and sample weights.
#include <sstream>

#include "dataset_loaders.hpp"
#include "dataset_runs.hpp"
#include "logreg/errors.hpp"

namespace logreg::detail {

namespace {

// Reads a 1-D per-row vector over the range as doubles.
Vec load_vector(const std::string& name, const DataLayout& layout, RowRange range) {
  Vec v(range.size());
  read_rows_over(layout, name, range, 1, v.data(),
                 [](const FileRun&, const h5::Dataset&, const double*) {});
  return v;
}

}  // namespace

Vec load_labels(const DataSource& source, const DataLayout& layout, RowRange range,
                LabelCounts& seen) {
  if (source.labels.empty()) return Vec::Zero(range.size());
  Vec y = load_vector(source.labels, layout, range);
  for (Index i = 0; i < y.size(); ++i) {
    const double v = y[i];
    if (!seen.add(v)) {
      std::ostringstream os;
      os << where_row(layout, source.labels, range.begin + i) << ": label " << v
         << " is not 0/1 or -1/+1";
      throw DataError(os.str());
    }
    if (v == -1.0) y[i] = 0.0;
  }
  return y;
}

Vec load_weights(const DataSource& source, const DataLayout& layout, RowRange range) {
  Vec weight = load_vector(source.weights, layout, range);
  for (Index i = 0; i < weight.size(); ++i) {
    const double v = weight[i];
    if (!std::isfinite(v) || v < 0) {
      std::ostringstream os;
      os << where_row(layout, source.weights, range.begin + i) << ": sample weight " << v
         << " must be finite and >= 0";
      throw DataError(os.str());
    }
  }
  return weight;
}

}  // namespace logreg::detail
