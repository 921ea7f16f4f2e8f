#include "logreg/app/classes.hpp"

#include <cmath>

#include "logreg/errors.hpp"

namespace logreg {

namespace {

std::string label_list(const std::vector<double>& by_value) {
  std::string s;
  int listed = 0;
  for (size_t i = 0; i < by_value.size(); ++i) {
    if (by_value[i] == 0) continue;
    if (++listed > 6) return s + ", …";
    s += (s.empty() ? "" : ", ") + std::to_string(static_cast<long>(i) - 1);
  }
  return s;
}

std::vector<std::string> index_names(int classes, bool minus_one) {
  if (minus_one) return {"-1", "1"};
  std::vector<std::string> names;
  for (int k = 0; k < classes; ++k) names.push_back(std::to_string(k));
  return names;
}

}  // namespace

ClassInfo decide_classes(Family requested, const std::vector<double>& by_value,
                         const std::string& where, std::vector<std::string> names) {
  auto rows_of = [&](long v) {
    const size_t i = static_cast<size_t>(v + 1);
    return i < by_value.size() ? by_value[i] : 0.0;
  };
  const long max_label = static_cast<long>(by_value.size()) - 2;
  const bool has_minus = rows_of(-1) > 0, has_zero = rows_of(0) > 0;
  ClassInfo info;
  if (has_minus && has_zero) {
    throw DataError(where + ": labels mix 0 and -1 (found " +
                    std::to_string(static_cast<long>(rows_of(0))) + " zeros and " +
                    std::to_string(static_cast<long>(rows_of(-1))) +
                    " minus ones); use 0/1 or -1/+1");
  }
  if (has_minus && max_label > 1) {
    throw DataError(where + ": labels mix -1 with " + (has_zero ? "0" : "classes above 1") +
                    " (found " + label_list(by_value) + "); use 0/1, -1/+1 or classes 0..K-1");
  }
  const bool binary_labels = max_label <= 1;
  if (requested == Family::Binomial || (requested == Family::Auto && binary_labels)) {
    if (!binary_labels) {
      throw ConfigError("model.family: binomial needs labels 0/1 or -1/+1, but " + where + " has " +
                        label_list(by_value) + " (use model.family: multinomial or auto)");
    }
    info.family = Family::Binomial;
    info.classes = 2;
    info.minus_one = has_minus;
    info.counts = {has_minus ? rows_of(-1) : rows_of(0), rows_of(1)};
  } else {
    if (has_minus) {
      throw DataError(where + ": label -1 is not a class (multinomial classes are 0..K-1)");
    }
    info.family = Family::Multinomial;
    info.classes = static_cast<int>(std::max(max_label + 1, 2L));
    for (long k = 0; k < info.classes; ++k) info.counts.push_back(rows_of(k));
  }
  if (names.empty() || static_cast<int>(names.size()) < info.classes) {
    names = index_names(info.classes, info.minus_one);
  }
  names.resize(static_cast<size_t>(info.classes));
  info.names = std::move(names);
  return info;
}

void map_labels(const ClassInfo& info, Vec& y) {
  if (!info.minus_one) return;
  for (Index i = 0; i < y.size(); ++i) y[i] = y[i] < 0 ? 0.0 : y[i];
}

std::vector<double> class_weight_values(const ClassWeights& weights, const ClassInfo& info) {
  if (weights.none()) return {};
  const int K = info.classes;
  std::vector<double> w(static_cast<size_t>(K), 1.0);
  if (weights.balanced) {
    // scikit-learn's n / (K · n_k) over the classes present; an empty class has no rows to weigh.
    double n = 0, present = 0;
    for (double c : info.counts) n += c, present += c > 0 ? 1 : 0;
    for (int k = 0; k < K; ++k) {
      const double c = info.counts[static_cast<size_t>(k)];
      w[static_cast<size_t>(k)] = c > 0 ? n / (present * c) : 0.0;
    }
    return w;
  }
  for (const auto& [name, value] : weights.weights) {
    int k = -1;
    for (int j = 0; j < K; ++j) {
      if (info.names[static_cast<size_t>(j)] == name) k = j;
    }
    if (k < 0) {
      std::string known;
      for (const auto& n : info.names) known += (known.empty() ? "" : ", ") + n;
      throw ConfigError("model.class_weight: no class '" + name +
                        "' in data.train (classes: " + known + ")");
    }
    w[static_cast<size_t>(k)] = value;
  }
  return w;
}

void apply_class_weights(const std::vector<double>& per_class, Shard& shard) {
  if (per_class.empty()) return;
  if (shard.weight.size() == 0) shard.weight = Vec::Ones(shard.rows());
  for (Index i = 0; i < shard.rows(); ++i) {
    shard.weight[i] *= per_class[static_cast<size_t>(shard.y[i])];
  }
}

}  // namespace logreg
