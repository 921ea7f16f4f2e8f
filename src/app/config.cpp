#include "logreg/app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <map>

#include "logreg/errors.hpp"

namespace logreg {

namespace {

// One configurable key: how to read it from a YAML node and how to write it back.
struct Field {
  std::function<void(Config&, const YAML::Node&, const std::string&)> read;
  std::function<void(const Config&, YAML::Emitter&)> write;
};

std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "null";
}

template <typename T>
T scalar_as(const YAML::Node& node, const std::string& key, const char* what) {
  if (!node.IsScalar()) throw ConfigError(key + ": expected " + what + ", got " + describe(node));
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw ConfigError(key + ": expected " + what + ", got " + describe(node));
  }
}

bool is_null(const YAML::Node& node) {
  return !node || node.IsNull() || (node.IsScalar() && (node.Scalar() == "null" || node.Scalar() == "~"));
}

double read_number(const YAML::Node& node, const std::string& key) {
  double v = scalar_as<double>(node, key, "a number");
  if (!std::isfinite(v)) throw ConfigError(key + ": must be finite, got " + describe(node));
  return v;
}

int read_int(const YAML::Node& node, const std::string& key) {
  return scalar_as<int>(node, key, "an integer");
}

bool read_bool(const YAML::Node& node, const std::string& key) {
  return scalar_as<bool>(node, key, "true or false");
}

std::string read_string(const YAML::Node& node, const std::string& key) {
  return scalar_as<std::string>(node, key, "a string");
}

std::string read_optional_string(const YAML::Node& node, const std::string& key) {
  return is_null(node) ? std::string() : read_string(node, key);
}

// A path, a glob, or a list of them; null = none.
std::vector<std::string> read_paths(const YAML::Node& node, const std::string& key) {
  if (is_null(node)) return {};
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) throw ConfigError(key + ": expected a path or a list of paths");
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    out.push_back(read_string(node[i], key + "[" + std::to_string(i) + "]"));
  }
  return out;
}

void emit_paths(YAML::Emitter& e, const std::vector<std::string>& paths) {
  if (paths.empty()) e << YAML::Null;
  else if (paths.size() == 1) e << paths[0];
  else {
    e << YAML::Flow << YAML::BeginSeq;
    for (const auto& p : paths) e << p;
    e << YAML::EndSeq;
  }
}

void emit_optional(YAML::Emitter& e, const std::string& s) {
  if (s.empty()) e << YAML::Null; else e << s;
}

