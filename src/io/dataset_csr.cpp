// CSR features: a block of rows of a group with data, indices and indptr, checked as it is read
// (README, "HDF5 data layout": column ids integral, in [0, d) and at most once in a row; indptr
// starts at 0, never decreases and ends at nnz).
#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>

#include "dataset_loaders.hpp"
#include "dataset_runs.hpp"
#include "logreg/errors.hpp"

namespace logreg::detail {

namespace {

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

// A run and its row pointers p[0..rows], positions in the file's data and indices: the run's
// stored entries are [p[0], p[rows]).
struct CsrRun {
  FileRun run;
  std::vector<int64_t> p;
  int64_t count() const { return p.back() - p.front(); }
  // The row of the run holding stored entry `pos`, for messages.
  Index row_of(int64_t pos) const {
    return static_cast<Index>(std::upper_bound(p.begin(), p.end(), pos) - p.begin()) - 1;
  }
};

// Reads and checks a run's row pointers.
std::vector<int64_t> read_row_pointers(const DataSource& source, const FileRun& run) {
  const FileLayout& f = *run.file;
  h5::File file(f.path, h5::File::Mode::ReadOnly);
  h5::Dataset ds = file.open_dataset(source.features + "/indptr");
  const Index n = run.rows;
  auto outside = [&] {
    return DataError(ds.where() + ": entries outside [0, " + std::to_string(f.nnz) + "]");
  };
  std::vector<int64_t> p(static_cast<size_t>(n) + 1);
  if (auto bad = read_indices(ds, run.local, n + 1, p.data())) {
    if (std::trunc(bad->value) == bad->value) throw outside();
    const Index r = std::min<Index>(static_cast<Index>(bad->pos), f.rows - 1) - run.local;
    throw DataError(ds.where() + ": non-integral entry " + number_text(bad->value) + " at " +
                    run.row_text(r));
  }
  if (run.local == 0 && p[0] != 0) throw DataError(ds.where() + ": first entry must be 0");
  for (Index i = 0; i < n; ++i) {
    if (p[i + 1] < p[i]) {
      throw DataError(ds.where() + ": decreasing at " + run.row_text(i) + " (" +
                      std::to_string(p[i]) + " > " + std::to_string(p[i + 1]) + ")");
    }
  }
  if (p[0] < 0 || p[n] > f.nnz) throw outside();
  return p;
}

// Reads a run's column ids into `out`, as int64 in chunks to validate them before narrowing to
// int32.
void read_column_ids(const h5::Dataset& idx, const CsrRun& c, Index cols, int32_t* out) {
  const int64_t count = c.count();
  const int64_t chunk = 1 << 20;
  std::vector<int64_t> buf(static_cast<size_t>(std::min<int64_t>(chunk, count)));
  auto out_of_range = [&](const std::string& id, int64_t pos) {
    return DataError(idx.where() + ": column id " + id + " out of range [0, " +
                     std::to_string(cols) + ") at " + c.run.row_text(c.row_of(pos)));
  };
  const int64_t first = c.p.front();
  for (int64_t at = 0; at < count; at += chunk) {
    const int64_t m = std::min(chunk, count - at);
    if (auto bad = read_indices(idx, first + at, m, buf.data())) {
      if (std::trunc(bad->value) == bad->value) {
        throw out_of_range(number_text(bad->value), bad->pos);
      }
      throw DataError(idx.where() + ": non-integral column id " + number_text(bad->value) + " at " +
                      c.run.row_text(c.row_of(bad->pos)));
    }
    for (int64_t j = 0; j < m; ++j) {
      if (buf[j] < 0 || buf[j] >= cols) throw out_of_range(std::to_string(buf[j]), first + at + j);
      out[at + j] = static_cast<int32_t>(buf[j]);
    }
  }
}

// A column stored twice in a row would count twice in X·w but not in the standardization
// statistics. Rows are usually sorted (scipy's canonical form): only others are sorted here.
void check_no_repeats(const h5::Dataset& idx, const CsrRun& c, const int32_t* ids) {
  std::vector<int32_t> sorted;
  for (Index i = 0; i < c.run.rows; ++i) {
    const int32_t* b = ids + (c.p[i] - c.p.front());
    const int32_t* e = ids + (c.p[i + 1] - c.p.front());
    if (std::adjacent_find(b, e, std::greater_equal<int32_t>()) == e) continue;
    sorted.assign(b, e);
    std::sort(sorted.begin(), sorted.end());
    const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    if (dup != sorted.end()) {
      throw DataError(idx.where() + ": column id " + std::to_string(*dup) + " repeated in " +
                      c.run.row_text(i));
    }
  }
}

// Reads a run's values into `out`; all must be finite.
template <typename T>
void read_values(const h5::Dataset& dat, const CsrRun& c, T* out) {
  const int64_t count = c.count();
  dat.read_rows(static_cast<hsize_t>(c.p.front()), static_cast<hsize_t>(count), native_type<T>(),
                out);
  if (all_finite(out, count)) return;
  for (int64_t j = 0; j < count; ++j) {
    if (!std::isfinite(out[j])) {
      throw DataError(dat.where() + ": non-finite value at " +
                      c.run.row_text(c.row_of(c.p.front() + j)));
    }
  }
}

}  // namespace

template <typename T>
CsrMatrix<T> load_csr(const DataSource& source, const DataLayout& layout, RowRange range) {
  // Size the arrays once: the nnz of the block is known from the row pointers.
  std::vector<CsrRun> runs;
  int64_t total = 0;
  for_each_run(layout, range, [&](const FileRun& run) {
    runs.push_back({run, read_row_pointers(source, run)});
    total += runs.back().count();
  });
  std::vector<int64_t> indptr(1, 0);
  indptr.reserve(static_cast<size_t>(range.size()) + 1);
  std::vector<int32_t> indices(static_cast<size_t>(total));
  std::vector<T> values(static_cast<size_t>(total));
  int64_t at = 0;
  for (const CsrRun& c : runs) {
    h5::File file(c.run.file->path, h5::File::Mode::ReadOnly);
    h5::Dataset idx = file.open_dataset(source.features + "/indices");
    h5::Dataset dat = file.open_dataset(source.features + "/data");
    read_column_ids(idx, c, layout.cols, indices.data() + at);
    check_no_repeats(idx, c, indices.data() + at);
    read_values(dat, c, values.data() + at);
    for (Index i = 0; i < c.run.rows; ++i) indptr.push_back(at + (c.p[i + 1] - c.p.front()));
    at += c.count();
  }
  return CsrMatrix<T>(layout.cols, std::move(indptr), std::move(indices), std::move(values));
}

template CsrMatrix<float> load_csr(const DataSource&, const DataLayout&, RowRange);
template CsrMatrix<double> load_csr(const DataSource&, const DataLayout&, RowRange);

}  // namespace logreg::detail
