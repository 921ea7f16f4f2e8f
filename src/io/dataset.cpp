#include "logreg/io/dataset.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg {

namespace {

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string row_text(Index global_row, const FileLayout& f, Index file_row) {
  std::ostringstream os;
  os << "row " << global_row;
  if (global_row != file_row) os << " (row " << file_row << " of " << f.path << ")";
  return os.str();
}

FileLayout scan_file(const DataSource& source, const std::string& path) {
  h5::File file(path, h5::File::Mode::ReadOnly);
  FileLayout f;
  f.path = path;
  const H5O_type_t type = file.object_type(source.features);
  if (type == H5O_TYPE_UNKNOWN) {
    throw DataError(path + ": features '" + source.features +
                    "' not found (set data.features to the dataset or CSR group name)");
  }
  if (type == H5O_TYPE_GROUP) {
    f.sparse = true;
    const std::string g = source.features;
    for (const char* part : {"data", "indices", "indptr"}) {
      if (!file.exists(g + "/" + part)) {
        throw DataError(path + ":/" + g + ": CSR group lacks dataset '" + part + "'");
      }
    }
    if (!file.has_attribute(g, "shape")) {
      throw DataError(path + ":/" + g + ": CSR group lacks attribute 'shape' = [rows, cols]");
    }
    auto shape = file.read_int_attribute(g, "shape");
    if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
      throw DataError(path + ":/" + g + "@shape: expected two non-negative integers");
    }
    f.rows = shape[0];
    f.cols = shape[1];
    const h5::Dataset indptr_ds = file.open_dataset(g + "/indptr");
    const h5::Dataset indices_ds = file.open_dataset(g + "/indices");
    for (const h5::Dataset* ds : {&indices_ds, &indptr_ds}) {
      const auto cls = ds->type_class();
      if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
        throw DataError(ds->where() + ": must be an integer type");
      }
    }
    auto indptr = indptr_ds.shape();
    auto data = file.open_dataset(g + "/data").shape();
    auto indices = indices_ds.shape();
    if (indptr.size() != 1 || static_cast<Index>(indptr[0]) != f.rows + 1) {
      throw DataError(path + ":/" + g + "/indptr: expected " + std::to_string(f.rows + 1) +
                      " entries (shape[0] + 1)");
    }
    if (data.size() != 1 || indices.size() != 1 || data[0] != indices[0]) {
      throw DataError(path + ":/" + g + ": data and indices must be 1-D of equal length");
    }
    f.nnz = static_cast<int64_t>(data[0]);
    int64_t last = 0;
    indptr_ds.read_rows(f.rows, 1, H5T_NATIVE_INT64, &last);
    if (last != f.nnz) {
      throw DataError(path + ":/" + g + "/indptr: last entry " + std::to_string(last) +
                      " != number of stored values " + std::to_string(f.nnz));
    }
  } else {
    h5::Dataset x = file.open_dataset(source.features);
    auto dims = x.shape();
    if (dims.size() != 2) {
      throw DataError(x.where() + ": expected a 2-D dataset (rows, features), got rank " +
                      std::to_string(dims.size()));
    }
    const auto cls = x.type_class();
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
      throw DataError(x.where() + ": features must be a float or integer type");
    }
    f.rows = static_cast<Index>(dims[0]);
    f.cols = static_cast<Index>(dims[1]);
    f.nnz = f.rows * f.cols;
  }
  auto check_vector = [&](const std::string& name, const char* key) {
    if (name.empty()) return;
    if (!file.exists(name)) {
      throw DataError(path + ": " + key + " dataset '" + name + "' not found");
    }
    h5::Dataset ds = file.open_dataset(name);
    auto dims = ds.shape();
    if (dims.size() != 1 && !(dims.size() == 2 && dims[1] == 1)) {
      throw DataError(ds.where() + ": expected a 1-D dataset, got rank " +
                      std::to_string(dims.size()));
    }
    if (static_cast<Index>(dims[0]) != f.rows) {
      throw DataError(ds.where() + ": has " + std::to_string(dims[0]) + " entries but '" +
                      source.features + "' has " + std::to_string(f.rows) + " rows");
    }
    const auto cls = ds.type_class();
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
      throw DataError(ds.where() + ": must be a numeric type");
    }
  };
  check_vector(source.labels, "labels");
  check_vector(source.weights, "weights");
  return f;
}