std::string fmt_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// Keys in the order the README's configuration table lists them; the table drives parsing,
// printing and validation.
const std::vector<std::pair<std::string, Field>>& fields() {
  static const std::vector<std::pair<std::string, Field>> table = {
      {"data.train", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.train = read_paths(n, k); },
                      [](const Config& c, YAML::Emitter& e) { emit_paths(e, c.data.train); }}},
      {"data.features", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.features = read_string(n, k); },
                         [](const Config& c, YAML::Emitter& e) { e << c.data.features; }}},
      {"data.labels", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.labels = read_string(n, k); },
                       [](const Config& c, YAML::Emitter& e) { e << c.data.labels; }}},
      {"data.weights", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.weights = read_optional_string(n, k); },
                        [](const Config& c, YAML::Emitter& e) { emit_optional(e, c.data.weights); }}},
      {"data.validation", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.validation = read_paths(n, k); },
                           [](const Config& c, YAML::Emitter& e) { emit_paths(e, c.data.validation); }}},
      {"data.test", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.test = read_paths(n, k); },
                     [](const Config& c, YAML::Emitter& e) { emit_paths(e, c.data.test); }}},
      {"data.dtype", {[](Config& c, const YAML::Node& n, const std::string& k) { c.data.dtype = read_string(n, k); },
                      [](const Config& c, YAML::Emitter& e) { e << c.data.dtype; }}},
      {"model.fit_intercept", {[](Config& c, const YAML::Node& n, const std::string& k) { c.model.fit_intercept = read_bool(n, k); },
                               [](const Config& c, YAML::Emitter& e) { e << c.model.fit_intercept; }}},
      {"model.l2", {[](Config& c, const YAML::Node& n, const std::string& k) { c.model.l2 = read_number(n, k); },
                    [](const Config& c, YAML::Emitter& e) { e << fmt_double(c.model.l2); }}},
      {"model.l1", {[](Config& c, const YAML::Node& n, const std::string& k) { c.model.l1 = read_number(n, k); },
                    [](const Config& c, YAML::Emitter& e) { e << fmt_double(c.model.l1); }}},
      {"model.standardize", {[](Config& c, const YAML::Node& n, const std::string& k) { c.model.standardize = read_bool(n, k); },
                             [](const Config& c, YAML::Emitter& e) { e << c.model.standardize; }}},
      {"solver.name", {[](Config& c, const YAML::Node& n, const std::string& k) { c.solver.name = read_string(n, k); },
                       [](const Config& c, YAML::Emitter& e) { e << c.solver.name; }}},
      {"solver.max_iter", {[](Config& c, const YAML::Node& n, const std::string& k) { c.solver.max_iter = read_int(n, k); },
                           [](const Config& c, YAML::Emitter& e) { e << c.solver.max_iter; }}},
      {"solver.tol", {[](Config& c, const YAML::Node& n, const std::string& k) { c.solver.tol = read_number(n, k); },
                      [](const Config& c, YAML::Emitter& e) { e << fmt_double(c.solver.tol); }}},
      {"solver.learning_rate",
       {[](Config& c, const YAML::Node& n, const std::string& k) {
          if (n.IsScalar() && n.Scalar() == "auto") {
            c.solver.learning_rate = 0.0;
            return;
          }
          double v = scalar_as<double>(n, k, "'auto' or a number > 0");
          if (!(v > 0) || !std::isfinite(v)) throw ConfigError(k + ": must be 'auto' or a finite number > 0, got " + describe(n));
          c.solver.learning_rate = v;
        },
        [](const Config& c, YAML::Emitter& e) {
          if (c.solver.learning_rate > 0) e << fmt_double(c.solver.learning_rate); else e << "auto";
        }}},
      {"solver.memory", {[](Config& c, const YAML::Node& n, const std::string& k) { c.solver.memory = read_int(n, k); },
                         [](const Config& c, YAML::Emitter& e) { e << c.solver.memory; }}},
      {"output.model", {[](Config& c, const YAML::Node& n, const std::string& k) { c.output.model = read_string(n, k); },
                        [](const Config& c, YAML::Emitter& e) { e << c.output.model; }}},
      {"output.metrics", {[](Config& c, const YAML::Node& n, const std::string& k) { c.output.metrics = read_optional_string(n, k); },
                          [](const Config& c, YAML::Emitter& e) { emit_optional(e, c.output.metrics); }}},
      {"output.log_every", {[](Config& c, const YAML::Node& n, const std::string& k) { c.output.log_every = read_int(n, k); },
                            [](const Config& c, YAML::Emitter& e) { e << c.output.log_every; }}},
      {"checkpoint.path", {[](Config& c, const YAML::Node& n, const std::string& k) { c.checkpoint.path = read_optional_string(n, k); },
                           [](const Config& c, YAML::Emitter& e) { emit_optional(e, c.checkpoint.path); }}},
      {"checkpoint.every", {[](Config& c, const YAML::Node& n, const std::string& k) { c.checkpoint.every = read_int(n, k); },
                            [](const Config& c, YAML::Emitter& e) { e << c.checkpoint.every; }}},
      {"checkpoint.resume", {[](Config& c, const YAML::Node& n, const std::string& k) { c.checkpoint.resume = read_string(n, k); },
                             [](const Config& c, YAML::Emitter& e) { e << c.checkpoint.resume; }}},
      {"early_stopping.metric", {[](Config& c, const YAML::Node& n, const std::string& k) { c.early_stopping.metric = read_optional_string(n, k); },
                                 [](const Config& c, YAML::Emitter& e) { emit_optional(e, c.early_stopping.metric); }}},
      {"early_stopping.patience", {[](Config& c, const YAML::Node& n, const std::string& k) { c.early_stopping.patience = read_int(n, k); },
                                   [](const Config& c, YAML::Emitter& e) { e << c.early_stopping.patience; }}},
      {"early_stopping.min_delta", {[](Config& c, const YAML::Node& n, const std::string& k) { c.early_stopping.min_delta = read_number(n, k); },
                                    [](const Config& c, YAML::Emitter& e) { e << fmt_double(c.early_stopping.min_delta); }}},
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

