#include "logreg/app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "logreg/app/config_paths.hpp"
#include "logreg/errors.hpp"
#include "yaml_values.hpp"

namespace logreg {

namespace {

using namespace yaml_values;

// One configurable key: how to read it from a YAML node and how to write it back.
struct Field {
  std::function<void(Config&, const YAML::Node&, const std::string&)> read;
  std::function<void(const Config&, YAML::Emitter&)> write;
};

// How one type of value is read from YAML (ConfigError naming the key) and written back.
template <typename T>
struct Codec {
  T (*read)(const YAML::Node&, const std::string&);
  void (*write)(YAML::Emitter&, const T&);
};

const Choices<Precision> kPrecisions{
    {{"float64", Precision::Float64}, {"float32", Precision::Float32}}, {}};
const Choices<Family> kFamilies{
    {{"auto", Family::Auto}, {"binomial", Family::Binomial}, {"multinomial", Family::Multinomial}},
    {}};
const Choices<ResumeMode> kResumeModes{
    {{"auto", ResumeMode::Auto}, {"never", ResumeMode::Never}, {"require", ResumeMode::Require}},
    {}};
const Choices<StopMetric> kStopMetrics{{{"val_logloss", StopMetric::ValLogloss},
                                        {"val_auc", StopMetric::ValAuc},
                                        {"val_accuracy", StopMetric::ValAccuracy}},
                                       StopMetric::None};

const Choices<SolverStateMode> kStateModes{{{"auto", SolverStateMode::Auto},
                                            {"replicated", SolverStateMode::Replicated},
                                            {"partitioned", SolverStateMode::Partitioned}},
                                           {}};

const Choices<PathPenalty> kPathPenalties{
    {{"auto", PathPenalty::Auto}, {"l2", PathPenalty::L2}, {"l1", PathPenalty::L1}}, {}};
const Choices<CvRule> kCvRules{{{"min", CvRule::Min}, {"one_se", CvRule::OneSe}}, {}};
const Choices<StopMetric> kCvMetrics{{{"val_logloss", StopMetric::ValLogloss},
                                      {"val_auc", StopMetric::ValAuc},
                                      {"val_accuracy", StopMetric::ValAccuracy}},
                                     {}};

template <typename E, const Choices<E>& table>
constexpr Codec<E> choice_codec() {
  return {[](const YAML::Node& n, const std::string& k) { return table.read(n, k); },
          [](YAML::Emitter& e, const E& v) {
            if (table.null_value && v == *table.null_value)
              e << YAML::Null;
            else
              e << table.name(v);
          }};
}

const Codec<Precision> kDtype = choice_codec<Precision, kPrecisions>();
const Codec<Family> kFamily = choice_codec<Family, kFamilies>();
const Codec<ResumeMode> kResume = choice_codec<ResumeMode, kResumeModes>();
const Codec<StopMetric> kStopMetric = choice_codec<StopMetric, kStopMetrics>();
const Codec<PathPenalty> kPathPenalty = choice_codec<PathPenalty, kPathPenalties>();
const Codec<CvRule> kCvRule = choice_codec<CvRule, kCvRules>();
const Codec<SolverStateMode> kStateMode = choice_codec<SolverStateMode, kStateModes>();
const Codec<StopMetric> kCvMetric = choice_codec<StopMetric, kCvMetrics>();
const Codec<std::vector<std::string>> kPaths{read_paths, emit_paths};
const Codec<std::vector<double>> kNumbers{read_numbers, emit_numbers};
const Codec<std::string> kString{read_string,
                                 [](YAML::Emitter& e, const std::string& s) { e << s; }};
const Codec<std::string> kOptionalString{read_optional_string, emit_optional};
const Codec<bool> kBool{read_bool, [](YAML::Emitter& e, const bool& v) { e << v; }};
const Codec<int> kInt{read_int, [](YAML::Emitter& e, const int& v) { e << v; }};
const Codec<double> kNumber{read_number,
                            [](YAML::Emitter& e, const double& v) { e << config_number(v); }};
const Codec<SolverKind> kSolverKind{
    [](const YAML::Node& n, const std::string& k) {
      return parse_solver_kind(read_string(n, k), k);
    },
    [](YAML::Emitter& e, const SolverKind& v) { e << to_string(v); }};
// solver.learning_rate: 'auto' (stored as 0) or a finite number > 0.
const Codec<double> kLearningRate{
    [](const YAML::Node& n, const std::string& k) {
      if (n.IsScalar() && n.Scalar() == "auto") return 0.0;
      const double v = scalar_as<double>(n, k, "'auto' or a number > 0");
      if (!(v > 0) || !std::isfinite(v)) {
        throw ConfigError(k + ": must be 'auto' or a finite number > 0, got " + describe(n));
      }
      return v;
    },
    [](YAML::Emitter& e, const double& v) {
      if (v > 0)
        e << config_number(v);
      else
        e << "auto";
    }};

// model.class_weight: null, 'balanced' or a mapping {class: weight}.
ClassWeights read_class_weights(const YAML::Node& node, const std::string& key) {
  ClassWeights cw;
  if (is_null(node)) return cw;
  if (node.IsScalar()) {
    if (node.Scalar() != "balanced") {
      throw ConfigError(key + ": expected null, balanced or a mapping {class: weight}, got " +
                        describe(node));
    }
    cw.balanced = true;
    return cw;
  }
  if (!node.IsMap()) {
    throw ConfigError(key + ": expected null, balanced or a mapping {class: weight}, got " +
                      describe(node));
  }
  for (auto kv : node) {
    const std::string name = read_string(kv.first, key);
    const double w = read_number(kv.second, key + "." + name);
    if (!(w > 0)) throw ConfigError(key + "." + name + ": must be > 0, got " + describe(kv.second));
    if (!cw.weights.emplace(name, w).second) {
      throw ConfigError(key + ": class " + name + " is given twice");
    }
  }
  return cw;
}

void emit_class_weights(YAML::Emitter& e, const ClassWeights& cw) {
  if (cw.balanced) {
    e << "balanced";
  } else if (cw.weights.empty()) {
    e << YAML::Null;
  } else {
    e << YAML::Flow << YAML::BeginMap;
    for (const auto& [name, w] : cw.weights)
      e << YAML::Key << name << YAML::Value << config_number(w);
    e << YAML::EndMap;
  }
}

const Codec<ClassWeights> kClassWeights{read_class_weights, emit_class_weights};

// The top-level key `name` is member `Member` of Config, read and written by `codec`.
template <auto Member, typename T>
std::pair<std::string, Field> top_key(const char* name, const Codec<T>& codec) {
  return {name,
          {[read = codec.read](Config& c, const YAML::Node& n, const std::string& k) {
             c.*Member = read(n, k);
           },
           [write = codec.write](const Config& c, YAML::Emitter& e) { write(e, c.*Member); }}};
}

// The key `name` is member `Member` of section `Section` of Config, read and written by `codec`.
template <auto Section, auto Member, typename T>
std::pair<std::string, Field> key(const char* name, const Codec<T>& codec) {
  return {name,
          {[read = codec.read](Config& c, const YAML::Node& n, const std::string& k) {
             (c.*Section).*Member = read(n, k);
           },
           [write = codec.write](const Config& c, YAML::Emitter& e) {
             write(e, (c.*Section).*Member);
           }}};
}

// Keys in the order the README's configuration table lists them; the table drives parsing and
// printing.
const std::vector<std::pair<std::string, Field>>& fields() {
  constexpr auto data = &Config::data;
  constexpr auto model = &Config::model;
  constexpr auto solver = &Config::solver;
  constexpr auto output = &Config::output;
  constexpr auto checkpoint = &Config::checkpoint;
  constexpr auto stopping = &Config::early_stopping;
  constexpr auto path = &Config::path;
  constexpr auto cv = &Config::cv;
  static const std::vector<std::pair<std::string, Field>> table = {
      key<data, &DataConfig::train>("data.train", kPaths),
      key<data, &DataConfig::features>("data.features", kString),
      key<data, &DataConfig::labels>("data.labels", kString),
      key<data, &DataConfig::weights>("data.weights", kOptionalString),
      key<data, &DataConfig::validation>("data.validation", kPaths),
      key<data, &DataConfig::test>("data.test", kPaths),
      key<data, &DataConfig::dtype>("data.dtype", kDtype),
      key<model, &ModelConfig::fit_intercept>("model.fit_intercept", kBool),
      key<model, &ModelConfig::l2>("model.l2", kNumber),
      key<model, &ModelConfig::l1>("model.l1", kNumber),
      key<model, &ModelConfig::standardize>("model.standardize", kBool),
      key<model, &ModelConfig::family>("model.family", kFamily),
      key<model, &ModelConfig::class_weight>("model.class_weight", kClassWeights),
      key<model, &ModelConfig::init>("model.init", kOptionalString),
      key<solver, &SolverConfig::name>("solver.name", kSolverKind),
      key<solver, &SolverConfig::max_iter>("solver.max_iter", kInt),
      key<solver, &SolverConfig::tol>("solver.tol", kNumber),
      key<solver, &SolverConfig::learning_rate>("solver.learning_rate", kLearningRate),
      key<solver, &SolverConfig::memory>("solver.memory", kInt),
      key<solver, &SolverConfig::state>("solver.state", kStateMode),
      key<output, &OutputConfig::model>("output.model", kString),
      key<output, &OutputConfig::metrics>("output.metrics", kOptionalString),
      key<output, &OutputConfig::log_every>("output.log_every", kInt),
      key<output, &OutputConfig::path>("output.path", kOptionalString),
      key<output, &OutputConfig::plots>("output.plots", kOptionalString),
      key<checkpoint, &CheckpointConfig::path>("checkpoint.path", kOptionalString),
      key<checkpoint, &CheckpointConfig::every>("checkpoint.every", kInt),
      key<checkpoint, &CheckpointConfig::resume>("checkpoint.resume", kResume),
      key<stopping, &EarlyStoppingConfig::metric>("early_stopping.metric", kStopMetric),
      key<stopping, &EarlyStoppingConfig::patience>("early_stopping.patience", kInt),
      key<stopping, &EarlyStoppingConfig::min_delta>("early_stopping.min_delta", kNumber),
      key<path, &PathConfig::l2>("path.l2", kNumbers),
      key<path, &PathConfig::l1>("path.l1", kNumbers),
      key<path, &PathConfig::n>("path.n", kInt),
      key<path, &PathConfig::ratio>("path.ratio", kNumber),
      key<path, &PathConfig::penalty>("path.penalty", kPathPenalty),
      key<cv, &CvConfig::folds>("cv.folds", kInt),
      key<cv, &CvConfig::metric>("cv.metric", kCvMetric),
      key<cv, &CvConfig::rule>("cv.rule", kCvRule),
      key<cv, &CvConfig::seed>("cv.seed", kInt),
      top_key<&Config::inference>("inference", kBool),
  };
  return table;
}

const Field* find_field(const std::string& key) {
  for (const auto& [k, f] : fields()) {
    if (k == key) return &f;
  }
  return nullptr;
}

bool is_section(const std::string& name) {
  for (const auto& [k, f] : fields()) {
    if (k.compare(0, name.size() + 1, name + ".") == 0) return true;
  }
  return false;
}

// Suggests a known key at small edit distance, for typos.
std::string suggestion(const std::string& key) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t prev = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t cur = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1])});
        prev = cur;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_d = 3;
  for (const auto& [k, f] : fields()) {
    size_t d = distance(key, k);
    if (d < best_d) best_d = d, best = k;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// The config is strict, but yaml-cpp keeps every entry of a mapping, duplicates included, and
// lookups see only one of them: a repeated key is refused, naming both lines. `path` is the
// mapping's dotted name ("" for the top level).
void check_unique_keys(const YAML::Node& map, const std::string& path, const std::string& source) {
  std::map<std::string, int> lines;
  for (auto kv : map) {
    const int line = kv.first.Mark().line + 1;
    if (!kv.first.IsScalar()) {
      throw ConfigError(source + ": line " + std::to_string(line) + ": expected a key name, got " +
                        describe(kv.first));
    }
    const auto [at, fresh] = lines.emplace(kv.first.Scalar(), line);
    if (!fresh) {
      throw ConfigError(source + ": duplicate key '" + (path.empty() ? "" : path + ".") +
                        kv.first.Scalar() + "' (lines " + std::to_string(at->second) + " and " +
                        std::to_string(line) + ")");
    }
  }
}

}  // namespace

