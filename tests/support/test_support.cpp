#include "test_support.hpp"

#include <unistd.h>

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <numeric>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "logreg/core/logistic.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& tag) {
  static int counter = 0;
  path_ = std::string(LOGREG_BINARY_DIR) + "/test_tmp/" + tag + "_" + std::to_string(::getpid()) +
          "_" + std::to_string(counter++);
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

void write_labels(h5::File& f, const Vec& y, const Vec* weights) {
  h5::write_vector(f, "y", y.data(), static_cast<hsize_t>(y.size()));
  if (weights) h5::write_vector(f, "w", weights->data(), static_cast<hsize_t>(weights->size()));
}

}  // namespace

void write_dense_h5(const std::string& path, const RowMatrix<double>& X, const Vec& y,
                    const Vec* weights) {
  h5::File f(path, h5::File::Mode::Truncate);
  auto ds = f.create_dataset("X", H5T_IEEE_F64LE,
                             {static_cast<hsize_t>(X.rows()), static_cast<hsize_t>(X.cols())});
  ds.write_rows(0, static_cast<hsize_t>(X.rows()), H5T_NATIVE_DOUBLE, X.data());
  write_labels(f, y, weights);
}

void write_csr_h5(const std::string& path, const RowMatrix<double>& X, const Vec& y,
                  const Vec* weights) {
  std::vector<double> data;
  std::vector<int64_t> indices, indptr{0};
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) {
      if (X(i, j) != 0.0) {
        data.push_back(X(i, j));
        indices.push_back(j);
      }
    }
    indptr.push_back(static_cast<int64_t>(data.size()));
  }
  h5::File f(path, h5::File::Mode::Truncate);
  f.create_group("X");
  h5::write_vector(f, "X/data", data.data(), data.size());
  auto idx = f.create_dataset("X/indices", H5T_STD_I64LE, {indices.size()});
  idx.write_rows(0, indices.size(), H5T_NATIVE_INT64, indices.data());
  auto ptr = f.create_dataset("X/indptr", H5T_STD_I64LE, {indptr.size()});
  ptr.write_rows(0, indptr.size(), H5T_NATIVE_INT64, indptr.data());
  f.write_attribute("X", "shape", std::vector<int64_t>{X.rows(), X.cols()});
  write_labels(f, y, weights);
}

void random_problem(Index n, Index d, unsigned seed, RowMatrix<double>& X, Vec& y) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  Vec w(d);
  for (Index j = 0; j < d; ++j) w[j] = normal(rng);
  const double b = 0.3;
  X.resize(n, d);
  y.resize(n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) X(i, j) = normal(rng);
    const double p = 1.0 / (1.0 + std::exp(-(X.row(i).dot(w) + b)));
    y[i] = uni(rng) < p ? 1.0 : 0.0;
  }
}

Shard dense_shard(const RowMatrix<double>& X, const Vec& y, const Vec* weights) {
  Shard s;
  s.X = DenseMatrix<double>(X);
  s.y = y;
  if (weights) s.weight = *weights;
  s.features = X.cols();
  return s;
}

void read_csv(const std::string& path, RowMatrix<double>& X, Vec& y) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  const Index n = static_cast<Index>(rows.size());
  const Index d = static_cast<Index>(rows.at(0).size()) - 1;
  X.resize(n, d);
  y.resize(n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) X(i, j) = rows[i][j];
    y[i] = rows[i][d];
  }
}

void standardize_columns(RowMatrix<double>& X) {
  for (Index j = 0; j < X.cols(); ++j) {
    const double mean = X.col(j).mean();
    const double sd = std::sqrt((X.col(j).array() - mean).square().mean());
    X.col(j) = (X.col(j).array() - mean) / (sd > 0 ? sd : 1.0);
  }
}

