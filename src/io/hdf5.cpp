#include "logreg/io/hdf5.hpp"

#include <fstream>
#include <mutex>

#include "logreg/errors.hpp"

namespace logreg::h5 {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw DataError(where + ": " + what);
}

template <typename T>
T check(T value, const std::string& where, const std::string& what) {
  if (value < 0) fail(where, what);
  return value;
}

std::string object_where(const std::string& file, const std::string& object) {
  return file + ":/" + (object == "." || object == "/" ? std::string() : object);
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = H5I_INVALID_HID;
}

void silence_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

bool is_hdf5(const std::string& path) {
  silence_errors();
  std::ifstream probe(path);
  if (!probe) return false;
  return H5Fis_hdf5(path.c_str()) > 0;
}

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

// Selects rows [row0, row0+nrows) of `file_space` and builds the matching memory space.
Handle select_rows(const Dataset& ds, hid_t file_space, hsize_t row0, hsize_t nrows) {
  std::vector<hsize_t> dims = ds.shape();
  if (dims.empty()) {
    if (row0 != 0 || nrows != 1) fail(ds.where(), "scalar dataset has one element");
    return Handle(check(H5Screate(H5S_SCALAR), ds.where(), "dataspace"), H5Sclose);
  }
  if (row0 + nrows > dims[0]) {
    fail(ds.where(), "rows " + std::to_string(row0) + ".." + std::to_string(row0 + nrows) +
                         " out of range (dataset has " + std::to_string(dims[0]) + " rows)");
  }
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = row0;
  count[0] = nrows;
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        ds.where(), "cannot select rows");
  return Handle(check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                      ds.where(), "cannot create memory space"),
                H5Sclose);
}

}  // namespace

void Dataset::read_rows(hsize_t row0, hsize_t nrows, hid_t mem_type, void* out) const {
  if (nrows == 0) return;
  Handle file_space(check(H5Dget_space(id()), where(), "cannot read dataspace"), H5Sclose);
  Handle mem_space = select_rows(*this, file_space.get(), row0, nrows);
  if (H5Dread(id(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out) < 0) {
    fail(where(), "read failed for rows " + std::to_string(row0) + ".." +
                      std::to_string(row0 + nrows) + " (file truncated or corrupt?)");
  }
}

void Dataset::read_all(hid_t mem_type, void* out) const {
  if (H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
    fail(where(), "read failed (file truncated or corrupt?)");
  }
}

void Dataset::write_rows(hsize_t row0, hsize_t nrows, hid_t mem_type, const void* in) {
  if (nrows == 0) return;
  Handle file_space(check(H5Dget_space(id()), where(), "cannot read dataspace"), H5Sclose);
  Handle mem_space = select_rows(*this, file_space.get(), row0, nrows);
  if (H5Dwrite(id(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, in) < 0) {
    fail(where(), "write failed");
  }
}

void Dataset::extend(hsize_t rows) {
  std::vector<hsize_t> dims = shape();
  if (dims.empty()) fail(where(), "cannot extend a scalar");
  dims[0] = rows;
  check(H5Dset_extent(id(), dims.data()), where(), "cannot extend dataset");
}

File::File(const std::string& path, Mode mode) : path_(path) {
  silence_errors();
  hid_t id = H5I_INVALID_HID;
  if (mode == Mode::Truncate) {
    id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0) fail(path, "cannot create HDF5 file (directory missing or not writable?)");
  } else {
    std::ifstream probe(path);
    if (!probe) fail(path, "cannot open file (does it exist and is it readable?)");
    if (H5Fis_hdf5(path.c_str()) <= 0) fail(path, "not an HDF5 file");
    id = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR,
                 H5P_DEFAULT);
    if (id < 0) fail(path, "cannot open HDF5 file (truncated or corrupt?)");
  }
  id_ = Handle(id, H5Fclose);
}

bool File::exists(const std::string& name) const { return object_type(name) != H5O_TYPE_UNKNOWN; }

H5O_type_t File::object_type(const std::string& name) const {
  // Walk the path so that a missing intermediate group is "absent", not an error.
  std::string partial;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t next = name.find('/', pos);
    if (next == std::string::npos) next = name.size();
    if (next > pos) {
      partial += (partial.empty() ? "" : "/") + name.substr(pos, next - pos);
      if (H5Lexists(id(), partial.c_str(), H5P_DEFAULT) <= 0) return H5O_TYPE_UNKNOWN;
    }
    pos = next + 1;
  }
  if (partial.empty()) return H5O_TYPE_GROUP;
  H5O_info_t info;
  if (H5Oget_info_by_name(id(), partial.c_str(), &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}

Dataset File::open_dataset(const std::string& name) const {
  H5O_type_t type = object_type(name);
  if (type == H5O_TYPE_UNKNOWN) fail(object_where(path_, name), "dataset not found");
  if (type != H5O_TYPE_DATASET) fail(object_where(path_, name), "is not a dataset");
  hid_t ds = H5Dopen2(id(), name.c_str(), H5P_DEFAULT);
  if (ds < 0) fail(object_where(path_, name), "cannot open dataset");
  return Dataset(Handle(ds, H5Dclose), path_, name);
}

Dataset File::create_dataset(const std::string& name, hid_t file_type,
                             const std::vector<hsize_t>& dims, const CreateOptions& opts) {
  const std::string where = object_where(path_, name);
  std::vector<hsize_t> maxdims = dims;
  if (opts.extendible) maxdims[0] = H5S_UNLIMITED;
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                               maxdims.data()),
               H5Sclose);
  if (!space.valid()) fail(where, "cannot create dataspace");
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!opts.chunk.empty()) {
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(opts.chunk.size()), opts.chunk.data()), where,
          "cannot set chunking");
    if (opts.deflate > 0) {
      H5Pset_shuffle(dcpl.get());
      check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(opts.deflate)), where,
            "cannot set compression");
    }
  }
  hid_t ds = H5Dcreate2(id(), name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                        H5P_DEFAULT);
  if (ds < 0) fail(where, "cannot create dataset");
  return Dataset(Handle(ds, H5Dclose), path_, name);
}