const char* to_string(Family family) { return kFamilies.name(family); }
const char* to_string(Precision dtype) { return kPrecisions.name(dtype); }
const char* to_string(ResumeMode mode) { return kResumeModes.name(mode); }
const char* to_string(StopMetric metric) { return kStopMetrics.name(metric); }
const char* to_string(PathPenalty penalty) { return kPathPenalties.name(penalty); }
const char* to_string(CvRule rule) { return kCvRules.name(rule); }
const char* to_string(SolverStateMode mode) { return kStateModes.name(mode); }

Config parse_config(const std::string& yaml_text, const std::string& source,
                    const std::vector<std::string>& overrides, const std::string& config_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) +
                      ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (is_null(root)) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(source + ": the top level must be a mapping of sections");
  check_unique_keys(root, "", source);

  // Flatten section.key -> node, rejecting unknown names.
  std::map<std::string, YAML::Node> values;
  for (auto sec : root) {
    const std::string name = sec.first.as<std::string>();
    if (find_field(name)) {  // a top-level key (no section)
      values[name] = sec.second;
      continue;
    }
    if (!is_section(name)) throw ConfigError(source + ": unknown key '" + name + "'" + suggestion(name));
    if (is_null(sec.second)) continue;
    if (!sec.second.IsMap()) throw ConfigError(name + ": expected a mapping of keys");
    check_unique_keys(sec.second, name, source);
    for (auto kv : sec.second) {
      const std::string key = name + "." + kv.first.as<std::string>();
      if (!find_field(key)) throw ConfigError(source + ": unknown key '" + key + "'" + suggestion(key));
      values[key] = kv.second;
    }
  }
  std::set<std::string> from_command_line;
  for (const std::string& ov : overrides) {
    const size_t eq = ov.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--set " + ov + ": expected KEY=VALUE, e.g. --set solver.max_iter=50");
    }
    const std::string key = ov.substr(0, eq);
    if (!find_field(key)) throw ConfigError("--set: unknown key '" + key + "'" + suggestion(key));
    from_command_line.insert(key);
    try {
      values[key] = YAML::Load(ov.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      throw ConfigError("--set " + key + ": cannot parse value '" + ov.substr(eq + 1) + "'");
    }
  }
  Config config;
  for (const auto& [key, node] : values) find_field(key)->read(config, node, key);
  // A path section with neither a list nor path.n: the default log-spaced path (path.n: 0 is off).
  const bool path_keys = values.lower_bound("path.") != values.lower_bound("path/");
  if (path_keys && !values.count("path.n") && !config.path.enabled()) config.path.n = 20;
  resolve_config_paths(config, config_dir, from_command_line);
  config.validate();
  return config;
}

std::string to_yaml(const Config& config) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  std::string section;
  for (const auto& [key, field] : fields()) {
    if (key.find('.') == std::string::npos) {  // top-level keys come last in the table
      if (!section.empty()) e << YAML::EndMap;
      section.clear();
      e << YAML::Key << key << YAML::Value;
      field.write(config, e);
      continue;
    }
    const std::string sec = key.substr(0, key.find('.'));
    if (sec != section) {
      if (!section.empty()) e << YAML::EndMap;
      e << YAML::Key << sec << YAML::Value << YAML::BeginMap;
      section = sec;
    }
    e << YAML::Key << key.substr(key.find('.') + 1) << YAML::Value;
    field.write(config, e);
  }
  if (!section.empty()) e << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace logreg