void validate(const Config& c) {
  if (c.data.train.empty()) throw ConfigError("data.train: required (a file, a list of files or a glob)");
  if (c.data.features.empty()) throw ConfigError("data.features: must not be empty");
  if (c.data.labels.empty()) throw ConfigError("data.labels: must not be empty");
  if (c.data.dtype != "float64" && c.data.dtype != "float32") {
    throw ConfigError("data.dtype: expected float64 or float32, got '" + c.data.dtype + "'");
  }
  if (c.model.l2 < 0) throw ConfigError("model.l2: must be >= 0, got " + fmt_double(c.model.l2));
  if (c.model.l1 < 0) throw ConfigError("model.l1: must be >= 0, got " + fmt_double(c.model.l1));
  const auto& n = c.solver.name;
  if (n != "gd" && n != "nesterov" && n != "lbfgs" && n != "newton" && n != "owlqn") {
    throw ConfigError("solver.name: expected gd, nesterov, lbfgs, newton or owlqn, got '" + n + "'");
  }
  if (n == "owlqn" && c.model.l1 <= 0) {
    throw ConfigError("solver.name: owlqn needs model.l1 > 0");
  }
  if (c.solver.max_iter < 0) throw ConfigError("solver.max_iter: must be >= 0, got " + std::to_string(c.solver.max_iter));
  if (!(c.solver.tol >= 0))
    throw ConfigError("solver.tol: must be >= 0, got " + fmt_double(c.solver.tol));
  if (c.solver.memory < 1 || c.solver.memory > 1000) {
    throw ConfigError("solver.memory: must be in [1, 1000], got " + std::to_string(c.solver.memory));
  }
  if (c.output.model.empty()) throw ConfigError("output.model: must not be empty");
  if (c.output.log_every < 0) throw ConfigError("output.log_every: must be >= 0, got " + std::to_string(c.output.log_every));
  if (c.checkpoint.every < 1) throw ConfigError("checkpoint.every: must be >= 1, got " + std::to_string(c.checkpoint.every));
  const auto& r = c.checkpoint.resume;
  if (r != "auto" && r != "never" && r != "require") {
    throw ConfigError("checkpoint.resume: expected auto, never or require, got '" + r + "'");
  }
  const auto& es = c.early_stopping;
  if (!es.metric.empty() && es.metric != "val_logloss" && es.metric != "val_auc" &&
      es.metric != "val_accuracy") {
    throw ConfigError("early_stopping.metric: expected null, val_logloss, val_auc or val_accuracy, got '" + es.metric + "'");
  }
  if (!es.metric.empty() && c.data.validation.empty()) {
    throw ConfigError("early_stopping.metric: needs data.validation");
  }
  if (es.patience < 1) throw ConfigError("early_stopping.patience: must be >= 1, got " + std::to_string(es.patience));
  if (es.min_delta < 0) throw ConfigError("early_stopping.min_delta: must be >= 0, got " + fmt_double(es.min_delta));
  if (r == "require" && c.checkpoint.path.empty()) {
    throw ConfigError("checkpoint.resume: 'require' needs checkpoint.path");
  }
}

}  // namespace

std::string Config::effective_solver() const { return model.l1 > 0 ? "owlqn" : solver.name; }

Config parse_config(const std::string& yaml_text, const std::string& source,
                    const std::vector<std::string>& overrides) {
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
  for (const std::string& ov : overrides) {
    const size_t eq = ov.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--set " + ov + ": expected KEY=VALUE, e.g. --set solver.max_iter=50");
    }
    const std::string key = ov.substr(0, eq);
    if (!find_field(key)) throw ConfigError("--set: unknown key '" + key + "'" + suggestion(key));
    try {
      values[key] = YAML::Load(ov.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      throw ConfigError("--set " + key + ": cannot parse value '" + ov.substr(eq + 1) + "'");
    }
  }
  Config config;
  for (const auto& [key, node] : values) find_field(key)->read(config, node, key);
  validate(config);
  return config;
}

std::string to_yaml(const Config& config) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  std::string section;
  for (const auto& [key, field] : fields()) {
    const std::string sec = key.substr(0, key.find('.'));
    if (sec != section) {
      if (!section.empty()) e << YAML::EndMap;
      e << YAML::Key << sec << YAML::Value << YAML::BeginMap;
      section = sec;
    }
    e << YAML::Key << key.substr(key.find('.') + 1) << YAML::Value;
    field.write(config, e);
  }
  e << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace logreg
