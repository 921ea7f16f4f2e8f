// Every file the tools write goes through here — the model, the metrics, checkpoints, predictions,
// converted shards — so that nothing a user had is overwritten or lost:
//  * before anything is written, each output is compared with every input and every other output
//    by the file it names (device and inode, so links and other spellings of a path count), and a
//    clash is refused naming both keys;
//  * a file is written to a temporary created beside it under a unique name with O_CREAT|O_EXCL
//    (which never follows a link), fsynced, and renamed into place; a failed write removes only
//    that temporary;
//  * an output is claimed for the whole run by an advisory lock, so a second job writing the same
//    file fails at once instead of interleaving with the first.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace logreg {

namespace h5 {
class File;
}

// The file a path names: its (device, inode) when it exists, else its directory's and its name.
struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
  std::string name;  // empty when the file itself exists
  bool operator==(const FileIdentity&) const = default;
};

// The files one run reads and writes, each under the key the user set it with.
class FileRoles {
 public:
  void input(const std::string& key, const std::string& path);
  void output(const std::string& key, const std::string& path);
  // Throws ConfigError (exit 2) when an output is an input or another output, naming both keys
  // and paths; DataError (exit 1) when an output is a directory or another non-regular file.
  void check() const;

 private:
  struct Role {
    std::string key, path;
    bool output;
  };
  std::vector<Role> roles_;
};

// An advisory lock on an output for the life of the object: flock on "<path>.lock" beside it.
// A second holder fails at once with a DataError naming the output and the job holding it. On
// file systems without flock the run goes on unlocked (warned() says so).
class OutputLock {
 public:
  OutputLock(const std::string& key, const std::string& path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  bool warned() const { return warned_; }

 private:
  std::string lock_path_;
  int fd_ = -1;
  bool warned_ = false;
};

// Writes `path` through a fresh temporary: fill() writes the contents into it, then it is
// fsynced and renamed onto `path` (before_rename runs just before, for tests). On any failure the
// temporary is removed and `path` is as it was.
void write_hdf5_atomically(const std::string& path, const std::function<void(h5::File&)>& fill,
                           const std::function<void()>& before_rename = {});

// A new HDF5 file beside `path` under a unique temporary name, created exclusively; returns the
// open file (its path() is the temporary's name). For writers that commit several files at once.
std::unique_ptr<h5::File> create_hdf5_temporary(const std::string& path);

// A new plain file beside `path` under a unique temporary name, opened for writing (O_EXCL,
// O_NOFOLLOW); returns its descriptor and sets `name`.
int create_temporary(const std::string& path, std::string& name);

// fsyncs `tmp`, renames it onto `path` (a link at `path` is replaced, never followed) and fsyncs
// the directory. Throws DataError; `tmp` is removed on failure.
void commit_file(const std::string& tmp, const std::string& path);

// Whether `name` is a temporary this tool creates for `path` (the pattern create_temporary uses).
bool is_temporary_of(const std::string& path, const std::string& name);

// Removes the temporaries a crashed writer of `path` left: only regular files of this tool's
// pattern and this user, never through a link. Call it only while holding `path`'s OutputLock:
// then no live writer owns them.
void remove_stale_temporaries(const std::string& path);

// A text file written through a fresh temporary beside `path` (create_temporary), renamed onto
// it by commit() (commit_file); removed if never committed, so a failure leaves `path` as it
// was. A failed write throws DataError(failure_prefix + the system's reason).
class AtomicTextFile {
 public:
  AtomicTextFile(std::string path, std::string failure_prefix);
  ~AtomicTextFile();
  AtomicTextFile(const AtomicTextFile&) = delete;
  AtomicTextFile& operator=(const AtomicTextFile&) = delete;
  void write(const std::string& text);
  void commit();

 private:
  std::string path_, prefix_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Creates the parent directory of `path` if missing; throws DataError naming `key` on failure.
void ensure_parent_directory(const std::string& path, const std::string& key);

}  // namespace logreg
