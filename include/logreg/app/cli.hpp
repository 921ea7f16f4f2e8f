// Command-line parsing for logreg_dist (README, "Command line"). Pure: no MPI, no I/O besides
// reading argv.
#pragma once

#include <string>
#include <vector>

namespace logreg {

struct CliOptions {
  enum class Mode { Train, Predict, Help, Version } mode = Mode::Train;
  std::string config_path;
  std::vector<std::string> overrides;  // KEY=VALUE from --set
  bool check = false;
  bool print_config = false;
  // predict
  std::string model_path, output_path;
  std::vector<std::string> data_paths;  // files or globs, rows concatenate in order
  std::string features = "X", labels = "y";
  std::string help_text;
};

// Throws ConfigError (exit 2) with a usage hint on bad arguments.
CliOptions parse_cli(int argc, const char* const* argv);

}  // namespace logreg
