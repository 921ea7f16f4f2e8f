// `logreg_data synth`: data drawn from a known logistic model θ* = (w*, b*), stored beside the
// data as `true_coef` (d,) and `true_intercept` () so that tests and demos can check recovery;
// with K ≥ 3 classes, from a softmax model (W*, b*) stored as `true_coef` (K, d) and
// `true_intercept` (K,), labels 0..K-1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "logreg/io/dataset.hpp"

namespace logreg::data {

struct SynthOptions {
  Index rows = 0;
  Index features = 0;
  double density = 1.0;  // < 1: CSR, each entry present independently with this probability
  uint64_t seed = 0;
  int shards = 1;
  Precision dtype = Precision::Float64;
  int classes = 2;  // 2: binary (logistic); K ≥ 3: softmax over K classes

  // Throws ConfigError naming the command-line option at fault.
  void validate() const;
  bool sparse() const { return density < 1.0; }
};

// The most classes synth draws (and convert takes as string labels).
constexpr int kMaxSynthClasses = 65536;

struct TrueModel {
  int classes = 2;
  // Entries ~ N(0, 1) / sqrt(expected non-zeros per row), so margins are O(1): w* (d) for 2
  // classes, W* (K × d, row-major) for K ≥ 3.
  std::vector<double> coef;
  double intercept = 0.0;          // 2 classes: b* ~ N(0, 0.5²)
  std::vector<double> intercepts;  // K ≥ 3 classes: b*_k ~ N(0, 0.5²)
};

// θ* for these options; depends on seed, features, density and classes only.
TrueModel draw_true_model(const SynthOptions& opt);

struct SynthResult {
  std::vector<std::string> files;  // written, in row order
  int64_t nnz = 0;                 // stored entries (dense: rows × features)
};

// Streams the data set into `out` (or opt.shards files derived from it).
// Row i is drawn from its own random stream, so the concatenated rows are the same for any
// shard count: x ~ N(0, 1) (CSR: entry present with probability density, value N(0, 1)),
// y ~ Bernoulli(σ(x·w* + b*)), or with K ≥ 3 classes y ~ Categorical(softmax(W* x + b*)). X
// does not depend on the class count.
SynthResult synthesize(const std::string& out, const SynthOptions& opt);

}  // namespace logreg::data
