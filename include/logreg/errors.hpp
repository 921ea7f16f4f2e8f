// Error kinds shared by every layer. Each carries the process exit code of the README ("Exit
// status"), so main() can map any failure to the documented status without knowing where it came
// from.
#pragma once

#include <charconv>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>

namespace logreg {

enum ExitCode : int {
  kExitOk = 0,
  kExitRuntime = 1,    // data or runtime error
  kExitUsage = 2,      // usage or config error
  kExitNumerical = 3,  // non-finite objective, or standard errors undefined (singular information)
  kExitInterrupted = 75,
};

class Error : public std::runtime_error {
 public:
  Error(int exit_code, const std::string& what) : std::runtime_error(what), code_(exit_code) {}
  int exit_code() const { return code_; }

 private:
  int code_;
};

// Bad command line, YAML, key, type or value.
struct ConfigError : Error {
  explicit ConfigError(const std::string& what) : Error(kExitUsage, what) {}
};

// A number as the config prints it (README, "Command line": --print-config): shortest exact
// form up to 17 digits, always with a decimal point or exponent ("-1.0", "1e-06"). Error
// messages quote values this way.
inline std::string config_number(double v) {
  char buf[40];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  std::string s(buf, r.ec == std::errc() ? r.ptr : buf);
  if (s.empty()) s = std::to_string(v);  // cannot happen: 40 characters hold any double
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// Bad, missing or unreadable data and I/O failures.
struct DataError : Error {
  explicit DataError(const std::string& what) : Error(kExitRuntime, what) {}
};

// A result that is numerically undefined, such as standard errors from a singular information
// matrix (dist/inference.hpp).
struct NumericalError : Error {
  explicit NumericalError(const std::string& what) : Error(kExitNumerical, what) {}
};

// What this process is doing, for an out-of-memory report ("loading data.train (1 200 000 rows
// on this rank)"): set for the life of the object around the phases that allocate most. Left set
// when an exception leaves the scope, so the handler that reports it still knows.
class Activity {
 public:
  explicit Activity(std::string what)
      : previous_(current_), unwinding_(std::uncaught_exceptions()) {
    current_ = std::move(what);
  }
  ~Activity() {
    if (std::uncaught_exceptions() == unwinding_) current_ = std::move(previous_);
  }
  Activity(const Activity&) = delete;
  Activity& operator=(const Activity&) = delete;
  static const std::string& current() { return current_; }

 private:
  std::string previous_;
  int unwinding_;
  static inline thread_local std::string current_;
};

// The message for a std::bad_alloc on `rank`.
inline std::string out_of_memory_message(int rank) {
  return "out of memory on rank " + std::to_string(rank) +
         (Activity::current().empty() ? std::string() : " while " + Activity::current()) +
         ": use more ranks (or nodes), data.dtype: float32, or a smaller solver.memory";
}

}  // namespace logreg
