// A row range of a data set walked as runs of consecutive rows inside one file: the one walk
// that every reader of rows shares (README, "HDF5 data layout": rows concatenate across files,
// opened one at a time). Private to io.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>

#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg::detail {

// Which file holds global row `row`, and the row inside it.
std::pair<size_t, Index> locate_row(const DataLayout& layout, Index row);

// "row 12", or "row 12 (row 2 of b.h5)" when the file row differs, for messages.
std::string row_text(Index global_row, const FileLayout& f, Index file_row);

// The file, dataset path and row of global row `row` ("a.h5:/y: row 3"), for messages.
std::string where_row(const DataLayout& layout, const std::string& name, Index row);

// Global rows [row, row + rows) are rows [local, local + rows) of `file`.
struct FileRun {
  const FileLayout* file;
  Index row;
  Index local;
  Index rows;
  // The run's i-th row, for messages.
  std::string row_text(Index i) const { return detail::row_text(row + i, *file, local + i); }
};

// Calls fn(run) for each run of `range`, in row order.
template <typename Fn>
void for_each_run(const DataLayout& layout, RowRange range, Fn&& fn) {
  for (Index row = range.begin; row < range.end;) {
    const auto [k, local] = locate_row(layout, row);
    const FileLayout& f = layout.files[k];
    const FileRun run{&f, row, local, std::min(range.end - row, f.rows - local)};
    fn(run);
    row += run.rows;
  }
}

template <typename T>
hid_t native_type() {
  return std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
}

// Reads dataset `name` (rows of `width` values) over `range` into `out`, which holds
// range.size() * width values, straight from HDF5 with no copy; check(run, dataset, values)
// sees each run's values while its file is open.
template <typename T, typename Check>
void read_rows_over(const DataLayout& layout, const std::string& name, RowRange range, Index width,
                    T* out, Check&& check) {
  for_each_run(layout, range, [&](const FileRun& run) {
    h5::File file(run.file->path, h5::File::Mode::ReadOnly);
    h5::Dataset ds = file.open_dataset(name);
    T* dst = out + (run.row - range.begin) * width;
    ds.read_rows(static_cast<hsize_t>(run.local), static_cast<hsize_t>(run.rows), native_type<T>(),
                 dst);
    check(run, ds, dst);
  });
}

}  // namespace logreg::detail
