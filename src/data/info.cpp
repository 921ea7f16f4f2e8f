#include "logreg/data/info.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg::data {

namespace {

std::string type_name(const h5::Dataset& ds) {
  h5::Handle type(H5Dget_type(ds.id()), H5Tclose);
  const std::string bits = std::to_string(8 * H5Tget_size(type.get()));
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_INTEGER:
      return (H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") + bits;
    default:
      return "non-numeric";
  }
}

void count_label(double v, LabelSummary& s) {
  if (!(v >= -1.0 && v <= kMaxClassLabel) || v != std::floor(v)) {
    ++s.other;
    return;
  }
  s.ones += v == 1.0;
  s.zeros += v == 0.0;
  s.minus_ones += v == -1.0;
  const auto label = static_cast<int64_t>(v);
  s.max_label = std::max(s.max_label, label);
  if (label < 0 || label >= kInfoMaxClasses) return;
  if (s.by_class.size() <= static_cast<size_t>(label)) s.by_class.resize(label + 1, 0);
  ++s.by_class[static_cast<size_t>(label)];
}

// Up to `limit` items of a list, "a, b, c, ... (N in all)".
template <typename Item>
void print_list(std::ostream& os, size_t size, size_t limit, Item&& item) {
  for (size_t i = 0; i < size && i < limit; ++i) {
    os << (i ? ", " : "");
    item(i);
  }
  if (size > limit) os << ", ... (" << size << " in all)";
}

void describe_labels(std::ostream& os, const FileInfo& info) {
  const LabelSummary& l = info.labels;
  if (l.multiclass()) {
    os << "y " << l.convention() << ": counts ";
    print_list(os, static_cast<size_t>(l.classes()), 20,
               [&](size_t k) { os << k << ": " << (k < l.by_class.size() ? l.by_class[k] : 0); });
    os << "\n";
    return;
  }
  os << "y " << l.convention() << ": " << l.positives() << " positive, " << l.negatives()
     << " negative";
  if (info.rows > 0) {
    os << " (" << std::fixed << std::setprecision(1)
       << 100.0 * static_cast<double>(l.positives()) / static_cast<double>(info.rows)
       << "% positive)";
    os.unsetf(std::ios::fixed);
  }
  os << "\n";
}

// Counts label values in blocks, so that memory stays bounded for any row count.
LabelSummary count_labels(const h5::File& file, const std::string& name, Index rows) {
  LabelSummary s;
  s.present = true;
  h5::Dataset y = file.open_dataset(name);
  const Index block = 1 << 20;
  std::vector<double> buf(static_cast<size_t>(std::min(block, rows)));
  for (Index r = 0; r < rows; r += block) {
    const Index n = std::min(block, rows - r);
    y.read_rows(static_cast<hsize_t>(r), static_cast<hsize_t>(n), H5T_NATIVE_DOUBLE, buf.data());
    for (Index i = 0; i < n; ++i) count_label(buf[static_cast<size_t>(i)], s);
  }
  if (file.has_attribute(name, "classes")) {
    s.names = file.read_string_list_attribute(name, "classes");
  }
  return s;
}

}  // namespace

std::string LabelSummary::convention() const {
  if (!present) return "none";
  if (other > 0) {
    return "invalid (" + std::to_string(other) +
           " values neither 0/1, -1/+1 nor a class 0, 1, 2, ...)";
  }
  if (zeros > 0 && minus_ones > 0) return "invalid (mixes 0 and -1)";
  if (minus_ones > 0 && max_label >= 2) return "invalid (mixes -1 and classes >= 2)";
  if (multiclass()) return std::to_string(classes()) + " classes";
  return minus_ones > 0 ? "-1/+1" : "0/1";
}

FileInfo inspect(const std::string& path) {
  h5::File file(path, h5::File::Mode::ReadOnly);
  FileInfo info;
  info.path = path;
  const H5O_type_t x_type = file.object_type("X");
  if (x_type != H5O_TYPE_DATASET && x_type != H5O_TYPE_GROUP) {
    throw DataError(path + ": no features 'X' (dense dataset or CSR group); not a data file?");
  }
  DataSource source;
  source.files = {path};
  if (!file.exists("y")) source.labels.clear();   // labels are optional for info
  const DataLayout layout = scan_layout(source);  // checks shapes as the trainer will
  info.rows = layout.rows;
  info.features = layout.cols;
  info.sparse = layout.sparse;
  info.nnz = layout.nnz;
  const double cells = static_cast<double>(info.rows) * static_cast<double>(info.features);
  info.density = cells > 0 ? static_cast<double>(info.nnz) / cells : 0.0;
  if (info.sparse) {
    info.dtype = type_name(file.open_dataset("X/data"));
    info.index_dtype = type_name(file.open_dataset("X/indices"));
    info.indptr_dtype = type_name(file.open_dataset("X/indptr"));
  } else {
    info.dtype = type_name(file.open_dataset("X"));
  }
  if (!source.labels.empty()) info.labels = count_labels(file, source.labels, info.rows);
  for (const char* name : {"sample_weight", "w"}) {
    if (file.object_type(name) == H5O_TYPE_DATASET) info.weights.emplace_back(name);
  }
  info.has_true_coef = file.object_type("true_coef") == H5O_TYPE_DATASET;
  return info;
}

std::string describe(const FileInfo& info) {
  std::ostringstream os;
  auto row = [&os](const char* key) -> std::ostream& {
    return os << "  " << std::left << std::setw(11) << key;
  };
  os << info.path << "\n";
  row("rows") << info.rows << "\n";
  row("features") << info.features << "\n";
  row("layout") << (info.sparse
                        ? "CSR (indices " + info.index_dtype + ", indptr " + info.indptr_dtype + ")"
                        : std::string("dense"))
                << "\n";
  row("dtype") << info.dtype << "\n";
  row("nnz") << info.nnz;
  if (info.sparse) os << " (density " << std::setprecision(4) << info.density << ")";
  os << "\n";
  row("labels");
  if (!info.labels.present) {
    os << "none (no dataset 'y')\n";
  } else {
    describe_labels(os, info);
  }
  const std::vector<std::string>& names = info.labels.names;
  if (!names.empty()) {
    row("classes");
    print_list(os, names.size(), 20, [&](size_t k) { os << k << ": " << names[k]; });
    if (info.labels.max_label >= static_cast<int64_t>(names.size())) {
      os << " (labels go up to " << info.labels.max_label << ")";
    }
    os << "\n";
  }
  row("weights");
  if (info.weights.empty()) os << "none";
  for (size_t i = 0; i < info.weights.size(); ++i) os << (i ? ", " : "") << info.weights[i];
  os << "\n";
  row("true_coef") << (info.has_true_coef ? "yes" : "no") << "\n";
  return os.str();
}

}  // namespace logreg::data