// Which file holds global row `row`, and the row inside it.
std::pair<size_t, Index> locate(const DataLayout& layout, Index row) {
  Index base = 0;
  for (size_t k = 0; k < layout.files.size(); ++k) {
    if (row < base + layout.files[k].rows) return {k, row - base};
    base += layout.files[k].rows;
  }
  return {layout.files.size(), 0};
}

}  // namespace

std::vector<std::string> expand_paths(const std::vector<std::string>& patterns,
                                      const std::string& key) {
  std::vector<std::string> out;
  for (const std::string& p : patterns) {
    // A name that exists is taken literally, even with glob characters (a file "train[1].h5").
    struct stat st {};
    if (!has_glob_chars(p) || ::lstat(p.c_str(), &st) == 0) {
      h5::check_input_file(p, key);
      out.push_back(p);
      continue;
    }
    glob_t g{};
    int rc = glob(p.c_str(), 0, nullptr, &g);
    if (rc != 0) {
      globfree(&g);
      throw DataError(key + ": pattern matches no file: " + p);
    }
    std::vector<std::string> matches(g.gl_pathv, g.gl_pathv + g.gl_pathc);  // glob sorts
    globfree(&g);
    for (const std::string& m : matches) {
      h5::check_input_file(m, key);  // a pattern may match a directory or a FIFO
      out.push_back(m);
    }
  }
  if (out.empty()) throw DataError(key + ": no input files given");
  return out;
}

DataLayout scan_layout(const DataSource& source) {
  DataLayout layout;
  for (const std::string& path : source.files) {
    FileLayout f = scan_file(source, path);
    if (!layout.files.empty()) {
      const FileLayout& first = layout.files.front();
      if (f.sparse != first.sparse) {
        throw DataError(path + ": is " + (f.sparse ? "CSR" : "dense") + " but " + first.path +
                        " is " + (first.sparse ? "CSR" : "dense") + "; all files must agree");
      }
      if (f.cols != first.cols) {
        throw DataError(path + ": has " + std::to_string(f.cols) + " features but " +
                        first.path + " has " + std::to_string(first.cols) +
                        "; all files must agree on d");
      }
    }
    layout.rows += f.rows;
    layout.nnz += f.nnz;
    layout.files.push_back(f);
  }
  if (!layout.files.empty()) {
    layout.cols = layout.files.front().cols;
    layout.sparse = layout.files.front().sparse;
  }
  if (layout.sparse && layout.cols > std::numeric_limits<int32_t>::max()) {
    throw DataError(layout.files.front().path + ": more than 2^31-1 features is not supported");
  }
  return layout;
}

