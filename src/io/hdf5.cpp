#include "logreg/io/hdf5.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "logreg/errors.hpp"
#include "logreg/io/file_kind.hpp"

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

// strerror as the tail of a message: "permission denied".
std::string error_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// One entry of HDF5's error stack (the stack of the last failed call on this thread).
struct StackEntry {
  hid_t major = H5I_INVALID_HID;
  hid_t minor = H5I_INVALID_HID;
  std::string desc;
};

// Reads the stack right after a failed call: the next HDF5 call clears it.
std::vector<StackEntry> error_stack() {
  std::vector<StackEntry> entries;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
        static_cast<std::vector<StackEntry>*>(out)->push_back(
            {e->maj_num, e->min_num, e->desc ? e->desc : ""});
        return 0;
      },
      &entries);
  return entries;
}

// The stack of the call that just failed. When HDF5 could not allocate memory, that is thrown as
// std::bad_alloc like any other allocation failure, so that the out-of-memory report names what
// the process was doing rather than blaming the file.
std::vector<StackEntry> failure_stack() {
  std::vector<StackEntry> stack = error_stack();
  for (const auto& e : stack) {
    if (e.major == H5E_RESOURCE && e.minor == H5E_NOSPACE) throw std::bad_alloc();
  }
  return stack;
}

bool has_minor(const std::vector<StackEntry>& stack, hid_t minor) {
  for (const auto& e : stack) {
    if (e.minor == minor) return true;
  }
  return false;
}

bool mentions(const std::vector<StackEntry>& stack, const char* text) {
  for (const auto& e : stack) {
    if (e.desc.find(text) != std::string::npos) return true;
  }
  return false;
}

// The errno a file driver recorded ("..., errno = 24, error message = ..."), or 0.
int stack_errno(const std::vector<StackEntry>& stack) {
  for (const auto& e : stack) {
    const size_t at = e.desc.find("errno = ");
    if (at == std::string::npos) continue;
    const int err = std::atoi(e.desc.c_str() + at + 8);
    if (err > 0) return err;
  }
  return 0;
}

std::string too_many_open_files(int err) {
  std::string s = "too many open files";
  struct rlimit lim {};
  if (err == EMFILE && getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    s += " (the limit is " + std::to_string(lim.rlim_cur) + " per process; see ulimit -n)";
  }
  return s;
}

// Why H5Fis_hdf5 or H5Fopen failed on `path`, which check_input_file found a regular file.
std::string open_failure(const std::string& path, const std::vector<StackEntry>& stack) {
  // HDF5 ≥ 1.10 locks a file while a process has it open; a writer holds it exclusively.
  if (has_minor(stack, H5E_CANTLOCKFILE)) {
    return "cannot open HDF5 file: it is locked by another process that has it open for "
           "writing; wait until that process closes it, or set HDF5_USE_FILE_LOCKING=FALSE if "
           "you know the writer has finished";
  }
  // Superblock status flags (format of libver='latest') left set by a writer, e.g. in SWMR mode.
  if (mentions(stack, "already open for write") || mentions(stack, "h5clear")) {
    return "cannot open HDF5 file: it is marked as open for writing (a writer, e.g. in SWMR "
           "mode, is still running or crashed); if no process is writing it, clear the mark "
           "with 'h5clear -s " +
           path + "'";
  }
  const int err = stack_errno(stack);
  if (err == EMFILE || err == ENFILE) return "cannot open HDF5 file: " + too_many_open_files(err);
  if (err != 0) return "cannot open HDF5 file: " + error_text(err);
  return "cannot open HDF5 file (truncated or corrupt?)";
}

// Why H5Dread failed: a filter (compression) error, an I/O error, or presumably a damaged file.
std::string read_failure(const std::vector<StackEntry>& stack) {
  for (const auto& e : stack) {
    if (e.major == H5E_PLINE) return "HDF5 filter error: " + e.desc;
  }
  if (const int err = stack_errno(stack)) return error_text(err);
  return "file truncated or corrupt?";
}

