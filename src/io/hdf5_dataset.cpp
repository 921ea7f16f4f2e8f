// Datasets: shape and type, reading and writing blocks of rows through hyperslabs, growing an
// extendible dataset, and whole 1-D vectors and scalars in one call.
#include "hdf5_errors.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg::h5 {

using detail::check;
using detail::fail;

std::vector<hsize_t> Dataset::shape() const {
  Handle space(check(H5Dget_space(id()), where(), "cannot read dataspace"), H5Sclose);
  int rank = check(H5Sget_simple_extent_ndims(space.get()), where(), "cannot read rank");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

H5T_class_t Dataset::type_class() const {
  Handle type(check(H5Dget_type(id()), where(), "cannot read type"), H5Tclose);
  return H5Tget_class(type.get());
}

size_t Dataset::type_size() const {
  Handle type(check(H5Dget_type(id()), where(), "cannot read type"), H5Tclose);
  return H5Tget_size(type.get());
}

namespace {

// Rows [row0, row0+nrows) selected in a dataset's file space, and the matching memory space.
struct RowSelection {
  Handle file;
  Handle memory;
};

RowSelection select_rows(const Dataset& ds, hsize_t row0, hsize_t nrows) {
  Handle file_space(check(H5Dget_space(ds.id()), ds.where(), "cannot read dataspace"), H5Sclose);
  std::vector<hsize_t> dims = ds.shape();
  if (dims.empty()) {
    if (row0 != 0 || nrows != 1) fail(ds.where(), "scalar dataset has one element");
    return {std::move(file_space),
            Handle(check(H5Screate(H5S_SCALAR), ds.where(), "dataspace"), H5Sclose)};
  }
  if (row0 + nrows > dims[0]) {
    fail(ds.where(), "rows " + std::to_string(row0) + ".." + std::to_string(row0 + nrows) +
                         " out of range (dataset has " + std::to_string(dims[0]) + " rows)");
  }
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = row0;
  count[0] = nrows;
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        ds.where(), "cannot select rows");
  Handle memory(check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                      ds.where(), "cannot create memory space"),
                H5Sclose);
  return {std::move(file_space), std::move(memory)};
}

}  // namespace

void Dataset::read_rows(hsize_t row0, hsize_t nrows, hid_t mem_type, void* out) const {
  if (nrows == 0) return;
  const RowSelection rows = select_rows(*this, row0, nrows);
  if (H5Dread(id(), mem_type, rows.memory.get(), rows.file.get(), H5P_DEFAULT, out) < 0) {
    fail(where(), "read failed for rows " + std::to_string(row0) + ".." +
                      std::to_string(row0 + nrows) + " (" + detail::read_failure() + ")");
  }
}

void Dataset::read_all(hid_t mem_type, void* out) const {
  if (H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
    fail(where(), "read failed (" + detail::read_failure() + ")");
  }
}

void Dataset::write_rows(hsize_t row0, hsize_t nrows, hid_t mem_type, const void* in) {
  if (nrows == 0) return;
  const RowSelection rows = select_rows(*this, row0, nrows);
  check(H5Dwrite(id(), mem_type, rows.memory.get(), rows.file.get(), H5P_DEFAULT, in), where(),
        "write failed");
}

void Dataset::extend(hsize_t rows) {
  std::vector<hsize_t> dims = shape();
  if (dims.empty()) fail(where(), "cannot extend a scalar");
  dims[0] = rows;
  check(H5Dset_extent(id(), dims.data()), where(), "cannot extend dataset");
}

void write_vector(File& f, const std::string& name, const double* data, hsize_t n) {
  Dataset ds = f.create_dataset(name, H5T_IEEE_F64LE, {n});
  if (n > 0) ds.write_rows(0, n, H5T_NATIVE_DOUBLE, data);
}

void write_scalar(File& f, const std::string& name, double value) {
  Dataset ds = f.create_dataset(name, H5T_IEEE_F64LE, {});
  check(H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), ds.where(),
        "write failed");
}

void write_array(File& f, const std::string& name, const double* data,
                 const std::vector<hsize_t>& dims) {
  Dataset ds = f.create_dataset(name, H5T_IEEE_F64LE, dims);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  if (n > 0) ds.write_rows(0, dims.empty() ? 1 : dims[0], H5T_NATIVE_DOUBLE, data);
}

std::vector<double> read_array(const File& f, const std::string& name, std::vector<hsize_t>& dims) {
  Dataset ds = f.open_dataset(name);
  dims = ds.shape();
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<double> v(n);
  if (n > 0) ds.read_all(H5T_NATIVE_DOUBLE, v.data());
  return v;
}

std::vector<double> read_vector(const File& f, const std::string& name) {
  Dataset ds = f.open_dataset(name);
  auto dims = ds.shape();
  if (dims.size() != 1) fail(ds.where(), "expected a 1-D dataset");
  std::vector<double> v(dims[0]);
  if (!v.empty()) ds.read_all(H5T_NATIVE_DOUBLE, v.data());
  return v;
}

double read_scalar(const File& f, const std::string& name) {
  Dataset ds = f.open_dataset(name);
  auto dims = ds.shape();
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  if (n != 1) fail(ds.where(), "expected a scalar");
  double v = 0;
  ds.read_all(H5T_NATIVE_DOUBLE, &v);
  return v;
}

void write_string_list(File& f, const std::string& name, const std::vector<std::string>& values) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Dataset ds = f.create_dataset(name, type.get(), {values.size()});
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (values.empty()) return;
  check(H5Dwrite(ds.id(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), ds.where(),
        "write failed");
}

std::vector<std::string> read_string_list(const File& f, const std::string& name) {
  Dataset ds = f.open_dataset(name);
  const auto dims = ds.shape();
  Handle type(check(H5Dget_type(ds.id()), ds.where(), "cannot read type"), H5Tclose);
  if (dims.size() != 1 || H5Tget_class(type.get()) != H5T_STRING) {
    fail(ds.where(), "expected a 1-D dataset of strings");
  }
  const auto n = static_cast<size_t>(dims[0]);
  return detail::read_strings(
      type.get(), n,
      [&](hid_t mem, void* buf) {
        return H5Dread(ds.id(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      },
      ds.where());
}

}  // namespace logreg::h5
