// The one path by which files are written (safe_output.hpp): outputs against inputs and each
// other, exclusive temporaries that never follow a link, locks, and the stale-temporary sweep.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/safe_output.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(SafeOutput, OutputsMustDifferFromInputsAndEachOtherWhateverTheSpelling) {
  test::TempDir dir("roles");
  const std::string a = dir.file("a.h5");
  spit(a, "data");
  fs::create_symlink(a, dir.file("link.h5"));
  fs::create_hard_link(a, dir.file("hard.h5"));
  for (const std::string& spelled :
       {a, dir.path() + "/./a.h5", dir.file("link.h5"), dir.file("hard.h5")}) {
    FileRoles roles;
    roles.input("data.train", a);
    roles.output("output.model", spelled);
    try {
      roles.check();
      ADD_FAILURE() << spelled << " accepted as an output";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("output.model (" + spelled +
                                           ") is the same file as data.train"),
                std::string::npos)
          << e.what();
    }
  }
  FileRoles two;  // two outputs that do not exist yet
  two.output("output.model", dir.file("out/m.h5"));
  two.output("checkpoint.path", dir.path() + "/out/../out/m.h5");
  EXPECT_THROW(two.check(), ConfigError);
  FileRoles fine;
  fine.input("data.train", a);
  fine.output("output.model", dir.file("m.h5"));
  fine.output("output.metrics", dir.file("m.jsonl"));
  EXPECT_NO_THROW(fine.check());
  FileRoles directory;
  directory.output("output.model", dir.path());
  EXPECT_THROW(directory.check(), DataError);
  EXPECT_EQ(slurp(a), "data");
}

TEST(SafeOutput, AtomicWritesNeverFollowALinkAndLeaveNoTemporary) {
  test::TempDir dir("atomic");
  const std::string victim = dir.file("victim.txt"), path = dir.file("m.h5");
  spit(victim, "precious");
  fs::create_symlink(victim, path);  // the target itself is a link: replaced, not written through
  write_hdf5_atomically(path, [](h5::File& f) { f.write_attribute("/", "x", 1.0); });
  EXPECT_EQ(slurp(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_EQ(h5::File(path, h5::File::Mode::ReadOnly).read_double_attribute("/", "x"), 1.0);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += !e.is_symlink();
  EXPECT_EQ(entries, 2);  // victim.txt and m.h5
  // A failed write removes its own temporary and keeps the file.
  EXPECT_THROW(write_hdf5_atomically(path, [](h5::File&) { throw DataError("disk full"); }),
               DataError);
  EXPECT_EQ(h5::File(path, h5::File::Mode::ReadOnly).read_double_attribute("/", "x"), 1.0);
  entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) entries += 1;
  EXPECT_EQ(entries, 2);
}

TEST(SafeOutput, TemporariesAreCreatedExclusivelyUnderUniqueNames) {
  test::TempDir dir("tmpnames");
  const std::string path = dir.file("out.jsonl");
  std::string a, b;
  const int fa = create_temporary(path, a), fb = create_temporary(path, b);
  ASSERT_GE(fa, 0);
  ASSERT_GE(fb, 0);
  EXPECT_NE(a, b);
  EXPECT_TRUE(is_temporary_of(path, a));
  EXPECT_FALSE(is_temporary_of(path, path + ".tmp.backup"));
  EXPECT_FALSE(is_temporary_of(path, path + ".tmp-ABCDEFGHIJ"));
  EXPECT_FALSE(is_temporary_of(dir.file("other.jsonl"), a));
  ::close(fa);
  ::close(fb);
}

TEST(SafeOutput, TheStaleSweepRemovesOnlyThisToolsRegularFiles) {
  test::TempDir dir("sweep");
  const std::string path = dir.file("ck.h5");
  spit(dir.file("victim.txt"), "precious");
  spit(path + ".tmp-0123456789", "stale");  // ours: removed
  spit(path + ".tmp.backup", "mine");       // a user's: kept
  spit(path + ".tmp-012345678", "short");   // not our pattern: kept
  fs::create_symlink(dir.file("victim.txt"),
                     path + ".tmp-abcdefghij");  // a link: kept, not followed
  remove_stale_temporaries(path);
  EXPECT_FALSE(fs::exists(path + ".tmp-0123456789"));
  EXPECT_TRUE(fs::exists(path + ".tmp.backup"));
  EXPECT_TRUE(fs::exists(path + ".tmp-012345678"));
  EXPECT_TRUE(fs::is_symlink(path + ".tmp-abcdefghij"));
  EXPECT_EQ(slurp(dir.file("victim.txt")), "precious");
}

TEST(SafeOutput, ASecondLockOnTheSameOutputFailsAtOnceAndALinkIsNotFollowed) {
  test::TempDir dir("lock");
  const std::string path = dir.file("m.h5");
  spit(dir.file("victim.txt"), "precious");
  fs::create_symlink(dir.file("victim.txt"), path + ".lock");
  {
    OutputLock first("output.model", path);
    EXPECT_EQ(slurp(dir.file("victim.txt")), "precious");
    // flock locks are per open file: a second open in this process conflicts as another job's
    // would.
    try {
      OutputLock second("output.model", path);
      ADD_FAILURE() << "a second lock was granted";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("output.model: " + path +
                                           " is being written by another job (pid " +
                                           std::to_string(::getpid())),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(path + ".lock"));  // released and removed
  OutputLock again("output.model", path);    // and free again
}

}  // namespace
}  // namespace logreg
