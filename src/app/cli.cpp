#include "logreg/app/cli.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/version.hpp"

namespace logreg {

namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: mpirun -n P logreg_dist CONFIG.yaml [--set KEY=VALUE]... [--check] [--print-config]\n"
    "       mpirun -n P logreg_dist predict --model MODEL.h5 --data DATA.h5 --output PRED.h5\n"
    "       logreg_dist --help | --version\n";

}  // namespace

CliOptions parse_cli(int argc, const char* const* argv) {
  CliOptions opt;
  const bool predict = argc > 1 && std::string(argv[1]) == "predict";

  po::options_description common("Options");
  common.add_options()("help,h", "show this help")("version", "print the version");
  po::options_description train("Training");
  train.add_options()
      ("set", po::value<std::vector<std::string>>(&opt.overrides)->composing(),
       "override a config key, e.g. --set solver.max_iter=50 (repeatable)")
      ("check", po::bool_switch(&opt.check), "validate config and data on all ranks, then exit")
      ("print-config", po::bool_switch(&opt.print_config),
       "print the resolved config (defaults filled in) as YAML and exit");
  po::options_description pred("Prediction (logreg_dist predict ...)");
  pred.add_options()
      ("model", po::value<std::string>(&opt.model_path), "model file written by training")
      ("data", po::value<std::vector<std::string>>(&opt.data_paths)->multitoken()->composing(),
       "data file(s) or globs; rows concatenate in the order given")
      ("output", po::value<std::string>(&opt.output_path), "output HDF5 file with dataset prob")
      ("features", po::value<std::string>(&opt.features)->default_value("X"), "features dataset or CSR group")
      ("labels", po::value<std::string>(&opt.labels)->default_value("y"), "labels dataset (optional in the file)");
  po::options_description hidden;
  hidden.add_options()("config", po::value<std::vector<std::string>>(), "config");
  po::positional_options_description pos;
  pos.add("config", -1);

  po::options_description all;
  all.add(common).add(train).add(pred).add(hidden);
  std::ostringstream help;
  help << "logreg_dist " << version() << ": distributed data-parallel logistic regression (MPI)\n\n"
       << kUsage << "\n"
       << common << "\n"
       << train << "\n"
       << pred
       << "\nExit status: 0 trained, 1 data/runtime error, 2 usage/config error, 3 non-finite "
          "objective, 75 stopped by a signal after a checkpoint.\n";
  opt.help_text = help.str();

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - (predict ? 1 : 0), argv + (predict ? 1 : 0))
                  .options(all)
                  .positional(pos)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw ConfigError(std::string(e.what()) + "\n" + kUsage);
  }
  if (vm.count("help")) {
    opt.mode = CliOptions::Mode::Help;
    return opt;
  }
  if (vm.count("version")) {
    opt.mode = CliOptions::Mode::Version;
    return opt;
  }
  std::vector<std::string> positional;
  if (vm.count("config")) positional = vm["config"].as<std::vector<std::string>>();
  if (predict) {
    opt.mode = CliOptions::Mode::Predict;
    if (!positional.empty()) throw ConfigError("predict: unexpected argument '" + positional[0] + "'\n" + kUsage);
    for (const auto& [name, value] : {std::pair{"--model", &opt.model_path}, {"--output", &opt.output_path}}) {
      if (value->empty()) throw ConfigError(std::string("predict: ") + name + " is required\n" + kUsage);
    }
    if (opt.data_paths.empty()) throw ConfigError(std::string("predict: --data is required\n") + kUsage);
    return opt;
  }
  if (positional.size() != 1) {
    throw ConfigError(positional.empty() ? std::string("missing CONFIG.yaml\n") + kUsage
                                         : "expected one CONFIG.yaml, got " +
                                               std::to_string(positional.size()) + " arguments\n" + kUsage);
  }
  if (vm.count("model") || vm.count("output")) {
    throw ConfigError("--model/--data/--output belong to 'logreg_dist predict'\n" + std::string(kUsage));
  }
  opt.config_path = positional[0];
  return opt;
}

}  // namespace logreg