void File::create_group(const std::string& name) {
  hid_t g = H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail(object_where(path_, name), "cannot create group");
  H5Gclose(g);
}

bool File::has_attribute(const std::string& object, const std::string& attr) const {
  return H5Aexists_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT) > 0;
}

namespace {

Handle open_attribute(const File& f, const std::string& object, const std::string& attr) {
  const std::string where = object_where(f.path(), object) + "@" + attr;
  if (!f.has_attribute(object, attr)) fail(where, "attribute not found");
  hid_t a = H5Aopen_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail(where, "cannot open attribute");
  return Handle(a, H5Aclose);
}

hssize_t attribute_size(hid_t attr) {
  Handle space(H5Aget_space(attr), H5Sclose);
  return H5Sget_simple_extent_npoints(space.get());
}

Handle create_attribute(File& f, const std::string& object, const std::string& attr,
                        hid_t type, const std::vector<hsize_t>& dims) {
  const std::string where = object_where(f.path(), object) + "@" + attr;
  if (f.has_attribute(object, attr)) H5Adelete_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT);
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose);
  hid_t a = H5Acreate_by_name(f.id(), object.c_str(), attr.c_str(), type, space.get(),
                              H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail(where, "cannot create attribute");
  return Handle(a, H5Aclose);
}

}  // namespace

std::vector<int64_t> File::read_int_attribute(const std::string& object,
                                              const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  std::vector<int64_t> values(static_cast<size_t>(attribute_size(a.get())));
  if (H5Aread(a.get(), H5T_NATIVE_INT64, values.data()) < 0) {
    fail(object_where(path_, object) + "@" + attr, "cannot read as integers");
  }
  return values;
}

double File::read_double_attribute(const std::string& object, const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  double value = 0;
  if (attribute_size(a.get()) != 1 || H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
    fail(object_where(path_, object) + "@" + attr, "cannot read as a number");
  }
  return value;
}

std::string File::read_string_attribute(const std::string& object, const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  const std::string where = object_where(path_, object) + "@" + attr;
  if (H5Tget_class(type.get()) != H5T_STRING) fail(where, "is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* buf = nullptr;
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));  // h5py writes UTF-8 by default
    if (H5Aread(a.get(), mem.get(), &buf) < 0) fail(where, "cannot read string");
    std::string s = buf ? buf : "";
    H5free_memory(buf);
    return s;
  }
  std::string s(H5Tget_size(type.get()), '\0');
  if (H5Aread(a.get(), type.get(), s.data()) < 0) fail(where, "cannot read string");
  return s.substr(0, s.find('\0'));
}

void File::write_attribute(const std::string& object, const std::string& attr,
                           const std::vector<int64_t>& values) {
  Handle a = create_attribute(*this, object, attr, H5T_STD_I64LE, {values.size()});
  check(H5Awrite(a.get(), H5T_NATIVE_INT64, values.data()), path_, "cannot write attribute " + attr);
}

void File::write_attribute(const std::string& object, const std::string& attr, double value) {
  Handle a = create_attribute(*this, object, attr, H5T_IEEE_F64LE, {});
  check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), path_, "cannot write attribute " + attr);
}

void File::write_attribute(const std::string& object, const std::string& attr,
                           const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), value.empty() ? 1 : value.size());
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  Handle a = create_attribute(*this, object, attr, type.get(), {});
  std::string buf = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(a.get(), type.get(), buf.data()), path_, "cannot write attribute " + attr);
}

void File::flush() { check(H5Fflush(id(), H5F_SCOPE_GLOBAL), path_, "flush failed"); }

void write_vector(File& f, const std::string& name, const double* data, hsize_t n) {
  Dataset ds = f.create_dataset(name, H5T_IEEE_F64LE, {n});
  if (n > 0) ds.write_rows(0, n, H5T_NATIVE_DOUBLE, data);
}

void write_scalar(File& f, const std::string& name, double value) {
  Dataset ds = f.create_dataset(name, H5T_IEEE_F64LE, {});
  check(H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), ds.where(),
        "write failed");
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

}  // namespace logreg::h5
