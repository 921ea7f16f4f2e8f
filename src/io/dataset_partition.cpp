// Which contiguous block of rows each rank reads (README, "HDF5 data layout"): rows split evenly
// for dense data, non-zeros for CSR (binary search over indptr across files).
#include <memory>

#include "dataset_runs.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg {

namespace {

// First global row whose prefix non-zero count reaches r/size of the total.
Index nnz_cut(const DataSource& source, const DataLayout& layout, int r, int size) {
  const int64_t target = static_cast<int64_t>((static_cast<__int128>(layout.nnz) * r) / size);
  std::vector<int64_t> base(layout.files.size() + 1, 0);
  for (size_t k = 0; k < layout.files.size(); ++k) base[k + 1] = base[k] + layout.files[k].nnz;
  // One file open at a time: a data set may have more files than a process may hold open.
  size_t open_k = layout.files.size();
  std::unique_ptr<h5::File> file;
  std::unique_ptr<h5::Dataset> indptr;
  auto prefix = [&](Index row) -> int64_t {  // global nnz before `row`
    if (row >= layout.rows) return layout.nnz;
    auto [k, local] = detail::locate_row(layout, row);
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
    if (prefix(mid) < target)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

Index row_cut(const DataSource& source, const DataLayout& layout, int r, int size) {
  if (!layout.sparse || layout.nnz == 0) {
    return static_cast<Index>((static_cast<__int128>(layout.rows) * r) / size);
  }
  return nnz_cut(source, layout, r, size);
}

}  // namespace

RowRange partition_rows(const DataSource& source, const DataLayout& layout, int rank, int size) {
  RowRange range;
  range.begin = rank == 0 ? 0 : row_cut(source, layout, rank, size);
  range.end = rank + 1 == size ? layout.rows : row_cut(source, layout, rank + 1, size);
  return range;
}

}  // namespace logreg