// Whether the first stored chunk of `dataset` went through filter number `index` of its pipeline.
// An optional filter is skipped, and the chunk marked so, when it is missing or cannot shrink the
// chunk (LZF on random doubles); only a filtered chunk needs it to be read. A later chunk that
// needs it fails to read with the filter named (read_failure).
bool first_chunk_filtered(hid_t dataset, int index) {
  Handle space(H5Dget_space(dataset), H5Sclose);
  hsize_t chunks = 0;
  if (!space.valid() || H5Dget_num_chunks(dataset, space.get(), &chunks) < 0) return true;
  if (chunks == 0) return false;
  const int rank = std::max(1, H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> offset(static_cast<size_t>(rank));
  unsigned mask = 0;
  haddr_t addr = 0;
  hsize_t size = 0;
  if (H5Dget_chunk_info(dataset, space.get(), 0, offset.data(), &mask, &addr, &size) < 0) {
    return true;
  }
  return (mask & (1u << index)) == 0;
}

// Refuses a dataset whose filter pipeline needs a filter this library lacks (h5py's LZF, id
// 32000, is the common case): otherwise reading it fails only when its chunks are read. h5py
// marks LZF optional, so an optional filter counts when the stored chunks went through it.
void check_filters(hid_t dataset, const std::string& where) {
  Handle dcpl(H5Dget_create_plist(dataset), H5Pclose);
  if (!dcpl.valid()) return;
  const int count = H5Pget_nfilters(dcpl.get());
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0, config = 0;
    size_t nvalues = 0;
    char name[256] = "";
    const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &nvalues,
                                           nullptr, sizeof name, name, &config);
    if (id < 0 || H5Zfilter_avail(id) > 0) continue;
    if ((flags & H5Z_FLAG_OPTIONAL) && !first_chunk_filtered(dataset, i)) continue;
    fail(where, "compressed with HDF5 filter '" + std::string(name[0] ? name : "unnamed") +
                    "' (id " + std::to_string(id) +
                    "), which this HDF5 library does not have; install the filter's plugin and "
                    "set HDF5_PLUGIN_PATH to its directory, or rewrite the data with gzip or "
                    "without compression");
  }
}

}  // namespace

void check_input_file(const std::string& path, const std::string& key) {
  const std::string prefix = key.empty() ? std::string() : key + ": ";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    struct stat link {};
    if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      throw DataError(prefix + path + ": broken symbolic link (its target does not exist)");
    }
    if (err == ENOENT) {
      throw DataError(key.empty() ? path + ": file not found" : prefix + "file not found: " + path);
    }
    throw DataError(prefix + path + ": " + error_text(err));
  }
  if (!S_ISREG(st.st_mode)) {
    throw DataError(prefix + path + " is not a regular file (" + file_kind(st.st_mode) + ")");
  }
  if (::access(path.c_str(), R_OK) != 0) throw DataError(prefix + path + ": " + error_text(errno));
}

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
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;  // a FIFO would block
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
                      std::to_string(row0 + nrows) + " (" + read_failure(failure_stack()) + ")");
  }
}

void Dataset::read_all(hid_t mem_type, void* out) const {
  if (H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
    fail(where(), "read failed (" + read_failure(failure_stack()) + ")");
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
  if (mode == Mode::CreateNew) {
    id = H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    struct stat st {};
    if (id < 0 && ::lstat(path.c_str(), &st) == 0) throw AlreadyExists(path + ": exists");
    if (id < 0) fail(path, "cannot create HDF5 file (directory missing or not writable?)");
  } else if (mode == Mode::Truncate) {
    id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0) fail(path, "cannot create HDF5 file (directory missing or not writable?)");
  } else {
    check_input_file(path);
    const htri_t signature = H5Fis_hdf5(path.c_str());
    if (signature < 0) fail(path, open_failure(path, failure_stack()));
    if (signature == 0) fail(path, "not an HDF5 file");
    id = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR,
                 H5P_DEFAULT);
    if (id < 0) fail(path, open_failure(path, failure_stack()));
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
      if (!partial.empty()) partial += '/';
      partial.append(name, pos, next - pos);
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
  Dataset dataset(Handle(ds, H5Dclose), path_, name);
  check_filters(dataset.id(), dataset.where());
  return dataset;
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
