// The model file (README, "Outputs"). Binomial: coef (d,), scalar intercept, and with inference
// std_error, z_value, p_value (d,) and the scalars intercept_std_error, intercept_z_value,
// intercept_p_value. Multinomial (K classes): coef (K, d), intercept (K,), attributes family =
// "multinomial" and classes (K strings). Both carry the attributes describing the fit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "logreg/core/information.hpp"
#include "logreg/core/types.hpp"

namespace logreg {

// A training data file as the model records it: its path, size in bytes and a fingerprint, the
// 64-bit FNV-1a hash of its first MiB, its last MiB (the whole file when smaller than 2 MiB) and
// its size, as 16 hex digits. A file that cannot be read at write time has bytes −1 and an empty
// fingerprint.
struct DataFileRecord {
  std::string path;
  int64_t bytes = -1;
  std::string fingerprint;
};
DataFileRecord describe_data_file(const std::string& path);

struct ModelRecord {
  std::string family = "binomial";  // "binomial" or "multinomial"
  int classes = 0;                  // K for multinomial; 0 for binomial
  Vec coef;                         // binomial: w (d)
  double intercept = 0.0;           // binomial: b
  RowMatrix<double> coef_matrix;    // multinomial: W (K × d)
  Vec intercepts;                   // multinomial: b (K)
  // Multinomial: the original label of each class, as text ("0", "1", ... or the strings of a
  // string label column). Empty when writing means "0".."K−1", written as such (and so read back).
  std::vector<std::string> class_names;
  // The name of each feature (d), from the training data's `feature_names`; empty: unnamed (no
  // dataset in the file).
  std::vector<std::string> feature_names;
  // Binomial only: the standard errors, z and p-values of coef (d each) and of the intercept
  // (NaN without one); absent, the file has none of their datasets.
  std::optional<Inference> inference;
  double objective = 0.0;
  int iterations = 0;
  bool converged = false;
  std::string solver;
  std::string stop_reason;
  double l2 = 0.0;
  double l1 = 0.0;
  Index n_samples = 0;
  Index n_features = 0;
  // A regularization path (README, "Regularization path and cross-validation"): per fit its
  // penalty value, coefficients and intercepts in fitting order. Empty `lambda`: none.
  struct Path {
    std::string penalty;          // "l2" or "l1": the penalty swept
    std::string source;           // what the coefficients are ("fit on all rows", ...)
    std::vector<double> lambda;   // n
    RowMatrix<double> coef;       // n × (K·d), K = 1 for a binomial model
    RowMatrix<double> intercept;  // n × K
  } path;
  // The training data files (README, "Outputs": data_files, data_file_bytes,
  // data_file_fingerprints), in row order; empty in a model written before they were recorded.
  std::vector<DataFileRecord> data_files;
  std::map<std::string, double> extra;         // further numeric attributes (e.g. test metrics)
  std::map<std::string, std::string> strings;  // further string attributes

  bool multinomial() const { return family == "multinomial"; }
  // θ in the training layout: [w; b] (d+1), or W row by row then b (K·(d+1)).
  std::vector<double> theta() const;
};

// Writes atomically (temporary file, fsync, rename): a failure leaves any previous file intact.
// A binomial record writes exactly the datasets and attributes it always has (no `family`), plus
// the inference datasets when it carries them (std_error, z_value and p_value of coef's length,
// std::invalid_argument otherwise). A multinomial one needs classes ≥ 2, coef_matrix K × d,
// intercepts of K, class_names empty or of K, and no inference (std::invalid_argument otherwise);
// empty names are written as "0".."K−1".
void write_model(const std::string& path, const ModelRecord& model);

// Reads either family (no `family` attribute: binomial) and checks the shapes: DataError naming
// the file and dataset when coef, intercept or classes do not fit the family, or when a binomial
// file has some of the inference datasets but not all, or of another length than coef.
ModelRecord read_model(const std::string& path);

}  // namespace logreg
