// Checkpoint files: round trip, the format-2 layout, format-1 files read and named, crash between
// write and rename, fingerprint differences.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "logreg/errors.hpp"
#include "logreg/io/checkpoint.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/safe_output.hpp"
#include "logreg/solvers/legacy_state.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

Checkpoint sample(int iteration) {
  Checkpoint c;
  c.state.solver = "lbfgs";
  c.state.iteration = iteration;
  c.state.x = Vec::LinSpaced(5, -1.0, 1.0) * iteration;
  c.state.vectors = {{"s0", Vec::Constant(5, 0.5)},
                     {"y0", Vec::Constant(5, -0.25)},
                     {"empty", Vec()}};  // an empty one too
  c.state.scalars = {{"pairs", 1.0}, {"alpha", 2.5}};
  c.config_fingerprint = "model.l2=0.001\nsolver.name=lbfgs\n";
  c.data_fingerprint = "data.rows=10\n";
  return c;
}

void expect_equal(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.state.solver, b.state.solver);
  EXPECT_EQ(a.state.iteration, b.state.iteration);
  EXPECT_EQ(a.state.x, b.state.x);
  EXPECT_EQ(a.state.vectors, b.state.vectors);
  EXPECT_EQ(a.state.scalars, b.state.scalars);
  EXPECT_EQ(a.config_fingerprint, b.config_fingerprint);
  EXPECT_EQ(a.data_fingerprint, b.data_fingerprint);
  ASSERT_EQ(a.best.has_value(), b.best.has_value());
  if (a.best) {
    EXPECT_EQ(a.best->fingerprint, b.best->fingerprint);
    EXPECT_EQ(a.best->score, b.best->score);
    EXPECT_EQ(a.best->iteration, b.best->iteration);
    EXPECT_EQ(a.best->since, b.best->since);
    EXPECT_EQ(a.best->objective, b.best->objective);
    EXPECT_EQ(a.best->val_logloss, b.best->val_logloss);
    EXPECT_EQ(a.best->val_accuracy, b.best->val_accuracy);
    if (!std::isnan(a.best->val_auc) || !std::isnan(b.best->val_auc)) {
      EXPECT_EQ(a.best->val_auc, b.best->val_auc);
    }
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
  c.best = BestPoint{.fingerprint = "early_stopping.metric=val_logloss\ndata.validation0=v.h5\n",
                     .score = 0.1 + 1e-17,
                     .iteration = 5,
                     .since = 2,
                     .objective = 0.3,
                     .val_logloss = 0.1,
                     .val_accuracy = 0.75,
                     .val_auc = std::nan(""),
                     .x = Vec::LinSpaced(5, 0.1, 0.7)};
  write_checkpoint(path, c);
  const Checkpoint r = *read_checkpoint(path);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_TRUE(std::isnan(r.best->val_auc));
  expect_equal(r, c);
  // A checkpoint written without it reads back without it.
  write_checkpoint(path, sample(9));
  EXPECT_FALSE(read_checkpoint(path)->best.has_value());
}

