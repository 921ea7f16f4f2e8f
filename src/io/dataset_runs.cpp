// Where a global row lies among a data set's files, and how messages name it (dataset_runs.hpp).
#include "dataset_runs.hpp"

#include <sstream>

namespace logreg::detail {

std::pair<size_t, Index> locate_row(const DataLayout& layout, Index row) {
  Index base = 0;
  for (size_t k = 0; k < layout.files.size(); ++k) {
    if (row < base + layout.files[k].rows) return {k, row - base};
    base += layout.files[k].rows;
  }
  return {layout.files.size(), 0};
}

std::string row_text(Index global_row, const FileLayout& f, Index file_row) {
  std::ostringstream os;
  os << "row " << global_row;
  if (global_row != file_row) os << " (row " << file_row << " of " << f.path << ")";
  return os.str();
}

std::string where_row(const DataLayout& layout, const std::string& name, Index row) {
  auto [k, local] = locate_row(layout, row);
  return layout.files[k].path + ":/" + name + ": " + row_text(row, layout.files[k], local);
}

}  // namespace logreg::detail
