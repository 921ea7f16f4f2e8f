// The per-row vectors beside X: labels (checked and counted; binary ones mapped to {0, 1}),
// sample weights, and the class names a label dataset may carry.
#include <charconv>
#include <sstream>

#include "dataset_loaders.hpp"
#include "dataset_runs.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg {

bool LabelCounts::add_class(double label) {
  if (!(label >= -1.0 && label <= kMaxClassLabel) || label != std::floor(label)) return false;
  add(label);
  const auto slot = static_cast<size_t>(label + 1.0);
  if (by_value.size() <= slot) by_value.resize(slot + 1, 0.0);
  by_value[slot] += 1;
  return true;
}

std::vector<std::string> read_class_names(const std::string& file,
                                          const std::string& labels_dataset) {
  h5::File f(file, h5::File::Mode::ReadOnly);
  if (f.object_type(labels_dataset) != H5O_TYPE_DATASET) return {};
  if (!f.has_attribute(labels_dataset, "classes")) return {};
  return f.read_string_list_attribute(labels_dataset, "classes");
}

}  // namespace logreg

namespace logreg::detail {

namespace {

// The shortest text that reads back as v ("2.5", "2147483648", "nan").
std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

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
  if (source.labels_mode == LabelMode::Classes) {
    for (Index i = 0; i < y.size(); ++i) {
      if (!seen.add_class(y[i])) {
        throw DataError(where_row(layout, source.labels, range.begin + i) + ": label " +
                        shortest(y[i]) + " is not a class label (an integer from -1 to " +
                        shortest(kMaxClassLabel) + ")");
      }
    }
    return y;
  }
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
