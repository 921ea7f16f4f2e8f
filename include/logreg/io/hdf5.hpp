// Thin RAII layer over the HDF5 C API. It is the one place that turns HDF5 failures into
// DataError exceptions naming the file and object; HDF5's own error-stack printing is silenced.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace logreg::h5 {

// Owns one hid_t and closes it with the right H5*close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Turns off HDF5's automatic error printing (idempotent, process-wide).
void silence_errors();

// True when `path` is a regular file carrying the HDF5 signature.
bool is_hdf5(const std::string& path);

// Checks with stat, before anything opens it, that `path` is a readable regular file: opening a
// FIFO blocks until a writer comes, a device may never end, a directory holds no data. Throws
// DataError naming `key` (when given) and the path: "file not found", "is not a regular file
// (a FIFO)", or the stat error ("too many levels of symbolic links", "permission denied").
void check_input_file(const std::string& path, const std::string& key = {});

class File;

// A dataset inside a File; remembers the names for error messages.
class Dataset {
 public:
  Dataset(Handle id, std::string file, std::string name)
      : id_(std::move(id)), file_(std::move(file)), name_(std::move(name)) {}
  std::vector<hsize_t> shape() const;
  // Class of the stored element type: H5T_FLOAT, H5T_INTEGER, ...
  H5T_class_t type_class() const;
  // Bytes per stored element.
  size_t type_size() const;
  // Reads rows [row0, row0+nrows) of a 1-D or 2-D dataset (all columns) converting to
  // `mem_type` (e.g. H5T_NATIVE_DOUBLE) into `out`, which must hold nrows*cols elements.
  void read_rows(hsize_t row0, hsize_t nrows, hid_t mem_type, void* out) const;
  void read_all(hid_t mem_type, void* out) const;
  // Writes rows [row0, row0+nrows) of a 1-D or 2-D dataset.
  void write_rows(hsize_t row0, hsize_t nrows, hid_t mem_type, const void* in);
  // Grows dimension 0 of a chunked, extendible dataset to `rows`.
  void extend(hsize_t rows);
  const std::string& name() const { return name_; }
  const std::string& file() const { return file_; }
  hid_t id() const { return id_.get(); }
  std::string where() const { return file_ + ":/" + name_; }

 private:
  Handle id_;
  std::string file_;
  std::string name_;
};

struct CreateOptions {
  std::vector<hsize_t> chunk;  // empty: contiguous layout
  int deflate = 0;             // gzip level 0..9 (needs chunking)
  bool extendible = false;     // dimension 0 unlimited (needs chunking)
};

class File {
 public:
  // CreateNew: a file that must not exist yet (O_CREAT|O_EXCL: never follows a link); throws
  // AlreadyExists when it does.
  enum class Mode { ReadOnly, ReadWrite, Truncate, CreateNew };
  struct AlreadyExists : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  // ReadOnly/ReadWrite: check_input_file first, then an open failure names its cause (locked by
  // another process, marked open for writing, too many open files, an errno) or says "truncated
  // or corrupt?".
  File(const std::string& path, Mode mode);
  const std::string& path() const { return path_; }
  hid_t id() const { return id_.get(); }

  bool exists(const std::string& name) const;
  // H5O_TYPE_DATASET, H5O_TYPE_GROUP or H5O_TYPE_UNKNOWN when absent.
  H5O_type_t object_type(const std::string& name) const;
  // Refuses a dataset stored with a (non-optional) filter this HDF5 library lacks, naming it.
  Dataset open_dataset(const std::string& name) const;
  Dataset create_dataset(const std::string& name, hid_t file_type, const std::vector<hsize_t>& dims,
                         const CreateOptions& opts = {});
  void create_group(const std::string& name);

  // Attributes on an object ("." or "/" for the file root).
  bool has_attribute(const std::string& object, const std::string& attr) const;
  std::vector<int64_t> read_int_attribute(const std::string& object, const std::string& attr) const;
  double read_double_attribute(const std::string& object, const std::string& attr) const;
  std::string read_string_attribute(const std::string& object, const std::string& attr) const;
  // A 1-D (or scalar) string attribute, variable-length or fixed-size, as a list.
  std::vector<std::string> read_string_list_attribute(const std::string& object,
                                                      const std::string& attr) const;
  void write_attribute(const std::string& object, const std::string& attr,
                       const std::vector<int64_t>& values);
  void write_attribute(const std::string& object, const std::string& attr, double value);
  void write_attribute(const std::string& object, const std::string& attr,
                       const std::string& value);
  // A scalar int64 attribute (h5py reads a number, not a one-element array).
  void write_int_attribute(const std::string& object, const std::string& attr, int64_t value);
  // A scalar variable-length UTF-8 string attribute (h5py 3 reads it as str, not bytes).
  void write_text_attribute(const std::string& object, const std::string& attr,
                            const std::string& value);
  // A 1-D attribute of variable-length UTF-8 strings (h5py reads it as a list of str).
  void write_string_list_attribute(const std::string& object, const std::string& attr,
                                   const std::vector<std::string>& values);
  void flush();

 private:
  // A scalar attribute of `file_type`, written from `value` of `memory_type`.
  void write_scalar_attribute(const std::string& object, const std::string& attr, hid_t file_type,
                              hid_t memory_type, const void* value);

  Handle id_;
  std::string path_;
};

// Writes a 1-D float64 dataset / a scalar / a float64 dataset of any shape (row-major data) in
// one call.
void write_vector(File& f, const std::string& name, const double* data, hsize_t n);
void write_scalar(File& f, const std::string& name, double value);
void write_array(File& f, const std::string& name, const double* data,
                 const std::vector<hsize_t>& dims);
std::vector<double> read_vector(const File& f, const std::string& name);
double read_scalar(const File& f, const std::string& name);
// A whole dataset of any shape as doubles (row-major); `dims` receives its shape.
std::vector<double> read_array(const File& f, const std::string& name, std::vector<hsize_t>& dims);
// A 1-D dataset of variable-length UTF-8 strings (h5py reads it as bytes; .asstr() as str); the
// reader takes fixed-size strings too.
void write_string_list(File& f, const std::string& name, const std::vector<std::string>& values);
std::vector<std::string> read_string_list(const File& f, const std::string& name);

}  // namespace logreg::h5