RowRange partition_rows(const DataSource& source, const DataLayout& layout, int rank, int size) {
  auto row_cut = [&](int r) -> Index {
    if (!layout.sparse || layout.nnz == 0) {
      return static_cast<Index>((static_cast<__int128>(layout.rows) * r) / size);
    }
    // First global row whose prefix non-zero count reaches r/size of the total.
    const int64_t target = static_cast<int64_t>((static_cast<__int128>(layout.nnz) * r) / size);
    std::vector<int64_t> base(layout.files.size() + 1, 0);
    for (size_t k = 0; k < layout.files.size(); ++k) base[k + 1] = base[k] + layout.files[k].nnz;
    // One file open at a time: a data set may have more files than a process may hold open.
    size_t open_k = layout.files.size();
    std::unique_ptr<h5::File> file;
    std::unique_ptr<h5::Dataset> indptr;
    auto prefix = [&](Index row) -> int64_t {  // global nnz before `row`
      if (row >= layout.rows) return layout.nnz;
      auto [k, local] = locate(layout, row);
      if (k != open_k) {
        indptr.reset();
        file.reset();
        file = std::make_unique<h5::File>(layout.files[k].path, h5::File::Mode::ReadOnly);
        indptr = std::make_unique<h5::Dataset>(file->open_dataset(source.features + "/indptr"));
        open_k = k;
      }
      int64_t v = 0;
      indptr->read_rows(static_cast<hsize_t>(local), 1, H5T_NATIVE_INT64, &v);
      return base[k] + v;
    };
    Index lo = 0, hi = layout.rows;
    while (lo < hi) {
      Index mid = lo + (hi - lo) / 2;
      if (prefix(mid) < target) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  RowRange range;
  range.begin = rank == 0 ? 0 : row_cut(rank);
  range.end = rank + 1 == size ? layout.rows : row_cut(rank + 1);
  return range;
}

namespace {

template <typename T>
hid_t native_type() {
  return std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
}

// A stored index value that is no int64: non-integral, non-finite or too large.
struct BadIndex {
  int64_t pos;  // position in the dataset
  double value;
};

// Reads entries [at, at+n) of an index dataset (CSR indices or indptr) as int64. HDF5 converts
// floating-point storage by truncation (1.5 becomes 1), so such values are read as doubles and
// must be integral; the first that is not is returned.
std::optional<BadIndex> read_indices(const h5::Dataset& ds, int64_t at, int64_t n, int64_t* out) {
  if (ds.type_class() != H5T_FLOAT) {
    ds.read_rows(static_cast<hsize_t>(at), static_cast<hsize_t>(n), H5T_NATIVE_INT64, out);
    return std::nullopt;
  }
  std::vector<double> v(static_cast<size_t>(n));
  ds.read_rows(static_cast<hsize_t>(at), static_cast<hsize_t>(n), H5T_NATIVE_DOUBLE, v.data());
  for (int64_t j = 0; j < n; ++j) {
    const double x = v[static_cast<size_t>(j)];
    if (!(std::trunc(x) == x && std::abs(x) < 0x1p63)) return BadIndex{at + j, x};
    out[j] = static_cast<int64_t>(x);
  }
  return std::nullopt;
}

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// True when every value is finite: v·0 is 0 for finite v and NaN for ±inf or NaN, and the
// lane sums vectorize (a scalar isfinite loop was a visible share of the load time).
template <typename T>
bool all_finite(const T* v, Index n) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  Index i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) l[k] += static_cast<double>(v[i + k]) * 0.0;
  }
  for (; i < n; ++i) l[0] += static_cast<double>(v[i]) * 0.0;
  return std::isfinite(((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])));
}

template <typename T>
void check_finite(const T* values, Index count, Index per_row, const std::string& where,
                  Index global_row0, const FileLayout& f, Index file_row0) {
  if (all_finite(values, count)) return;
  for (Index i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      Index r = i / per_row;
      std::ostringstream os;
      os << where << ": non-finite value " << values[i] << " at "
         << row_text(global_row0 + r, f, file_row0 + r);
      if (per_row > 1) os << ", column " << i % per_row;
      throw DataError(os.str());
    }
  }
}

template <typename T>
DenseMatrix<T> load_dense(const DataSource& source, const DataLayout& layout, RowRange range) {
  RowMatrix<T> x(range.size(), layout.cols);
  Index row = range.begin;
  while (row < range.end) {
    auto [k, local] = locate(layout, row);
    const FileLayout& f = layout.files[k];
    const Index n = std::min(range.end - row, f.rows - local);
    h5::File file(f.path, h5::File::Mode::ReadOnly);
    h5::Dataset ds = file.open_dataset(source.features);
    T* dst = x.data() + (row - range.begin) * layout.cols;
    ds.read_rows(static_cast<hsize_t>(local), static_cast<hsize_t>(n), native_type<T>(), dst);
    check_finite(dst, n * layout.cols, std::max<Index>(1, layout.cols), ds.where(), row, f, local);
    row += n;
  }
  return DenseMatrix<T>(std::move(x));
}

