// The model file in both families (model_io.hpp): the coefficients by family, then the
// attributes every model file carries.
#include "logreg/io/model_io.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

namespace {

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

void check_multinomial(const ModelRecord& m) {
  const Index k = m.classes;
  if (k < 2 || m.coef_matrix.rows() != k || m.intercepts.size() != k ||
      (!m.class_names.empty() && m.class_names.size() != static_cast<size_t>(k))) {
    throw std::invalid_argument(
        "write_model: a multinomial model needs classes >= 2, coef_matrix of K rows, K "
        "intercepts and no or K class names (classes " +
        std::to_string(k) + ", coef_matrix " + std::to_string(m.coef_matrix.rows()) + " x " +
        std::to_string(m.coef_matrix.cols()) + ", intercepts " +
        std::to_string(m.intercepts.size()) + ", names " + std::to_string(m.class_names.size()) +
        ")");
  }
}

std::vector<std::string> default_names(int k) {
  std::vector<std::string> names;
  for (int c = 0; c < k; ++c) names.push_back(std::to_string(c));
  return names;
}

void write_multinomial(h5::File& f, const ModelRecord& m) {
  const auto k = static_cast<hsize_t>(m.classes);
  h5::write_array(f, "coef", m.coef_matrix.data(), {k, static_cast<hsize_t>(m.coef_matrix.cols())});
  h5::write_vector(f, "intercept", m.intercepts.data(), k);
  f.write_text_attribute("/", "family", m.family);
  f.write_string_list_attribute("/", "classes",
                                m.class_names.empty() ? default_names(m.classes) : m.class_names);
}

void read_multinomial(const h5::File& f, ModelRecord& m) {
  const std::string& path = f.path();
  std::vector<hsize_t> dims;
  std::vector<double> coef = h5::read_array(f, "coef", dims);
  if (dims.size() != 2 || dims[0] < 2) {
    throw DataError(path +
                    ":/coef: a multinomial model needs coef of shape (K, d) with K >= 2, "
                    "found shape " +
                    shape_text(dims));
  }
  const auto k = static_cast<Index>(dims[0]), d = static_cast<Index>(dims[1]);
  std::vector<hsize_t> bdims;
  std::vector<double> b = h5::read_array(f, "intercept", bdims);
  if (bdims.size() != 1 || bdims[0] != dims[0]) {
    throw DataError(path + ":/intercept: a multinomial model of " + std::to_string(k) +
                    " classes needs intercept of shape (" + std::to_string(k) + ",), found shape " +
                    shape_text(bdims));
  }
  m.classes = static_cast<int>(k);
  m.coef_matrix = Eigen::Map<RowMatrix<double>>(coef.data(), k, d);
  m.intercepts = Eigen::Map<Vec>(b.data(), k);
  m.n_features = d;
  if (f.has_attribute("/", "classes")) {
    m.class_names = f.read_string_list_attribute("/", "classes");
    if (m.class_names.size() != static_cast<size_t>(k)) {
      throw DataError(path + ":/@classes: " + std::to_string(m.class_names.size()) +
                      " class names for the " + std::to_string(k) + " classes of coef");
    }
  }
}

// path_lambda (n,), path_coef (n, d) or (n, K, d), path_intercept (n,) or (n, K).
void write_path(h5::File& f, const ModelRecord& m) {
  const ModelRecord::Path& p = m.path;
  if (p.lambda.empty()) return;
  const auto n = static_cast<hsize_t>(p.lambda.size());
  const auto k = static_cast<hsize_t>(p.intercept.cols());
  const auto d = static_cast<hsize_t>(p.coef.cols()) / k;
  if (static_cast<hsize_t>(p.coef.rows()) != n || static_cast<hsize_t>(p.intercept.rows()) != n) {
    throw std::invalid_argument(
        "write_model: the path's coef and intercept need one row per lambda");
  }
  h5::write_vector(f, "path_lambda", p.lambda.data(), n);
  if (m.multinomial()) {
    h5::write_array(f, "path_coef", p.coef.data(), {n, k, d});
    h5::write_array(f, "path_intercept", p.intercept.data(), {n, k});
  } else {
    h5::write_array(f, "path_coef", p.coef.data(), {n, d});
    h5::write_vector(f, "path_intercept", p.intercept.data(), n);
  }
  f.write_text_attribute("/", "path_penalty", p.penalty);
  f.write_text_attribute("/", "path_coef_source", p.source);
}

void read_path(const h5::File& f, ModelRecord& m) {
  if (!f.has_attribute("/", "path_penalty")) return;
  ModelRecord::Path& p = m.path;
  p.penalty = f.read_string_attribute("/", "path_penalty");
  p.source = f.read_string_attribute("/", "path_coef_source");
  p.lambda = h5::read_vector(f, "path_lambda");
  const auto n = static_cast<Index>(p.lambda.size());
  std::vector<hsize_t> dims;
  std::vector<double> coef = h5::read_array(f, "path_coef", dims);
  std::vector<double> b = h5::read_array(f, "path_intercept", dims);
  const Index k = m.multinomial() ? m.classes : 1;
  if (n == 0 || static_cast<Index>(b.size()) != n * k || coef.size() % (n * k) != 0) {
    throw DataError(f.path() + ":/path_coef: shapes do not match path_lambda");
  }
  p.coef = Eigen::Map<RowMatrix<double>>(coef.data(), n, static_cast<Index>(coef.size()) / n);
  p.intercept = Eigen::Map<RowMatrix<double>>(b.data(), n, k);
}

// Dataset feature_names (d strings), when the model has names (README, "Outputs").
void write_model_feature_names(h5::File& f, const ModelRecord& m) {
  if (m.feature_names.empty()) return;
  const Index d = m.multinomial() ? m.coef_matrix.cols() : m.coef.size();
  if (static_cast<Index>(m.feature_names.size()) != d) {
    throw std::invalid_argument("write_model: " + std::to_string(m.feature_names.size()) +
                                " feature names for " + std::to_string(d) + " features");
  }
  h5::write_string_list(f, "feature_names", m.feature_names);
}

void read_model_feature_names(const h5::File& f, ModelRecord& m) {
  if (!f.exists("feature_names")) return;
  m.feature_names = h5::read_string_list(f, "feature_names");
  const Index d = m.multinomial() ? m.coef_matrix.cols() : m.coef.size();
  if (static_cast<Index>(m.feature_names.size()) != d) {
    throw DataError(f.path() + ":/feature_names: " + std::to_string(m.feature_names.size()) +
                    " names for the " + std::to_string(d) + " features of coef");
  }
}

// The inference datasets of a binomial file (README, "Outputs"): all six or none.
struct VectorField {
  const char* name;
  Vec Inference::*field;
};
struct ScalarField {
  const char* name;
  double Inference::*field;
};
constexpr VectorField kInferenceVectors[] = {{"std_error", &Inference::std_error},
                                             {"z_value", &Inference::z_value},
                                             {"p_value", &Inference::p_value}};
constexpr ScalarField kInferenceScalars[] = {
    {"intercept_std_error", &Inference::intercept_std_error},
    {"intercept_z_value", &Inference::intercept_z_value},
    {"intercept_p_value", &Inference::intercept_p_value}};

void check_inference(const ModelRecord& m) {
  if (!m.inference) return;
  bool fits = !m.multinomial();
  for (const auto& v : kInferenceVectors)
    fits = fits && ((*m.inference).*v.field).size() == m.coef.size();
  if (!fits) {
    throw std::invalid_argument(
        "write_model: inference needs a binomial model and std_error, z_value and p_value of "
        "coef's length (" +
        std::to_string(m.coef.size()) + ")");
  }
}

void write_inference(h5::File& f, const Inference& inf) {
  for (const auto& v : kInferenceVectors) {
    const Vec& x = inf.*v.field;
    h5::write_vector(f, v.name, x.data(), static_cast<hsize_t>(x.size()));
  }
  for (const auto& s : kInferenceScalars) h5::write_scalar(f, s.name, inf.*s.field);
}

std::optional<Inference> read_inference(const h5::File& f, Index d) {
  std::vector<std::string> present, missing;
  for (const auto& v : kInferenceVectors) (f.exists(v.name) ? present : missing).push_back(v.name);
  for (const auto& s : kInferenceScalars) (f.exists(s.name) ? present : missing).push_back(s.name);
  if (present.empty()) return std::nullopt;
  if (!missing.empty()) {
    throw DataError(f.path() + ":/" + missing.front() + ": missing, while " + present.front() +
                    " is there (a model has all six inference datasets or none)");
  }
  Inference inf;
  for (const auto& v : kInferenceVectors) {
    std::vector<double> x = h5::read_vector(f, v.name);
    if (static_cast<Index>(x.size()) != d) {
      throw DataError(f.path() + ":/" + v.name + ": " + std::to_string(x.size()) +
                      " entries for the " + std::to_string(d) + " of coef");
    }
    inf.*v.field = Eigen::Map<Vec>(x.data(), d);
  }
  for (const auto& s : kInferenceScalars) inf.*s.field = h5::read_scalar(f, s.name);
  return inf;
}

// The training data files as three parallel 1-D attributes (README, "Outputs").
void write_data_files(h5::File& f, const std::vector<DataFileRecord>& files) {
  if (files.empty()) return;
  std::vector<std::string> paths, fingerprints;
  std::vector<int64_t> bytes;
  for (const DataFileRecord& r : files) {
    paths.push_back(r.path);
    bytes.push_back(r.bytes);
    fingerprints.push_back(r.fingerprint);
  }
  f.write_string_list_attribute("/", "data_files", paths);
  f.write_attribute("/", "data_file_bytes", bytes);
  f.write_string_list_attribute("/", "data_file_fingerprints", fingerprints);
}

std::vector<DataFileRecord> read_data_files(const h5::File& f) {
  if (!f.has_attribute("/", "data_files")) return {};
  const std::vector<std::string> paths = f.read_string_list_attribute("/", "data_files");
  const std::vector<int64_t> bytes = f.read_int_attribute("/", "data_file_bytes");
  const std::vector<std::string> prints =
      f.read_string_list_attribute("/", "data_file_fingerprints");
  if (bytes.size() != paths.size() || prints.size() != paths.size()) {
    throw DataError(f.path() + ":/@data_files: " + std::to_string(paths.size()) + " paths but " +
                    std::to_string(bytes.size()) + " sizes and " + std::to_string(prints.size()) +
                    " fingerprints");
  }
  std::vector<DataFileRecord> out;
  for (size_t i = 0; i < paths.size(); ++i) out.push_back({paths[i], bytes[i], prints[i]});
  return out;
}

// FNV-1a, 64 bits, continued from `h`.
uint64_t fnv1a(uint64_t h, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

}  // namespace

DataFileRecord describe_data_file(const std::string& path) {
  DataFileRecord r;
  r.path = path;
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size < 0) return r;
  constexpr std::streamoff kMiB = 1 << 20;
  std::vector<unsigned char> buf(static_cast<size_t>(kMiB));
  uint64_t h = 0xcbf29ce484222325ull;
  const std::streamoff head = std::min(size, kMiB);
  const std::streamoff tail = std::min(size - head, kMiB);
  for (const auto& [at, n] : {std::pair{std::streamoff{0}, head}, std::pair{size - tail, tail}}) {
    in.seekg(at);
    if (n > 0 && !in.read(reinterpret_cast<char*>(buf.data()), n)) return r;
    h = fnv1a(h, buf.data(), static_cast<size_t>(n));
  }
  const uint64_t size_bits = static_cast<uint64_t>(size);
  unsigned char le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(size_bits >> (8 * i));
  h = fnv1a(h, le, sizeof le);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  r.bytes = static_cast<int64_t>(size);
  r.fingerprint = hex;
  return r;
}

