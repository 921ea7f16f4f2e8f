// draw_path_plots (README, "Plots of a path"): the plot script run beside the executable (the
// build copies it next to this test), a warning with the command when no Python can draw.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "logreg/app/path_plots.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

// A small binomial path table with CV columns: five fits, three folds.
void write_table(const std::string& path) {
  std::ofstream f(path);
  f << "index,penalty,lambda,l2,l1,iterations,passes,objective,nnz,metric,cv_mean,cv_sd,cv_se,"
       "cv_fold_0,cv_fold_1,cv_fold_2,selected\n";
  const double lambda[] = {1, 0.1, 0.01, 0.001, 0.0001}, mean[] = {0.69, 0.5, 0.4, 0.45, 0.5};
  for (int i = 0; i < 5; ++i) {
    f << i << ",l2," << lambda[i] << "," << lambda[i] << ",0,10,12,0.5,3,val_logloss," << mean[i]
      << ",0.03,0.017," << mean[i] - 0.03 << "," << mean[i] << "," << mean[i] + 0.03 << ","
      << (i == 2) << "\n";
  }
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

// Sets an environment variable for the life of the object, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() { had_ ? setenv(name_, old_.c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

TEST(PathPlots, WithoutAPythonItWarnsOnceWithTheCommand) {
  test::TempDir dir("path_plots_none");
  write_table(dir.file("path.csv"));
  ScopedEnv path("PATH", "");
  std::ostringstream err;
  EXPECT_FALSE(draw_path_plots({"/nonexistent/python3", "python3"}, dir.file("path.csv"), "",
                               dir.file("plots"), err));
  const std::string text = err.str();
  EXPECT_EQ(text.rfind("logreg_dist: warning: no plots: no Python with numpy, h5py and matplotlib "
                       "found (set LOGREG_PYTHON); run: python3 ",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("/logreg_plot_path --path " + dir.file("path.csv") + " --out " +
                      dir.file("plots") + "\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line: " << text;
  EXPECT_FALSE(exists(dir.file("plots_cv.png")));

  // The command is one a shell reads back: words with spaces or quotes are quoted.
  std::ostringstream quoted;
  EXPECT_FALSE(draw_path_plots({"/nonexistent/python3"}, dir.file("path.csv"), "m.h5",
                               dir.file("Bob's plots"), quoted));
  EXPECT_NE(quoted.str().find(" --model m.h5 --out '" + dir.path() + "/Bob'\\''s plots'\n"),
            std::string::npos)
      << quoted.str();
}

TEST(PathPlots, TriesLogregPythonThenDebiansThenPath) {
  ScopedEnv python("LOGREG_PYTHON", "/nonexistent/python3");
  const std::vector<std::string> pythons = plot_pythons();
  ASSERT_EQ(pythons.size(), 3u);
  EXPECT_EQ(pythons[0], "/nonexistent/python3");
  EXPECT_EQ(pythons[1], "/usr/bin/python3");
  EXPECT_EQ(pythons[2], "python3");
}

TEST(PathPlots, DrawsWithARealPython) {
  test::TempDir dir("path_plots_real");
  write_table(dir.file("path.csv"));
  // A bad $LOGREG_PYTHON and no PATH: the search goes on to /usr/bin/python3.
  ScopedEnv python("LOGREG_PYTHON", "/nonexistent/python3");
  ScopedEnv path("PATH", "");
  std::ostringstream err;
  if (std::system("/usr/bin/python3 -c 'import numpy, h5py, matplotlib' > /dev/null 2>&1") != 0) {
    EXPECT_FALSE(draw_path_plots(dir.file("path.csv"), "", dir.file("plots"), err));
    EXPECT_NE(err.str().find("no Python with numpy, h5py and matplotlib"), std::string::npos);
    GTEST_SKIP() << "/usr/bin/python3 cannot import numpy, h5py and matplotlib "
                    "(apt-get install python3-h5py python3-matplotlib)";
  }
  EXPECT_TRUE(draw_path_plots(dir.file("path.csv"), "", dir.file("plots"), err)) << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_TRUE(exists(dir.file("plots_cv.png")));
  EXPECT_TRUE(exists(dir.file("plots_cv.pdf")));
  EXPECT_FALSE(exists(dir.file("plots_coef.png")));  // no model given

  // A malformed table: the script says why (exit 2), the warning gives the command.
  std::ofstream(dir.file("bad.csv")) << "index,lambda\n0,abc\n";
  std::ostringstream err2;
  EXPECT_FALSE(draw_path_plots(dir.file("bad.csv"), "", dir.file("bad"), err2));
  EXPECT_NE(err2.str().find("the plot script failed with exit status 2 (its message is above); "
                            "run: /usr/bin/python3 "),
            std::string::npos)
      << err2.str();
}

}  // namespace
}  // namespace logreg