template <typename T>
CsrMatrix<T> load_csr(const DataSource& source, const DataLayout& layout, RowRange range) {
  std::vector<int64_t> indptr(1, 0);
  indptr.reserve(static_cast<size_t>(range.size()) + 1);
  std::vector<int32_t> indices;
  std::vector<T> values;
  // Size the arrays once: the nnz of the block is known from the row pointers.
  std::vector<std::vector<int64_t>> ptrs;
  Index row = range.begin;
  int64_t total = 0;
  while (row < range.end) {
    auto [k, local] = locate(layout, row);
    const FileLayout& f = layout.files[k];
    const Index n = std::min(range.end - row, f.rows - local);
    h5::File file(f.path, h5::File::Mode::ReadOnly);
    h5::Dataset ds = file.open_dataset(source.features + "/indptr");
    std::vector<int64_t> p(static_cast<size_t>(n) + 1);
    if (auto bad = read_indices(ds, local, n + 1, p.data())) {
      if (std::trunc(bad->value) == bad->value) {
        throw DataError(ds.where() + ": entries outside [0, " + std::to_string(f.nnz) + "]");
      }
      const Index r = std::min<Index>(static_cast<Index>(bad->pos), f.rows - 1) - local;
      throw DataError(ds.where() + ": non-integral entry " + number_text(bad->value) + " at " +
                      row_text(row + r, f, local + r));
    }
    if (local == 0 && p[0] != 0) throw DataError(ds.where() + ": first entry must be 0");
    for (Index i = 0; i < n; ++i) {
      if (p[i + 1] < p[i]) {
        throw DataError(ds.where() + ": decreasing at " + row_text(row + i, f, local + i) +
                        " (" + std::to_string(p[i]) + " > " + std::to_string(p[i + 1]) + ")");
      }
    }
    if (p[0] < 0 || p[n] > f.nnz) {
      throw DataError(ds.where() + ": entries outside [0, " + std::to_string(f.nnz) + "]");
    }
    total += p[n] - p[0];
    ptrs.push_back(std::move(p));
    row += n;
  }
  indices.resize(static_cast<size_t>(total));
  values.resize(static_cast<size_t>(total));
  row = range.begin;
  int64_t at = 0;
  for (const auto& p : ptrs) {
    auto [k, local] = locate(layout, row);
    const FileLayout& f = layout.files[k];
    const Index n = static_cast<Index>(p.size()) - 1;
    const int64_t count = p[n] - p[0];
    h5::File file(f.path, h5::File::Mode::ReadOnly);
    h5::Dataset idx = file.open_dataset(source.features + "/indices");
    h5::Dataset dat = file.open_dataset(source.features + "/data");
    // Column ids are read as int64 in chunks to validate them before narrowing to int32.
    const int64_t chunk = 1 << 20;
    std::vector<int64_t> buf(static_cast<size_t>(std::min<int64_t>(chunk, count)));
    // The row (index into p) holding stored entry `pos`, for messages.
    auto row_of = [&p](int64_t pos) {
      return static_cast<Index>(std::upper_bound(p.begin(), p.end(), pos) - p.begin()) - 1;
    };
    auto out_of_range = [&](const std::string& id, int64_t pos) {
      const Index r = row_of(pos);
      return DataError(idx.where() + ": column id " + id + " out of range [0, " +
                       std::to_string(layout.cols) + ") at " + row_text(row + r, f, local + r));
    };
    for (int64_t c = 0; c < count; c += chunk) {
      const int64_t m = std::min(chunk, count - c);
      if (auto bad = read_indices(idx, p[0] + c, m, buf.data())) {
        if (std::trunc(bad->value) == bad->value) {
          throw out_of_range(number_text(bad->value), bad->pos);
        }
        const Index r = row_of(bad->pos);
        throw DataError(idx.where() + ": non-integral column id " + number_text(bad->value) +
                        " at " + row_text(row + r, f, local + r));
      }
      for (int64_t j = 0; j < m; ++j) {
        if (buf[j] < 0 || buf[j] >= layout.cols) {
          throw out_of_range(std::to_string(buf[j]), p[0] + c + j);
        }
        indices[static_cast<size_t>(at + c + j)] = static_cast<int32_t>(buf[j]);
      }
    }
    // A column stored twice in a row would count twice in X·w but not in the standardization
    // statistics. Rows are usually sorted (scipy's canonical form): only others are sorted here.
    std::vector<int32_t> sorted;
    for (Index i = 0; i < n; ++i) {
      const int32_t* b = indices.data() + at + (p[i] - p[0]);
      const int32_t* e = indices.data() + at + (p[i + 1] - p[0]);
      if (std::adjacent_find(b, e, std::greater_equal<int32_t>()) == e) continue;
      sorted.assign(b, e);
      std::sort(sorted.begin(), sorted.end());
      const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
      if (dup != sorted.end()) {
        throw DataError(idx.where() + ": column id " + std::to_string(*dup) + " repeated in " +
                        row_text(row + i, f, local + i));
      }
    }
    dat.read_rows(static_cast<hsize_t>(p[0]), static_cast<hsize_t>(count), native_type<T>(),
                  values.data() + at);
    const bool finite = all_finite(values.data() + at, count);
    for (int64_t j = 0; j < count && !finite; ++j) {
      if (!std::isfinite(values[static_cast<size_t>(at + j)])) {
        const int64_t pos = p[0] + j;
        Index r = static_cast<Index>(std::upper_bound(p.begin(), p.end(), pos) - p.begin()) - 1;
        throw DataError(dat.where() + ": non-finite value at " + row_text(row + r, f, local + r));
      }
    }
    for (Index i = 0; i < n; ++i) indptr.push_back(at + (p[i + 1] - p[0]));
    at += count;
    row += n;
  }
  return CsrMatrix<T>(layout.cols, std::move(indptr), std::move(indices), std::move(values));
}