void write_model(const std::string& path, const ModelRecord& m) {
  if (m.multinomial()) {
    check_multinomial(m);
  } else if (m.family != "binomial") {
    throw std::invalid_argument("write_model: unknown family '" + m.family + "'");
  }
  check_inference(m);
  write_hdf5_atomically(path, [&](h5::File& f) {
    if (m.multinomial()) {
      write_multinomial(f, m);
    } else {
      h5::write_vector(f, "coef", m.coef.data(), static_cast<hsize_t>(m.coef.size()));
      h5::write_scalar(f, "intercept", m.intercept);
      if (m.inference) write_inference(f, *m.inference);
    }
    f.write_attribute("/", "objective", m.objective);
    f.write_int_attribute("/", "iterations", m.iterations);
    f.write_int_attribute("/", "converged", m.converged ? 1 : 0);
    f.write_text_attribute("/", "solver", m.solver);
    f.write_text_attribute("/", "stop_reason", m.stop_reason);
    f.write_attribute("/", "l2", m.l2);
    f.write_attribute("/", "l1", m.l1);
    f.write_int_attribute("/", "n_samples", m.n_samples);
    f.write_int_attribute("/", "n_features", m.n_features);
    write_path(f, m);
    write_data_files(f, m.data_files);
    write_model_feature_names(f, m);
    for (const auto& [k, v] : m.extra) f.write_attribute("/", k, v);
    for (const auto& [k, v] : m.strings) f.write_text_attribute("/", k, v);
  });
}

