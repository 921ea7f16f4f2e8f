// A data set's files: paths and glob patterns expanded, and each file's metadata read and checked
// into a DataLayout (README, "HDF5 data layout"). Only metadata and one indptr entry are read.
#include <glob.h>
#include <sys/stat.h>

#include <limits>

#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg {

namespace {

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool numeric(H5T_class_t cls) { return cls == H5T_FLOAT || cls == H5T_INTEGER; }

// A CSR group `g`: its three datasets, its shape attribute and an indptr that ends at nnz.
void scan_csr(const h5::File& file, const std::string& g, FileLayout& f) {
  const std::string& path = f.path;
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
    if (!numeric(ds->type_class())) throw DataError(ds->where() + ": must be an integer type");
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
}

// A dense 2-D dataset `name` of a numeric type.
void scan_dense(const h5::File& file, const std::string& name, FileLayout& f) {
  h5::Dataset x = file.open_dataset(name);
  auto dims = x.shape();
  if (dims.size() != 2) {
    throw DataError(x.where() + ": expected a 2-D dataset (rows, features), got rank " +
                    std::to_string(dims.size()));
  }
  if (!numeric(x.type_class())) {
    throw DataError(x.where() + ": features must be a float or integer type");
  }
  f.rows = static_cast<Index>(dims[0]);
  f.cols = static_cast<Index>(dims[1]);
  f.nnz = f.rows * f.cols;
}

// A per-row vector (labels or weights, named by `key`): 1-D or (n, 1), numeric, one entry a row.
void check_row_vector(const h5::File& file, const DataSource& source, const std::string& name,
                      const char* key, const FileLayout& f) {
  if (name.empty()) return;
  if (!file.exists(name)) {
    throw DataError(f.path + ": " + key + " dataset '" + name + "' not found");
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
  if (!numeric(ds.type_class())) throw DataError(ds.where() + ": must be a numeric type");
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
  f.sparse = type == H5O_TYPE_GROUP;
  if (f.sparse) {
    scan_csr(file, source.features, f);
  } else {
    scan_dense(file, source.features, f);
  }
  check_row_vector(file, source, source.labels, "labels", f);
  check_row_vector(file, source, source.weights, "weights", f);
  return f;
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
        throw DataError(path + ": has " + std::to_string(f.cols) + " features but " + first.path +
                        " has " + std::to_string(first.cols) + "; all files must agree on d");
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

}  // namespace logreg
