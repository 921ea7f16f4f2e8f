// The plots of a path job (README, "Plots of a path"): the plot script logreg_plot_path
// (scripts/plot_path.py, built and installed beside logreg_dist) run as a child process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace logreg {

// Runs the plot script on rank 0 after training (README "Regularization path and
// cross-validation"): finds a Python with numpy, h5py and matplotlib (plot_pythons(), each probed
// with `-c "import numpy, h5py, matplotlib"`) and the script (`logreg_plot_path` in the directory
// of the running executable, found via /proc/self/exe), runs it (posix_spawn + waitpid; no
// shell), and returns true on success. On failure it prints ONE warning line to `err`
// ("logreg_dist: warning: no plots: <why>; run: <the exact command>") and returns false. An
// empty model_file omits --model (then only the CV plot is drawn). Never throws.
bool draw_path_plots(const std::string& path_file, const std::string& model_file,
                     const std::string& prefix, std::ostream& err) noexcept;

// The Pythons tried, in order: $LOGREG_PYTHON (when set and not empty), /usr/bin/python3, then
// python3 on PATH.
std::vector<std::string> plot_pythons();

// The same with the Pythons given (a name without '/' is looked up on PATH).
bool draw_path_plots(const std::vector<std::string>& pythons, const std::string& path_file,
                     const std::string& model_file, const std::string& prefix,
                     std::ostream& err) noexcept;

}  // namespace logreg
