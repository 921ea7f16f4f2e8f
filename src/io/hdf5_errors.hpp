// How HDF5 failures become DataError messages naming the file and object (hdf5.hpp): the error
// stack of the call that just failed is read and decoded into a cause. Private to io.
#pragma once

#include <string>

namespace logreg::h5::detail {

[[noreturn]] void fail(const std::string& where, const std::string& what);

// `value` when it is not negative (an HDF5 id or status), else fail(where, what).
template <typename T>
T check(T value, const std::string& where, const std::string& what) {
  if (value < 0) fail(where, what);
  return value;
}

// "file:/object" ("file:/" for the root, "." or "/").
std::string object_where(const std::string& file, const std::string& object);

// strerror as the tail of a message: "permission denied".
std::string error_text(int err);

// Why the H5Fis_hdf5 or H5Fopen call that just failed could not open `path`, which
// check_input_file found a regular file. Throws std::bad_alloc when HDF5 ran out of memory.
std::string open_failure(const std::string& path);

// Why the H5Dread that just failed failed: a filter (compression) error, an I/O error, or
// presumably a damaged file. Throws std::bad_alloc when HDF5 ran out of memory.
std::string read_failure();

}  // namespace logreg::h5::detail