TEST(Checkpoint, EachFieldIsItsOwnDatasetOrAttribute) {
  test::TempDir dir("ckpt_layout");
  const std::string path = dir.file("c.h5");
  Checkpoint c = sample(4);
  c.best = BestPoint{.fingerprint = "m=1\n", .iteration = 3, .x = Vec::Ones(5)};
  write_checkpoint(path, c);
  h5::File f(path, h5::File::Mode::ReadOnly);
  EXPECT_EQ(f.read_int_attribute("/", "format_version").at(0), 2);
  EXPECT_EQ(h5::read_vector(f, "state/y0"), std::vector<double>(5, -0.25));
  EXPECT_EQ(f.read_double_attribute("state", "alpha"), 2.5);
  EXPECT_EQ(f.read_int_attribute("best", "iteration").at(0), 3);
  EXPECT_EQ(f.read_double_attribute("best", "score"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(h5::read_vector(f, "best/x"), std::vector<double>(5, 1.0));
}

// README, "Batch jobs": elapsed_s, the training seconds so far, is a root attribute; a checkpoint
// written before it existed reads as 0.
TEST(Checkpoint, ElapsedSecondsRoundTripAndDefaultToZero) {
  test::TempDir dir("ckpt_elapsed");
  const std::string path = dir.file("c.h5");
  Checkpoint c = sample(3);
  c.elapsed_s = 1234.5;
  write_checkpoint(path, c);
  EXPECT_EQ(read_checkpoint(path)->elapsed_s, 1234.5);
  {
    h5::File f(path, h5::File::Mode::ReadWrite);
    EXPECT_EQ(f.read_double_attribute("/", "elapsed_s"), 1234.5);
    H5Adelete_by_name(f.id(), "/", "elapsed_s", H5P_DEFAULT);
  }
  EXPECT_EQ(read_checkpoint(path)->elapsed_s, 0.0);
}

// A checkpoint as format 1 wrote it: solver vectors history/0, history/1, … with their count,
// solver scalars in one array, and the best point's numbers in one array best/values.
void write_format1(const std::string& path, const std::string& solver,
                   const std::vector<Vec>& history, const std::vector<double>& scalars,
                   const std::vector<double>& best_values = {}) {
  h5::File f(path, h5::File::Mode::Truncate);
  f.write_attribute("/", "format_version", std::vector<int64_t>{1});
  f.write_attribute("/", "solver", solver);
  f.write_attribute("/", "iteration", std::vector<int64_t>{12});
  f.write_attribute("/", "config", "solver.name=" + solver + "\n");
  f.write_attribute("/", "data", "data.rows=10\n");
  const Vec x = Vec::LinSpaced(3, 1.0, 3.0);
  h5::write_vector(f, "x", x.data(), 3);
  f.create_group("history");
  f.write_attribute("history", "count", std::vector<int64_t>{static_cast<int64_t>(history.size())});
  for (size_t i = 0; i < history.size(); ++i) {
    h5::write_vector(f, "history/" + std::to_string(i), history[i].data(), history[i].size());
  }
  h5::write_vector(f, "scalars", scalars.data(), scalars.size());
  if (!best_values.empty()) {
    f.create_group("best");
    f.write_attribute("best", "fingerprint", std::string("m=1\n"));
    h5::write_vector(f, "best/values", best_values.data(), best_values.size());
    h5::write_vector(f, "best/x", x.data(), 3);
  }
}

TEST(Checkpoint, Format1IsReadByPositionAndNamedByTheSolversRules) {
  test::TempDir dir("ckpt_v1");
  const std::string path = dir.file("c.h5");
  const Vec s0 = Vec::Constant(3, 0.5), y0 = Vec::Constant(3, 0.25), d = Vec::Constant(3, 2.0);
  write_format1(path, "lbfgs", {s0, y0, d}, {}, {0.25, 7, 1, 0.5, 0.25, 0.75, 0.875});
  const Checkpoint c = *read_checkpoint(path);
  EXPECT_EQ(c.format_version, 1);
  EXPECT_EQ(c.state.iteration, 12);
  EXPECT_EQ(c.state.vectors.size(), 3u);
  EXPECT_EQ(c.state.vectors.at("2"), d);
  ASSERT_TRUE(c.best.has_value());
  EXPECT_EQ(c.best->score, 0.25);
  EXPECT_EQ(c.best->iteration, 7);
  EXPECT_EQ(c.best->since, 1);
  EXPECT_EQ(c.best->objective, 0.5);
  EXPECT_EQ(c.best->val_logloss, 0.25);
  EXPECT_EQ(c.best->val_accuracy, 0.75);
  EXPECT_EQ(c.best->val_auc, 0.875);
  SolverState s = upgrade_v1_state(c.state);
  EXPECT_EQ(s.x, c.state.x);
  EXPECT_EQ(s.iteration, 12);
  EXPECT_EQ(s.vectors, (std::map<std::string, Vec>{{"s0", s0}, {"y0", y0}, {"inv_diag", d}}));
  EXPECT_EQ(s.scalars, (std::map<std::string, double>{{"pairs", 1}, {"preconditioned", 1}}));
  // The empty last vector of L-BFGS without a preconditioner.
  write_format1(path, "lbfgs", {s0, y0, Vec()}, {});
  s = upgrade_v1_state(read_checkpoint(path)->state);
  EXPECT_EQ(s.vectors, (std::map<std::string, Vec>{{"s0", s0}, {"y0", y0}}));
  EXPECT_EQ(s.scalars, (std::map<std::string, double>{{"pairs", 1}, {"preconditioned", 0}}));
  write_format1(path, "nesterov", {d}, {1.5, 2.5, 0.125});
  s = upgrade_v1_state(read_checkpoint(path)->state);
  EXPECT_EQ(s.vectors, (std::map<std::string, Vec>{{"x_prev", d}}));
  EXPECT_EQ(s.scalars,
            (std::map<std::string, double>{{"t_prev", 1.5}, {"t", 2.5}, {"alpha", 0.125}}));
  write_format1(path, "gd", {}, {0.75});
  EXPECT_EQ(upgrade_v1_state(read_checkpoint(path)->state).scalars,
            (std::map<std::string, double>{{"alpha", 0.75}}));
  write_format1(path, "owlqn", {s0, y0}, {});
  EXPECT_EQ(upgrade_v1_state(read_checkpoint(path)->state).vectors,
            (std::map<std::string, Vec>{{"s0", s0}, {"y0", y0}}));
  // Counts the solver never wrote.
  write_format1(path, "nesterov", {d}, {1.5, 2.5});
  try {
    upgrade_v1_state(read_checkpoint(path)->state);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("solver 'nesterov' with 1 history vectors and 2 scalars"),
              std::string::npos)
        << e.what();
  }
}

TEST(Checkpoint, UnknownFormatIsRefused) {
  test::TempDir dir("ckpt_v3");
  const std::string path = dir.file("c.h5");
  write_checkpoint(path, sample(1));
  {
    h5::File f(path, h5::File::Mode::ReadWrite);
    f.write_attribute("/", "format_version", std::vector<int64_t>{3});
  }
  try {
    read_checkpoint(path);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("format 3"), std::string::npos) << e.what();
  }
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
