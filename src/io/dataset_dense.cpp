// Dense features: a block of rows of a 2-D dataset, read straight into the shard's matrix.
#include <sstream>

#include "dataset_loaders.hpp"
#include "dataset_runs.hpp"
#include "logreg/errors.hpp"

namespace logreg::detail {

namespace {

// Throws naming the first non-finite value of a run's `count` values, `per_row` to a row.
template <typename T>
void check_finite(const T* values, Index count, Index per_row, const std::string& where,
                  const FileRun& run) {
  if (all_finite(values, count)) return;
  for (Index i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      Index r = i / per_row;
      std::ostringstream os;
      os << where << ": non-finite value " << values[i] << " at " << run.row_text(r);
      if (per_row > 1) os << ", column " << i % per_row;
      throw DataError(os.str());
    }
  }
}

}  // namespace

template <typename T>
DenseMatrix<T> load_dense(const DataSource& source, const DataLayout& layout, RowRange range) {
  RowMatrix<T> x(range.size(), layout.cols);
  read_rows_over(layout, source.features, range, layout.cols, x.data(),
                 [&](const FileRun& run, const h5::Dataset& ds, const T* values) {
                   check_finite(values, run.rows * layout.cols, std::max<Index>(1, layout.cols),
                                ds.where(), run);
                 });
  return DenseMatrix<T>(std::move(x));
}

template DenseMatrix<float> load_dense(const DataSource&, const DataLayout&, RowRange);
template DenseMatrix<double> load_dense(const DataSource&, const DataLayout&, RowRange);

}  // namespace logreg::detail