// Reads a 1-D per-row vector over the range as doubles.
Vec load_vector(const std::string& name, const DataLayout& layout, RowRange range) {
  Vec v(range.size());
  Index row = range.begin;
  while (row < range.end) {
    auto [k, local] = locate(layout, row);
    const FileLayout& f = layout.files[k];
    const Index n = std::min(range.end - row, f.rows - local);
    h5::File file(f.path, h5::File::Mode::ReadOnly);
    h5::Dataset ds = file.open_dataset(name);
    ds.read_rows(static_cast<hsize_t>(local), static_cast<hsize_t>(n), H5T_NATIVE_DOUBLE,
                 v.data() + (row - range.begin));
    row += n;
  }
  return v;
}

// The file, dataset path and file row of global row `row`, for messages.
std::string where_row(const DataLayout& layout, const std::string& name, Index row) {
  auto [k, local] = locate(layout, row);
  return layout.files[k].path + ":/" + name + ": " + row_text(row, layout.files[k], local);
}

}  // namespace

Shard load_shard(const DataSource& source, const DataLayout& layout, RowRange range,
                 LabelCounts* counts) {
  Shard shard;
  shard.row_offset = range.begin;
  shard.features = layout.cols;
  const bool f32 = source.dtype == Precision::Float32;
  if (layout.sparse) {
    if (f32) shard.X = load_csr<float>(source, layout, range);
    else shard.X = load_csr<double>(source, layout, range);
  } else {
    if (f32) shard.X = load_dense<float>(source, layout, range);
    else shard.X = load_dense<double>(source, layout, range);
  }
  LabelCounts seen;
  if (!source.labels.empty()) {
    shard.y = load_vector(source.labels, layout, range);
    for (Index i = 0; i < shard.y.size(); ++i) {
      const double v = shard.y[i];
      if (v == 1.0) {
        seen.ones += 1;
      } else if (v == 0.0) {
        seen.zeros += 1;
      } else if (v == -1.0) {
        seen.minus_ones += 1;
        shard.y[i] = 0.0;
      } else {
        std::ostringstream os;
        os << where_row(layout, source.labels, range.begin + i) << ": label " << v
           << " is not 0/1 or -1/+1";
        throw DataError(os.str());
      }
    }
  } else {
    shard.y = Vec::Zero(range.size());
  }
  if (!source.weights.empty()) {
    shard.weight = load_vector(source.weights, layout, range);
    for (Index i = 0; i < shard.weight.size(); ++i) {
      const double v = shard.weight[i];
      if (!std::isfinite(v) || v < 0) {
        std::ostringstream os;
        os << where_row(layout, source.weights, range.begin + i) << ": sample weight " << v
           << " must be finite and >= 0";
        throw DataError(os.str());
      }
    }
  }
  if (counts) *counts = seen;
  return shard;
}

}  // namespace logreg
