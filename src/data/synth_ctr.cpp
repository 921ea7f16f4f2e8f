#include "logreg/data/synth_ctr.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <sstream>
#include <thread>
#include <vector>

#include "logreg/data/random.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg::data {

namespace {

constexpr int kIntegers = 13;
constexpr int kCategories = 26;
constexpr uint64_t kCtrModelStream = 11;
constexpr uint64_t kCtrRowStream = 12;
constexpr uint64_t kCtrEffectStream = 13;
constexpr Index kChunkRows = 1 << 16;  // rows a thread draws between writes
constexpr int kTabled = 1024;          // the most frequent categories' effects are tabled
constexpr double kZipf = 1.1;          // P(rank r) ∝ r^-1.1

struct IntegerColumn {
  double mu = 0, sigma = 0;  // a count is floor(exp(mu + sigma z)) - 1, at least 0
  double missing = 0;
  double coef = 0;  // on log1p(count)
};

struct CategoryColumn {
  int64_t cardinality = 0;
  double zipf_span = 0;  // (cardinality + 1)^(1 - kZipf) - 1, for zipf_rank
  double missing = 0;
  double effect_sd = 0;
  std::vector<double> head;  // effects of ranks 1..kTabled
};

// The generating model; every number follows from the seed.
struct CtrModel {
  uint64_t seed = 0;
  double intercept = 0;
  std::array<IntegerColumn, kIntegers> integers;
  std::array<CategoryColumn, kCategories> categories;

  // Category rank r of column c: its token and its effect on the margin.
  uint32_t token(int c, int64_t r) const {
    return static_cast<uint32_t>(mix64(seed ^ mix64((uint64_t(c) << 40) ^ uint64_t(r))) >> 32);
  }
  double effect(int c, int64_t r) const {
    const CategoryColumn& col = categories[static_cast<size_t>(c)];
    if (r <= kTabled) return col.head[static_cast<size_t>(r - 1)];
    Rng rng(seed, kCtrEffectStream, (uint64_t(c) << 40) ^ uint64_t(r));
    return col.effect_sd * rng.normal();
  }
};

// Spreads cardinalities over 10..10^6 and missing rates over 5..45 % in a mixed column order,
// as in Criteo's data; low-cardinality columns carry strong effects, the long tails weak ones
// (rare categories cannot be learned from a sample anyway).
CtrModel make_model(uint64_t seed) {
  CtrModel m;
  m.seed = seed;
  Rng rng(seed, kCtrModelStream, 0);
  double mean_margin = 0;
  for (int j = 0; j < kIntegers; ++j) {
    IntegerColumn& c = m.integers[static_cast<size_t>(j)];
    c.mu = 0.5 + 2.5 * rng.uniform();
    c.sigma = 0.8 + 0.8 * rng.uniform();
    c.missing = 0.05 + 0.40 * ((j * 7) % 13) / 12.0;
    c.coef = 0.15 * rng.normal();
    mean_margin += c.coef * c.mu * (1 - c.missing);
  }
  for (int k = 0; k < kCategories; ++k) {
    CategoryColumn& c = m.categories[static_cast<size_t>(k)];
    const double decades = 1.0 + 5.0 * ((k * 11) % 26) / 25.0;
    c.cardinality = static_cast<int64_t>(std::llround(std::pow(10.0, decades)));
    c.zipf_span = std::pow(static_cast<double>(c.cardinality) + 1.0, 1.0 - kZipf) - 1.0;
    c.missing = k < 13 ? 0.0 : 0.05 + 0.40 * ((k * 5) % 13) / 12.0;
    c.effect_sd = c.cardinality <= 100     ? 0.5
                  : c.cardinality <= 1000  ? 0.25
                  : c.cardinality <= 10000 ? 0.1
                                           : 0.05;
    for (int r = 1; r <= kTabled; ++r) {
      Rng er(seed, kCtrEffectStream, (uint64_t(k) << 40) ^ uint64_t(r));
      c.head.push_back(c.effect_sd * er.normal());
    }
  }
  m.intercept = -1.1 - mean_margin;  // a click rate of about 25 %
  return m;
}

// A rank in 1..n of column c with P(r) ∝ r^-kZipf, drawn by inverting the continuous (bounded
// Pareto) approximation on [1, n + 1).
int64_t zipf_rank(double u, const CategoryColumn& c) {
  const double x = std::pow(c.zipf_span * u + 1.0, 1.0 / (1.0 - kZipf));
  return std::clamp<int64_t>(static_cast<int64_t>(x), 1, c.cardinality);
}

// log(1 + e^z), exact for large |z|.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

struct ChunkResult {
  std::string text;
  double loss = 0, held_out_loss = 0;
  Index positives = 0;
};

// Rows [row0, row0 + count) as text, with the model's log-loss on them (rows >= held_out_from
// counted apart).
void draw_rows(const CtrModel& m, Index row0, Index count, Index held_out_from, ChunkResult& r) {
  static constexpr char kHex[] = "0123456789abcdef";
  char line[1024];
  r.text.clear();
  r.loss = r.held_out_loss = 0;
  r.positives = 0;
  for (Index i = row0; i < row0 + count; ++i) {
    Rng rng(m.seed, kCtrRowStream, static_cast<uint64_t>(i));
    double z = m.intercept;
    char* p = line + 1;  // the label goes first, once drawn
    for (const IntegerColumn& c : m.integers) {
      *p++ = '\t';
      const double u = rng.uniform(), g = rng.normal();
      if (u < c.missing) continue;
      const auto v = std::max<int64_t>(0, static_cast<int64_t>(std::exp(c.mu + c.sigma * g)) - 1);
      z += c.coef * std::log1p(static_cast<double>(v));
      p = std::to_chars(p, line + sizeof line, v).ptr;
    }
    for (int k = 0; k < kCategories; ++k) {
      const CategoryColumn& c = m.categories[static_cast<size_t>(k)];
      *p++ = '\t';
      const double u = rng.uniform(), w = rng.uniform();
      if (u < c.missing) continue;
      const int64_t rank = zipf_rank(w, c);
      z += m.effect(k, rank);
      const uint32_t t = m.token(k, rank);
      for (int s = 28; s >= 0; s -= 4) *p++ = kHex[(t >> s) & 15u];
    }
    *p++ = '\n';
    const bool click = rng.uniform() * (1.0 + std::exp(-z)) < 1.0;  // u < σ(z)
    line[0] = click ? '1' : '0';
    const double loss = click ? softplus(-z) : softplus(z);
    r.loss += loss;
    if (i >= held_out_from) r.held_out_loss += loss;
    r.positives += click;
    r.text.append(line, static_cast<size_t>(p - line));
  }
}

std::string truth_json(const CtrModel& m, const CtrSynthOptions& opt, const CtrSynthResult& r) {
  std::ostringstream os;
  os.precision(17);
  os << "{\n  \"schema\": \"label, I1..I13, C1..C26; tab-separated, no header; empty cell = "
        "missing\",\n  \"rows\": "
     << opt.rows << ",\n  \"seed\": " << opt.seed << ",\n  \"model\": \"P(label = 1) = "
     << "sigmoid(intercept + sum_j coef_j * log1p(I_j) + sum_k effect_k(C_k)); a missing cell "
        "adds 0\",\n  \"intercept\": "
     << m.intercept << ",\n  \"integers\": [\n";
  for (int j = 0; j < kIntegers; ++j) {
    const IntegerColumn& c = m.integers[static_cast<size_t>(j)];
    os << "    {\"name\": \"I" << j + 1 << "\", \"coef\": " << c.coef
       << ", \"missing\": " << c.missing << ", \"value\": \"max(0, floor(exp(" << c.mu << " + "
       << c.sigma << " * N(0,1))) - 1)\"}" << (j + 1 < kIntegers ? ",\n" : "\n");
  }
  os << "  ],\n  \"categories\": [\n";
  for (int k = 0; k < kCategories; ++k) {
    const CategoryColumn& c = m.categories[static_cast<size_t>(k)];
    os << "    {\"name\": \"C" << k + 1 << "\", \"cardinality\": " << c.cardinality
       << ", \"zipf_exponent\": " << kZipf << ", \"missing\": " << c.missing
       << ", \"effect_sd\": " << c.effect_sd << "}" << (k + 1 < kCategories ? ",\n" : "\n");
  }
  os << "  ],\n  \"positive_rate\": " << r.positive_rate << ",\n  \"log_loss\": " << r.log_loss
     << ",\n  \"held_out_rows\": " << r.held_out_rows
     << ",\n  \"held_out_first_row\": " << opt.rows - r.held_out_rows + 1
     << ",\n  \"held_out_log_loss\": " << r.held_out_log_loss << "\n}\n";
  return os.str();
}

}  // namespace

