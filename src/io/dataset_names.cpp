// The feature names of a data set (README, "HDF5 data layout"): dataset `feature_names` of each
// file, which must agree.
#include <algorithm>

#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg {

namespace {

std::vector<std::string> names_of(const FileLayout& file) {
  h5::File f(file.path, h5::File::Mode::ReadOnly);
  if (f.object_type("feature_names") != H5O_TYPE_DATASET) return {};
  std::vector<std::string> names = h5::read_string_list(f, "feature_names");
  if (static_cast<Index>(names.size()) != file.cols) {
    throw DataError(file.path + ":/feature_names: " + std::to_string(names.size()) +
                    " names for the " + std::to_string(file.cols) + " features of the file");
  }
  return names;
}

// "a.h5 has feature_names and b.h5 has none" or where the names differ first.
std::string disagreement(const std::string& a, const std::vector<std::string>& names_a,
                         const std::string& b, const std::vector<std::string>& names_b) {
  if (names_a.empty() || names_b.empty()) {
    const bool a_has = !names_a.empty();
    return (a_has ? a : b) + " has feature_names and " + (a_has ? b : a) + " has none";
  }
  size_t j = 0;
  while (j + 1 < std::min(names_a.size(), names_b.size()) && names_a[j] == names_b[j]) ++j;
  return a + " and " + b + " name feature " + std::to_string(j) + " differently ('" + names_a[j] +
         "', '" + names_b[j] + "')";
}

}  // namespace

std::vector<std::string> read_feature_names(const DataLayout& layout) {
  std::vector<std::string> first;
  for (size_t i = 0; i < layout.files.size(); ++i) {
    std::vector<std::string> names = names_of(layout.files[i]);
    if (i == 0) {
      first = std::move(names);
    } else if (names != first) {
      throw DataError(disagreement(layout.files[0].path, first, layout.files[i].path, names) +
                      "; all files of a data set must agree on the feature names");
    }
  }
  return first;
}

}  // namespace logreg
