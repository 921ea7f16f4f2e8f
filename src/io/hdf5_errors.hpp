// How HDF5 failures become DataError messages naming the file and object (hdf5.hpp): the error
// stack of the call that just failed is read and decoded into a cause. Private to io.
#pragma once

#include <hdf5.h>

#include <functional>
#include <string>
#include <vector>

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

// The n strings of an attribute or dataset of string type `type` (variable-length or fixed-size,
// NUL- or space-padded), read by read(memory_type, buffer); fail(where, ...) when it fails.
std::vector<std::string> read_strings(hid_t type, size_t n,
                                      const std::function<herr_t(hid_t, void*)>& read,
                                      const std::string& where);

}  // namespace logreg::h5::detail
