// Handles and files: the RAII handle, the checks before a file is opened, opening and creating
// files, and finding, opening (with its filters checked) and creating the objects inside them.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <mutex>

#include "hdf5_errors.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/file_kind.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg::h5 {

using detail::check;
using detail::fail;
using detail::object_where;

namespace {

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
    throw DataError(prefix + path + ": " + detail::error_text(err));
  }
  if (!S_ISREG(st.st_mode)) {
    throw DataError(prefix + path + " is not a regular file (" + file_kind(st.st_mode) + ")");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw DataError(prefix + path + ": " + detail::error_text(errno));
  }
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

namespace {

// "not an HDF5 file", with a hint to convert it when its first 4 KiB look like text (no NUL and
// no control bytes but tabs and line ends): CSV, TSV or LIBSVM given where HDF5 data is expected
// (README, "Data tool: `logreg_data`").
std::string not_hdf5_message(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char buf[4096];
  in.read(buf, sizeof buf);
  const std::streamsize n = in.gcount();
  bool text = n > 0;
  for (std::streamsize i = 0; i < n && text; ++i) {
    const auto c = static_cast<unsigned char>(buf[i]);
    text = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
  }
  if (!text) return "not an HDF5 file";
  return "not an HDF5 file; it looks like text (CSV, TSV or LIBSVM): convert it first: "
         "logreg_data convert " +
         path + " OUT.h5 (see logreg_data convert --help)";
}

}  // namespace

bool is_hdf5(const std::string& path) {
  silence_errors();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;  // a FIFO would block
  return H5Fis_hdf5(path.c_str()) > 0;
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
    if (signature < 0) fail(path, detail::open_failure(path));
    if (signature == 0) fail(path, not_hdf5_message(path));
    id = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
    if (id < 0) fail(path, detail::open_failure(path));
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
  Handle space(dims.empty()
                   ? H5Screate(H5S_SCALAR)
                   : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
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
  hid_t ds =
      H5Dcreate2(id(), name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT);
  if (ds < 0) fail(where, "cannot create dataset");
  return Dataset(Handle(ds, H5Dclose), path_, name);
}

void File::create_group(const std::string& name) {
  hid_t g = H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail(object_where(path_, name), "cannot create group");
  H5Gclose(g);
}

void File::flush() { check(H5Fflush(id(), H5F_SCOPE_GLOBAL), path_, "flush failed"); }

}  // namespace logreg::h5