double reference_objective(const RowMatrix<double>& X, const Vec& y, const Vec& theta, double l2,
                           double l1, const Vec* weights) {
  const Index d = X.cols();
  double total = 0.0, wsum = 0.0;
  for (Index i = 0; i < X.rows(); ++i) {
    const double z = X.row(i).dot(theta.head(d)) + theta[d];
    // log(1+e^z) - y z, written stably
    const double l = (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - y[i] * z;
    const double s = weights ? (*weights)[i] : 1.0;
    total += s * l;
    wsum += s;
  }
  return total / wsum + 0.5 * l2 * theta.head(d).squaredNorm() + l1 * theta.head(d).lpNorm<1>();
}

Vec newton_reference(const RowMatrix<double>& X, const Vec& y, double l2, bool fit_intercept,
                     const Vec* weights) {
  const Index n = X.rows(), d = X.cols(), m = fit_intercept ? d + 1 : d;
  Eigen::MatrixXd A(n, m);
  A.leftCols(d) = X;
  if (fit_intercept) A.col(d).setOnes();
  Vec s = weights ? *weights : Vec::Ones(n);
  const double S = s.sum();
  Vec t = Vec::Zero(m);
  for (int it = 0; it < 100; ++it) {
    Vec z = A * t;
    Vec p = z.unaryExpr([](double v) { return 1.0 / (1.0 + std::exp(-v)); });
    Vec g = A.transpose() * (s.array() * (p - y).array()).matrix() / S;
    g.head(d) += l2 * t.head(d);
    Vec D = s.array() * p.array() * (1.0 - p.array()) / S;
    Eigen::MatrixXd H = A.transpose() * D.asDiagonal() * A;
    H.diagonal().head(d).array() += l2;
    Vec step = H.ldlt().solve(g);
    t -= step;
    if (g.lpNorm<Eigen::Infinity>() < 1e-15) break;
  }
  Vec theta = Vec::Zero(d + 1);
  theta.head(m) = t;
  return theta;
}

double mean_log_loss_from_margins(ConstVecRef z, ConstVecRef y) {
  if (z.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  for (Index i = 0; i < z.size(); ++i) total += logistic_loss(z[i], y[i]);
  return total / static_cast<double>(z.size());
}

double accuracy(ConstVecRef p, ConstVecRef y) {
  if (p.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  Index right = 0;
  for (Index i = 0; i < p.size(); ++i) right += ((p[i] > 0.5) == (y[i] > 0.5));
  return static_cast<double>(right) / static_cast<double>(p.size());
}

double roc_auc(ConstVecRef p, ConstVecRef y) {
  const Index n = p.size();
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](Index a, Index b) { return p[a] < p[b]; });
  // Sum of positive ranks with average ranks for ties.
  double rank_sum = 0.0, positives = 0.0;
  for (Index i = 0; i < n;) {
    Index j = i;
    while (j < n && p[order[j]] == p[order[i]]) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + j + 1);  // ranks are 1-based
    for (Index k = i; k < j; ++k) {
      if (y[order[k]] > 0.5) rank_sum += avg_rank, positives += 1;
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

ClassData read_class_fixture(const std::string& name) {
  h5::File f(std::string(LOGREG_FIXTURES) + "/multinomial/" + name + ".h5",
             h5::File::Mode::ReadOnly);
  ClassData d;
  h5::Dataset ds = f.open_dataset("X");
  const auto shape = ds.shape();
  d.X.resize(static_cast<Index>(shape[0]), static_cast<Index>(shape[1]));
  ds.read_all(H5T_NATIVE_DOUBLE, d.X.data());
  const std::vector<double> y = h5::read_vector(f, "y");
  d.y = Eigen::Map<const Vec>(y.data(), static_cast<Index>(y.size()));
  d.K = static_cast<int>(f.read_int_attribute("/", "classes").at(0));
  return d;
}

Shard row_block(const RowMatrix<double>& X, const Vec& y, Index lo, Index hi, bool csr) {
  const RowMatrix<double> rows = X.middleRows(lo, hi - lo);
  const Vec labels = y.segment(lo, hi - lo);
  Shard s =
      csr ? shard_as<CsrMatrix<double>>(rows, labels) : shard_as<DenseMatrix<double>>(rows, labels);
  s.row_offset = lo;
  s.features = X.cols();
  return s;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace logreg::test
