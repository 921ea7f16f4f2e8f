// logreg_data: prepares HDF5 data files for logreg_dist (README, "Data tool"). Serial; no MPI.
//   synth    draw a data set from a known logistic model
//   convert  LIBSVM / CSV text to HDF5, streaming
//   info     describe data files
// Exit status: 0 success, 1 data or I/O error, 2 usage error.
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/info.hpp"
#include "logreg/data/synth.hpp"
#include "logreg/errors.hpp"
#include "logreg/version.hpp"

namespace po = boost::program_options;
using namespace logreg;

namespace {

constexpr const char* kUsage =
    "Usage: logreg_data COMMAND [ARGS]\n"
    "\n"
    "Prepares HDF5 data files for logreg_dist: dense X (n, d) or CSR group X, labels y.\n"
    "\n"
    "Commands:\n"
    "  synth OUT.h5 --rows N --features D [--density RHO] [--seed S] [--classes K]\n"
    "               [--shards K] [--dtype float64|float32]\n"
    "      Draw data from a known logistic (or K-class softmax) model, stored as\n"
    "      true_coef / true_intercept.\n"
    "  convert IN OUT.h5 [--format libsvm|csv] [--sparse|--dense] [--label COLUMN]\n"
    "               [--labels auto|binary|classes|strings] [--shards K] [--dtype float64|float32]\n"
    "      Convert LIBSVM or CSV text (streaming, bounded memory).\n"
    "  info FILE.h5...\n"
    "      Print rows, features, layout, dtype, nnz, label balance or class counts.\n"
    "\n"
    "Run 'logreg_data COMMAND --help' for the options of a command; 'logreg_data --version' "
    "prints\n"
    "the version.\n"
    "Exit status: 0 success, 1 data or I/O error, 2 usage error.\n";

struct Parsed {
  po::variables_map vm;
  std::vector<std::string> positional;
};

// Parses a command's arguments. Short options are off so that negative numbers ("--rows -5")
// reach validation as values instead of being taken for unknown options.
Parsed parse(const std::vector<std::string>& args, po::options_description options) {
  options.add_options()("positional", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("positional", -1);
  Parsed p;
  po::store(po::command_line_parser(args)
                .options(options)
                .positional(pos)
                .style(po::command_line_style::unix_style ^ po::command_line_style::allow_short)
                .run(),
            p.vm);
  po::notify(p.vm);
  if (p.vm.count("positional")) p.positional = p.vm["positional"].as<std::vector<std::string>>();
  return p;
}

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

Precision parse_dtype(const std::string& s) {
  if (s == "float64") return Precision::Float64;
  if (s == "float32") return Precision::Float32;
  throw ConfigError("--dtype: expected float64 or float32, got '" + s + "'");
}

template <typename T>
T required(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) throw ConfigError(std::string("--") + name + " is required");
  return vm[name].as<T>();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The values of --shards and --dtype, into a writer's options.
template <typename WriterOptions>
void read_output_options(const po::variables_map& vm, WriterOptions& opt) {
  opt.shards = vm["shards"].as<int>();
  opt.dtype = parse_dtype(vm["dtype"].as<std::string>());
}

// A command that writes data files: its usage line (after "logreg_data "), the paragraph its
// --help prints, the positional arguments it takes, its own options and what it does with them.
struct WritingCommand {
  const char* name;
  const char* usage;
  const char* about;
  std::size_t positionals;
  const char* expected;  // the positional arguments, for the error message
  void (*add_options)(po::options_description_easy_init add);
  int (*run)(const Parsed& p);
};

// Runs a writing command: its options, then those every writing command has (--shards, --dtype,
// --help); prints its help, or parses `args`, checks the positional count and runs it.
int run_writing(const WritingCommand& c, const std::vector<std::string>& args) {
  po::options_description options(std::string(c.name) + " options");
  c.add_options(options.add_options());
  options.add_options()("shards", po::value<int>()->default_value(1),
                        "write K files <stem>_<k>.h5")(
      "dtype", po::value<std::string>()->default_value("float64"), "stored type of X values")(
      "help", "show this help");
  if (wants_help(args)) {
    std::cout << "Usage: logreg_data " << c.usage << "\n\n" << c.about << "\n" << options;
    return kExitOk;
  }
  const Parsed p = parse(args, options);
  if (p.positional.size() != c.positionals) {
    throw ConfigError(std::string(c.name) + ": expected " + c.expected + ", got " +
                      std::to_string(p.positional.size()) + " arguments");
  }
  return c.run(p);
}

void synth_options(po::options_description_easy_init add) {
  add("rows", po::value<int64_t>(), "number of rows N (required)")(
      "features", po::value<int64_t>(), "number of features D (required)")(
      "density", po::value<double>()->default_value(1.0),
      "fraction of non-zero entries; < 1 writes CSR")(
      "seed", po::value<std::string>()->default_value("0"), "random seed (unsigned 64-bit)")(
      "classes", po::value<int>()->default_value(2),
      "number of classes K; K >= 3 draws labels 0..K-1 from a softmax model");
}

int run_synth(const Parsed& p) {
  data::SynthOptions opt;
  opt.rows = required<int64_t>(p.vm, "rows");
  opt.features = required<int64_t>(p.vm, "features");
  opt.density = p.vm["density"].as<double>();
  opt.classes = p.vm["classes"].as<int>();
  read_output_options(p.vm, opt);
  const std::string seed = p.vm["seed"].as<std::string>();
  auto [ptr, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), opt.seed);
  if (seed.empty() || ec != std::errc() || ptr != seed.data() + seed.size()) {
    throw ConfigError("--seed: expected an unsigned integer, got '" + seed + "'");
  }
  opt.validate();
  const auto t0 = std::chrono::steady_clock::now();
  const data::SynthResult result = data::synthesize(p.positional[0], opt);
  for (const auto& f : result.files) std::cout << "wrote " << f << "\n";
  std::cout << "rows " << opt.rows << ", features " << opt.features << ", "
            << (opt.sparse() ? "CSR" : "dense") << ", nnz " << result.nnz;
  if (opt.classes > 2) std::cout << ", " << opt.classes << " classes";
  std::cout << ", " << std::fixed << std::setprecision(2) << seconds_since(t0) << " s\n";
  return kExitOk;
}

void convert_options(po::options_description_easy_init add) {
  add("format", po::value<std::string>(),
      "libsvm | csv (default: from the extension, .csv is CSV)")(
      "sparse", "write CSR (default for LIBSVM)")("dense", "write a dense X (default for CSV)")(
      "label", po::value<std::string>(), "CSV label column name (default: the last column)")(
      "labels", po::value<std::string>()->default_value("auto"),
      "auto | binary | classes | strings: which labels are allowed (see above)");
}

data::LabelChoice parse_labels(const std::string& s) {
  if (s == "auto") return data::LabelChoice::Auto;
  if (s == "binary") return data::LabelChoice::Binary;
  if (s == "classes") return data::LabelChoice::Classes;
  if (s == "strings") return data::LabelChoice::Strings;
  throw ConfigError("--labels: expected auto, binary, classes or strings, got '" + s + "'");
}

// "labels: ..." of a conversion: the convention, or the classes and their names.
void print_labels(const data::ConvertStats& s) {
  std::cout << "labels: ";
  if (!s.class_names.empty()) {
    std::cout << s.class_names.size() << " classes from strings: ";
    for (size_t k = 0; k < s.class_names.size() && k < 10; ++k) {
      std::cout << (k ? ", " : "") << k << " = " << s.class_names[k];
    }
    if (s.class_names.size() > 10) std::cout << ", ...";
  } else if (s.classes > 2) {
    std::cout << s.classes << " classes (0.." << s.classes - 1 << ")";
  } else {
    std::cout << (s.minus_ones ? "-1/+1 (stored as 0/1)" : "0/1");
  }
  std::cout << "\n";
}

int run_convert(const Parsed& p) {
  data::ConvertOptions opt;
  if (p.vm.count("format")) {
    const std::string f = p.vm["format"].as<std::string>();
    if (f == "libsvm")
      opt.format = data::InputFormat::Libsvm;
    else if (f == "csv")
      opt.format = data::InputFormat::Csv;
    else
      throw ConfigError("--format: expected libsvm or csv, got '" + f + "'");
  }
  if (p.vm.count("sparse") && p.vm.count("dense")) {
    throw ConfigError("--sparse and --dense exclude each other");
  }
  if (p.vm.count("sparse")) opt.layout = data::OutputLayout::Sparse;
  if (p.vm.count("dense")) opt.layout = data::OutputLayout::Dense;
  if (p.vm.count("label")) opt.label = p.vm["label"].as<std::string>();
  opt.labels = parse_labels(p.vm["labels"].as<std::string>());
  read_output_options(p.vm, opt);
  const data::ConvertStats s = data::convert(p.positional[0], p.positional[1], opt);
  for (const auto& f : s.files) std::cout << "wrote " << f << "\n";
  const double mb = static_cast<double>(s.bytes_read) / 1e6;
  std::cout << "rows " << s.rows << ", features " << s.features << ", "
            << (s.sparse ? "CSR" : "dense") << ", nnz " << s.nnz << ", " << std::fixed
            << std::setprecision(2) << s.seconds << " s, read " << std::setprecision(1) << mb
            << " MB in " << s.passes << (s.passes == 1 ? " pass" : " passes") << " ("
            << (s.seconds > 0 ? mb / s.seconds : 0.0) << " MB/s)\n";
  print_labels(s);
  return kExitOk;
}

constexpr WritingCommand kSynth = {
    "synth",
    "synth OUT.h5 --rows N --features D [options]",
    "Draws w* ~ N(0,1)/sqrt(D*RHO), b* ~ N(0,0.5^2), x ~ N(0,1) (CSR: each entry\n"
    "present with probability RHO), y ~ Bernoulli(sigmoid(x.w* + b*)). With --classes\n"
    "K >= 3: W* (K x D) and b* (K) drawn alike, y ~ softmax(W* x + b*) in 0..K-1; X is\n"
    "the same as for 2 classes. The rows are the same for any --shards.\n",
    1,
    "one output file OUT.h5",
    &synth_options,
    &run_synth};

constexpr WritingCommand kConvert = {
    "convert",
    "convert IN OUT.h5 [options]",
    "LIBSVM: 'label idx:val ...', 1-based increasing indices. CSV: header row, numeric\n"
    "feature cells. Labels (--labels auto): 0/1 or -1/+1 (stored as 0/1), true/false\n"
    "(1/0), or integer classes 0, 1, 2, ... stored as they are; a CSV label column\n"
    "whose first label is not a number holds strings, stored as 0..K-1 in byte order of\n"
    "the distinct strings, whose names go to attribute 'classes' of y. binary: 0/1 or\n"
    "-1/+1 only. classes: no -1. strings: every CSV label is a string.\n"
    "Bad lines are errors naming the line; no output is left behind.\n",
    2,
    "input and output files (IN OUT.h5)",
    &convert_options,
    &run_convert};

int run_info(const std::vector<std::string>& args) {
  if (args.empty()) throw ConfigError("info: no files given (usage: logreg_data info FILE.h5...)");
  if (wants_help(args)) {
    std::cout << "Usage: logreg_data info FILE.h5...\n\n"
              << "Prints rows, features, layout (dense/CSR), stored dtype, nnz, label balance\n"
              << "(or the counts of classes 0..K-1), the class names of attribute y@classes,\n"
              << "weights and whether the true model (true_coef) is stored.\n";
    return kExitOk;
  }
  Index rows = 0;
  int64_t nnz = 0;
  for (const auto& path : args) {
    const data::FileInfo info = data::inspect(path);
    std::cout << data::describe(info);
    rows += info.rows;
    nnz += info.nnz;
  }
  if (args.size() > 1) {
    std::cout << "total: " << args.size() << " files, rows " << rows << ", nnz " << nnz << "\n";
  }
  return kExitOk;
}

int run(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version") {
    std::cout << "logreg_data " << logreg::version() << "\n";
    return kExitOk;
  }
  if (command == "synth") return run_writing(kSynth, args);
  if (command == "convert") return run_writing(kConvert, args);
  if (command == "info") return run_info(args);
  std::cerr << "logreg_data: unknown command '" << command << "'\n\n" << kUsage;
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Error& e) {
    std::cerr << "logreg_data: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const po::error& e) {
    std::cerr << "logreg_data: error: " << e.what() << "\n"
              << "Run 'logreg_data --help' for usage.\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "logreg_data: error: " << e.what() << "\n";
    return kExitRuntime;
  }
}
