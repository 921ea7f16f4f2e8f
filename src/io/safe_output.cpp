#include "logreg/io/safe_output.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "logreg/errors.hpp"
#include "logreg/io/file_kind.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg {

namespace fs = std::filesystem;

namespace {

std::string directory_of(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? "." : dir.string();
}

std::string errno_text() { return std::strerror(errno); }

// "<path>.tmp-" and ten characters of [0-9a-z]: unique, and recognizable as ours.
constexpr const char* kTempMarker = ".tmp-";
constexpr size_t kTempRandom = 10;

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          (static_cast<uint64_t>(::getpid()) << 32)};
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s(kTempRandom, '0');
  for (char& c : s) c = digits[rng() % 36];
  return s;
}

std::string temporary_name(const std::string& path) { return path + kTempMarker + random_suffix(); }

void fsync_fd_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::optional<FileIdentity> identify(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return FileIdentity{st.st_dev, st.st_ino, ""};
  if (::stat(directory_of(path).c_str(), &st) == 0) {
    return FileIdentity{st.st_dev, st.st_ino, fs::path(path).filename().string()};
  }
  return std::nullopt;  // the directory does not exist yet: compare the spelled paths
}

}  // namespace

void FileRoles::input(const std::string& key, const std::string& path) {
  roles_.push_back({key, path, false});
}

void FileRoles::output(const std::string& key, const std::string& path) {
  roles_.push_back({key, path, true});
}

void FileRoles::check() const {
  struct Known {
    const Role* role;
    std::optional<FileIdentity> id;
    std::string spelled;  // normalized path, when there is no identity
  };
  std::vector<Known> known;
  for (const Role& r : roles_) {
    known.push_back({&r, identify(r.path), fs::absolute(r.path).lexically_normal().string()});
  }
  for (const Known& k : known) {
    if (!k.role->output) continue;
    struct stat st {};
    if (::stat(k.role->path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      throw DataError(k.role->key + ": " + k.role->path + " is " + file_kind(st.st_mode) +
                      "; give the path of a file to write");
    }
  }
  for (size_t a = 0; a < known.size(); ++a) {
    for (size_t b = 0; b < known.size(); ++b) {
      if (a == b || !known[a].role->output || (known[b].role->output && b > a)) continue;
      const bool same = known[a].id && known[b].id ? *known[a].id == *known[b].id
                                                   : known[a].spelled == known[b].spelled;
      if (!same) continue;
      const Role& out = *known[a].role;
      const Role& other = *known[b].role;
      throw ConfigError(out.key + " (" + out.path + ") is the same file as " + other.key + " (" +
                        other.path + "): writing it would " +
                        (other.output ? "overwrite the other output" : "destroy the input") +
                        "; choose another path");
    }
  }
}

OutputLock::OutputLock(const std::string& key, const std::string& path)
    : lock_path_(path + ".lock") {
  for (int attempt = 0; attempt < 10; ++attempt) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    struct stat st {};
    if (fd_ < 0 && errno == ELOOP && ::lstat(lock_path_.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      ::unlink(lock_path_.c_str());  // a link planted at the lock's name: removed, never followed
      continue;
    }
    if (fd_ < 0) {
      throw DataError(key + ": cannot create the lock file " + lock_path_ + ": " + errno_text());
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        char holder[256] = {0};
        const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
        ::close(fd_);
        fd_ = -1;
        std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : std::string();
        while (!who.empty() && (who.back() == '\n' || who.back() == '\r')) who.pop_back();
        throw DataError(key + ": " + path + " is being written by another job" +
                        (who.empty() ? "" : " (" + who + ")") + ", which holds " + lock_path_ +
                        "; wait for it to end or choose another path");
      }
      // No flock on this file system (some parallel file systems): go on without the lock.
      ::close(fd_);
      fd_ = -1;
      warned_ = true;
      std::fprintf(stderr,
                   "logreg_dist: warning: %s: cannot lock %s (%s); two jobs writing it "
                   "would not be detected\n",
                   key.c_str(), lock_path_.c_str(), std::strerror(err));
      return;
    }
    // The previous holder may have removed the lock file between our open and our lock: hold
    // the lock only if the name still refers to the file we locked.
    struct stat mine {
    }, named{};
    if (::fstat(fd_, &mine) == 0 && ::lstat(lock_path_.c_str(), &named) == 0 &&
        mine.st_dev == named.st_dev && mine.st_ino == named.st_ino) {
      char host[128] = "?";
      ::gethostname(host, sizeof host - 1);
      const std::string who = "pid " + std::to_string(::getpid()) + " on " + host;
      if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] ssize_t w = ::pwrite(fd_, who.data(), who.size(), 0);
      }
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw DataError(key + ": cannot lock " + lock_path_ + " (it keeps being replaced)");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(lock_path_.c_str());  // while still locked: a waiting job then re-checks the name
  ::close(fd_);
}

std::unique_ptr<h5::File> create_hdf5_temporary(const std::string& path) {
  for (int attempt = 0;; ++attempt) {
    try {
      return std::make_unique<h5::File>(temporary_name(path), h5::File::Mode::CreateNew);
    } catch (const h5::File::AlreadyExists&) {
      if (attempt == 100) throw DataError(path + ": cannot find a free temporary name beside it");
    }
  }
}

int create_temporary(const std::string& path, std::string& name) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = temporary_name(path);
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST)
      throw DataError(path + ": cannot create a file beside it: " + errno_text());
  }
  throw DataError(path + ": cannot find a free temporary name beside it");
}

void write_hdf5_atomically(const std::string& path, const std::function<void(h5::File&)>& fill,
                           const std::function<void()>& before_rename) {
  std::string tmp;
  try {
    {
      std::unique_ptr<h5::File> f = create_hdf5_temporary(path);
      tmp = f->path();
      fill(*f);
      f->flush();
    }
    if (before_rename) before_rename();
    commit_file(tmp, path);
  } catch (...) {
    if (!tmp.empty()) std::remove(tmp.c_str());
    throw;
  }
}

void commit_file(const std::string& tmp, const std::string& path) {
  fsync_fd_path(tmp, O_RDONLY | O_NOFOLLOW);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    std::remove(tmp.c_str());
    throw DataError(path + ": cannot move finished file into place: " + why);
  }
  fsync_fd_path(directory_of(path), O_RDONLY | O_DIRECTORY);
}

bool is_temporary_of(const std::string& path, const std::string& name) {
  const std::string stem = fs::path(path).filename().string() + kTempMarker;
  const std::string base = fs::path(name).filename().string();
  if (base.size() != stem.size() + kTempRandom || base.compare(0, stem.size(), stem) != 0) {
    return false;
  }
  for (size_t i = stem.size(); i < base.size(); ++i) {
    const char c = base[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

void remove_stale_temporaries(const std::string& path) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_of(path), ec)) {
    const std::string name = entry.path().string();
    if (!is_temporary_of(path, name)) continue;
    struct stat st {};
    if (::lstat(name.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::getuid()) {
      continue;
    }
    ::unlink(name.c_str());
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

AtomicTextFile::AtomicTextFile(std::string path, std::string failure_prefix)
    : path_(std::move(path)), prefix_(std::move(failure_prefix)) {
  fd_ = create_temporary(path_, tmp_);
}

AtomicTextFile::~AtomicTextFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicTextFile::write(const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw DataError(prefix_ + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

void AtomicTextFile::commit() {
  ::close(fd_);
  fd_ = -1;
  commit_file(tmp_, path_);
  committed_ = true;
}

}  // namespace logreg
