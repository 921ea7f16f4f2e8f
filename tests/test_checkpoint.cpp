// Checkpoint files: round trip, crash between write and rename, fingerprint differences.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "logreg/errors.hpp"
#include "logreg/io/checkpoint.hpp"
#include "logreg/io/safe_output.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

Checkpoint sample(int iteration) {
  Checkpoint c;
  c.state.solver = "lbfgs";
  c.state.iteration = iteration;
  c.state.x = Vec::LinSpaced(5, -1.0, 1.0) * iteration;
  c.state.vectors = {Vec::Constant(5, 0.5), Vec::Constant(5, -0.25), Vec()};  // an empty one too
  c.state.scalars = {1.5, 2.5};
  c.config_fingerprint = "model.l2=0.001\nsolver.name=lbfgs\n";
  c.data_fingerprint = "data.rows=10\n";
  return c;
}

void expect_equal(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.state.solver, b.state.solver);
  EXPECT_EQ(a.state.iteration, b.state.iteration);
  EXPECT_EQ(a.state.x, b.state.x);
  ASSERT_EQ(a.state.vectors.size(), b.state.vectors.size());
  for (size_t i = 0; i < a.state.vectors.size(); ++i) EXPECT_EQ(a.state.vectors[i], b.state.vectors[i]);
  EXPECT_EQ(a.state.scalars, b.state.scalars);
  EXPECT_EQ(a.config_fingerprint, b.config_fingerprint);
  EXPECT_EQ(a.data_fingerprint, b.data_fingerprint);
  ASSERT_EQ(a.best.has_value(), b.best.has_value());
  if (a.best) {
    EXPECT_EQ(a.best->fingerprint, b.best->fingerprint);
    EXPECT_EQ(a.best->values(), b.best->values());
    EXPECT_EQ(a.best->x, b.best->x);
  }
}

TEST(Checkpoint, RoundTripsExactly) {
  test::TempDir dir("ckpt");
  const std::string path = dir.file("c.h5");
  EXPECT_FALSE(read_checkpoint(path).has_value());
  write_checkpoint(path, sample(7));
  expect_equal(*read_checkpoint(path), sample(7));
  // With early stopping's best point (values with full precision, including NaN AUC).
  Checkpoint c = sample(8);
  c.best = BestPoint{};
  c.best->fingerprint = "early_stopping.metric=val_logloss\ndata.validation0=v.h5\n";
  c.best->set_values({0.1 + 1e-17, 5, 2, 0.3, 0.1, 0.75, std::nan("")});
  c.best->x = Vec::LinSpaced(5, 0.1, 0.7);
  write_checkpoint(path, c);
  const Checkpoint r = *read_checkpoint(path);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_TRUE(std::isnan(r.best->val_auc));
  Checkpoint c_nonan = c, r_nonan = r;
  c_nonan.best->val_auc = r_nonan.best->val_auc = 0.0;
  expect_equal(r_nonan, c_nonan);
  // A checkpoint written without it reads back without it.
  write_checkpoint(path, sample(9));
  EXPECT_FALSE(read_checkpoint(path)->best.has_value());
}

TEST(Checkpoint, CrashBeforeRenameLeavesThePreviousCheckpointValid) {
  test::TempDir dir("ckpt_crash");
  const std::string path = dir.file("c.h5");
  write_checkpoint(path, sample(10));
  // A child process writes the next checkpoint and dies between the write and the rename.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    write_checkpoint(path, sample(20), [] { _exit(42); });
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42) << "the fault was not injected";
  expect_equal(*read_checkpoint(path), sample(10));
  // The crashed writer's temporary is left behind, and cleaned up by the next run.
  int stale = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) stale += e.path().string() != path;
  EXPECT_EQ(stale, 1);
  remove_stale_temporaries(path);
  stale = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) stale += e.path().string() != path;
  EXPECT_EQ(stale, 0);
  expect_equal(*read_checkpoint(path), sample(10));
}

TEST(Checkpoint, FailedWriteKeepsTheOldFileAndNoTemporary) {
  test::TempDir dir("ckpt_fail");
  const std::string path = dir.file("c.h5");
  write_checkpoint(path, sample(3));
  EXPECT_THROW(write_checkpoint(path, sample(4), [] { throw DataError("disk full"); }), DataError);
  expect_equal(*read_checkpoint(path), sample(3));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += 1, (void)e;
  EXPECT_EQ(files, 1);
}

TEST(Checkpoint, NotACheckpointIsAnError) {
  test::TempDir dir("ckpt_bad");
  test::write_dense_h5(dir.file("data.h5"), RowMatrix<double>::Ones(2, 2), Vec::Zero(2));
  EXPECT_THROW(read_checkpoint(dir.file("data.h5")), DataError);
}

TEST(Checkpoint, FingerprintDifferenceNamesTheKey) {
  EXPECT_EQ(fingerprint_difference("a=1\nb=2\n", "a=1\nb=2\n"), "");
  EXPECT_EQ(fingerprint_difference("a=1\nmodel.l2=0.1\n", "a=1\nmodel.l2=0.01\n"),
            "model.l2: now 0.1, in the checkpoint 0.01");
  EXPECT_NE(fingerprint_difference("a=1\n", "a=1\nb=2\n").find("b=2"), std::string::npos);
}

}  // namespace
}  // namespace logreg
