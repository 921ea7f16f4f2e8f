// Reading and writing the config's YAML values (README, "Configuration"): each reader throws
// ConfigError naming the dotted key and describing what it got. Private to src/app/config*.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "logreg/errors.hpp"

namespace logreg::yaml_values {

inline std::string describe(const YAML::Node& node) {
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

inline bool is_null(const YAML::Node& node) {
  return !node || node.IsNull() ||
         (node.IsScalar() && (node.Scalar() == "null" || node.Scalar() == "~"));
}

inline double read_number(const YAML::Node& node, const std::string& key) {
  double v = scalar_as<double>(node, key, "a number");
  if (!std::isfinite(v)) throw ConfigError(key + ": must be finite, got " + describe(node));
  return v;
}

inline int read_int(const YAML::Node& node, const std::string& key) {
  return scalar_as<int>(node, key, "an integer");
}

inline bool read_bool(const YAML::Node& node, const std::string& key) {
  return scalar_as<bool>(node, key, "true or false");
}

inline std::string read_string(const YAML::Node& node, const std::string& key) {
  return scalar_as<std::string>(node, key, "a string");
}

inline std::string read_optional_string(const YAML::Node& node, const std::string& key) {
  return is_null(node) ? std::string() : read_string(node, key);
}

// A path, a glob, or a list of them; null = none.
inline std::vector<std::string> read_paths(const YAML::Node& node, const std::string& key) {
  if (is_null(node)) return {};
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) throw ConfigError(key + ": expected a path or a list of paths");
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    out.push_back(read_string(node[i], key + "[" + std::to_string(i) + "]"));
  }
  return out;
}

// A number or a list of numbers; null = none.
inline std::vector<double> read_numbers(const YAML::Node& node, const std::string& key) {
  if (is_null(node)) return {};
  if (node.IsScalar()) return {read_number(node, key)};
  if (!node.IsSequence()) throw ConfigError(key + ": expected a number or a list of numbers");
  std::vector<double> out;
  for (size_t i = 0; i < node.size(); ++i) {
    out.push_back(read_number(node[i], key + "[" + std::to_string(i) + "]"));
  }
  return out;
}

inline void emit_numbers(YAML::Emitter& e, const std::vector<double>& values) {
  if (values.empty()) {
    e << YAML::Null;
    return;
  }
  e << YAML::Flow << YAML::BeginSeq;
  for (double v : values) e << config_number(v);
  e << YAML::EndSeq;
}

inline void emit_paths(YAML::Emitter& e, const std::vector<std::string>& paths) {
  if (paths.empty())
    e << YAML::Null;
  else if (paths.size() == 1)
    e << paths[0];
  else {
    e << YAML::Flow << YAML::BeginSeq;
    for (const auto& p : paths) e << p;
    e << YAML::EndSeq;
  }
}

inline void emit_optional(YAML::Emitter& e, const std::string& s) {
  if (s.empty())
    e << YAML::Null;
  else
    e << s;
}

// A name ↔ value table for an enum-valued key; `null_value`, when set, is what null means.
template <typename E>
struct Choices {
  std::vector<std::pair<const char*, E>> names;
  std::optional<E> null_value;

  E read(const YAML::Node& node, const std::string& key) const {
    if (null_value && is_null(node)) return *null_value;
    const std::string s = read_string(node, key);
    for (const auto& [name, value] : names) {
      if (s == name) return value;
    }
    std::string expected = null_value ? "null" : "";
    for (size_t i = 0; i < names.size(); ++i) {
      expected += expected.empty() ? "" : (i + 1 == names.size() ? " or " : ", ");
      expected += names[i].first;
    }
    throw ConfigError(key + ": expected " + expected + ", got '" + s + "'");
  }
  const char* name(E value) const {
    for (const auto& [n, v] : names) {
      if (v == value) return n;
    }
    return "";
  }
};

}  // namespace logreg::yaml_values
