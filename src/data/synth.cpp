#include "logreg/data/synth.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "logreg/data/random.hpp"
#include "logreg/data/row_batch.hpp"
#include "logreg/data/shard_writer.hpp"
#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

constexpr uint64_t kModelStream = 1;
constexpr uint64_t kRowStream = 2;
// Entries generated per batch handed to the writer (~8 MB of values).
constexpr int64_t kBatchEntries = 1 << 20;

double expected_nnz_per_row(const SynthOptions& opt) {
  return static_cast<double>(opt.features) * opt.density;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Rows [row0, row0 + count) into `batch`. Values are rounded to the stored precision before
// the label is drawn, so y follows the model exactly for the X that is written.
void generate_rows(const SynthOptions& opt, const TrueModel& model, Index row0, Index count,
                   RowBatch& batch) {
  const bool f32 = opt.dtype == Precision::Float32;
  auto stored = [f32](double v) { return f32 ? static_cast<double>(static_cast<float>(v)) : v; };
  const double* w = model.coef.data();
  const Index d = opt.features;
  if (!opt.sparse()) {
    batch.dense.resize(static_cast<size_t>(count * d));
    for (Index i = 0; i < count; ++i) {
      Rng rng(opt.seed, kRowStream, static_cast<uint64_t>(row0 + i));
      double* x = batch.dense.data() + i * d;
      double z = model.intercept;
      for (Index j = 0; j < d; ++j) {
        x[j] = stored(rng.normal());
        z += x[j] * w[j];
      }
      batch.labels.push_back(rng.uniform() < sigmoid(z) ? 1.0 : 0.0);
    }
    return;
  }
  // Gaps between present entries are geometric, which yields sorted distinct column ids in
  // O(non-zeros) per row, the same distribution as d independent Bernoulli(density) draws.
  const double log_q = std::log1p(-opt.density);
  for (Index i = 0; i < count; ++i) {
    Rng rng(opt.seed, kRowStream, static_cast<uint64_t>(row0 + i));
    double z = model.intercept;
    double col = -1.0;
    while (true) {
      col += 1.0 + std::floor(std::log(rng.uniform()) / log_q);
      if (col >= static_cast<double>(d)) break;
      const auto j = static_cast<int32_t>(col);
      const double v = stored(rng.normal());
      batch.indices.push_back(j);
      batch.values.push_back(v);
      z += v * w[j];
    }
    batch.indptr.push_back(static_cast<int64_t>(batch.values.size()));
    batch.labels.push_back(rng.uniform() < sigmoid(z) ? 1.0 : 0.0);
  }
}

}  // namespace

void SynthOptions::validate() const {
  if (rows <= 0) {
    throw ConfigError("--rows: must be a positive integer (got " + std::to_string(rows) + ")");
  }
  if (features <= 0) {
    throw ConfigError("--features: must be a positive integer (got " + std::to_string(features) +
                      ")");
  }
  if (features > std::numeric_limits<int32_t>::max()) {
    throw ConfigError("--features: at most 2147483647 features are supported (got " +
                      std::to_string(features) + ")");
  }
  if (!(density > 0.0 && density <= 1.0)) {
    std::ostringstream os;
    os << "--density: must be in (0, 1] (got " << density << ")";
    throw ConfigError(os.str());
  }
  if (shards < 1 || shards > rows) {
    throw ConfigError("--shards: must be between 1 and --rows (" + std::to_string(rows) +
                      "), got " + std::to_string(shards));
  }
}

TrueModel draw_true_model(const SynthOptions& opt) {
  TrueModel m;
  Rng rng(opt.seed, kModelStream, 0);
  const double scale = 1.0 / std::sqrt(std::max(1.0, expected_nnz_per_row(opt)));
  m.coef.resize(static_cast<size_t>(opt.features));
  for (double& w : m.coef) w = rng.normal() * scale;
  m.intercept = 0.5 * rng.normal();
  return m;
}

SynthResult synthesize(const std::string& out, const SynthOptions& opt) {
  opt.validate();
  const TrueModel model = draw_true_model(opt);
  const double per_row =
      opt.sparse() ? expected_nnz_per_row(opt) : static_cast<double>(opt.features);
  SizeHint hint;
  hint.rows = opt.rows;
  // Mean plus a generous margin; only sizes chunks.
  hint.nnz = static_cast<int64_t>(static_cast<double>(opt.rows) * per_row * 1.05) + 1024;
  ShardWriter writer({out, opt.shards, opt.sparse(), opt.dtype}, opt.rows, opt.features, hint);
  writer.add_vector("true_coef", model.coef);
  writer.add_scalar("true_intercept", model.intercept);

  const Index batch_rows =
      std::max<Index>(1, static_cast<Index>(kBatchEntries / std::max(1.0, per_row)));
  RowBatch batch(opt.sparse(), opt.features);
  for (Index row0 = 0; row0 < opt.rows; row0 += batch_rows) {
    batch.clear();
    generate_rows(opt, model, row0, std::min(batch_rows, opt.rows - row0), batch);
    writer.append(batch);
  }
  SynthResult result;
  result.files = writer.finish(opt.features);
  result.nnz = writer.nnz();
  return result;
}

}  // namespace logreg::data
