// logreg_data: prepares HDF5 data files for logreg_dist (README, "Data tool"). Serial; no MPI.
//   synth    draw a data set from a known logistic model
//   convert  LIBSVM / CSV text to HDF5, streaming
//   info     describe data files
// Exit status: 0 success, 1 data or I/O error, 2 usage error.
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/info.hpp"
#include "logreg/data/synth.hpp"
#include "logreg/data/synth_ctr.hpp"
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
    "  synth --ctr OUT.tsv --rows N [--seed S]\n"
    "      A click log in Criteo's schema (TSV), its true model in OUT.tsv.truth.json.\n"
    "  convert IN OUT.h5 [--format libsvm|csv|tsv] [--sparse|--dense] [--label COLUMN]\n"
    "               [--labels auto|binary|classes|strings] [--shards K] [--dtype float64|float32]\n"
    "               [--delimiter C] [--columns NAMES] [--categorical NAMES [--hash-bits B]\n"
    "               [--hash-seed S] [--cross C1:C2]...] [--log1p NAMES] [--missing-indicator]\n"
    "               [--missing error|zero|mean] [--drop-index] [--zero-based] [--features N]\n"
    "      Convert LIBSVM, CSV or TSV text (streaming, bounded memory), hashing categorical\n"
    "      columns.\n"
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

// An unsigned integer option's value (from_chars: no sign, no spaces, in range).
template <typename T>
T parse_unsigned(const std::string& s, const char* option) {
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    throw ConfigError(std::string(option) + ": expected an unsigned integer, got '" + s + "'");
  }
  return value;
}

// "A,B,C" as its names; empty names are refused, naming the option.
std::vector<std::string> split_names(const std::string& list, const char* option) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    const size_t comma = list.find(',', start);
    names.push_back(list.substr(start, comma - start));
    if (names.back().empty()) {
      throw ConfigError(std::string(option) + ": empty column name in '" + list + "'");
    }
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
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
  opt.seed = parse_unsigned<uint64_t>(p.vm["seed"].as<std::string>(), "--seed");
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
      "libsvm | csv | tsv (default: .csv CSV, .tsv TSV, .txt with tabs TSV)")(
      "sparse", "write CSR (default for LIBSVM)")("dense", "write a dense X (default for CSV)")(
      "label", po::value<std::string>(), "CSV label column name (default: the last column)")(
      "labels", po::value<std::string>()->default_value("auto"),
      "auto | binary | classes | strings: which labels are allowed (see above)")(
      "delimiter", po::value<std::string>(), "CSV/TSV cell delimiter: one character, or '\\t'")(
      "columns", po::value<std::string>(), "NAME,NAME,...: the columns of a headerless file")(
      "categorical", po::value<std::string>(), "C1,C2,...: columns hashed into 2^B features")(
      "hash-bits", po::value<int>()->default_value(20), "B: 2^B hashed features (1..28)")(
      "hash-seed", po::value<std::string>()->default_value("0"), "MurmurHash3 seed (uint32)")(
      "cross", po::value<std::vector<std::string>>()->composing(),
      "C1:C2: also hash the pair of two categorical columns (repeatable)")(
      "log1p", po::value<std::string>(), "I1,I2,...: numeric columns stored as log1p(max(x, 0))")(
      "missing-indicator",
      "one more column per numeric column with missing cells: 1 where missing")(
      "missing", po::value<std::string>(),
      "error | zero | mean: a missing cell (empty, NaN, nan, NA, N/A, null) is refused, 0 or its "
      "column's mean (default: error for CSV, zero for TSV, --columns and hashing)")(
      "drop-index",
      "drop the first column, a pandas index ('', 'Unnamed: 0' or 'index': 0, 1, ...)")(
      "zero-based", "LIBSVM indices start at 0 (scikit-learn's dump_svmlight_file)")(
      "features", po::value<int64_t>(),
      "LIBSVM: the number of features d (an index beyond is an error)")(
      "progress-every", po::value<double>(),
      "seconds between progress lines (default: 2 on a terminal, 5 otherwise; 0: every block)");
}

