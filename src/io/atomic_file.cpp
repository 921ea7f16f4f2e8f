#include "logreg/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "logreg/errors.hpp"

namespace logreg {

namespace fs = std::filesystem;

std::string temporary_path_for(const std::string& path) {
  return path + ".tmp." + std::to_string(::getpid());
}

namespace {

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void commit_file(const std::string& tmp, const std::string& path) {
  fsync_path(tmp, O_RDONLY);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw DataError(path + ": cannot move finished file into place: " + why);
  }
  fs::path dir = fs::path(path).parent_path();
  fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
}

void remove_stale_temporaries(const std::string& path) {
  const std::string pattern = path + ".tmp.";
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
    const std::string name = entry.path().string();
    const std::string full = dir.empty() ? entry.path().filename().string() : name;
    if (full.compare(0, pattern.size(), pattern) == 0) fs::remove(entry.path(), ec);
  }
}

void ensure_parent_directory(const std::string& path, const std::string& key) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw DataError(key + ": cannot create directory " + dir.string() + ": " + ec.message());
  if (::access(dir.c_str(), W_OK) != 0) {
    throw DataError(key + ": directory " + dir.string() + " is not writable");
  }
}

}  // namespace logreg
