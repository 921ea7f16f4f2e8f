// HDF5's error stack decoded into the causes users can act on (hdf5_errors.hpp; README, "HDF5
// data layout": locked files, files marked open for writing, too many open files, filters).
#include "hdf5_errors.hpp"

#include <hdf5.h>
#include <sys/resource.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "logreg/errors.hpp"

namespace logreg::h5::detail {

namespace {

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

}  // namespace

void fail(const std::string& where, const std::string& what) {
  throw DataError(where + ": " + what);
}

std::string object_where(const std::string& file, const std::string& object) {
  return file + ":/" + (object == "." || object == "/" ? std::string() : object);
}

std::string error_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string open_failure(const std::string& path) {
  const std::vector<StackEntry> stack = failure_stack();
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

std::string read_failure() {
  const std::vector<StackEntry> stack = failure_stack();
  for (const auto& e : stack) {
    if (e.major == H5E_PLINE) return "HDF5 filter error: " + e.desc;
  }
  if (const int err = stack_errno(stack)) return error_text(err);
  return "file truncated or corrupt?";
}

}  // namespace logreg::h5::detail