data::MissingPolicy parse_missing(const std::string& s) {
  if (s == "error") return data::MissingPolicy::Error;
  if (s == "zero") return data::MissingPolicy::Zero;
  if (s == "mean") return data::MissingPolicy::Mean;
  throw ConfigError("--missing: expected error, zero or mean, got '" + s + "'");
}

char parse_delimiter(const std::string& s) {
  if (s == "\\t" || s == "\t" || s == "tab") return '\t';
  if (s.size() != 1 || s == "\"" || s == "\n" || s == "\r") {
    throw ConfigError("--delimiter: expected one character (or '\\t' for a tab), got '" + s + "'");
  }
  return s[0];
}

// The column options of convert (README, "Hashed categorical features").
void read_column_options(const po::variables_map& vm, data::ConvertOptions& opt) {
  if (vm.count("delimiter")) opt.delimiter = parse_delimiter(vm["delimiter"].as<std::string>());
  if (vm.count("columns")) opt.columns = split_names(vm["columns"].as<std::string>(), "--columns");
  data::HashingOptions& h = opt.hashing;
  if (vm.count("categorical")) {
    h.categorical = split_names(vm["categorical"].as<std::string>(), "--categorical");
  }
  h.bits = vm["hash-bits"].as<int>();
  h.seed = parse_unsigned<uint32_t>(vm["hash-seed"].as<std::string>(), "--hash-seed");
  if (vm.count("cross")) {
    for (const std::string& c : vm["cross"].as<std::vector<std::string>>()) {
      const size_t colon = c.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == c.size() ||
          c.find(':', colon + 1) != std::string::npos) {
        throw ConfigError("--cross: expected two column names as C1:C2, got '" + c + "'");
      }
      h.crosses.emplace_back(c.substr(0, colon), c.substr(colon + 1));
    }
  }
  if (vm.count("log1p")) h.log1p = split_names(vm["log1p"].as<std::string>(), "--log1p");
  h.missing_indicator = vm.count("missing-indicator") > 0;
  if (vm.count("missing")) h.missing = parse_missing(vm["missing"].as<std::string>());
  h.drop_index = vm.count("drop-index") > 0;
  opt.zero_based = vm.count("zero-based") > 0;
  if (vm.count("features")) {
    const int64_t d = vm["features"].as<int64_t>();
    if (d <= 0 || d > std::numeric_limits<int32_t>::max()) {
      throw ConfigError("--features: must be between 1 and 2147483647 (got " + std::to_string(d) +
                        ")");
    }
    opt.features = static_cast<Index>(d);
  }
}

// "1.2 GB" / "5.1 M": `x` with a prefix of a thousand's power and one decimal.
std::string human(double x, const char* unit) {
  static constexpr const char* kPrefixes[] = {"", "k", "M", "G", "T"};
  int k = 0;
  while (x >= 1000.0 && k < 4) x /= 1000.0, ++k;
  std::string u = std::string(kPrefixes[k]) + unit;  // "M rows", "rows/s", "GB"
  if (u.front() == ' ') u.erase(0, 1);
  std::ostringstream os;
  os << std::fixed << std::setprecision(k == 0 ? 0 : 1) << x << " " << u;
  return os.str();
}