void CtrSynthOptions::validate() const {
  if (rows <= 0) {
    throw ConfigError("--rows: must be a positive integer (got " + std::to_string(rows) + ")");
  }
  if (threads < 0) {
    throw ConfigError("threads: must be 0 (automatic) or positive (got " + std::to_string(threads) +
                      ")");
  }
}

CtrSynthResult synthesize_ctr(const std::string& out, const CtrSynthOptions& opt) {
  opt.validate();
  CtrSynthResult result{out, out + ".truth.json"};
  FileRoles roles;
  roles.output("output", result.data_file);
  roles.output("truth file", result.truth_file);
  roles.check();
  const CtrModel model = make_model(opt.seed);
  const int threads = opt.threads > 0
                          ? opt.threads
                          : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
  result.held_out_rows = opt.rows / 10;
  const Index held_out_from = opt.rows - result.held_out_rows;
  AtomicTextFile data(result.data_file, result.data_file + ": cannot write: ");
  std::vector<ChunkResult> chunks(static_cast<size_t>(threads));
  double loss = 0, held_out_loss = 0;
  Index positives = 0;
  // Rounds of one chunk per thread, written in row order: memory stays threads × a chunk.
  for (Index row0 = 0; row0 < opt.rows; row0 += kChunkRows * threads) {
    std::vector<std::thread> pool;
    const auto run = [&](int t) {
      const Index first = row0 + kChunkRows * t;
      const Index count = std::clamp<Index>(opt.rows - first, 0, kChunkRows);
      draw_rows(model, first, count, held_out_from, chunks[static_cast<size_t>(t)]);
    };
    for (int t = 1; t < threads; ++t) pool.emplace_back(run, t);
    run(0);
    for (std::thread& th : pool) th.join();
    for (const ChunkResult& c : chunks) {
      data.write(c.text);
      loss += c.loss;
      held_out_loss += c.held_out_loss;
      positives += c.positives;
    }
  }
  const auto n = static_cast<double>(opt.rows);
  result.positive_rate = static_cast<double>(positives) / n;
  result.log_loss = loss / n;
  result.held_out_log_loss =
      result.held_out_rows > 0 ? held_out_loss / static_cast<double>(result.held_out_rows) : 0.0;
  AtomicTextFile truth(result.truth_file, result.truth_file + ": cannot write: ");
  truth.write(truth_json(model, opt, result));
  data.commit();
  truth.commit();
  return result;
}

}  // namespace logreg::data
