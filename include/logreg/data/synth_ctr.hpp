// `logreg_data synth --ctr`: a click log with Criteo's published schema (README, "Data tool",
// "Synthetic click logs"), as tab-separated text without a header: the label, 13 integer
// columns I1..I13 and 26 categorical columns C1..C26 of 8-hex-digit tokens. Labels are drawn
// from a known logistic model over log1p(I) and per-category effects, described with its own
// mean log-loss in OUT.truth.json, so that a trained model's log-loss can be held against it.
#pragma once

#include <cstdint>
#include <string>

#include "logreg/core/types.hpp"

namespace logreg::data {

struct CtrSynthOptions {
  Index rows = 0;
  uint64_t seed = 0;
  // Generating threads: 0 takes the hardware's (at most 8). The output is the same for any value.
  int threads = 0;

  // Throws ConfigError naming the command-line option at fault.
  void validate() const;
};

struct CtrSynthResult {
  std::string data_file, truth_file;
  double positive_rate = 0.0;
  // The generating model's mean log-loss over all rows, and over the last held_out_rows rows
  // (the last 10 %, rows / 10 of them): the best a model can score there on average.
  double log_loss = 0.0;
  double held_out_log_loss = 0.0;
  Index held_out_rows = 0;
};

// Streams the rows into `out` (constant memory) and the model into `out` + ".truth.json". Row i
// is drawn from its own random stream, so the file does not depend on the thread count.
CtrSynthResult synthesize_ctr(const std::string& out, const CtrSynthOptions& opt);

}  // namespace logreg::data
