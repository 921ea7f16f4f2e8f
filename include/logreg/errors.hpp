// Error kinds shared by every layer. Each carries the process exit code of SPEC §2, so main()
// can map any failure to the documented status without knowing where it came from.
#pragma once

#include <stdexcept>
#include <string>

namespace logreg {

enum ExitCode : int {
  kExitOk = 0,
  kExitRuntime = 1,    // data or runtime error
  kExitUsage = 2,      // usage or config error
  kExitNumerical = 3,  // non-finite objective
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

// Bad, missing or unreadable data and I/O failures.
struct DataError : Error {
  explicit DataError(const std::string& what) : Error(kExitRuntime, what) {}
};

}  // namespace logreg