ModelRecord read_model(const std::string& path) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  ModelRecord m;
  if (f.has_attribute("/", "family")) m.family = f.read_string_attribute("/", "family");
  if (m.multinomial()) {
    read_multinomial(f, m);
  } else if (m.family == "binomial") {
    auto coef = h5::read_vector(f, "coef");
    m.coef = Eigen::Map<Vec>(coef.data(), static_cast<Index>(coef.size()));
    m.intercept = h5::read_scalar(f, "intercept");
    m.n_features = m.coef.size();
    m.inference = read_inference(f, m.n_features);
  } else {
    throw DataError(path + ":/@family: unknown model family '" + m.family +
                    "' (expected binomial or multinomial)");
  }
  if (f.has_attribute("/", "objective")) m.objective = f.read_double_attribute("/", "objective");
  if (f.has_attribute("/", "iterations")) m.iterations = f.read_int_attribute("/", "iterations")[0];
  if (f.has_attribute("/", "converged")) m.converged = f.read_int_attribute("/", "converged")[0];
  if (f.has_attribute("/", "solver")) m.solver = f.read_string_attribute("/", "solver");
  if (f.has_attribute("/", "stop_reason")) {
    m.stop_reason = f.read_string_attribute("/", "stop_reason");
  }
  if (f.has_attribute("/", "l2")) m.l2 = f.read_double_attribute("/", "l2");
  if (f.has_attribute("/", "l1")) m.l1 = f.read_double_attribute("/", "l1");
  if (f.has_attribute("/", "n_samples")) m.n_samples = f.read_int_attribute("/", "n_samples")[0];
  read_path(f, m);
  m.data_files = read_data_files(f);
  read_model_feature_names(f, m);
  return m;
}

std::vector<double> ModelRecord::theta() const {
  std::vector<double> t;
  if (!multinomial()) {
    t.assign(coef.data(), coef.data() + coef.size());
    t.push_back(intercept);
    return t;
  }
  for (Index k = 0; k < coef_matrix.rows(); ++k) {
    for (Index j = 0; j < coef_matrix.cols(); ++j) t.push_back(coef_matrix(k, j));
  }
  t.insert(t.end(), intercepts.data(), intercepts.data() + intercepts.size());
  return t;
}

}  // namespace logreg