// A progress line on stderr every 2 s on a terminal, every 5 s otherwise (or every
// --progress-every seconds), a line each, so batch logs get it too:
// "convert: 1.2 GB of 3.4 GB (35%), 5.1 M rows, 410 k rows/s, 120 MB/s, ETA 18 s".
std::function<void(const data::ConvertProgress&)> progress_printer(const po::variables_map& vm) {
  double every = isatty(STDERR_FILENO) ? 2.0 : 5.0;
  if (vm.count("progress-every")) {
    every = vm["progress-every"].as<double>();
    if (!(every >= 0.0) || !std::isfinite(every)) {
      throw ConfigError("--progress-every: expected seconds >= 0, got " + config_number(every));
    }
  }
  return [every, next = every](const data::ConvertProgress& p) mutable {
    if (p.seconds < next || p.seconds <= 0.0) return;
    next = p.seconds + every;
    const double done = static_cast<double>(p.bytes), total = static_cast<double>(p.total_bytes);
    const double rate = done / p.seconds;
    std::ostringstream os;
    os << "convert" << (p.counting ? " (counting pass)" : "") << ": " << human(done, "B") << " of "
       << human(total, "B") << " (" << std::fixed << std::setprecision(0)
       << (total > 0 ? 100.0 * done / total : 100.0) << "%), "
       << human(static_cast<double>(p.rows), " rows") << ", "
       << human(static_cast<double>(p.rows) / p.seconds, " rows/s") << ", " << human(rate, "B/s")
       << ", ETA " << std::setprecision(0) << (rate > 0 ? (total - done) / rate : 0.0) << " s\n";
    std::cerr << os.str() << std::flush;
  };
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
    else if (f == "tsv")
      opt.format = data::InputFormat::Tsv;
    else
      throw ConfigError("--format: expected libsvm, csv or tsv, got '" + f + "'");
  }
  if (p.vm.count("sparse") && p.vm.count("dense")) {
    throw ConfigError("--sparse and --dense exclude each other");
  }
  if (p.vm.count("sparse")) opt.layout = data::OutputLayout::Sparse;
  if (p.vm.count("dense")) opt.layout = data::OutputLayout::Dense;
  if (p.vm.count("label")) opt.label = p.vm["label"].as<std::string>();
  opt.labels = parse_labels(p.vm["labels"].as<std::string>());
  read_column_options(p.vm, opt);
  read_output_options(p.vm, opt);
  opt.progress = progress_printer(p.vm);
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

// synth --ctr OUT.tsv: a click log in Criteo's schema (README, "Synthetic click logs").
int run_synth_ctr(const std::vector<std::string>& args) {
  po::options_description options("synth --ctr options");
  options.add_options()("ctr", po::value<std::string>(), "output TSV file (required)")(
      "rows", po::value<int64_t>(), "number of rows N (required)")(
      "seed", po::value<std::string>()->default_value("0"), "random seed (unsigned 64-bit)")(
      "threads", po::value<int>()->default_value(0), "generating threads (0: the hardware's)")(
      "help", "show this help");
  if (wants_help(args)) {
    std::cout << "Usage: logreg_data synth --ctr OUT.tsv --rows N [--seed S] [--threads T]\n\n"
              << "Writes label, I1..I13 (counts), C1..C26 (8-hex-digit tokens), tab-separated,\n"
              << "no header, labels from a known logistic model described, with its own mean\n"
              << "log-loss (all rows, last 10 %), in OUT.tsv.truth.json.\n"
              << options;
    return kExitOk;
  }
  const Parsed p = parse(args, options);
  if (!p.positional.empty()) {
    throw ConfigError("synth --ctr: unexpected argument '" + p.positional[0] + "'");
  }
  data::CtrSynthOptions opt;
  opt.rows = required<int64_t>(p.vm, "rows");
  opt.seed = parse_unsigned<uint64_t>(p.vm["seed"].as<std::string>(), "--seed");
  opt.threads = p.vm["threads"].as<int>();
  const auto t0 = std::chrono::steady_clock::now();
  const data::CtrSynthResult r = data::synthesize_ctr(required<std::string>(p.vm, "ctr"), opt);
  std::cout << "wrote " << r.data_file << "\nwrote " << r.truth_file << "\nrows " << opt.rows
            << ", click rate " << std::fixed << std::setprecision(4) << r.positive_rate
            << ", true log-loss " << r.log_loss << " (last " << r.held_out_rows << " rows "
            << r.held_out_log_loss << "), " << std::setprecision(2) << seconds_since(t0) << " s\n";
  return kExitOk;
}

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
  if (command == "synth") {
    const bool ctr = std::any_of(args.begin(), args.end(), [](const std::string& a) {
      return a == "--ctr" || a.rfind("--ctr=", 0) == 0;
    });
    return ctr ? run_synth_ctr(args) : run_writing(kSynth, args);
  }
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
